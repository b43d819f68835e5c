"""The read-only autopilot: scan a repository for gaps, propose a plan, run only safe actions,
and leave schema-validated JSON artifacts in a run directory.

Submodules are imported by the commands that need them; importing this package costs nothing.
"""

"""Reporters: one module per output format, each `render(findings, rules, color=False) -> str`.

A reporter never decides anything; findings arrive already sorted.
"""

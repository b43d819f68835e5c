"""autopack: mechanical, deterministic, offline enforcement for repositories.

Importing the package must stay cheap: hooks start a new process on every commit.
"""

__version__ = "0.1.0"

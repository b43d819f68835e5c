"""`python -m autopack` is the `autopack` command."""

from autopack.cli import main

raise SystemExit(main())

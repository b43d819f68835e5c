"""`python -m autopack.debug_guard FILE...`."""

from autopack.debug_guard import main

raise SystemExit(main())

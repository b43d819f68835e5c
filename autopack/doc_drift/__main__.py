"""`python -m autopack.doc_drift`: the `autopack-doc-drift` hook."""

from autopack.doc_drift import main

raise SystemExit(main())

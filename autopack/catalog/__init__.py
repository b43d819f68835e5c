"""The model catalog: validated config files → routable entries, selection and a snapshot.

Importing this package is cheap; the names below load their modules on first use, and yaml and
jsonschema are imported only when files are actually validated.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ESCALATION_ORDER": "autopack.catalog.model",
    "SEED_CATALOG": "autopack.catalog.model",
    "ModelCatalogEntry": "autopack.catalog.model",
    "NoCandidateError": "autopack.catalog.model",
    "select_model": "autopack.catalog.model",
    "routing_snapshot": "autopack.catalog.model",
    "CatalogError": "autopack.catalog.loader",
    "load_model_catalog": "autopack.catalog.loader",
    "load_catalog_or_seed": "autopack.catalog.loader",
}

__all__ = [
    "ESCALATION_ORDER",
    "SEED_CATALOG",
    "CatalogError",
    "ModelCatalogEntry",
    "NoCandidateError",
    "load_catalog_or_seed",
    "load_model_catalog",
    "routing_snapshot",
    "select_model",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'autopack.catalog' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return __all__

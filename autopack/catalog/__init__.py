"""The model catalog: validated config files → routable entries, selection and a snapshot.

Importing this package is cheap; the names below load their modules on first use, and yaml and
jsonschema are imported only when files are actually validated.
"""

from __future__ import annotations

from autopack.lazy import lazy_exports

_EXPORTS = {
    "ESCALATION_ORDER": "model",
    "SEED_CATALOG": "model",
    "ModelCatalogEntry": "model",
    "NoCandidateError": "model",
    "select_model": "model",
    "routing_snapshot": "model",
    "CatalogError": "loader",
    "load_model_catalog": "loader",
    "load_catalog_or_seed": "loader",
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


__getattr__ = lazy_exports(__name__, _EXPORTS)


def __dir__() -> list[str]:
    return __all__

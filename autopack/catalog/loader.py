"""The catalog for routing: load the configured files, or fall back to the seed catalog."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from autopack.catalog.model import ESCALATION_ORDER, SEED_CATALOG, ModelCatalogEntry
from autopack.catalog.validate import DEFAULT_MAX_SIZE, CatalogFile, validate_catalog
from autopack.findings import Finding

DEFAULT_MODELS_PATH = "config/models.yaml"
DEFAULT_PRICING_PATH = "config/pricing.yaml"

logger = logging.getLogger("autopack.catalog")

PathLike = str | os.PathLike[str]


class CatalogError(ValueError):
    """The configured catalog cannot be used; `findings` are its errors (as the hook reports them)."""

    def __init__(self, findings: Sequence[Finding], unusable: dict[str, str]) -> None:
        self.findings = list(findings)
        self.unusable = dict(unusable)
        first = self.findings[0]
        super().__init__(_where(first) + f": {first.message}" + (f" (and {len(self.findings) - 1} more)" if len(self.findings) > 1 else ""))

    @property
    def reason(self) -> str:
        """Why, in the terms of the seed's contract: missing, unreadable or invalid."""
        kinds = set(self.unusable.values())
        for kind in ("missing", "unreadable"):
            if kind in kinds:
                return kind
        return "invalid"


def _where(finding: Finding) -> str:
    parts = [finding.path, *(str(n) for n in (finding.line, finding.column) if n)]
    return ":".join(parts)


def _default_paths(models_path: PathLike | None, pricing_path: PathLike | None) -> tuple[Path, Path]:
    """Paths as given; unset ones are the defaults under the repository containing the cwd."""
    if models_path is not None and pricing_path is not None:
        return Path(models_path), Path(pricing_path)
    from autopack.files import find_root

    root = find_root(Path.cwd())
    return (
        Path(models_path) if models_path is not None else root / DEFAULT_MODELS_PATH,
        Path(pricing_path) if pricing_path is not None else root / DEFAULT_PRICING_PATH,
    )


def load_model_catalog(
    models_path: PathLike | None = None,
    pricing_path: PathLike | None = None,
    *,
    required_tiers: Sequence[str] = ESCALATION_ORDER,
    max_size: int = DEFAULT_MAX_SIZE,
) -> list[ModelCatalogEntry]:
    """The catalog the two files describe, sorted by tier order, then cost, then id.

    Raises CatalogError when the hook would report an error for these files."""
    models, pricing = _default_paths(models_path, pricing_path)
    result = validate_catalog(
        CatalogFile(models, str(models), "models"),
        CatalogFile(pricing, str(pricing), "pricing"),
        required_tiers=required_tiers,
        max_size=max_size,
    )
    if result.errors:
        raise CatalogError(result.errors, result.unusable)
    return result.entries


def load_catalog_or_seed(
    models_path: PathLike | None = None,
    pricing_path: PathLike | None = None,
    *,
    required_tiers: Sequence[str] = ESCALATION_ORDER,
    max_size: int = DEFAULT_MAX_SIZE,
) -> list[ModelCatalogEntry]:
    """`load_model_catalog`, or SEED_CATALOG with a logged warning naming the file and the reason."""
    try:
        return load_model_catalog(models_path, pricing_path, required_tiers=required_tiers, max_size=max_size)
    except CatalogError as exc:
        logger.warning("model catalog %s (%s); routing falls back to the built-in seed catalog", exc, exc.reason)
        return list(SEED_CATALOG)

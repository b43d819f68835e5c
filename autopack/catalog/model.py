"""The catalog's data model and routing: entries, the seed catalog, model selection, snapshot.

Pure Python with no parsing: routing code can use it without importing yaml or jsonschema.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from autopack.catalog.defaults import DEFAULT_MAX_CONTEXT_CHARS, ESCALATION_ORDER

SAFETY_PROFILES: tuple[str, ...] = ("normal", "strict")
SNAPSHOT_VERSION = 1

SafetyProfile = Literal["normal", "strict"]


@dataclass(frozen=True)
class ModelCatalogEntry:
    """One routable model. Prices are exact decimals in USD per 1,000 tokens."""

    model_id: str
    provider: str
    tier: str
    max_tokens: int
    max_context_chars: int
    cost_per_1k_input: Decimal
    cost_per_1k_output: Decimal
    safety_compatible: bool = True

    @property
    def cost(self) -> Decimal:
        return self.cost_per_1k_input + self.cost_per_1k_output

    def to_json(self) -> dict[str, object]:
        """JSON-ready fields; prices as canonical decimal strings, identical on every platform."""
        return {
            "model_id": self.model_id,
            "provider": self.provider,
            "tier": self.tier,
            "max_tokens": self.max_tokens,
            "max_context_chars": self.max_context_chars,
            "cost_per_1k_input": decimal_text(self.cost_per_1k_input),
            "cost_per_1k_output": decimal_text(self.cost_per_1k_output),
            "safety_compatible": self.safety_compatible,
        }


class NoCandidateError(LookupError):
    """No model of the requested tier qualifies under the requested safety profile."""

    def __init__(self, tier: str, safety_profile: str, known_tiers: Sequence[str]) -> None:
        known = ", ".join(known_tiers) or "none"
        super().__init__(
            f"no model for tier {tier!r} under the {safety_profile!r} safety profile "
            f"(tiers in the catalog: {known}); add a model of that tier"
            + (" with safety_compatible: true" if safety_profile == "strict" else "")
        )
        self.tier = tier
        self.safety_profile = safety_profile


def decimal_text(value: Decimal) -> str:
    """Canonical text of a decimal: no exponent, no trailing zeros (`0.0150` → `0.015`)."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


_OPENAI = re.compile(r"^(?:gpt|o\d|chatgpt|text-|davinci|babbage|dall-e|whisper|tts-)")


def infer_provider(model_id: str) -> str:
    """Provider of a model without specs or pricing section, from its id."""
    lowered = model_id.lower()
    if "claude" in lowered:
        return "anthropic"
    if _OPENAI.match(lowered.rsplit("/", 1)[-1]):
        return "openai"
    if "gemini" in lowered or "gemma" in lowered:
        return "google"
    return "unknown"


def tier_rank(tier: str) -> tuple[int, str]:
    """Escalation tiers first in their order, then any other tier by name."""
    try:
        return (ESCALATION_ORDER.index(tier), "")
    except ValueError:
        return (len(ESCALATION_ORDER), tier)


def catalog_sort_key(entry: ModelCatalogEntry) -> tuple[object, ...]:
    return (tier_rank(entry.tier), entry.cost, entry.model_id)


def sort_catalog(entries: Iterable[ModelCatalogEntry]) -> list[ModelCatalogEntry]:
    """The stable catalog order: tier order, then cost, then id."""
    return sorted(entries, key=catalog_sort_key)


def _candidate_key(entry: ModelCatalogEntry) -> tuple[object, ...]:
    return (entry.cost, -entry.max_context_chars, -entry.max_tokens, entry.model_id)


def candidates(catalog: Iterable[ModelCatalogEntry], tier: str, safety_profile: str = "normal") -> list[ModelCatalogEntry]:
    """Every model of `tier` that the profile allows, best first."""
    if safety_profile not in SAFETY_PROFILES:
        raise ValueError(f"safety_profile must be 'normal' or 'strict', not {safety_profile!r}")
    allowed = [
        entry
        for entry in catalog
        if entry.tier == tier and (safety_profile != "strict" or entry.safety_compatible)
    ]
    return sorted(allowed, key=_candidate_key)


def select_model(
    catalog: Sequence[ModelCatalogEntry], tier: str, safety_profile: SafetyProfile = "normal"
) -> ModelCatalogEntry:
    """The model routing uses for `tier`: cheapest, then most context, most tokens, lowest id."""
    found = candidates(catalog, tier, safety_profile)
    if not found:
        tiers = sorted({entry.tier for entry in catalog}, key=tier_rank)
        raise NoCandidateError(tier, safety_profile, tiers)
    return found[0]


def routing_snapshot(entries: Iterable[ModelCatalogEntry]) -> str:
    """Canonical JSON of the catalog and each tier's route under both profiles: sorted keys,
    fixed separators, ASCII only, prices as decimal strings, no timestamps. The same catalog
    gives the same bytes on every machine, locale and hash seed."""
    catalog = sort_catalog(entries)
    tiers = sorted({entry.tier for entry in catalog}, key=tier_rank)
    routes: dict[str, dict[str, str | None]] = {}
    for tier in tiers:
        routes[tier] = {}
        for profile in SAFETY_PROFILES:
            found = candidates(catalog, tier, profile)
            routes[tier][profile] = found[0].model_id if found else None
    document = {
        "schema_version": SNAPSHOT_VERSION,
        "escalation_order": list(ESCALATION_ORDER),
        "models": [entry.to_json() for entry in catalog],
        "routes": routes,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def _seed(model_id: str, tier: str, max_tokens: int, cost_in: str, cost_out: str) -> ModelCatalogEntry:
    return ModelCatalogEntry(
        model_id=model_id,
        provider="anthropic",
        tier=tier,
        max_tokens=max_tokens,
        max_context_chars=DEFAULT_MAX_CONTEXT_CHARS,
        cost_per_1k_input=Decimal(cost_in),
        cost_per_1k_output=Decimal(cost_out),
        safety_compatible=True,
    )


# The built-in catalog routing falls back to when the configured files cannot be used.
# Prices in USD per 1,000 tokens.
SEED_CATALOG: tuple[ModelCatalogEntry, ...] = tuple(
    sort_catalog(
        [
            _seed("claude-3-5-haiku-20241022", "haiku", 8192, "0.0008", "0.004"),
            _seed("claude-3-5-sonnet-20241022", "sonnet", 8192, "0.003", "0.015"),
            _seed("claude-sonnet-4-5", "sonnet", 8192, "0.003", "0.015"),
            _seed("claude-opus-4-20250514", "opus", 4096, "0.015", "0.075"),
            _seed("claude-opus-4-5", "opus", 4096, "0.005", "0.025"),
        ]
    )
)

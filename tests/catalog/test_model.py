"""Routing: selection order, safety profiles, clear errors, canonical snapshot."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from autopack.catalog import ESCALATION_ORDER, SEED_CATALOG, ModelCatalogEntry, NoCandidateError, routing_snapshot, select_model
from autopack.catalog.model import decimal_text, infer_provider, sort_catalog


def entry(model_id: str, tier: str = "sonnet", cost_in: str = "0.003", cost_out: str = "0.015", **specs) -> ModelCatalogEntry:
    values = {"provider": "anthropic", "max_tokens": 8192, "max_context_chars": 200_000, "safety_compatible": True, **specs}
    return ModelCatalogEntry(model_id=model_id, tier=tier, cost_per_1k_input=Decimal(cost_in), cost_per_1k_output=Decimal(cost_out), **values)


def test_cheapest_wins_then_context_then_tokens_then_id():
    catalog = [
        entry("dear", cost_in="0.01"),
        entry("short-context", max_context_chars=1000),
        entry("few-tokens", max_tokens=10),
        entry("b-tie"),
        entry("a-tie"),
    ]
    assert select_model(catalog, "sonnet").model_id == "a-tie"
    assert select_model(catalog[:3], "sonnet").model_id == "few-tokens"
    assert select_model(catalog[:2], "sonnet").model_id == "short-context"


def test_cost_is_the_exact_decimal_sum():
    # As floats 0.1 + 0.2 > 0.3; as decimals the costs tie and the id decides.
    catalog = [entry("b", cost_in="0.1", cost_out="0.2"), entry("a", cost_in="0.3", cost_out="0")]
    assert select_model(catalog, "sonnet").model_id == "a"


def test_strict_profile_uses_only_safety_compatible_models():
    catalog = [entry("cheap-unsafe", cost_in="0", safety_compatible=False), entry("safe")]
    assert select_model(catalog, "sonnet").model_id == "cheap-unsafe"
    assert select_model(catalog, "sonnet", "strict").model_id == "safe"


def test_no_candidate_names_tier_and_profile():
    catalog = [entry("unsafe", safety_compatible=False)]
    with pytest.raises(NoCandidateError) as caught:
        select_model(catalog, "sonnet", "strict")
    assert "'sonnet'" in str(caught.value) and "'strict'" in str(caught.value)
    with pytest.raises(NoCandidateError, match="'opus'.*'normal'"):
        select_model(catalog, "opus")


def test_unknown_profile_is_a_value_error():
    with pytest.raises(ValueError, match="safety_profile"):
        select_model(SEED_CATALOG, "haiku", "lenient")  # type: ignore[arg-type]


def test_entries_are_frozen_and_sorted_by_tier_cost_id():
    catalog = sort_catalog([entry("o", "opus"), entry("custom", "mini"), entry("h2", "haiku", "1"), entry("h1", "haiku", "1")])
    assert [e.model_id for e in catalog] == ["h1", "h2", "o", "custom"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog[0].tier = "opus"  # type: ignore[misc]


def test_escalation_order_and_seed_catalog_cover_every_tier():
    assert ESCALATION_ORDER == ("haiku", "sonnet", "opus")
    assert [select_model(SEED_CATALOG, tier).tier for tier in ESCALATION_ORDER] == list(ESCALATION_ORDER)


@pytest.mark.parametrize("model_id, provider", [
    ("claude-sonnet-4-5", "anthropic"), ("gpt-4o", "openai"), ("o1-mini", "openai"), ("o3", "openai"),
    ("gemini-2.5-flash", "google"), ("llama-3-70b", "unknown"), ("omni-x", "unknown"),
])
def test_provider_inferred_from_the_id(model_id, provider):
    assert infer_provider(model_id) == provider


@pytest.mark.parametrize("text, canonical", [("0.0150", "0.015"), ("1E-7", "0.0000001"), ("10", "10"), ("-0.0", "0"), ("1.5e3", "1500")])
def test_decimal_text_is_canonical(text, canonical):
    assert decimal_text(Decimal(text)) == canonical


def test_snapshot_is_canonical_json_independent_of_input_order():
    catalog = list(SEED_CATALOG)
    text = routing_snapshot(catalog)
    assert text == routing_snapshot(reversed(catalog))
    document = json.loads(text)
    assert text == json.dumps(document, sort_keys=True, separators=(",", ":"))
    assert document["routes"]["opus"] == {"normal": "claude-opus-4-5", "strict": "claude-opus-4-5"}
    assert all(isinstance(m["cost_per_1k_input"], str) for m in document["models"])
    assert "time" not in text and "date" not in text


def test_snapshot_records_a_tier_without_a_strict_candidate_as_null():
    document = json.loads(routing_snapshot([entry("x", safety_compatible=False)]))
    assert document["routes"] == {"sonnet": {"normal": "x", "strict": None}}

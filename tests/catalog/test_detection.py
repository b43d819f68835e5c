"""Detection quality of the catalog rules on realistic variants of the seed's two files: each
case is a false positive or false negative found in an audit, kept as a regression test."""

from __future__ import annotations

from pathlib import Path

import pytest

from autopack.catalog.validate import CatalogFile, validate_catalog
from autopack.yamldoc import YamlProblem

MODELS = """\
model_aliases:
  haiku: claude-haiku-4-5
  sonnet: claude-sonnet-4-5
  opus: claude-opus-4-5
  gpt: gpt-4o
"""

PRICING = """\
anthropic:
  claude-haiku-4-5: {input_per_1k: 0.001, output_per_1k: 0.005}
  claude-sonnet-4-5: {input_per_1k: 0.003, output_per_1k: 0.015}
  claude-opus-4-5: {input_per_1k: 0.005, output_per_1k: 0.025}
openai:
  gpt-4o: {input_per_1k: 0.0025, output_per_1k: 0.01}
"""


def findings(models: str = MODELS, pricing: str = PRICING, required_tiers=("haiku", "sonnet", "opus")):
    """[(rule, severity, file, line), ...] of one validation, read from strings."""
    texts = {"models": models, "pricing": pricing}

    def reader(file: CatalogFile) -> str:
        if texts[file.schema] is None:
            raise YamlProblem("file not found", kind="missing")
        return texts[file.schema]

    result = validate_catalog(
        CatalogFile(Path("config/models.yaml"), "config/models.yaml", "models"),
        CatalogFile(Path("config/pricing.yaml"), "config/pricing.yaml", "pricing"),
        required_tiers=required_tiers,
        reader=reader,
    )
    return [(f.rule_id, f.severity.value, f.path, f.line) for f in result.findings]


def test_the_base_pair_is_clean():
    assert findings() == []


def test_an_alias_of_itself_names_its_model():
    # `gpt-4o: gpt-4o` (a team listing model ids as aliases too) means one thing: the model.
    # It used to hide gpt-4o from APC304 ("priced but never named", a false warning).
    assert findings(MODELS + "  gpt-4o: gpt-4o\n") == []
    assert findings(MODELS + "  claude-haiku-4-5: claude-haiku-4-5\n") == []


def test_an_identity_alias_of_an_unpriced_model_is_still_unpriced():
    assert findings(MODELS + "  gpt-4o-mini: gpt-4o-mini\n") == [("APC304", "error", "config/models.yaml", 6)]


def test_an_alias_named_like_a_priced_model_is_one_apc306_not_also_an_unnamed_price():
    # `opus` still names claude-opus-4-5: the misnamed alias is the one problem.
    assert findings(MODELS + "  claude-opus-4-5: claude-sonnet-4-5\n") == [("APC306", "error", "config/models.yaml", 6)]


def test_alias_to_alias_is_still_apc306():
    assert findings(MODELS + "  fast: haiku\n") == [("APC306", "error", "config/models.yaml", 6)]


def test_every_entry_of_a_model_priced_in_two_sections_is_checked():
    pricing = PRICING + "others:\n  gpt-4o: {input_per_1k: -0.003, output_per_1k: .inf}\n  y-model: {input_per_1k: 2, output_per_1k: 1}\n"
    assert findings(pricing=pricing) == [
        ("APC305", "error", "config/pricing.yaml", 8),
        ("APC305", "error", "config/pricing.yaml", 8),
        ("APC305", "warning", "config/pricing.yaml", 9),
        ("APC304", "warning", "config/pricing.yaml", 9),
    ]


def test_a_model_priced_in_two_sections_is_no_finding_and_the_first_price_wins():
    pricing = PRICING + "others:\n  gpt-4o: {input_per_1k: 0.003, output_per_1k: 0.012}\n"
    assert findings(pricing=pricing) == []


def test_an_entry_without_prices_is_a_schema_error_not_an_unnamed_priced_model():
    pricing = PRICING + "  _notes: {updated: 2025-01-15}\n"
    assert findings(pricing=pricing) == [("APC301", "error", "config/pricing.yaml", 7)] * 2


def test_an_empty_section_means_none():
    # Every entry commented out leaves `models:` empty (null): no specs, not a schema error.
    commented = "models:\n  # claude-opus-4-5:\n  #   tier: opus\n"
    assert findings(MODELS + commented) == []
    assert findings("model_aliases:\n" + commented) == [("APC303", "error", "config/models.yaml", 1)] * 3 + [
        ("APC304", "warning", "config/pricing.yaml", line) for line in (2, 3, 4, 6)
    ]


def test_a_misshapen_alias_table_is_one_schema_error_not_a_cascade():
    models = "model_aliases:\n  - haiku: claude-haiku-4-5\n  - sonnet: claude-sonnet-4-5\n"
    assert findings(models) == [("APC301", "error", "config/models.yaml", 1)]  # at the key
    models = MODELS + "models:\n  - {id: claude-opus-4-5, tier: opus}\n"
    assert findings(models) == [("APC301", "error", "config/models.yaml", 6)]


def test_a_misshapen_models_table_still_reports_unpriced_alias_targets():
    models = MODELS + "  mini: gpt-4o-mini\nmodels: [claude-opus-4-5]\n"
    assert findings(models) == [("APC301", "error", "config/models.yaml", 7), ("APC304", "error", "config/models.yaml", 6)]


def test_an_alias_target_with_a_space_is_one_schema_error():
    assert findings(MODELS + "  mini: 'gpt 4o mini'\n") == [("APC301", "error", "config/models.yaml", 6)]
    # surrounding blanks are a schema error too, but the model is still the one priced
    assert findings(MODELS.replace("opus: claude-opus-4-5", "opus: 'claude-opus-4-5 '")) == [("APC301", "error", "config/models.yaml", 4)]


def test_a_tier_alias_contradicting_its_models_tier_is_apc306_not_also_a_missing_tier():
    models = MODELS.replace("sonnet: claude-sonnet-4-5", "sonnet: claude-opus-4-5") + "models:\n  claude-opus-4-5: {tier: opus}\n"
    assert findings(models) == [
        ("APC306", "error", "config/models.yaml", 3),
        ("APC304", "warning", "config/pricing.yaml", 3),  # claude-sonnet-4-5 is no longer named
    ]


def test_an_embedding_model_with_output_price_0_is_not_a_swapped_price():
    models = MODELS + "  embed: text-embedding-3-small\n"
    pricing = PRICING + "  text-embedding-3-small: {input_per_1k: 0.00002, output_per_1k: 0}\n"
    assert findings(models, pricing) == []
    swapped = PRICING + "  text-embedding-3-small: {input_per_1k: 0.00002, output_per_1k: 0.00001}\n"
    assert findings(models, swapped) == [("APC305", "warning", "config/pricing.yaml", 7)]


# How a price written one way is read (YAML 1.1 as PyYAML reads it, plus YAML 1.2 floats):
# None is no finding, else the one rule and severity reported for it.
SPELLINGS = {
    "0.005": None, "5e-3": None, "5E-3": None, "5.0e-3": None, "+0.005": None, ".005": None, "1e-7": None,
    "0x10": None, "1_000": None, "0": None, "-0.0": None, "!!float '0.005'": None, "0.005  # $5 per 1M": None,
    "-1e-4": ("APC305", "error"), ".inf": ("APC305", "error"), "-.Inf": ("APC305", "error"), ".NaN": ("APC305", "error"),
    "'0.005'": ("APC301", "error"), "'1e-4'": ("APC301", "error"), "!!str 0.005": ("APC301", "error"),
    "yes": ("APC301", "error"), "no": ("APC301", "error"), "~": ("APC301", "error"), "0o17": ("APC301", "error"),
    "inf": ("APC301", "error"), "$0.005": ("APC301", "error"),
}


@pytest.mark.parametrize("spelling, expected", SPELLINGS.items(), ids=SPELLINGS.keys())
def test_price_spellings(spelling, expected):
    pricing = PRICING.replace("claude-opus-4-5: {input_per_1k: 0.005, output_per_1k: 0.025}",
                              f"claude-opus-4-5:\n    output_per_1k: 100000\n    input_per_1k: {spelling}")
    found = [(rule, severity) for rule, severity, _path, _line in findings(pricing=pricing)]
    assert found == ([] if expected is None else [expected])


def test_custom_required_tiers_replace_the_default_three():
    models = "model_aliases:\n  fast: claude-haiku-4-5\n  smart: claude-opus-4-5\nmodels:\n  gpt-4o: {tier: mini}\n"
    assert findings(models, required_tiers=("fast", "mini")) == [
        ("APC304", "warning", "config/pricing.yaml", 3),
    ]
    assert findings(models, required_tiers=("fast", "nano")) == [
        ("APC303", "error", "config/models.yaml", 1),
        ("APC304", "warning", "config/pricing.yaml", 3),
    ]


def test_yaml11_booleans_in_specs():
    assert findings(MODELS + "models:\n  gpt-4o: {safety_compatible: no}\n") == []
    assert findings(MODELS + "models:\n  gpt-4o: {safety_compatible: 'no'}\n") == [("APC301", "error", "config/models.yaml", 7)]


@pytest.mark.parametrize("entry", ["0.005", "[0.005, 0.025]", "", "{}"])
def test_a_misshapen_price_entry_is_one_schema_error_not_also_an_unpriced_model(entry):
    pricing = PRICING.replace("{input_per_1k: 0.005, output_per_1k: 0.025}", entry)
    assert [rule for rule, *_ in findings(pricing=pricing)] in (["APC301"], ["APC301", "APC301"])


def test_a_duplicate_alias_is_apc302_not_also_an_unnamed_price():
    models = MODELS + "  haiku: gpt-4o\n"  # the first haiku line is dropped by YAML
    assert findings(models) == [("APC302", "error", "config/models.yaml", 6)]
    models = MODELS + "model_aliases:\n  haiku: claude-haiku-4-5\n  sonnet: claude-sonnet-4-5\n  opus: claude-opus-4-5\n"
    assert findings(models) == [("APC302", "error", "config/models.yaml", 6)]  # gpt-4o named in the dropped table


def test_a_repeated_provider_section_is_apc302_not_also_unpriced_models():
    pricing = PRICING.replace("openai:", "anthropic:\n  claude-3-haiku: {input_per_1k: 0.00025, output_per_1k: 0.00125}\nopenai:")
    assert findings(MODELS + "  legacy: claude-3-haiku\n", pricing) == [("APC302", "error", "config/pricing.yaml", 5)]


def test_x_keys_inside_a_provider_section_are_the_users():
    pricing = PRICING.replace("openai:\n", "openai:\n  x-source: https://openai.com/api/pricing\n  x-template: &t {input_per_1k: 0.01, output_per_1k: 0.03}\n")
    assert findings(pricing=pricing) == []
    only_templates = PRICING + "templates:\n  x-cheap: {input_per_1k: 0.01, output_per_1k: 0.03}\n  note: hello\n"
    assert findings(pricing=only_templates) == []


def test_x_keys_inside_model_aliases_and_models_are_the_users():
    models = MODELS.replace("model_aliases:\n", "model_aliases:\n  x-owner: platform-team\n") + (
        "models:\n  x-anthropic: &anthropic {provider: anthropic, max_context_chars: 800000}\n"
        "  claude-opus-4-5:\n    <<: *anthropic\n    tier: opus\n"
    )
    assert findings(models) == []


def test_a_null_price_message_says_null_once():
    # autopack/schema.py (core) used to say "got null null"
    from autopack.catalog.validate import CatalogFile, validate_catalog

    pricing = PRICING.replace("output_per_1k: 0.01}", "output_per_1k: ~}")
    result = validate_catalog(
        CatalogFile(Path("m"), "m", "models"), CatalogFile(Path("p"), "p", "pricing"),
        reader=lambda file: MODELS if file.schema == "models" else pricing,
    )
    (finding,) = result.findings
    assert finding.message == "$.openai['gpt-4o'].output_per_1k: expected a number, got null"

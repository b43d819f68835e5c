"""Property-based: any pair of catalog files gives findings with a file and a line, never an
exception, and the same findings every time."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from autopack.catalog.validate import CatalogFile, validate_catalog

KEYS = ["model_aliases", "models", "anthropic", "openai", "budgets", "x-notes", "haiku", "sonnet", "opus",
        "claude-haiku-4-5", "gpt-4o", "tier", "provider", "max_tokens", "max_context_chars",
        "safety_compatible", "input_per_1k", "output_per_1k", "<<"]
SCALARS = ["", "1", "-1", "0.003", "1e-4", ".inf", "-.nan", "yes", "null", "~", "'0.1'", "haiku", "opus",
           "claude-haiku-4-5", "gpt-4o", "[]", "{}", "[1, 2]", "&a x", "*a", "!!str 5", "2024-01-01"]


@st.composite
def yaml_mapping(draw, depth: int = 0) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.sampled_from(KEYS))
        if depth < 2 and draw(st.booleans()):
            body = draw(yaml_mapping(depth + 1))
            lines.append(f"{key}:\n" + "".join(f"  {line}\n" for line in body.splitlines()))
        else:
            lines.append(f"{key}: {draw(st.sampled_from(SCALARS))}\n")
    return "".join(lines)


@given(yaml_mapping(), yaml_mapping())
def test_any_catalog_gives_located_findings_deterministically(tmp_path_factory, models_text, pricing_text):
    root: Path = tmp_path_factory.mktemp("fuzz")
    (root / "models.yaml").write_text(models_text, encoding="utf-8")
    (root / "pricing.yaml").write_text(pricing_text, encoding="utf-8")
    files = (CatalogFile(root / "models.yaml", "models.yaml", "models"), CatalogFile(root / "pricing.yaml", "pricing.yaml", "pricing"))
    first = validate_catalog(*files)
    assert all(f.path in ("models.yaml", "pricing.yaml") and f.line and f.line >= 1 for f in first.findings)
    assert validate_catalog(*files).findings == first.findings
    if not first.errors:
        assert all(entry.cost_per_1k_input.is_finite() for entry in first.entries)

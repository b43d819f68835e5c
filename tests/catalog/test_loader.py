"""The library API: load the configured catalog, or fall back to the seed with a logged warning."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from autopack.catalog import SEED_CATALOG, CatalogError, load_catalog_or_seed, load_model_catalog
from tests.catalog.conftest import GOOD_MODELS, GOOD_PRICING
from tests.conftest import REPO_ROOT, write


def catalog_dir(tmp_path: Path, models: str | bytes = GOOD_MODELS, pricing: str | bytes = GOOD_PRICING) -> tuple[Path, Path]:
    write(tmp_path, {"models.yaml": models, "pricing.yaml": pricing})
    return tmp_path / "models.yaml", tmp_path / "pricing.yaml"


def test_loads_models_and_prices_sorted(tmp_path):
    catalog = load_model_catalog(*catalog_dir(tmp_path))
    assert [(e.tier, e.model_id, str(e.cost_per_1k_input)) for e in catalog] == [
        ("haiku", "claude-haiku-4-5", "0.001"),
        ("sonnet", "claude-sonnet-4-5", "0.003"),
        ("opus", "claude-opus-4-5", "0.005"),
    ]
    opus = catalog[2]
    assert (opus.max_tokens, opus.max_context_chars, opus.provider, opus.safety_compatible) == (32000, 200000, "anthropic", True)


def test_this_repository_catalog_loads_from_the_default_paths(monkeypatch):
    monkeypatch.chdir(REPO_ROOT / "docs")
    catalog = load_model_catalog()
    assert {e.tier for e in catalog} == {"haiku", "sonnet", "opus"}
    assert catalog == sorted(catalog, key=lambda e: (("haiku", "sonnet", "opus").index(e.tier), e.cost, e.model_id))


def test_invalid_catalog_raises_with_the_hooks_findings(tmp_path):
    with pytest.raises(CatalogError) as caught:
        load_model_catalog(*catalog_dir(tmp_path, pricing=GOOD_PRICING.replace("0.003", "-0.003", 1)))
    assert caught.value.reason == "invalid"
    assert [f.rule_id for f in caught.value.findings] == ["APC305"]
    assert str(caught.value).startswith(f"{tmp_path / 'pricing.yaml'}:6:19: ")


def test_warnings_do_not_block_loading(tmp_path):
    pricing = GOOD_PRICING.replace("output_per_1k: 0.015", "output_per_1k: 0.001")
    assert len(load_model_catalog(*catalog_dir(tmp_path, pricing=pricing))) == 3


def fallback(caplog: pytest.LogCaptureFixture, models: Path, pricing: Path) -> str:
    with caplog.at_level(logging.WARNING, logger="autopack.catalog"):
        catalog = load_catalog_or_seed(models, pricing)
    assert catalog == list(SEED_CATALOG)
    records = [r for r in caplog.records if r.name == "autopack.catalog" and r.levelno == logging.WARNING]
    assert len(records) == 1
    return records[0].getMessage()


def test_missing_file_falls_back_to_the_seed_with_a_warning(tmp_path, caplog):
    models, pricing = catalog_dir(tmp_path)
    pricing.unlink()
    message = fallback(caplog, models, pricing)
    assert str(pricing) in message and "file not found" in message and "(missing)" in message
    assert "seed catalog" in message


def test_unreadable_file_falls_back_to_the_seed_with_a_warning(tmp_path, caplog):
    models, pricing = catalog_dir(tmp_path)
    models.unlink()
    models.mkdir()
    message = fallback(caplog, models, pricing)
    assert str(models) in message and "(unreadable)" in message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_permission_denied_falls_back_to_the_seed(tmp_path, caplog):
    models, pricing = catalog_dir(tmp_path)
    models.chmod(0)
    try:
        assert "Permission denied" in fallback(caplog, models, pricing)
    finally:
        models.chmod(0o644)


def test_invalid_content_falls_back_to_the_seed_with_a_warning(tmp_path, caplog):
    models, pricing = catalog_dir(tmp_path, models=b"model_aliases:\n  haiku: caf\xe9\n")
    message = fallback(caplog, models, pricing)
    assert f"{models}:2:" in message and "not UTF-8" in message and "(invalid)" in message


def test_a_good_catalog_logs_nothing(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="autopack.catalog"):
        assert len(load_catalog_or_seed(*catalog_dir(tmp_path))) == 3
    assert caplog.records == []

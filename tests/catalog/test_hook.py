"""The `catalog` hook on real git repositories: each rule with file, line and exit code; every
bad input gives a finding, never a traceback or a hang."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.catalog.conftest import GOOD_MODELS, GOOD_PRICING
from tests.test_yamldoc import billion_laughs
from tests.conftest import REPO_ROOT, run_script

HANG_BOUND_SECONDS = 5


def test_good_catalog_passes(catalog_repo, run_hook):
    result = run_hook(catalog_repo())
    assert (result.code, result.findings) == (0, [])


def test_repository_without_a_catalog_has_nothing_to_check(make_repo, run_hook):
    result = run_hook(make_repo({"README.md": "hello\n"}))
    assert (result.code, result.findings) == (0, [])


# Files other tools keep at autopack's default paths (seen in public repositories: LLM routers,
# model zoos, agent frameworks).
FOREIGN_MODELS = [
    "models:\n  - id: mock-chat\n    provider: mock\n    enabled: true\n",
    "version: 1\nmodels:\n  - key: haiku-4-5\n    provider: anthropic\n    quality_tier: 2\n",
    "default: resnet50\nbackbones:\n  resnet50: {weights: imagenet, depth: 50}\n",
    "models:\n  gpt-4o: {provider: openai, context: 128000}\n",
    "# an empty file of another tool\n",
    "{not: [valid yaml\n",
]
FOREIGN_PRICING = "gpt-4o:\n  input: 2.5\n  output: 10\ncurrency: USD\n"


@pytest.mark.parametrize("models", FOREIGN_MODELS)
@pytest.mark.parametrize("pricing", [None, FOREIGN_PRICING])
def test_another_tools_files_at_the_default_paths_are_not_a_catalog(catalog_repo, run_hook, models, pricing):
    result = run_hook(catalog_repo(models=models, pricing=pricing))
    assert (result.code, result.findings) == (0, [])


@pytest.mark.parametrize(
    ("models", "pricing", "rules"),
    [
        ("model_aliases:\n  haiku: [broken\n", None, {"APC300"}),  # a broken catalog of ours is still ours
        (None, GOOD_PRICING, {"APC300"}),
        (FOREIGN_MODELS[0], GOOD_PRICING, {"APC301"}),  # priced in autopack's keys: its models file is ours too
    ],
)
def test_a_catalog_is_autopacks_when_either_file_has_its_keys(catalog_repo, run_hook, models, pricing, rules):
    result = run_hook(catalog_repo(models=models, pricing=pricing))
    assert result.code == 1 and rules <= set(result.rules()), result.findings


def test_a_catalog_section_checks_the_files_whatever_they_hold(catalog_repo, run_hook):
    repo = catalog_repo(models=FOREIGN_MODELS[0], pricing=None, **{".autopack.toml": "[catalog]\nrequired-tiers = ['haiku']\n"})
    assert {"APC300", "APC301"} <= set(run_hook(repo).rules())


def test_this_repository_config_passes_the_hook():
    result = run_script("autopack-catalog", cwd=REPO_ROOT)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


BAD_INPUTS = {
    "malformed": (GOOD_MODELS + "broken: [a,\n  b: c\n", "APC300", "config/models.yaml", 14),
    "list at top level": ("- haiku\n- sonnet\n", "APC301", "config/models.yaml", 1),
    "empty file": ("", "APC300", "config/models.yaml", 1),
    "non-UTF-8 bytes": (b"model_aliases:\n  haiku: caf\xe9\n", "APC300", "config/models.yaml", 2),
    "billion laughs": (billion_laughs(), "APC300", "config/models.yaml", None),
    "wrong type": (GOOD_MODELS.replace("max_tokens: 32000", "max_tokens: lots"), "APC301", "config/models.yaml", 9),
    "binary": (b"\x00\x01\x02", "APC300", "config/models.yaml", 1),
}


@pytest.mark.parametrize("models, rule, path, line", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_models_file_is_a_finding_with_file_and_line(catalog_repo, run_hook, models, rule, path, line):
    repo = catalog_repo(models=models)
    started = time.monotonic()
    result = run_hook(repo)
    assert time.monotonic() - started < HANG_BOUND_SECONDS
    assert result.code == 1
    finding = result.findings[0]
    assert (finding["rule"], finding["path"]) == (rule, path)
    assert finding["line"] >= 1 and (line is None or finding["line"] == line)
    assert "Traceback" not in result.stderr


PRICE_CASES = {
    "negative": ("input_per_1k: 0.001", "input_per_1k: -0.001", "negative", 3),
    "infinite": ("output_per_1k: 0.005", "output_per_1k: .inf", ".inf, not a finite number", 4),
    "not a number": ("output_per_1k: 0.005", "output_per_1k: .nan", ".nan, not a finite number", 4),
}


@pytest.mark.parametrize("old, new, message, line", PRICE_CASES.values(), ids=PRICE_CASES.keys())
def test_negative_and_non_finite_prices_are_apc305_errors(catalog_repo, run_hook, old, new, message, line):
    result = run_hook(catalog_repo(pricing=GOOD_PRICING.replace(old, new, 1)))
    assert result.code == 1
    finding = result.only("APC305")
    assert (finding["path"], finding["line"], finding["severity"]) == ("config/pricing.yaml", line, "error")
    assert message in finding["message"]


def test_schema_error_names_file_line_column_and_json_path(catalog_repo, run_hook):
    pricing = GOOD_PRICING.replace("input_per_1k: 0.003", 'input_per_1k: "0.003"')
    result = run_hook(catalog_repo(pricing=pricing))
    finding = result.only("APC301")
    assert (finding["path"], finding["line"], finding["column"]) == ("config/pricing.yaml", 6, 19)
    assert finding["message"] == "$.anthropic['claude-sonnet-4-5'].input_per_1k: expected a number, got a string \"0.003\""
    assert finding["data"]["json_path"] == "$.anthropic['claude-sonnet-4-5'].input_per_1k"


def test_missing_required_price_points_at_the_model(catalog_repo, run_hook):
    pricing = GOOD_PRICING.replace("    output_per_1k: 0.015\n", "")
    finding = run_hook(catalog_repo(pricing=pricing)).only("APC301")
    assert (finding["line"], finding["column"]) == (5, 3)
    assert finding["message"] == "$.anthropic['claude-sonnet-4-5']: missing required key 'output_per_1k'"


def test_text_output_is_file_line_col(catalog_repo, monkeypatch, capsys):
    from autopack.catalog import hook

    monkeypatch.chdir(catalog_repo(models=GOOD_MODELS.replace("max_tokens: 32000", "max_tokens: true")))
    assert hook.main([]) == 1
    out = capsys.readouterr().out
    assert out.startswith("config/models.yaml:9:17: APC301 $.models['claude-opus-4-5'].max_tokens: expected an integer, got a boolean true\n")


def test_missing_file_is_reported_when_the_other_exists(catalog_repo, run_hook):
    result = run_hook(catalog_repo(pricing=None))
    finding = result.only("APC300")
    assert (result.code, finding["path"], finding["line"]) == (1, "config/pricing.yaml", 1)
    assert "not found" in finding["message"]


def test_duplicate_keys_are_found_in_the_users_own_keys_too(catalog_repo, run_hook):
    models = GOOD_MODELS + "complexity_models:\n  high: {builder: x}\n"
    result = run_hook(catalog_repo(models=models))
    finding = result.only("APC302")
    assert (finding["path"], finding["line"]) == ("config/models.yaml", 12)
    assert "first at line 10" in finding["message"]


def test_duplicate_alias_is_apc302(catalog_repo, run_hook):
    models = GOOD_MODELS.replace("  fast: claude-haiku-4-5\n", "  haiku: claude-sonnet-4-5\n")
    assert run_hook(catalog_repo(models=models)).only("APC302")["line"] == 5


def test_missing_tier_is_apc303(catalog_repo, run_hook):
    models = GOOD_MODELS.replace("  haiku: claude-haiku-4-5\n", "")
    result = run_hook(catalog_repo(models=models))
    finding = result.only("APC303")
    assert (result.code, finding["line"]) == (1, 1)
    assert "'haiku'" in finding["message"]


def test_tier_from_a_models_entry_satisfies_the_requirement(catalog_repo, run_hook):
    models = GOOD_MODELS.replace("  opus: claude-opus-4-5\n", "")
    assert run_hook(catalog_repo(models=models)).findings == []


def test_unpriced_model_is_an_error_and_unnamed_price_a_warning(catalog_repo, run_hook):
    models = GOOD_MODELS.replace("  fast: claude-haiku-4-5\n", "  fast: claude-haiku-9\n")
    pricing = GOOD_PRICING.replace("cost_calculation:", "openai:\n  gpt-4o: {input_per_1k: 0.0025, output_per_1k: 0.01}\ncost_calculation:")
    result = run_hook(catalog_repo(models=models, pricing=pricing))
    unpriced = [f for f in result.findings if f["rule"] == "APC304"]
    assert [(f["path"], f["line"], f["severity"]) for f in unpriced] == [
        ("config/models.yaml", 5, "error"),
        ("config/pricing.yaml", 12, "warning"),
    ]
    assert result.code == 1


def test_output_cheaper_than_input_is_a_warning(catalog_repo, run_hook):
    repo = catalog_repo(pricing=GOOD_PRICING.replace("output_per_1k: 0.015", "output_per_1k: 0.0001"))
    result = run_hook(repo)
    finding = result.only("APC305")
    assert (result.code, finding["severity"], finding["line"]) == (0, "warning", 7)
    assert run_hook(repo, "--fail-on", "warning").code == 1


def test_prices_are_compared_as_decimals(catalog_repo, run_hook):
    # As binary floats both prices are the same number 0.1; as written, output is cheaper.
    pricing = GOOD_PRICING.replace("input_per_1k: 0.001", "input_per_1k: 0.1000000000000000001").replace(
        "output_per_1k: 0.005", "output_per_1k: 0.1"
    )
    finding = run_hook(catalog_repo(pricing=pricing)).only("APC305")
    assert finding["severity"] == "warning"
    assert "0.1 is lower than input_per_1k 0.1000000000000000001" in finding["message"]


ALIAS_CASES = {
    "alias is a model id": ([("  fast: claude-haiku-4-5\n", "  claude-sonnet-4-5: claude-haiku-4-5\n")], "is also a model id", 5),
    "alias to an alias": ([("  fast: claude-haiku-4-5\n", "  fast: haiku\n")], "points to another alias 'haiku'", 5),
    "tier contradiction": ([("  haiku: claude-haiku-4-5\n", "  haiku: claude-opus-4-5\n")], "has tier 'opus'", 2),
}


@pytest.mark.parametrize("edits, message, line", ALIAS_CASES.values(), ids=ALIAS_CASES.keys())
def test_alias_consistency_is_apc306(catalog_repo, run_hook, edits, message, line):
    models = GOOD_MODELS
    for old, new in edits:
        models = models.replace(old, new)
    result = run_hook(catalog_repo(models=models))
    finding = result.only("APC306")
    assert result.code == 1 and message in finding["message"]
    assert finding["line"] == line


def test_yaml12_floats_bom_and_crlf_are_accepted(catalog_repo, run_hook):
    pricing = "\ufeff" + GOOD_PRICING.replace("0.001", "1e-3").replace("\n", "\r\n")
    assert run_hook(catalog_repo(pricing=pricing)).findings == []


def test_suppression_comment_silences_a_finding(catalog_repo, run_hook):
    pricing = GOOD_PRICING.replace("output_per_1k: 0.015", "output_per_1k: 0.0001  # autopack: ignore[APC305]")
    assert run_hook(catalog_repo(pricing=pricing)).findings == []


def test_configured_paths_and_tiers(catalog_repo, run_hook):
    config = '[catalog]\nmodels-path = "llm/models.yml"\npricing-path = "llm/prices.yml"\nrequired-tiers = ["haiku", "mini"]\n'
    repo = catalog_repo(models=None, pricing=None, **{
        "llm/models.yml": GOOD_MODELS, "llm/prices.yml": GOOD_PRICING, ".autopack.toml": config,
    })
    finding = run_hook(repo).only("APC303")
    assert finding["path"] == "llm/models.yml" and "'mini'" in finding["message"]


def test_configured_paths_that_do_not_exist_are_reported(catalog_repo, run_hook):
    repo = catalog_repo(models=None, pricing=None, **{".autopack.toml": '[catalog]\nmodels-path = "x/models.yaml"\n'})
    assert {f["path"] for f in run_hook(repo).findings} == {"x/models.yaml", "config/pricing.yaml"}


def test_wrong_setting_type_is_a_configuration_error(catalog_repo, run_hook):
    result = run_hook(catalog_repo(**{".autopack.toml": "[catalog]\nrequired-tiers = 'haiku'\n"}))
    assert result.code == 2 and "required-tiers" in result.stderr


def test_over_the_size_limit_is_refused(catalog_repo, run_hook):
    repo = catalog_repo(**{".autopack.toml": "max-file-size = 100\n"})
    result = run_hook(repo)
    assert result.code == 1
    assert {f["rule"] for f in result.findings} == {"APC300"}
    assert all("limit" in f["message"] for f in result.findings)


def test_symlink_out_of_the_repository_is_not_followed(catalog_repo, run_hook, tmp_path: Path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(GOOD_MODELS)
    repo = catalog_repo(models=None)
    os.symlink(outside, repo / "config" / "models.yaml")
    finding = run_hook(repo).only("APC300")
    assert (finding["path"], finding["line"]) == ("config/models.yaml", 1)
    assert finding["message"] == "leads outside the repository (a symlink); not followed"


def test_console_script_gives_the_same_exit_code(catalog_repo):
    repo = catalog_repo(models="- a\n")
    result = run_script("autopack-catalog", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.startswith("config/models.yaml:1:1: APC301 $: expected a mapping, got a list")
    assert "Traceback" not in result.stderr


def test_staged_checks_the_index_not_the_working_tree(catalog_repo, run_hook):
    from tests.conftest import git

    repo = catalog_repo()
    models = repo / "config" / "models.yaml"
    models.write_text(GOOD_MODELS.replace("max_tokens: 32000", "max_tokens: many"), encoding="utf-8")
    git(repo, "add", "config/models.yaml")
    models.write_text(GOOD_MODELS, encoding="utf-8")  # fixed on disk, broken in the index
    assert run_hook(repo).findings == []
    staged = run_hook(repo, "--staged")
    assert staged.code == 1 and staged.only("APC301")["line"] == 9


MEMO = Path(".autopack/cache/catalog")


def test_a_catalog_remembered_clean_is_validated_again_when_a_byte_or_a_setting_changes(catalog_repo, run_hook):
    """The memo answers only for the exact texts, settings and code of a clean run: a new price
    is judged (and found), the old text is clean again, a new required tier is judged."""
    repo = catalog_repo()
    assert run_hook(repo).code == 0
    assert (repo / MEMO).read_text().startswith("autopack-catalog-verdict 3 ")
    pricing = repo / "config/pricing.yaml"
    pricing.write_text(GOOD_PRICING.replace("input_per_1k: 0.005", "input_per_1k: -0.005"), encoding="utf-8")
    assert run_hook(repo).rules() == ["APC305"]
    pricing.write_text(GOOD_PRICING, encoding="utf-8")
    assert run_hook(repo).code == 0
    (repo / ".autopack.toml").write_text('[catalog]\nrequired-tiers = ["haiku", "mini"]\n', encoding="utf-8")
    assert run_hook(repo).rules() == ["APC303"]


def test_remembered_findings_are_the_validated_ones_and_no_cache_writes_nothing(catalog_repo, run_hook):
    """Findings are remembered with their inputs: the next run reports exactly what validating
    reported, and a damaged entry is validated again."""
    repo = catalog_repo(pricing=GOOD_PRICING.replace("output_per_1k: 0.015", "output_per_1k: many"))
    validated = run_hook(repo)
    assert validated.rules() == ["APC301"] and (repo / MEMO).exists()
    assert run_hook(repo) == validated
    (repo / MEMO).write_bytes((repo / MEMO).read_bytes().replace(b"APC301", b"APC302"))
    assert run_hook(repo) == validated
    repo = catalog_repo()
    assert run_hook(repo, "--no-cache").code == 0
    assert not (repo / MEMO).exists()


def test_a_committed_cache_directory_is_not_written(catalog_repo, run_hook):
    """A cache folder git tracks is the repository's content (`cache.trusted_store`)."""
    repo = catalog_repo(**{".autopack/cache/notes.txt": "committed\n"})
    assert run_hook(repo).code == 0
    assert not (repo / MEMO).exists()

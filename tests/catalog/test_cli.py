"""`autopack catalog validate | show | route | snapshot`, the console scripts, and start-up cost."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from autopack.catalog import cli
from autopack.catalog.validate import catalog_schema
from tests.catalog.conftest import GOOD_MODELS
from tests.conftest import run_script


def run_cli(monkeypatch, capsys, repo, *args):
    monkeypatch.chdir(repo)
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("args", [["validate"], [], ["config/models.yaml", "config/pricing.yaml"]])
def test_validate_is_the_default_and_ignores_file_arguments(catalog_repo, monkeypatch, capsys, args):
    repo = catalog_repo(models=GOOD_MODELS.replace("max_tokens: 32000", "max_tokens: -1"))
    code, out, _ = run_cli(monkeypatch, capsys, repo, *args)
    assert code == 1 and "config/models.yaml:9:17: APC301" in out


def test_show_lists_the_catalog_with_routes_marked(catalog_repo, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, catalog_repo(), "show")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["tier", "model", "provider", "input/1k", "output/1k", "max_tokens", "context_chars", "strict-safe"]
    assert lines[1].split()[:3] == ["*", "haiku", "claude-haiku-4-5"]
    code, out, _ = run_cli(monkeypatch, capsys, catalog_repo(), "show", "--format", "json")
    assert [m["model_id"] for m in json.loads(out)] == ["claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-5"]


def test_route_prints_the_chosen_model(catalog_repo, monkeypatch, capsys):
    repo = catalog_repo()
    assert run_cli(monkeypatch, capsys, repo, "route", "sonnet") == (0, "claude-sonnet-4-5\n", "")
    assert run_cli(monkeypatch, capsys, repo, "route", "opus", "--profile", "strict")[1] == "claude-opus-4-5\n"


def test_route_without_candidate_names_tier_and_profile(catalog_repo, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, catalog_repo(), "route", "mini", "--profile", "strict")
    assert (code, out) == (1, "")
    assert "'mini'" in err and "'strict'" in err and "Traceback" not in err


def test_queries_fall_back_to_the_seed_with_a_warning_unless_no_seed(catalog_repo, monkeypatch, capsys):
    repo = catalog_repo(pricing=None)
    code, out, err = run_cli(monkeypatch, capsys, repo, "route", "haiku")
    assert (code, out) == (0, "claude-3-5-haiku-20241022\n")
    assert "warning:" in err and "config/pricing.yaml" in err and "seed catalog" in err
    code, out, err = run_cli(monkeypatch, capsys, repo, "route", "haiku", "--no-seed")
    assert (code, out) == (1, "")
    assert "config/pricing.yaml:1:1: APC300 file not found" in err


def test_snapshot_output_file_matches_stdout(catalog_repo, monkeypatch, capsys, tmp_path):
    repo = catalog_repo()
    _, printed, _ = run_cli(monkeypatch, capsys, repo, "snapshot")
    assert run_cli(monkeypatch, capsys, repo, "snapshot", "--output", str(tmp_path / "s.json"))[0] == 0
    assert (tmp_path / "s.json").read_text() == printed
    assert json.loads(printed)["routes"]["haiku"]["normal"] == "claude-haiku-4-5"


def test_snapshot_is_byte_identical_across_hash_seed_locale_and_cwd(catalog_repo):
    repo = catalog_repo()
    (repo / "sub" / "dir").mkdir(parents=True)
    first = run_script("autopack", "catalog", "snapshot", cwd=repo, env={"PYTHONHASHSEED": "1", "LC_ALL": "C", "LANG": "C"})
    second = run_script("autopack", "catalog", "snapshot", cwd=repo / "sub" / "dir",
                        env={"PYTHONHASHSEED": "4242", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONIOENCODING": "latin-1"})
    assert first.returncode == second.returncode == 0, (first.stderr, second.stderr)
    assert first.stdout.encode() == second.stdout.encode()
    assert len(first.stdout) > 100


def test_config_error_exits_2(catalog_repo, monkeypatch, capsys):
    repo = catalog_repo(**{".autopack.toml": "[catalog]\nmodels-path = 3\n"})
    code, _, err = run_cli(monkeypatch, capsys, repo, "show")
    assert code == 2 and "models-path" in err


def test_autopack_catalog_subcommand_via_the_main_command(catalog_repo):
    result = run_script("autopack", "catalog", "route", "opus", cwd=catalog_repo())
    assert (result.returncode, result.stdout) == (0, "claude-opus-4-5\n")


def test_importing_the_catalog_api_pulls_in_neither_yaml_nor_jsonschema():
    code = "import sys, autopack.catalog, autopack.catalog.model, autopack.catalog.hook; print(sorted(sys.modules))"
    modules = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "'yaml'" not in modules and "'jsonschema'" not in modules


@pytest.mark.parametrize("name", ["models", "pricing"])
def test_shipped_schemas_are_valid_draft_2020_12(name):
    import jsonschema

    schema = catalog_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


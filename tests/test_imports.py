"""Start-up cost: hooks are new processes on every commit, so a clean run imports only what it needs.

Each hook runs once on a small clean file in a subprocess that starts without `site` (so an
editable install's import hook does not pre-load pathlib and friends) and reads `sys.modules`
afterwards; nothing is timed. The floor is what any argparse hook pays (pre-commit-hooks' too):
`argparse` with a parser built and used, `os` and `re` (pip's console-script wrapper imports it).
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
HEAVY = {"yaml", "jsonschema", "markdown_it"}
# Never on a clean run of a hook that does not need them: parsers, serialisers, and the standard
# library modules that cost more to import than a clean run costs.
FORBIDDEN = HEAVY | {
    "ast", "json", "tomllib", "configparser", "dataclasses", "inspect", "typing", "pathlib", "urllib",
    "ipaddress", "subprocess", "hashlib", "tempfile", "decimal", "logging", "importlib.resources",
}  # fmt: skip
# Small standard modules a hook may add to the floor.
CHEAP = {"__future__", "_bisect", "bisect", "collections.abc", "importlib", "importlib._bootstrap", "importlib._bootstrap_external"}

FLOOR = "import argparse, os, re; argparse.ArgumentParser(prog='floor').parse_args([])"
RUN = """
import sys
sys.path[:0] = [{root!r}]
sys.path += {site_dirs!r}
{floor}
floor = set(sys.modules)
from {module} import main
code = main({argv!r})
imported = sorted(set(sys.modules) - floor)
print("\\n" + str(code) + " " + " ".join(imported))
"""


def imports_of_a_run(module: str, argv: list[str], cwd: Path) -> tuple[int, set[str]]:
    """Exit code of `module.main(argv)` in a fresh interpreter, and the modules it imported beyond the floor."""
    site_dirs = [*site.getsitepackages(), site.getusersitepackages()]
    code = RUN.format(root=str(REPO_ROOT), site_dirs=site_dirs, floor=FLOOR, module=module, argv=argv)
    result = subprocess.run([sys.executable, "-S", "-c", code], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    exit_code, *modules = result.stdout.splitlines()[-1].split()
    return int(exit_code), set(modules)


def _stdlib(modules: set[str]) -> set[str]:
    return {name for name in modules if not name.startswith("autopack") and name.split(".")[0] not in HEAVY}


@pytest.fixture
def repo(make_repo):
    return make_repo(
        {
            ".env.production": "APP_NAME=shop\nDEBUG=false\n",
            "jobs.py": "def total(prices):\n    return sum(prices)\n",
        }
    )


def test_debug_guard_clean_run_imports_only_its_readers(repo):
    code, modules = imports_of_a_run("autopack.debug_guard", [".env.production"], repo)
    assert code == 0
    assert {m for m in modules if m.startswith("autopack")} == {
        "autopack", "autopack.config", "autopack.engine", "autopack.files", "autopack.findings", "autopack.lazy",
        "autopack.report", "autopack.report.escape", "autopack.report.text",
        "autopack.debug_guard", "autopack.debug_guard.defaults", "autopack.debug_guard.lines", "autopack.debug_guard.scope",
        "autopack.debug_guard.verdicts",
    }  # fmt: skip
    assert not modules & FORBIDDEN
    assert _stdlib(modules) <= CHEAP


def test_debug_guard_imports_its_parser_only_for_a_file_worth_parsing(make_repo):
    repo = make_repo({"config/production.yaml": "app:\n  debug: true\n"})
    code, modules = imports_of_a_run("autopack.debug_guard", ["config/production.yaml"], repo)
    assert code == 1
    assert {"yaml", "autopack.debug_guard.parsed"} <= modules
    assert not modules & (FORBIDDEN - {"yaml"})  # the fingerprint is computed only where a report shows it


def test_parallel_lint_clean_run_does_not_parse(repo):
    code, modules = imports_of_a_run("autopack.parallel.lint", ["jobs.py"], repo)
    assert code == 0
    assert {m for m in modules if m.startswith("autopack")} == {
        "autopack", "autopack.config", "autopack.engine", "autopack.files", "autopack.findings", "autopack.lazy",
        "autopack.report", "autopack.report.escape", "autopack.report.text", "autopack.parallel", "autopack.parallel.lint",
    }  # fmt: skip
    assert not modules & FORBIDDEN
    assert _stdlib(modules) <= CHEAP


def test_parallel_lint_parses_a_file_that_mentions_an_entry_point(make_repo):
    repo = make_repo({"jobs.py": "from autopack.parallel import execute_parallel\n\nexecute_parallel(tasks, workers=4)\n"})
    code, modules = imports_of_a_run("autopack.parallel.lint", ["jobs.py"], repo)
    assert code == 1
    assert {"ast", "autopack.parallel.syntax"} <= modules
    assert not modules & (FORBIDDEN - {"ast"})


CATALOG = {
    "config/models.yaml": "model_aliases:\n  haiku: claude-haiku-4-5\n  sonnet: claude-sonnet-4-5\n  opus: claude-opus-4-5\n",
    "config/pricing.yaml": (
        "anthropic:\n"
        "  claude-haiku-4-5: {input_per_1k: 0.001, output_per_1k: 0.005}\n"
        "  claude-sonnet-4-5: {input_per_1k: 0.003, output_per_1k: 0.015}\n"
        "  claude-opus-4-5: {input_per_1k: 0.005, output_per_1k: 0.025}\n"
    ),
}


def test_catalog_clean_run_validates_without_jsonschema_or_the_routing_model(make_repo):
    """A valid catalog needs its parser and its schemas, not jsonschema (whose import costs
    several clean runs) and not the routing model's dataclasses; the same catalog again is
    remembered clean and needs neither parser nor schemas."""
    repo = make_repo(CATALOG)
    code, modules = imports_of_a_run("autopack.catalog.hook", [], repo)
    assert code == 0
    assert {"yaml", "json", "decimal", "autopack.schema", "autopack.yamldoc", "autopack.catalog.validate"} <= modules
    assert "autopack.catalog.model" not in modules
    # remembering it: one `git ls-files` (`cache.trusted_store`, spawned without subprocess) and an atomic write
    assert not modules & (FORBIDDEN - {"yaml", "json", "decimal"})
    code, modules = imports_of_a_run("autopack.catalog.hook", [], repo)
    assert code == 0
    assert {m for m in modules if m.startswith("autopack")} == {
        "autopack", "autopack.cache", "autopack.config", "autopack.engine", "autopack.files", "autopack.findings", "autopack.lazy",
        "autopack.report", "autopack.report.escape", "autopack.report.text", "autopack.yamldoc",
        "autopack.catalog", "autopack.catalog.defaults", "autopack.catalog.hook", "autopack.catalog.memo", "autopack.catalog.rules",
    }  # fmt: skip
    assert not modules & FORBIDDEN
    assert _stdlib(modules) <= CHEAP | {"importlib.machinery"}  # where PyYAML and jsonschema are, for the memo


def test_catalog_with_a_schema_error_imports_jsonschema_to_explain_it_once(make_repo):
    """The next run with the same catalog reports the remembered findings: no parser, no schemas."""
    repo = make_repo({**CATALOG, "config/models.yaml": CATALOG["config/models.yaml"] + "models:\n  claude-opus-4-5: {max_tokens: many}\n"})
    code, modules = imports_of_a_run("autopack.catalog.hook", [], repo)
    assert code == 1
    assert "jsonschema" in modules
    assert "hashlib" not in modules  # a text report shows no fingerprint; the memo keeps what it is computed from
    code, modules = imports_of_a_run("autopack.catalog.hook", [], repo)
    assert code == 1
    assert not modules & (FORBIDDEN - {"json"})  # the remembered findings' JSON
    assert "autopack.catalog.validate" not in modules


def test_a_hook_asks_the_terminal_width_without_shutil(repo):
    """argparse imports shutil (and bz2, lzma) for the width of every flag's help; the hooks'
    formatter asks os directly, with shutil's rules: $COLUMNS first."""
    statement = "import sys; from autopack.debug_guard import main; main(['.env.production']); print('shutil' in sys.modules)"
    code = f"import sys; sys.path[:0] = [{str(REPO_ROOT)!r}]; sys.path += {[*site.getsitepackages()]!r}; " + statement
    result = subprocess.run([sys.executable, "-S", "-c", code], cwd=repo, capture_output=True, text=True, check=True)
    assert result.stdout.split()[-1] == "False"
    compare = (
        "import argparse; from autopack import engine; ours = engine.build_parser(['debug-guard'], 'x');"
        "stock = engine.build_parser(['debug-guard'], 'x'); stock.formatter_class = argparse.HelpFormatter;"
        "print(ours.format_help() == stock.format_help(), max(map(len, ours.format_help().splitlines())))"
    )
    for columns in ("50", "200"):
        env = {**os.environ, "COLUMNS": columns}
        same, widest = subprocess.run([sys.executable, "-c", compare], capture_output=True, text=True, check=True, env=env).stdout.split()
        assert same == "True" and int(widest) > 0


def test_import_autopack_pulls_in_nothing_heavy():
    code = "import sys; import autopack; print(' '.join(sorted(sys.modules)))"
    loaded = set(subprocess.run([sys.executable, "-S", "-c", f"import sys; sys.path[:0] = [{str(REPO_ROOT)!r}]; " + code], capture_output=True, text=True, check=True).stdout.split())
    assert not loaded & FORBIDDEN


@pytest.mark.parametrize("module", ["autopack.cli", "autopack.engine", "autopack.config", "autopack.files", "autopack.yamldoc", "autopack.schema"])
def test_core_modules_stay_light(module):
    statement = f"import sys; sys.path[:0] = [{str(REPO_ROOT)!r}]; import {module}; print(' '.join(sorted(sys.modules)))"
    loaded = set(subprocess.run([sys.executable, "-S", "-c", statement], capture_output=True, text=True, check=True).stdout.split())
    assert not HEAVY & loaded


def test_python_dash_m_autopack_runs():
    result = subprocess.run([sys.executable, "-m", "autopack", "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith("autopack ")


def test_unknown_subcommand_is_a_usage_error():
    result = subprocess.run([sys.executable, "-m", "autopack", "frobnicate"], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "unknown command 'frobnicate'" in result.stderr


def test_doc_drift_run_whose_verdicts_hold_imports_no_parser_and_no_judging_code(make_repo):
    """A commit that changes no document: the remembered verdicts answer (no parser, no site
    system, no judging code); a run that must judge imports them."""
    repo = make_repo({"README.md": "# Readme\n\nSee [the guide](docs/guide.md#install).\n", "docs/guide.md": "# Guide\n\n## Install\n"})
    code, judging = imports_of_a_run("autopack.doc_drift", ["--all-files"], repo)
    assert code == 0
    assert {"markdown_it", "autopack.doc_drift.links", "autopack.doc_drift.sites"} <= judging
    _as_if_two_seconds_later(repo)
    code, modules = imports_of_a_run("autopack.doc_drift", ["--all-files"], repo)
    assert code == 0
    assert {m for m in modules if m.startswith("autopack")} == {
        "autopack", "autopack.cache", "autopack.config", "autopack.engine", "autopack.files", "autopack.findings", "autopack.lazy",
        "autopack.report", "autopack.report.escape", "autopack.report.text",
        "autopack.doc_drift", "autopack.doc_drift.builtin", "autopack.doc_drift.commands", "autopack.doc_drift.memo",
        "autopack.doc_drift.rules",
    }  # fmt: skip
    # git's file list (spawned and read through a pipe: select for its timeout) and where markdown-it-py is:
    # what a doc-drift run needs beyond a hook's floor; the memo is plain text compared whole
    assert not modules & FORBIDDEN
    assert _stdlib(modules) <= CHEAP | {"importlib.machinery", "select"}


def test_doc_drift_judging_imports_only_the_site_systems_configured_and_no_subprocess(make_repo):
    """The first run after an edit pays for the Markdown parser; not for the site systems the
    repository does not use, nor for subprocess (git is spawned and served through pipes)."""
    systems = {f"autopack.doc_drift.sites.{name}" for name in ("mkdocs", "hugo", "docusaurus", "jekyll", "mdbook", "vitepress")}
    repo = make_repo({"README.md": "# Shop\n\nSee [the jobs](old_jobs.py).\n"})
    code, modules = imports_of_a_run("autopack.doc_drift", ["--all-files", "--no-cache"], repo)
    assert code == 1
    assert "markdown_it" in modules
    assert not modules & systems
    assert not modules & {"subprocess", "hashlib", "json"}  # no cache: nothing to hash or serialize
    repo = make_repo({"README.md": "# Shop\n\nSee [the jobs](old_jobs.py).\n", "mkdocs.yml": "site_name: Shop\n", "config.toml": "x = 1\n"})
    code, modules = imports_of_a_run("autopack.doc_drift", ["--all-files", "--no-cache"], repo)
    assert modules & systems == {"autopack.doc_drift.sites.mkdocs", "autopack.doc_drift.sites.hugo"}


def _as_if_two_seconds_later(repo: Path) -> None:
    """The memo as the next run leaves it once the recorded inputs are older than the racy window
    (they were written just now, so their stat cannot vouch for them yet and their hashes do)."""
    from autopack.doc_drift import memo

    entry = repo / ".autopack" / "cache" / memo.ENTRY
    record = memo.parse_record(entry.read_bytes())
    assert record is not None and record.racy
    entry.write_text(record._replace(racy={}).text(), encoding="utf-8")

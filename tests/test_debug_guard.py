"""The debug guard end to end: production scope, the hook manifest, `main([...])`, the console
script, configuration, suppression, hostile files and the real `pre-commit run`."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml

from autopack.debug_guard import SETTINGS, main, wants
from autopack.debug_guard.scope import file_format
from tests.conftest import REPO_ROOT, run_script

DEFAULTS = {"enabled": True, **{key: setting.default for key, setting in SETTINGS.items()}}

SPEC_EXAMPLES = [
    ".env.production",
    ".env.prod",
    "config/production.yaml",
    "settings/prod.py",
    "k8s/overlays/prod/deployment.yaml",
    "values-production.yaml",
    "docker-compose.prod.yml",
    "Dockerfile.prod",
    "application-prod.properties",
    "appsettings.Production.json",
    "php.ini-production",
    "config/environments/production.rb",
]
ALSO_IN_SCOPE = [
    "deploy/PRD/app.env",
    ".github/workflows/deploy-production.yml",
    "Procfile",
    "services/api/Procfile",
    "environments/prod/Procfile",
    ".env.production.local",
    "environments/prod/terraform.tfvars",
    "deploy/prod/gunicorn.conf.py",
    ".github/workflows/deploy.yml",
    ".gitlab-ci.yml",
]
OUT_OF_SCOPE = [
    ".env",
    ".env.development",
    "config/development.yaml",
    "products/catalog.yaml",
    "reproduce.sh",
    ".env.production.example",
    "config/production.yaml.sample",
    "settings/prod.py.template",
    "app.prod.dist.json",
    "docs/production.md",
    "deploy/production-notes.txt",
    "docs/deploy/production.yaml",
    "examples/prod/.env",
    "tests/fixtures/.env.production",
    "tests/test_prod_settings.py",
    "k8s/non-prod/deployment.yaml",
    "k8s/pre-prod/deployment.yaml",
    "k8s/overlays/prod/dev-patch.yaml",
    "deploy/prod/README",
    "services/production-planner/app.env",
    "environments/prod-eu/terraform.tfvars",
    # The default globs (`Procfile`, `config/deploy.yml`) name production entry points, except in
    # development, test, docs and example directories (a development Procfile beside a prod one).
    "environments/dev/Procfile",
    "docker/local/Procfile",
    "deploy/staging/Procfile",
    "examples/heroku/Procfile",
    "tests/fixtures/Procfile",
    "docs/Procfile",
]


@pytest.mark.parametrize("path", SPEC_EXAMPLES + ALSO_IN_SCOPE)
def test_production_paths_are_in_scope(path: str) -> None:
    assert wants(path, DEFAULTS)


@pytest.mark.parametrize("path", OUT_OF_SCOPE)
def test_other_paths_are_out_of_scope(path: str) -> None:
    assert not wants(path, DEFAULTS)


def test_scope_settings() -> None:
    assert wants(".env.production.example", {**DEFAULTS, "include-templates": True})
    assert wants("examples/prod/.env", {**DEFAULTS, "include-templates": True})
    assert wants("live/.env", {**DEFAULTS, "production-tokens": ["live"]})
    assert not wants(".env.production", {**DEFAULTS, "production-tokens": ["live"]})
    assert wants("ops/release.env", {**DEFAULTS, "production-globs": ["ops/*.env"]})
    assert wants("environments/prod-eu/main.tf", {**DEFAULTS, "production-globs": ["environments/prod-*/**"]})
    assert not wants(".github/workflows/deploy.yml", {**DEFAULTS, "production-workflows": False})


def test_manifest_filters_agree_with_scope() -> None:
    """pre-commit must hand the hook every file `wants` selects (the hook narrows further)."""
    manifest = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    entry = next(hook for hook in manifest if hook["id"] == "debug-guard")
    assert entry["types"] == ["text"]
    files, exclude = re.compile(entry["files"]), re.compile(entry["exclude"])

    def handed(path: str) -> bool:
        return bool(files.search(path)) and not exclude.search(path)

    for path in SPEC_EXAMPLES + ALSO_IN_SCOPE:
        assert handed(path), path
    for path in OUT_OF_SCOPE[:14]:
        if path != "config/development.yaml":  # handed (shared config may hold a production section); the hook narrows
            assert not handed(path), path


@pytest.mark.parametrize(
    "path, expected",
    [
        (".env.production", "dotenv"),
        ("Dockerfile.prod", "dockerfile"),
        ("values-production.yaml", "yaml"),
        ("appsettings.Production.json", "json"),
        ("php.ini-production", "ini"),
        ("application-prod.properties", "ini"),
        ("settings/prod.py", "python"),
        ("config/environments/production.rb", "ruby"),
        ("Web.Production.config", "xml"),
        ("Procfile", "shell"),
        ("deploy/prod/values.yaml.j2", "yaml"),
        ("prod/settings", "generic"),
    ],
)
def test_file_format(path: str, expected: str) -> None:
    assert file_format(path) == expected


# --- end to end ---------------------------------------------------------------------------------


def test_main_reports_finding_and_fix(make_repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo({".env.production": "APP=x\nDEBUG=1\n", ".env": "DEBUG=1\n", "README.md": "Set DEBUG=1 in .env.production\n"})
    monkeypatch.chdir(repo)
    assert main(["--all-files"]) == 1
    out = capsys.readouterr().out
    assert ".env.production:2:1: APD101 `DEBUG` is set to `1`" in out
    assert "fix: Remove `DEBUG` or set it to `false`" in out
    assert "README.md" not in out and "\n.env:" not in out
    assert main([".env"]) == 0


def test_main_on_clean_files(make_repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo({".env.production": "DEBUG=false\nLOG_LEVEL=debug\n", "config/production.yaml": "debug: ${DEBUG}\n"})
    monkeypatch.chdir(repo)
    assert main(["--all-files"]) == 0
    assert capsys.readouterr().out == ""


def test_console_script_and_json(make_repo) -> None:
    repo = make_repo({"k8s/prod/deploy.yaml": "env:\n  - name: DEBUG\n    value: \"true\"\n"})
    result = run_script("autopack-debug-guard", "k8s/prod/deploy.yaml", "--format", "json", cwd=repo)
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)
    assert (finding["rule"], finding["name"], finding["line"]) == ("APD101", "debug-enabled-in-production", 3)
    assert finding["fix"]
    as_module = subprocess.run(
        [sys.executable, "-m", "autopack.debug_guard", "k8s/prod/deploy.yaml"], cwd=repo, capture_output=True, text=True, timeout=60
    )
    assert as_module.returncode == 1 and "APD101" in as_module.stdout


def test_suppression_comment(make_repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(
        {
            ".env.production": "DEBUG=1  # autopack: ignore[APD101]\n# autopack: ignore[APD102]\nAPP_DEBUG=1\n",
            "config/production.yaml": "# autopack: ignore[APD102]\ndebug: true\n",
        }
    )
    monkeypatch.chdir(repo)
    assert main(["--all-files"]) == 1
    out = capsys.readouterr().out
    assert "config/production.yaml:2:1: APD101" in out  # the wrong id suppresses nothing
    assert ".env.production" not in out


def test_configuration(make_repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(
        {
            ".autopack.toml": '[debug-guard]\nproduction-tokens = ["live"]\nextended = false\n',
            "live/.env": "DEBUG=1\nAPP_DEBUG=1\n",
            ".env.production": "DEBUG=1\n",
        }
    )
    monkeypatch.chdir(repo)
    assert main(["--all-files"]) == 1
    out = capsys.readouterr().out
    assert "live/.env:1:1: APD101" in out and "APD102" not in out and ".env.production" not in out
    (repo / ".autopack.toml").write_text('[debug-guard]\nproduction-token = ["live"]\n', encoding="utf-8")
    assert main(["--all-files"]) == 2
    assert "production-token" in capsys.readouterr().err
    (repo / ".autopack.toml").write_text("[debug-guard]\nextended = 'no'\n", encoding="utf-8")
    assert main(["--all-files"]) == 2
    assert "extended" in capsys.readouterr().err


def test_hostile_files(make_repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(
        {
            "bin/prod/.env": b"DEBUG=1\x00\x01binary",
            ".env.production": b"\xef\xbb\xbfNAME=caf\xe9\r\nDEBUG=true\r\n",
            "config/production.yaml": "app: [\n  debug: true\n",
            "config/prod/empty.yaml": "",
            "deploy/prod/ünï code.env": "DEBUG=1\n",
        }
    )
    monkeypatch.chdir(repo)
    assert main(["--all-files"]) == 1
    out = capsys.readouterr().out
    assert "bin/prod/.env" not in out
    assert ".env.production:2:1: APD101" in out
    assert "config/production.yaml:2:3: APD101" in out
    assert "deploy/prod/ünï code.env:1:1: APD101" in out


def test_import_stays_cheap() -> None:
    code = (
        "import sys, autopack.debug_guard as g\n"
        "from autopack.files import decode_text\n"
        "s = {'enabled': True, **{k: v.default for k, v in g.SETTINGS.items()}}\n"
        "assert g.scan(decode_text('config/production.yaml', b'replicas: 3\\n'), s) == []\n"
        "print(sorted(m for m in ('yaml', 'jsonschema', 'tomllib', 'ast', 'configparser') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert "yaml" not in result.stdout and "jsonschema" not in result.stdout


def test_pre_commit_runs_the_hook(make_repo, pre_commit_run) -> None:
    failing = make_repo({".env.production": "DEBUG=1\n", "README.md": "hello\n"})
    result = pre_commit_run(failing, "debug-guard", "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert ".env.production:1:1: APD101 `DEBUG` is set to `1`" in result.stdout
    assert "fix: Remove `DEBUG` or set it to `false`" in result.stdout
    clean = make_repo({".env.production": "DEBUG=false\n", ".env": "DEBUG=1\n"})
    result = pre_commit_run(clean, "debug-guard", "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout

"""The install path is real: one version source, a release workflow that builds, checks,
publishes with trusted publishing and moves the major tag, and rule links that lead to the docs
of the autopack that ran — never to a placeholder repository."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from autopack import __version__
from tests.conftest import REPO_ROOT, run_script, write

RELEASE = REPO_ROOT / ".github" / "workflows" / "release.yml"
PINNED = re.compile(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}")


def release() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(RELEASE.read_text(encoding="utf-8"))


def test_the_version_has_one_source() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "autopack.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    shown = subprocess.run([sys.executable, "-P", "-m", "autopack", "--version"], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == f"autopack {__version__}"


def test_a_version_tag_builds_checks_publishes_and_moves_the_major_tag() -> None:
    workflow = release()
    assert workflow[True]["push"] == {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}  # YAML 1.1 reads `on` as True
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    build, publish, major = jobs["build"], jobs["publish"], jobs["major-tag"]
    assert build["permissions"] == {"contents": "read"}
    steps = " ".join(step.get("run", "") for step in build["steps"])
    assert "python -m build" in steps and "twine check --strict dist/*" in steps
    assert "dist/autopack-$version.tar.gz" in steps and "dist/autopack-$version-py3-none-any.whl" in steps
    checkout = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    assert publish["needs"] == "build" and publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}, "trusted publishing: the OIDC token and nothing else"
    uploader = publish["steps"][-1]
    assert uploader["uses"].startswith("pypa/gh-action-pypi-publish@") and PINNED.fullmatch(uploader["uses"])
    assert "with" not in uploader, "no password or token: trusted publishing"
    assert major["needs"] == "publish" and major["permissions"] == {"contents": "write"}
    for job in jobs.values():
        for step in job["steps"]:
            assert "uses" not in step or PINNED.fullmatch(step["uses"]), step["uses"]
            assert "${{" not in step.get("run", ""), "expressions reach scripts through env only"


@pytest.mark.parametrize(("exists", "method"), [(False, "POST"), (True, "PATCH")])
def test_the_major_tag_step_creates_or_moves_vX(tmp_path: Path, exists: bool, method: str) -> None:
    """The step's script, run by bash against a stand-in `gh` that records its calls (the GitHub
    API is not reachable from tests)."""
    step = next(step for step in release()["jobs"]["major-tag"]["steps"] if "run" in step)
    calls = tmp_path / "calls"
    gh = tmp_path / "bin" / "gh"
    gh.parent.mkdir()
    probe_exit = 0 if exists else 1
    gh.write_text(
        "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$CALLS\"\n"
        f"case \"$*\" in *git/ref/tags/*) exit {probe_exit} ;; esac\nexit 0\n",
        encoding="utf-8",
    )
    gh.chmod(0o755)
    env = {
        **os.environ, "PATH": f"{gh.parent}{os.pathsep}{os.environ['PATH']}", "CALLS": str(calls),
        "GH_TOKEN": "t", "TAG": "v2.3.4", "REPOSITORY": "me/autopack", "COMMIT": "c" * 40,
    }
    result = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    made = calls.read_text(encoding="utf-8").splitlines()
    assert made[0] == "api repos/me/autopack/git/ref/tags/v2"
    if method == "POST":
        assert made[1] == f"api --method POST repos/me/autopack/git/refs -f ref=refs/tags/v2 -f sha={'c' * 40}"
    else:
        assert made[1] == f"api --method PATCH repos/me/autopack/git/refs/tags/v2 -f sha={'c' * 40} -F force=true"
    assert "v2 now points at" in result.stdout


def test_the_readme_says_what_org_autopack_stands_for_and_how_to_pin() -> None:
    readme = " ".join((REPO_ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "`org/autopack` stands for" in readme
    assert "full commit SHA" in readme and "release tag" in readme


# --- rule links ----------------------------------------------------------------------------------


def rule_links(sarif: dict) -> list[str]:  # type: ignore[type-arg]
    return [rule.get("helpUri", "") for rule in sarif["runs"][0]["tool"]["driver"]["rules"]]


@pytest.fixture
def finding_repo(make_repo) -> Path:  # type: ignore[no-untyped-def]
    return make_repo({".env.production": "DEBUG=1\n"})


def test_the_action_links_rules_to_the_docs_of_the_repository_and_ref_it_ran_from(finding_repo: Path, tmp_path: Path) -> None:
    from tests.test_action import FAST, run_action

    action_path = tmp_path / "runner" / "_work" / "_actions" / "acme" / "autopack-fork" / "v1.2.3"
    action_path.mkdir(parents=True)
    run = run_action(
        finding_repo, tmp_path / "temp", {**FAST, "autopilot": "false"}, action_path=action_path,
        env={"GITHUB_SERVER_URL": "https://ghe.example.com"},
    )
    assert run.returncode == 1, run.log
    sarif = json.loads(Path(run.outputs["sarif-file"]).read_text(encoding="utf-8"))
    links = rule_links(sarif)
    assert links and all(link.startswith("https://ghe.example.com/acme/autopack-fork/blob/v1.2.3/docs/") for link in links)
    assert "https://ghe.example.com/acme/autopack-fork/blob/v1.2.3/docs/debug-guard.md#apd101" in links
    assert "org/autopack" not in Path(run.outputs["sarif-file"]).read_text(encoding="utf-8") + run.summary


def test_a_local_action_links_to_this_repository_at_this_commit(finding_repo: Path, tmp_path: Path) -> None:
    from tests.test_action import FAST, run_action

    local = finding_repo / "tools" / "autopack"
    local.mkdir(parents=True)
    run = run_action(
        finding_repo, tmp_path / "temp", {**FAST, "autopilot": "false"}, action_path=local,
        env={"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "me/app", "GITHUB_SHA": "f" * 40},
    )
    sarif = json.loads(Path(run.outputs["sarif-file"]).read_text(encoding="utf-8"))
    assert f"https://github.com/me/app/blob/{'f' * 40}/tools/autopack/docs/debug-guard.md#apd101" in rule_links(sarif)


def test_a_configured_docs_url_wins_and_no_url_means_no_link(finding_repo: Path) -> None:
    plain = run_script("autopack", "check", "--format", "sarif", cwd=finding_repo, env={"AUTOPACK_DOCS_URL": ""})
    assert rule_links(json.loads(plain.stdout)) and not any(rule_links(json.loads(plain.stdout)))
    assert "org/autopack" not in plain.stdout
    write(finding_repo, {".autopack.toml": 'docs-url = "https://docs.example.org/autopack/"\n'})
    configured = run_script("autopack", "check", "--format", "sarif", cwd=finding_repo, env={"AUTOPACK_DOCS_URL": "https://x.example/docs"})
    assert "https://docs.example.org/autopack/debug-guard.md#apd101" in rule_links(json.loads(configured.stdout))

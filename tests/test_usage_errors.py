"""No silent false pass: a mistyped subcommand or flags that contradict each other are a usage
error (exit 2) with a message that says what to do, never a run that checks nothing and passes."""

from __future__ import annotations

import pytest

from tests.conftest import run_script, write

BAD = {".env.production": "DEBUG=1\n", "README.md": "# demo\n"}


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["catalog", "valdiate"], "unknown subcommand 'valdiate' (did you mean 'validate'?)"),
        (["catalog", "snapshots"], "(did you mean 'snapshot'?)"),
        (["catalog", "frobnicate"], "unknown subcommand 'frobnicate'; choose validate, show, route TIER or snapshot"),
        (["chekc", "--all-files"], "unknown command 'chekc' (did you mean 'check'?)"),
    ],
)
def test_a_mistyped_subcommand_is_exit_2_with_a_suggestion(make_repo, argv: list[str], said: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({**BAD, "config/models.yaml": "model_aliases: [1]\n"})
    result = run_script("autopack", *argv, cwd=repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert said in result.stderr and "Traceback" not in result.stderr


def test_catalog_file_arguments_that_exist_still_validate(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"config/models.yaml": "model_aliases: [1]\n", "config/pricing.yaml": "{}\n"})
    result = run_script("autopack", "catalog", "config/models.yaml", cwd=repo)
    assert result.returncode == 1 and "APC301" in result.stdout


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--all-files", ".env.production"], "FILE arguments and --all-files cannot be combined"),
        (["--staged", ".env.production"], "FILE arguments and --staged cannot be combined"),
        (["--staged", "--diff-base", "HEAD"], "--staged and --diff-base cannot be combined"),
        (["--all-files", "--diff-base", "HEAD"], "--all-files and --diff-base cannot be combined"),
        (["--show-stale"], "--show-stale lists the entries of the baseline a run applies"),
        (["--show-stale", "--write-baseline", "b.json"], "--show-stale lists the entries of the baseline"),
    ],
)
@pytest.mark.parametrize("script", ["autopack check", "autopack-debug-guard"])
def test_conflicting_flags_are_exit_2_before_anything_runs(make_repo, argv: list[str], said: str, script: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(BAD)
    result = run_script(*script.split(), *argv, cwd=repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert said in result.stderr and result.stdout == ""
    assert not (repo / "b.json").exists()


def test_show_stale_with_the_configured_baseline_is_fine(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(BAD)
    assert run_script("autopack", "check", "--write-baseline", "base.json", cwd=repo).returncode == 0
    write(repo, {".autopack.toml": 'baseline = "base.json"\n', ".env.production": "DEBUG=0\n"})
    result = run_script("autopack", "check", "--show-stale", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "stale baseline entry: .env.production: APD101" in result.stderr

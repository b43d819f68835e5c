"""`--staged` checks what the commit records and nothing else: configuration, catalog files and
link targets come from the index, a staged name such as `0:x` is read as that name, and a file
that exists only in the working tree does not exist for the check."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import git, run_script, write

MODELS = "model_aliases:\n  haiku: claude-h\n  sonnet: claude-s\n  opus: claude-o\n"
PRICING = "anthropic:\n" + "".join(f"  claude-{t}: {{input_per_1k: 1, output_per_1k: 2}}\n" for t in "hso")


def staged_check(root: Path, *args: str):  # type: ignore[no-untyped-def]
    result = run_script("autopack", "check", "--staged", *args, cwd=root)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_the_configuration_is_the_staged_one(make_repo) -> None:  # type: ignore[no-untyped-def]
    """Attack: an unstaged (or untracked) .autopack.toml that turns the guard off let a staged
    DEBUG=1 through: the configuration came from the working tree."""
    root = make_repo({"README.md": "# x\n"})
    write(root, {".env.production": "DEBUG=1\n"})
    git(root, "add", ".env.production")
    write(root, {".autopack.toml": "[debug-guard]\nenabled = false\n"})  # not staged
    result = staged_check(root)
    assert result.returncode == 1 and ".env.production:1:1: APD101" in result.stdout
    git(root, "add", ".autopack.toml")  # once staged, it is the configuration the commit records
    assert staged_check(root).returncode == 0


def test_a_staged_name_that_looks_like_a_stage_number_is_read_as_itself(make_repo) -> None:  # type: ignore[no-untyped-def]
    """Attack: `:0:.env.production` is stage 0 of `.env.production`, so the staged file
    `0:.env.production` was read as another file's content (and its DEBUG=1 missed)."""
    root = make_repo({".env.production": "DEBUG=0\n"})
    write(root, {"0:.env.production": "DEBUG=1\n"})
    git(root, "add", "0:.env.production")
    result = staged_check(root)
    assert result.returncode == 1 and "0:.env.production:1:1: APD101" in result.stdout


def test_a_link_to_a_file_only_in_the_working_tree_is_broken(make_repo) -> None:  # type: ignore[no-untyped-def]
    """Attack: a doc link to an untracked file passed: the commit does not contain the target."""
    root = make_repo({"README.md": "# x\n"})
    write(root, {"README.md": "# x\n\nSee [the notes](notes.md).\n", "notes.md": "# notes\n"})
    git(root, "add", "README.md")
    result = staged_check(root)
    assert result.returncode == 1 and "README.md:3:" in result.stdout and "APR201" in result.stdout
    git(root, "add", "notes.md")
    assert staged_check(root).returncode == 0


def test_catalog_files_are_read_as_staged(make_repo) -> None:  # type: ignore[no-untyped-def]
    """The staged models.yaml names a model only the unstaged pricing.yaml prices: the commit
    records an unpriced model."""
    root = make_repo({"config/models.yaml": MODELS, "config/pricing.yaml": PRICING})
    write(root, {"config/models.yaml": MODELS.replace("claude-o", "claude-new")})
    git(root, "add", "config/models.yaml")
    write(root, {"config/pricing.yaml": PRICING + "  claude-new: {input_per_1k: 1, output_per_1k: 2}\n"})
    result = staged_check(root)
    assert result.returncode == 1 and "APC304" in result.stdout, result.stdout
    assert run_script("autopack", "check", cwd=root).returncode == 0  # the working tree is fine


def test_a_diff_base_that_looks_like_an_option_is_refused(make_repo) -> None:  # type: ignore[no-untyped-def]
    """Attack: `--diff-base=--output=x` reached git diff as an option and wrote x...HEAD."""
    root = make_repo({"README.md": "# x\n"})
    result = run_script("autopack", "check", "--diff-base=--output=pwned", cwd=root)
    assert result.returncode == 2 and "a revision cannot start with '-'" in result.stderr
    assert sorted(p.name for p in root.iterdir()) == [".git", "README.md"]

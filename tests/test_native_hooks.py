"""The native git hooks in `hooks/`, run by a real `git commit` / `git push` in a temporary
repository whose core.hooksPath points at them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BIN, GIT_ENV, REPO_ROOT, git, run_script, write

BAD = "DEBUG=1\n"
GOOD = "DEBUG=false\n"


def run_git(repo: Path, *args: str, env: dict[str, str] | None = None, **variables: str) -> tuple[int, str]:
    """git started from `env` (default: ours, with the venv that has autopack first on PATH)
    plus `variables`; returns the exit code and the output (git sends a hook's stdout to stderr)."""
    if env is None:
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    completed = subprocess.run(
        ["git", *args], cwd=repo, env={**env, **GIT_ENV, **variables}, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120, check=False,
    )
    return completed.returncode, completed.stdout


def without(*names: str) -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in names}


@pytest.fixture
def repo(make_repo) -> Path:  # type: ignore[no-untyped-def]
    root = make_repo({".env.production": GOOD, "README.md": "# demo\n"})
    git(root, "config", "core.hooksPath", str(REPO_ROOT / "hooks"))
    return root


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def committed(repo: Path, path: str) -> str:
    return git(repo, "show", f"HEAD:{path}").stdout


def test_bad_content_staged_refuses_the_commit_with_the_finding(repo: Path) -> None:
    before = head(repo)
    write(repo, {".env.production": BAD})
    git(repo, "add", ".env.production")
    code, output = run_git(repo, "commit", "-m", "enable debug")
    assert code != 0
    assert ".env.production:1:" in output and "APD101" in output
    assert "autopack pre-commit: refused" in output
    assert head(repo) == before


def test_bad_content_staged_is_refused_even_when_the_working_tree_is_fixed(repo: Path) -> None:
    write(repo, {".env.production": BAD})
    git(repo, "add", ".env.production")
    write(repo, {".env.production": GOOD + "# fixed, but not staged\n"})
    code, output = run_git(repo, "commit", "-m", "sneaky")
    assert code != 0 and "APD101" in output


def test_bad_content_only_in_the_working_tree_lets_the_commit_through(repo: Path) -> None:
    write(repo, {".env.production": "DEBUG=0\n"})
    git(repo, "add", ".env.production")
    write(repo, {".env.production": BAD})
    code, output = run_git(repo, "commit", "-m", "disable debug explicitly")
    assert code == 0, output
    assert committed(repo, ".env.production") == "DEBUG=0\n"
    assert (repo / ".env.production").read_text(encoding="utf-8") == BAD


def test_commit_of_a_path_checks_what_that_commit_records(repo: Path) -> None:
    """`git commit PATH` records the working-tree file through a temporary index: the hook must
    see that content, not the (good) content staged in the real index."""
    write(repo, {".env.production": BAD})
    code, output = run_git(repo, "commit", "-m", "by path", ".env.production")
    assert code != 0 and "APD101" in output


def test_autopack_skip_and_no_verify_let_a_bad_commit_through(repo: Path) -> None:
    write(repo, {".env.production": BAD})
    git(repo, "add", ".env.production")
    code, output = run_git(repo, "commit", "-m", "skip", AUTOPACK_SKIP="1")
    assert code == 0, output
    assert "autopack pre-commit: skipped (AUTOPACK_SKIP=1)" in output
    write(repo, {"prod/.env": BAD})
    git(repo, "add", "prod/.env")
    assert run_git(repo, "commit", "-m", "no verify", "--no-verify")[0] == 0
    assert committed(repo, "prod/.env") == BAD


def test_missing_autopack_names_how_to_install_it(repo: Path, tmp_path: Path) -> None:
    """PATH without autopack, and a python3 that cannot import it (the base interpreter under
    our venv), so neither the command nor `python3 -m autopack` works."""
    bare = tmp_path / "bare-bin"
    bare.mkdir()
    base_python = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    (bare / "python3").symlink_to(base_python)
    clean = without("PYTHONPATH", "VIRTUAL_ENV")
    probe = subprocess.run(
        [str(bare / "python3"), "-c", "import autopack"], cwd=repo, env=clean, capture_output=True, timeout=60, check=False
    )
    assert probe.returncode != 0, "the base interpreter must not have autopack for this test"
    git_bin = Path(shutil.which("git") or "git").parent
    write(repo, {".env.production": BAD})
    git(repo, "add", ".env.production")
    code, output = run_git(repo, "commit", "-m", "no autopack", env={**clean, "PATH": f"{bare}{os.pathsep}{git_bin}"})
    assert code != 0
    assert "autopack pre-commit: autopack is not installed" in output
    assert f"python3 -m pip install '{REPO_ROOT}'" in output, "the checkout the hooks came from"
    assert "git commit --no-verify" in output


# --- where the hooks find autopack -------------------------------------------------------------

HOSTILE = {
    # a repository that ships programs posing as autopack and as Python, each leaving a mark
    ".venv/bin/autopack": "#!/bin/sh\ntouch \"$(git rev-parse --show-toplevel)/PWNED-venv\"\nexit 0\n",
    "bin/python3": "#!/bin/sh\ntouch \"$(git rev-parse --show-toplevel)/PWNED-python\"\nexit 0\n",
    "autopack/__init__.py": "open('PWNED-package', 'w').close()\n",
    "autopack/cli.py": "def main(argv=None):\n    open('PWNED-package', 'w').close()\n    return 0\n",
}


def hostile_repo(make_repo) -> Path:  # type: ignore[no-untyped-def]
    root = make_repo({**HOSTILE, ".env.production": GOOD})
    for name in (".venv/bin/autopack", "bin/python3"):
        (root / name).chmod(0o755)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "ship our own programs")
    return root


def hostile_env(root: Path, *extra: Path) -> dict[str, str]:
    """PATH and PYTHONPATH pointing into the repository first, as a direnv `.envrc` could."""
    git_bin = Path(shutil.which("git") or "git").parent
    path = os.pathsep.join(str(p) for p in (root / "bin", root / ".venv" / "bin", *extra, git_bin))
    return {**without("VIRTUAL_ENV"), "PATH": path, "PYTHONPATH": str(root)}


def assert_no_mark(root: Path) -> None:
    assert sorted(p.name for p in root.glob("PWNED-*")) == [], "a program from the repository ran"


def test_installed_hooks_run_the_recorded_python_whatever_the_repository_ships(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = hostile_repo(make_repo)
    result = subprocess.run(
        [sys.executable, "-P", "-m", "autopack", "install-hooks"], cwd=root, env={**os.environ, **GIT_ENV},
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"runs {sys.executable}" in result.stdout
    hook = (root / ".git" / "hooks" / "pre-commit").read_text(encoding="utf-8")
    assert f"python={sys.executable}" in hook or f"python='{sys.executable}'" in hook
    write(root, {".env.production": BAD})
    git(root, "add", ".env.production")
    code, output = run_git(root, "commit", "-m", "debug on", env=hostile_env(root))
    assert code != 0 and ".env.production:1:1: APD101" in output, output
    assert_no_mark(root)


def test_installed_hooks_work_from_a_shell_without_autopack_on_path(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo({".env.production": GOOD})
    assert run_script("autopack", "install-hooks", cwd=root).returncode == 0
    git_bin = Path(shutil.which("git") or "git").parent
    write(root, {".env.production": BAD})
    git(root, "add", ".env.production")
    code, output = run_git(root, "commit", "-m", "debug on", env={**without("VIRTUAL_ENV"), "PATH": str(git_bin)})
    assert code != 0 and "APD101" in output and "not installed" not in output


def test_the_repository_copy_skips_a_python_the_repository_tracks(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = hostile_repo(make_repo)
    git(root, "config", "core.hooksPath", str(REPO_ROOT / "hooks"))
    write(root, {".env.production": BAD})
    git(root, "add", ".env.production")
    code, output = run_git(root, "commit", "-m", "debug on", env=hostile_env(root, BIN))
    assert code != 0 and ".env.production:1:1: APD101" in output, output
    assert_no_mark(root)


def test_an_installed_hook_whose_python_lost_autopack_says_how_to_reinstall(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Hooks installed by a Python that later has no autopack (here: a bare venv that imported
    it from PYTHONPATH at install time): the advice names that Python and pip."""
    root = make_repo({".env.production": GOOD})
    bare = tmp_path / "bare-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True, timeout=120)
    python = bare / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "autopack", "install-hooks"], cwd=root,
        env={**os.environ, **GIT_ENV, "PYTHONPATH": str(REPO_ROOT)}, capture_output=True, text=True, timeout=120, check=False,
    )
    assert installed.returncode == 0, installed.stderr
    write(root, {".env.production": BAD})
    git(root, "add", ".env.production")
    code, output = run_git(root, "commit", "-m", "debug on")
    assert code != 0
    assert f"autopack pre-commit: autopack is not installed for {python}" in output
    assert f"Install it:    {python} -m pip install " in output


# --- pre-push: what is pushed, not the working tree ----------------------------------------------


@pytest.fixture
def pushing(repo: Path, tmp_path: Path) -> Path:
    """`repo` with a bare `origin` that already has main (and origin/HEAD, as a clone has)."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    assert run_git(repo, "push", "-q", "origin", "main")[0] == 0
    git(repo, "remote", "set-head", "origin", "main")
    return repo


def commit_unchecked(repo: Path, files: dict[str, str], message: str = "unchecked") -> None:
    write(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, "--no-verify")


def push(repo: Path, *args: str, **variables: str) -> tuple[int, str]:
    return run_git(repo, "push", "origin", *args, **variables)


def test_a_bad_commit_made_with_no_verify_is_refused_though_the_working_tree_is_clean(pushing: Path) -> None:
    commit_unchecked(pushing, {"deploy/production.env": BAD})
    write(pushing, {"deploy/production.env": GOOD})  # fixed, but only in the working tree
    code, output = push(pushing, "main")
    assert code != 0
    assert "deploy/production.env:1:1: APD101" in output and "autopack pre-push: refused" in output
    assert push(pushing, "main", AUTOPACK_SKIP="1")[0] == 0


def test_clean_commits_are_pushed_despite_a_bad_unstaged_edit(pushing: Path) -> None:
    commit_unchecked(pushing, {"README.md": "# demo\n\nmore\n"})
    write(pushing, {".env.production": BAD, "prod/.env": BAD})  # not committed
    code, output = push(pushing, "main")
    assert code == 0, output


def test_only_the_files_changed_since_the_remote_are_checked(pushing: Path) -> None:
    commit_unchecked(pushing, {"prod/.env": BAD}, "old problem")
    assert push(pushing, "main", AUTOPACK_SKIP="1")[0] == 0
    commit_unchecked(pushing, {"README.md": "# demo\n\nnews\n"})
    assert push(pushing, "main")[0] == 0


def test_a_new_branch_is_checked_against_its_merge_base_with_the_default_branch(pushing: Path) -> None:
    commit_unchecked(pushing, {"prod/.env": BAD}, "old problem on main")
    assert push(pushing, "main", AUTOPACK_SKIP="1")[0] == 0
    git(pushing, "checkout", "-q", "-b", "clean-feature")
    commit_unchecked(pushing, {"README.md": "# demo\n\nfeature\n"})
    assert push(pushing, "clean-feature")[0] == 0, "prod/.env was already on the remote"
    git(pushing, "checkout", "-q", "-b", "bad-feature")
    commit_unchecked(pushing, {"k8s/prod/.env": BAD})
    code, output = push(pushing, "bad-feature")
    assert code != 0 and "k8s/prod/.env:1:1: APD101" in output
    assert "\nprod/.env:" not in output, "main's old file is not the branch's change"


def test_a_new_branch_without_a_remote_default_branch_checks_every_file(repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / "empty.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    commit_unchecked(repo, {"prod/.env": BAD})
    git(repo, "checkout", "-q", "-b", "first")
    code, output = push(repo, "first")
    assert code != 0 and "prod/.env:1:1: APD101" in output


def test_a_force_push_is_checked_against_what_the_remote_had(pushing: Path) -> None:
    commit_unchecked(pushing, {"prod/.env": GOOD})
    assert push(pushing, "main")[0] == 0
    write(pushing, {"prod/.env": BAD})
    git(pushing, "add", "-A")
    git(pushing, "commit", "-q", "--amend", "--no-edit", "--no-verify")
    code, output = push(pushing, "--force", "main")
    assert code != 0 and "prod/.env:1:1: APD101" in output
    git(pushing, "reset", "-q", "--hard", "HEAD~1")  # drop the commit: back to what origin's parent had
    assert push(pushing, "--force", "main")[0] == 0


def test_a_tag_is_checked_only_for_what_the_remote_does_not_have(pushing: Path) -> None:
    git(pushing, "tag", "-a", "-m", "release", "v1.0.0")  # on a commit the remote has
    assert push(pushing, "v1.0.0")[0] == 0
    commit_unchecked(pushing, {"prod/.env": BAD})
    git(pushing, "tag", "v1.0.1")
    code, output = push(pushing, "v1.0.1")
    assert code != 0 and "prod/.env:1:1: APD101" in output


def test_deleting_a_ref_checks_nothing(pushing: Path) -> None:
    git(pushing, "checkout", "-q", "-b", "doomed")
    commit_unchecked(pushing, {"prod/.env": BAD})
    assert push(pushing, "doomed", AUTOPACK_SKIP="1")[0] == 0
    write(pushing, {".env.production": BAD})  # and a bad working tree
    code, output = push(pushing, ":doomed")
    assert code == 0, output


def test_pushed_content_is_read_from_the_commit_for_every_enforcement(pushing: Path) -> None:
    """A fixed-set check (the catalog) judges the pushed commit's files, not the working tree's."""
    commit_unchecked(pushing, {"config/models.yaml": "model_aliases: [1]\n", "config/pricing.yaml": "{}\n"})
    write(pushing, {"config/models.yaml": "model_aliases: {}\n"})
    code, output = push(pushing, "main")
    assert code != 0 and "config/models.yaml:1:1: APC301" in output

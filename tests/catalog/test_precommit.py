"""The `catalog` hook through the real `pre-commit run`."""

from __future__ import annotations

from tests.catalog.conftest import GOOD_MODELS
from tests.conftest import git


def test_pre_commit_catalog_hook_fails_on_a_broken_catalog_and_passes_when_fixed(catalog_repo, pre_commit_run):
    repo = catalog_repo(models=GOOD_MODELS.replace("  haiku: claude-haiku-4-5\n", "  haiku: [claude-haiku-4-5\n"))
    broken = pre_commit_run(repo, "catalog", "--all-files")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "config/models.yaml:3:" in broken.stdout and "APC300" in broken.stdout

    (repo / "config" / "models.yaml").write_text(GOOD_MODELS, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "fix the catalog")
    fixed = pre_commit_run(repo, "catalog", "--all-files")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Passed" in fixed.stdout

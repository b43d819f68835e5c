"""Every hook of `.pre-commit-hooks.yaml` through the real `pre-commit try-repo`, the way a user
tries autopack before adding it to a configuration (the per-hook tests use `pre-commit run`)."""

from __future__ import annotations

import re

HOOK_IDS = ("debug-guard", "doc-drift", "catalog", "parallel-lint")


def test_try_repo_runs_every_hook_and_each_reports_its_finding(make_repo, try_repo) -> None:
    repo = make_repo({
        ".env.production": "DEBUG=1\n",
        "README.md": "# Readme\n\nSee [the guide](docs/guide.md).\n",
        "config/models.yaml": "model_aliases: [\n",
        "jobs/bad.py": "from autopack.parallel import execute_parallel\nexecute_parallel(tasks, workers=4)\n",
    })
    result = try_repo(repo, "--all-files")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    for hook_id in HOOK_IDS:
        assert re.search(rf"^- hook id: {hook_id}$", result.stdout, re.MULTILINE), hook_id
    assert ".env.production:1:1: APD101" in result.stdout
    assert "README.md:3:" in result.stdout and "APR201" in result.stdout
    assert "config/models.yaml:" in result.stdout and "APC300" in result.stdout
    assert "jobs/bad.py:2:1: APP401" in result.stdout
    assert result.stdout.count("Failed") == len(HOOK_IDS)

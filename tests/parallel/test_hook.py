"""The hook as users meet it: through the real pre-commit, and on autopack itself."""

from __future__ import annotations

from autopack.config import load_config
from autopack.engine import collect
from autopack.files import list_repo_files
from autopack.parallel.lint import ENFORCEMENT
from tests.conftest import REPO_ROOT


def test_pre_commit_runs_the_parallel_lint(make_repo, pre_commit_run):
    repo = make_repo(
        {
            "jobs/bad.py": "from autopack.parallel import execute_parallel\nexecute_parallel(tasks, workers=4)\n",
            "jobs/stub.pyi": "from autopack.parallel.executor import _execute_parallel_internal\n",
            "jobs/good.py": "from autopack.parallel import execute_parallel\nexecute_parallel(tasks)\n",
            "notes.txt": "execute_parallel(tasks, workers=4)\n",
        }
    )
    result = pre_commit_run(repo, "parallel-lint", "--all-files")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "jobs/bad.py:2:1: APP401" in output
    assert "jobs/stub.pyi:1:40: APP402" in output
    assert "jobs/good.py:" not in output and "notes.txt:" not in output


def test_autopack_passes_its_own_parallelism_lint():
    paths = [p for p in list_repo_files(REPO_ROOT) if p.startswith(("autopack/", "tests/parallel/", "bench/"))]
    assert "autopack/parallel/executor.py" in paths
    result = collect([ENFORCEMENT], REPO_ROOT, load_config(REPO_ROOT), paths)
    assert [f"{f.path}:{f.line}: {f.rule_id} {f.message}" for f in result.findings] == []

"""Shards partition findings: the union of `--shard K/N` for K = 1..N is the unsharded run, each
finding exactly once — per-file checks, fixed-set checks (doc drift, catalog), core notes and
configured doc commands (which run in exactly one shard) alike."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import run_script

COUNTER_SCRIPT = "import pathlib, sys\nwith open(sys.argv[1], 'a') as f:\n    f.write('ran\\n')\nsys.exit(1)\n"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Findings of every kind spread over many paths; a doc command that counts its runs."""
    from tests.conftest import git, write

    root = tmp_path_factory.mktemp("shards") / "repo"
    root.mkdir()
    runs = root.parent / "runs.txt"
    files: dict[str, str] = {
        ".autopack.toml": (
            "max-file-size = 4096\n[doc-drift]\n[[doc-drift.commands]]\n"
            f'run = ["python", "scripts/count.py", "{runs}"]\n'
        ),
        "scripts/count.py": COUNTER_SCRIPT,
        "config/models.yaml": "model_aliases: [1, 2]\n",  # APC301, and APC300 for the missing pricing file
        "big/prod.env": "DEBUG=1\n" + "x" * 5000,  # APX002: over max-file-size
        "src/ignored.py": "x = 1  # autopack: " "ignore\n",  # APX001 (split: this file is checked too)
    }
    for i in range(12):
        files[f"deploy{i}/prod/.env"] = f"DEBUG=1\nAPP_DEBUG=true\n# {i}\n"
        files[f"docs/page{i}.md"] = f"# Page {i}\n\n[gone](missing{i}.md) [anchor](page{(i + 1) % 12}.md#nope)\n"
        files[f"src/job{i}.py"] = "from autopack.parallel import execute_parallel\nexecute_parallel(t, workers=3)\n"
    later = {path: files.pop(path) for path in sorted(files)[::2] if path != ".autopack.toml"}
    git(root, "init", "-q", "-b", "main")
    for batch in (files, later):  # two commits, for --diff-base HEAD~1
        write(root, batch)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "more findings")
    return root, runs


def findings(root: Path, *args: str) -> list[str]:
    result = run_script("autopack", "check", "--format", "json", *args, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return sorted(json.dumps(item, sort_keys=True) for item in json.loads(result.stdout))


def test_the_fixture_has_findings_of_every_kind(repo: tuple[Path, Path]) -> None:
    rules = Counter(json.loads(item)["rule"] for item in findings(repo[0]))
    assert {"APD101", "APD102", "APR200", "APR201", "APR202", "APC300", "APC301", "APP401", "APX001", "APX002"} <= set(rules)


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_the_union_of_the_shards_is_the_whole_run_each_finding_once(repo: tuple[Path, Path], count: int) -> None:
    root, runs = repo
    whole = findings(root)
    runs.write_text("", encoding="utf-8")
    union: list[str] = []
    for index in range(1, count + 1):
        union += findings(root, "--shard", f"{index}/{count}")
    assert sorted(union) == whole
    assert runs.read_text(encoding="utf-8") == "ran\n", "the configured doc command runs in exactly one shard"


def test_shards_with_a_diff_base_partition_the_changed_run(repo: tuple[Path, Path]) -> None:
    root, _ = repo
    whole = findings(root, "--diff-base", "HEAD~1")
    assert len(whole) > 10
    union = findings(root, "--diff-base", "HEAD~1", "--shard", "1/2") + findings(root, "--diff-base", "HEAD~1", "--shard", "2/2")
    assert sorted(union) == whole

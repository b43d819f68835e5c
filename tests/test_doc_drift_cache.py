"""Doc drift's cache of parsed documents: every way it can be stale, broken or shared gives the
findings of `--no-cache`, and it never writes where it must not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git, run_script


DOCS = {
    "README.md": "# Readme\n\nSee [the guide](docs/guide.md#set-up) and [gone](docs/gone.md).\n\nRun `python scripts/old.py`.\n",
    "docs/guide.md": "# Guide\n\n## Install\n\nBack to [the readme](../README.md#readme).\n",
    "scripts/run.py": "print(1)\n",
}
# Runs doc drift in a fresh interpreter and says whether it had to parse (markdown_it imported;
# under 64 documents, so no worker process parses for it).
PROBE = (
    "import json, sys\n"
    "from autopack import doc_drift\n"
    "code = doc_drift.main(sys.argv[1:])\n"
    "print(json.dumps({'code': code, 'parsed': 'markdown_it' in sys.modules}), file=sys.stderr)\n"
)


def run(repo: Path, *args: str, env: dict[str, str] | None = None, prelude: str = "") -> tuple[list[dict], bool]:
    """The findings of `autopack-doc-drift --all-files` in `repo`, and whether it parsed anything."""
    completed = subprocess.run(
        [sys.executable, "-c", prelude + PROBE, "--all-files", "--format", "json", *args],
        cwd=repo, capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}, check=False,
    )
    status = json.loads(completed.stderr.strip().splitlines()[-1])
    assert status["code"] in (0, 1), completed.stderr
    return json.loads(completed.stdout), status["parsed"]


def uncached(repo: Path) -> list[dict]:
    return run(repo, "--no-cache")[0]


def packs(repo: Path) -> list[Path]:
    return sorted((repo / ".autopack" / "cache").glob("documents-*.json"))


def forget_verdicts(repo: Path) -> None:
    """Drop the run's remembered verdicts, so the next run judges again and reads the pack."""
    (repo / ".autopack" / "cache" / "verdicts").unlink()


def test_a_run_where_nothing_changed_parses_nothing_and_writes_nothing(make_repo):
    repo = make_repo(DOCS)
    expected = uncached(repo)
    assert {f["rule"] for f in expected} == {"APR201", "APR202", "APR203"}
    assert not (repo / ".autopack").exists()  # --no-cache writes nothing
    assert run(repo) == (expected, True)
    [pack] = packs(repo)
    before = (pack.read_bytes(), pack.stat().st_mtime_ns)
    assert run(repo) == (expected, False)
    assert (pack.read_bytes(), pack.stat().st_mtime_ns) == before
    status = subprocess.run(["git", "status", "--porcelain", "--ignored=no"], cwd=repo, capture_output=True, text=True, check=True)
    assert status.stdout == ""  # the cache ignores itself: nothing to commit


def test_a_changed_document_is_parsed_again_and_judged_anew(make_repo):
    repo = make_repo(DOCS)
    run(repo)
    (repo / "docs/guide.md").write_text("# Guide\n\n## Set up\n", encoding="utf-8")
    findings, parsed = run(repo)
    assert parsed
    assert findings == uncached(repo)
    assert "APR202" not in {f["rule"] for f in findings}


@pytest.mark.parametrize("damage", [b"", b"garbage", b"truncated"])
def test_a_corrupt_or_truncated_pack_is_ignored_and_replaced(make_repo, damage):
    repo = make_repo(DOCS)
    expected = uncached(repo)
    run(repo)
    [pack] = packs(repo)
    whole = pack.read_bytes()
    pack.write_bytes(whole[: len(whole) // 2] if damage == b"truncated" else damage)
    forget_verdicts(repo)
    assert run(repo) == (expected, True)
    assert pack.read_bytes() == whole  # rewritten, and the next run trusts it again
    assert run(repo) == (expected, False)


def test_an_edited_entry_does_not_verify(make_repo):
    """Someone changes a cached document by hand (or commits one): its hash no longer matches."""
    repo = make_repo(DOCS)
    expected = uncached(repo)
    run(repo)
    [pack] = packs(repo)
    pack.write_bytes(pack.read_bytes().replace(b"gone.md", b"here.md"))
    forget_verdicts(repo)
    assert run(repo) == (expected, True)


def test_a_cache_committed_to_the_repository_is_not_trusted(make_repo):
    """A pack with a valid hash is easy to forge; one that git tracks is the repository's content."""
    repo = make_repo(DOCS)
    expected = uncached(repo)
    run(repo)
    [pack] = packs(repo)
    forged = pack.read_bytes().decode().split("\n", 1)[1].replace("gone.md", "guide.md")
    pack.write_text(forged, encoding="utf-8")
    sealed = subprocess.run(
        [sys.executable, "-c", "import sys; from autopack.cache import seal; from autopack.doc_drift.cache import FORMAT; sys.stdout.write(seal(FORMAT, sys.stdin.read()))"],
        input=forged, capture_output=True, text=True, check=True,
    ).stdout
    pack.write_text(sealed, encoding="utf-8")
    forget_verdicts(repo)
    assert run(repo)[0] != expected  # the forgery works while the cache is untracked...
    git(repo, "add", "-f", str(pack.relative_to(repo)))
    git(repo, "commit", "-q", "-m", "a cache committed")
    forget_verdicts(repo)
    assert run(repo) == (expected, True)  # ...and not once it is the repository's content


def test_a_read_only_cache_directory_leaves_the_check_working(make_repo, tmp_path):
    repo = make_repo(DOCS)
    expected = uncached(repo)
    run(repo)
    cache = repo / ".autopack" / "cache"
    (repo / "docs/guide.md").write_text("# Guide\n\n## Set up\n", encoding="utf-8")
    cache.chmod(0o555)
    try:
        findings, _ = run(repo)
    finally:
        cache.chmod(0o755)
    assert findings == uncached(repo)
    # Where even root cannot write (a read-only file system), the check runs without a cache.
    assert run(repo, env={"AUTOPACK_CACHE_DIR": "/proc/self"}) == (uncached(repo), True)
    assert expected != findings


def test_two_concurrent_runs_share_the_cache_safely(make_repo):
    pages = {f"docs/p{i:03d}.md": f"# Page {i}\n\n[next](p{i + 1:03d}.md#page-{i + 1}) `scripts/m{i}.py`\n" for i in range(120)}
    repo = make_repo({**DOCS, **pages})
    expected = uncached(repo)
    command = [sys.executable, "-m", "autopack.doc_drift", "--all-files", "--format", "json"]
    runs = [subprocess.Popen(command, cwd=repo, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=120)[0] for process in runs]
    assert [json.loads(output) for output in outputs] == [expected, expected]
    assert not [p for p in (repo / ".autopack" / "cache").iterdir() if p.name.endswith(".tmp")]
    assert run(repo) == (expected, False)


def test_another_autopack_version_does_not_read_this_ones_pack(make_repo):
    repo = make_repo(DOCS)
    expected = uncached(repo)
    run(repo)
    assert run(repo, prelude="import autopack; autopack.__version__ = '99.0'\n") == (expected, True)
    assert len(packs(repo)) == 2  # one per version: neither overwrites the other
    assert run(repo) == (expected, False)


def test_a_changed_setting_gives_the_findings_of_no_cache(make_repo):
    repo = make_repo(DOCS)
    run(repo)
    (repo / ".autopack.toml").write_text('[doc-drift]\nignore-targets = ["docs/gone.md"]\ncheck-code-paths = false\n', encoding="utf-8")
    findings, _ = run(repo)
    assert findings == uncached(repo)
    assert [f["rule"] for f in findings] == ["APR202"]


def test_a_symlinked_cache_directory_that_leaves_the_repository_is_not_used(make_repo, tmp_path):
    repo = make_repo(DOCS)
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / ".autopack").symlink_to(outside, target_is_directory=True)
    assert run(repo) == (uncached(repo), True)
    assert list(outside.iterdir()) == []


def test_a_configured_cache_directory_must_stay_in_the_repository(make_repo, tmp_path):
    repo = make_repo({**DOCS, ".autopack.toml": 'cache-dir = "../elsewhere"\n'})
    assert run(repo) == (uncached(repo), True)
    assert not (repo.parent / "elsewhere").exists()
    (repo / ".autopack.toml").write_text('cache-dir = "build/doc-cache"\n', encoding="utf-8")
    run(repo)
    assert run(repo) == (uncached(repo), False)
    assert list((repo / "build" / "doc-cache").glob("documents-*.json"))


def test_the_user_environment_chooses_or_disables_the_cache(make_repo, tmp_path):
    repo = make_repo(DOCS)
    elsewhere = tmp_path / "user-cache"
    run(repo, env={"AUTOPACK_CACHE_DIR": str(elsewhere)})
    assert run(repo, env={"AUTOPACK_CACHE_DIR": str(elsewhere)}) == (uncached(repo), False)
    assert not (repo / ".autopack").exists()
    assert run(repo, env={"AUTOPACK_NO_CACHE": "1"}) == (uncached(repo), True)
    assert not (repo / ".autopack").exists()


def test_the_autopilot_writes_no_cache_into_the_repository(make_repo):
    repo = make_repo(DOCS)
    result = run_script("autopack", "autopilot", cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    assert not (repo / ".autopack" / "cache").exists()

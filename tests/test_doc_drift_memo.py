"""Doc drift's remembered verdicts: a run where nothing changed judges nothing, and every input a
verdict depends on — a target's existence, a heading in another file, a site configuration, a
git-ignored file, the settings — invalidates them, each giving exactly the findings of `--no-cache`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import git

# Runs doc drift in a fresh interpreter and says whether the built-in checks judged the documents
# (a call of `builtin.judge`) or recalled the verdicts of the run before.
PROBE = (
    "import json, sys\n"
    "from autopack.doc_drift import builtin\n"
    "judged = []\n"
    "judge = builtin.judge\n"
    "builtin.judge = lambda *args: judged.append(1) or judge(*args)\n"
    "from autopack import doc_drift\n"
    "code = doc_drift.main(sys.argv[1:])\n"
    "print(json.dumps({'code': code, 'judged': bool(judged)}), file=sys.stderr)\n"
)

BARE_IGNORE = "autopack: " + "ignore"  # split so this file does not carry a bare ignore itself
DOCS = {
    "README.md": "# Readme\n\nSee [the guide](docs/guide.md#install), [gone](docs/gone.md) and [out](build/out.md#result).\n\n"
                 "Run `python scripts/run.py`.\n",
    "docs/guide.md": "# Guide\n\n## Install\n\nBack to [the readme](../README.md#readme).\n",
    "docs/notes.md": "# Notes\n\n<!-- " + BARE_IGNORE + " -->\nNothing to see.\n",
    "docs/logo.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + b"\x00" * 64,
    "scripts/run.py": "print(1)\n",
    ".gitignore": "build/\n",
}


def run(repo: Path, *args: str) -> tuple[list[dict], bool]:
    """The findings of `autopack-doc-drift --all-files` (or `--staged`) in `repo`, and whether it judged."""
    selection = [] if "--staged" in args else ["--all-files"]  # the two together are a usage error
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, *selection, "--format", "json", *args],
        cwd=repo, capture_output=True, text=True, timeout=120, check=False,
    )
    status = json.loads(completed.stderr.strip().splitlines()[-1])
    assert status["code"] in (0, 1), completed.stderr
    return json.loads(completed.stdout), status["judged"]


def uncached(repo: Path) -> list[dict]:
    return run(repo, "--no-cache")[0]


def rules(findings: list[dict]) -> list[tuple[str, str]]:
    return sorted((finding["rule"], finding["path"]) for finding in findings)


def docs_repo(make_repo) -> Path:
    repo = make_repo(DOCS)
    (repo / "build").mkdir()
    (repo / "build/out.md").write_text("# Out\n\n## Result\n", encoding="utf-8")  # built output: git ignores it
    return repo


def test_a_run_where_nothing_changed_judges_nothing_and_reports_the_same(make_repo):
    repo = docs_repo(make_repo)
    expected = uncached(repo)
    # the broken link, the bare ignore comment and the binary document's note
    assert rules(expected) == [("APR201", "README.md"), ("APX001", "docs/notes.md"), ("APX002", "docs/logo.md")]
    assert run(repo) == (expected, True)
    assert run(repo) == (expected, False)
    assert run(repo) == (expected, False)


def test_a_link_target_that_appears_or_goes_is_judged_anew(make_repo):
    repo = docs_repo(make_repo)
    run(repo)
    (repo / "docs/gone.md").write_text("# Back\n", encoding="utf-8")
    findings, judged = run(repo)
    assert judged and findings == uncached(repo)
    assert "APR201" not in {f["rule"] for f in findings}
    git(repo, "rm", "-q", "docs/guide.md")
    findings, judged = run(repo)
    assert judged and findings == uncached(repo)
    assert [f["data"]["target"] for f in findings if f["rule"] == "APR201"] == ["docs/guide.md"]


def test_a_renamed_heading_in_another_file_is_judged_anew(make_repo):
    repo = docs_repo(make_repo)
    run(repo)
    (repo / "docs/guide.md").write_text("# Guide\n\n## Set up\n\nBack to [the readme](../README.md#readme).\n", encoding="utf-8")
    findings, judged = run(repo)
    assert judged and findings == uncached(repo)
    assert [f["data"]["anchor"] for f in findings if f["rule"] == "APR202"] == ["install"]


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(make_repo):
    """A tool that restores the mtime (`touch -r`, rsync -t) cannot restore the ctime."""
    repo = docs_repo(make_repo)
    run(repo)
    guide = repo / "docs/guide.md"
    before = guide.stat()
    guide.write_text(guide.read_text(encoding="utf-8").replace("## Install", "## Instal_"), encoding="utf-8")
    os.utime(guide, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert guide.stat().st_size == before.st_size
    findings, judged = run(repo)
    assert judged and findings == uncached(repo)
    assert "APR202" in {f["rule"] for f in findings}


def test_a_git_ignored_file_the_verdicts_read_is_an_input_too(make_repo):
    """`build/out.md` exists only on disk (git ignores it); its headings and its existence count."""
    repo = docs_repo(make_repo)
    run(repo)
    (repo / "build/out.md").write_text("# Out\n\n## Outcome\n", encoding="utf-8")
    findings, judged = run(repo)
    assert judged and findings == uncached(repo)
    assert [f["data"]["anchor"] for f in findings if f["rule"] == "APR202"] == ["result"]
    (repo / "build/out.md").unlink()  # missing now, and ignored: not a finding
    findings, judged = run(repo)
    assert judged and findings == uncached(repo)
    assert "APR202" not in {f["rule"] for f in findings}


def test_a_new_ignore_rule_applies_without_judging_again(make_repo):
    """Which missing targets git ignores is asked on every run, after the memo."""
    repo = docs_repo(make_repo)
    run(repo)
    (repo / ".git/info/exclude").write_text("docs/gone.md\n", encoding="utf-8")
    findings, judged = run(repo)
    assert not judged and findings == uncached(repo)
    assert "APR201" not in {f["rule"] for f in findings}


def test_a_changed_site_configuration_is_judged_anew(make_repo):
    repo = make_repo({
        "mkdocs.yml": "site_name: x\nhooks:\n  - hooks/shortcodes.py\n",
        "docs/blog.md": "# Blog\n\n[a](#config.blog_dir) [b](other.md#nowhere)\n",
        "docs/other.md": "# O\n",
    })
    assert run(repo) == ([], True)
    (repo / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")  # no hooks rewrite the pages now
    findings, judged = run(repo)
    assert judged and findings == uncached(repo)
    assert [f["data"]["anchor"] for f in findings] == ["config.blog_dir", "nowhere"]


def test_changed_settings_are_judged_anew(make_repo):
    repo = docs_repo(make_repo)
    run(repo)
    (repo / ".autopack.toml").write_text('[doc-drift]\nignore-targets = ["docs/gone.md"]\n', encoding="utf-8")
    findings, judged = run(repo)
    assert judged and findings == uncached(repo)
    assert "APR201" not in {f["rule"] for f in findings}


def test_a_corrupt_memo_is_judged_anew(make_repo):
    repo = docs_repo(make_repo)
    expected = uncached(repo)
    run(repo)
    memo = repo / ".autopack/cache/verdicts"
    memo.write_bytes(memo.read_bytes().replace(b"docs/gone.md", b"docs/here.md"))
    assert run(repo) == (expected, True)
    memo.write_bytes(memo.read_bytes()[:100])
    assert run(repo) == (expected, True)
    assert run(repo) == (expected, False)


def test_a_staged_run_never_uses_the_memo(make_repo):
    """--staged judges the index, whose content no stat describes."""
    repo = docs_repo(make_repo)
    run(repo)
    (repo / "docs/gone.md").write_text("# Back\n", encoding="utf-8")
    git(repo, "add", "docs/gone.md")
    findings, judged = run(repo, "--staged")
    assert judged and "APR201" not in {f["rule"] for f in findings}


# Every way the judging code could look at the disk or at git by itself. The memo knows a run's
# inputs only because judging reads through `context.read` and asks `Repo.exists`/`Repo.is_dir`.
_DIRECT_ACCESS = re.compile(
    r"os\.path\.(?:exists|isdir|isfile|islink|getsize|getmtime|realpath)\(|os\.(?:listdir|scandir|walk|stat|lstat|readlink)\("
    r"|(?<![\w.])open\(|\.read_(?:text|bytes)\(|read_bounded\(|\.(?:exists|is_dir|is_file|iterdir|glob|rglob|resolve)\(\)"
    r"|\bsubprocess\b|run_git\(")
# The modules that may: the memo itself, the repository view that records what it finds, the
# orchestration (symlinked copies are inputs; git's ignore rules are asked on every run), the
# parse cache, configured commands and --fix (neither is a verdict of the built-in checks).
_RECORDING = {"memo.py", "repo.py", "builtin.py", "cache.py", "commands.py", "fix.py", "explain.py"}


def test_judging_code_reads_the_disk_only_where_the_memo_records_it():
    package = Path(__file__).resolve().parents[1] / "autopack" / "doc_drift"
    offenders = [
        f"{path.relative_to(package)}:{number}: {line.strip()}"
        for path in sorted(package.rglob("*.py")) if path.name not in _RECORDING or path.parent != package
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _DIRECT_ACCESS.search(line)
    ]
    assert offenders == [], "read through context.read or ask Repo.exists / Repo.is_dir, so remembered verdicts see the change"


def test_a_file_name_that_is_not_utf8_leaves_the_run_unremembered_not_broken(make_repo):
    """git lists such a name with its raw bytes (read as surrogates): the record cannot be
    written as UTF-8, so every run judges, with the same findings, and none fails."""
    repo = docs_repo(make_repo)
    (repo / os.fsdecode(b"docs/caf\xe9.md")).write_text("# Cafe\n", encoding="utf-8")
    expected = uncached(repo)
    assert run(repo) == (expected, True)
    assert run(repo) == (expected, True)

"""Doc drift on bad input: unreadable, binary and non-UTF-8 documents, broken site configuration,
hostile front matter. Each gives a clear note or the usual findings, never a traceback."""

from __future__ import annotations

import json

from tests.conftest import run_script

GOOD = {"README.md": "# Readme\n\n[gone](docs/gone.md)\n", "docs/guide.md": "# Guide\n"}
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8)
)


def check(repo) -> tuple[int, list[dict], str]:
    """Exit code, findings and stderr of the real console script (a traceback would be on stderr)."""
    result = run_script("autopack-doc-drift", "--all-files", "--format", "json", cwd=repo)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


def brief(findings: list[dict]) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["path"]) for f in findings)


def test_a_binary_document_is_a_note_and_utf16_is_checked(make_repo):
    repo = make_repo({
        **GOOD,
        "docs/utf16.md": "# Titel\n\n[x](nowhere.md)\n".encode("utf-16"),
        "docs/blob.md": b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
    })
    code, findings, _ = check(repo)
    assert code == 1
    assert brief(findings) == [("APR201", "README.md"), ("APR201", "docs/utf16.md"), ("APX002", "docs/blob.md")]
    note = next(f["message"] for f in findings if f["rule"] == "APX002")
    assert "binary file (NUL bytes: not text; save it as UTF-8)" in note


def test_an_unreadable_document_is_a_note(make_repo):
    repo = make_repo(GOOD)
    (repo / "docs/dangling.md").symlink_to(repo / "docs/missing-target.md")
    code, findings, _ = check(repo)
    assert brief(findings) == [("APR201", "README.md"), ("APX002", "docs/dangling.md")]
    assert "broken symlink" in next(f["message"] for f in findings if f["rule"] == "APX002")


def test_non_utf8_documents_are_checked_with_replacement(make_repo):
    repo = make_repo({**GOOD, "docs/latin1.md": "# Caf\xe9\n\n[x](nowhere.md)\n".encode("latin-1")})
    _, findings, _ = check(repo)
    assert brief(findings) == [("APR201", "README.md"), ("APR201", "docs/latin1.md")]


def test_broken_site_configuration_never_stops_the_check(make_repo):
    """An unparseable mkdocs.yml, a YAML bomb in a Jekyll `_config.yml`, a binary hugo.toml, a
    Docusaurus config that is not JavaScript: the documents are still judged."""
    repo = make_repo({
        **GOOD,
        "mkdocs.yml": "site_name: [unclosed\n  nav: {\n\t- bad",
        "_config.yml": BOMB,
        "hugo.toml": b"\x00\xff not toml",
        "docusaurus.config.js": "module.exports = {{{",
        "book.toml": "[book\ntitle = ",
        "docs/conf.py": "raise SystemExit('never run')\n",
    })
    code, findings, _ = check(repo)
    assert code == 1
    assert ("APR201", "README.md") in brief(findings)


def test_front_matter_bombs_and_giants_are_skipped_with_their_lines_kept(make_repo):
    bomb = f"---\n{BOMB}---\n# Page\n\n[gone](gone.md)\n"
    giant = "---\n" + "key: " + "x" * 1_500_000 + "\n---\n# Big\n\n[gone](gone.md)\n"
    unclosed = "---\ntitle: never closed\n\n# Open\n\n[gone](gone.md)\n"
    repo = make_repo({"docs/bomb.md": bomb, "docs/giant.md": giant, "docs/unclosed.md": unclosed})
    _, findings, _ = check(repo)
    where = sorted((f["path"], f["line"]) for f in findings if f["rule"] == "APR201")
    bomb_line = bomb.split("\n").index("[gone](gone.md)") + 1
    assert where == [("docs/bomb.md", bomb_line), ("docs/giant.md", 6), ("docs/unclosed.md", 6)]

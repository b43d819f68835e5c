"""File selection and safe reading, on real repositories and real files."""

from __future__ import annotations

import os
import re
import stat
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autopack import files
from tests.conftest import git, run_script, write


def test_repo_files_are_tracked_plus_untracked_not_ignored(make_repo):
    root = make_repo({"a.txt": "a\n", ".gitignore": "ignored.txt\n"})
    write(root, {"new.txt": "n\n", "ignored.txt": "i\n", "sub dir/ü.txt": "u\n"})
    assert files.list_repo_files(root) == [".gitignore", "a.txt", "new.txt", "sub dir/ü.txt"]


def test_plain_walk_outside_git_skips_dot_git_and_sorts(tmp_path):
    write(tmp_path, {"b/x.txt": "x", "a.txt": "a", ".git-not/y": "y"})
    assert files.list_repo_files(tmp_path) == [".git-not/y", "a.txt", "b/x.txt"]


def test_find_root_is_the_git_top_level(make_repo):
    root = make_repo({"deep/er/f.txt": "x"})
    assert files.find_root(root / "deep" / "er") == root.resolve()


def test_binary_files_are_skipped_silently(tmp_path):
    write(tmp_path, {"img.bin": b"\x89PNG\0\0\0DEBUG=1"})
    result = files.read_source(tmp_path, "img.bin", 1024)
    assert isinstance(result, files.Skipped) and not result.notify


def test_large_files_are_skipped_with_a_note(tmp_path):
    write(tmp_path, {"big.env": "A=1\n" * 1000})
    result = files.read_source(tmp_path, "big.env", 100)
    assert isinstance(result, files.Skipped) and result.notify and "100-byte" in result.reason


def test_bom_crlf_and_invalid_utf8_are_decoded(tmp_path):
    write(tmp_path, {"x.env": b"\xef\xbb\xbfA=1\r\nB=\xff\xfe\r\n"})
    source = files.read_source(tmp_path, "x.env", 1024)
    assert isinstance(source, files.SourceFile)
    assert source.lines[:2] == ["A=1", "B=\ufffd\ufffd"]
    assert source.decode_errors


def test_fifo_is_not_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    outcome: list[object] = []
    reader = threading.Thread(target=lambda: outcome.append(files.read_source(tmp_path, "pipe", 1024)), daemon=True)
    reader.start()
    reader.join(5)
    assert outcome and isinstance(outcome[0], files.Skipped)


def test_symlink_out_of_the_repository_is_not_followed(tmp_path):
    outside = tmp_path / "outside.env"
    outside.write_text("DEBUG=1\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "link.env").symlink_to(outside)
    (repo / "loop").symlink_to(repo / "loop")
    assert isinstance(files.read_source(repo, "link.env", 1024), files.Skipped)
    assert isinstance(files.read_source(repo, "loop", 1024), files.Skipped)


def test_symlink_inside_the_repository_is_read(tmp_path):
    write(tmp_path, {"real.env": "A=1\n"})
    (tmp_path / "alias.env").symlink_to(tmp_path / "real.env")
    source = files.read_source(tmp_path, "alias.env", 1024)
    assert isinstance(source, files.SourceFile) and source.path == "alias.env"


def test_unreadable_file_is_a_note_not_a_crash(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    write(tmp_path, {"secret.env": "A=1"})
    (tmp_path / "secret.env").chmod(0)
    result = files.read_source(tmp_path, "secret.env", 1024)
    assert isinstance(result, files.Skipped) and result.notify


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("node_modules", "node_modules/x.js", True),
        ("node_modules", "web/node_modules/x.js", True),
        ("*.md", "docs/a.md", True),
        ("docs/*.md", "docs/a.md", True),
        ("docs/*.md", "docs/sub/a.md", False),
        ("docs/**/*.md", "docs/sub/a.md", True),
        ("**/*.md", "a.md", True),
        (".autopack/runs", ".autopack/runs/x/y.json", True),
        (".autopack/runs", ".autopack/runs", True),
        (".autopack/runs", ".autopack/runs-old/x.json", False),
        (".autopack/runs", "sub/.autopack/runs/x.json", False),
        ("/node_modules/", "web/node_modules/x.js", True),
        ("node_modules", "web/node_modules", True),
        ("node_modules", "web/node_modules2/x.js", False),
        ("build", "src/builder.py", False),
        ("a[0-9].txt", "a1.txt", True),
    ],
)
def test_globs_follow_gitignore_like_rules(pattern, path, expected):
    assert files.compile_globs([pattern])(path) is expected


_PATH_PARTS = st.sampled_from(["a", "ab", "a.b", "b", ""])  # names that contain each other


_PLAIN_GLOB = st.builds(
    lambda lead, parts, trail: lead + "/".join(parts) + trail,
    st.sampled_from(["", "/"]),
    st.lists(_PATH_PARTS, min_size=1, max_size=3),
    st.sampled_from(["", "/"]),
)


@given(patterns=st.lists(_PLAIN_GLOB, max_size=4), path=st.builds("/".join, st.lists(_PATH_PARTS, min_size=1, max_size=4)))
def test_globs_without_wildcards_match_as_their_regex_does(patterns, path):
    """Plain globs take a fast path (segments, prefixes); it must agree with the glob's regex."""
    regexes = [re.compile(files.glob_to_regex(p), re.DOTALL) for p in patterns if p.strip()]
    assert files.compile_globs(patterns)(path) == any(r.fullmatch(path) for r in regexes)


def test_staged_content_comes_from_the_index(make_repo):
    root = make_repo({"a.env": "A=1\n", "b.env": "B=1\n"})
    write(root, {"a.env": "A=staged\n"})
    git(root, "add", "a.env")
    write(root, {"a.env": "A=worktree\n"})
    assert files.staged_files(root) == ["a.env"]
    tree = files.StagedTree(root)
    try:
        assert tree.read_bytes("a.env", 100) == b"A=staged\n"
        assert tree.read("b.env", 100).text == "B=1\n"
        write(root, {"untracked.env": "X=1\n"})
        assert tree.listing() == ["a.env", "b.env"]
        with pytest.raises(files.ReadRefused, match="not in the index"):
            tree.read_bytes("untracked.env", 100)
        with pytest.raises(files.ReadRefused, match="over the 3-byte limit"):
            tree.read_bytes("a.env", 3)
        assert tree.read_bytes("b.env", 100) == b"B=1\n"  # the process is still in step after a skip
    finally:
        tree.close()


def test_changed_files_since_a_base(make_repo):
    root = make_repo({"a.txt": "a"})
    git(root, "checkout", "-q", "-b", "feature")
    write(root, {"b.txt": "b"})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "b")
    assert files.changed_files(root, "main") == ["b.txt"]
    assert files.changed_files(root, "no-such-rev") is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_write_atomic_writes_into_a_named_pipe_instead_of_replacing_it(tmp_path):
    """`--output /dev/null` or a pipe: the device stays, the text goes into it."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    files.write_atomic(pipe, "report\n")
    reader.join(timeout=30)
    assert received == ["report\n"]
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_write_atomic_replaces_the_file_with_the_usual_mode_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out" / "report.json"
    files.write_atomic(target, "one")
    files.write_atomic(target, "two")
    assert target.read_text() == "two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.json"]
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    files.write_atomic(target, "#!/bin/sh\n", mode=0o755)
    assert target.stat().st_mode & 0o777 == 0o755


def test_a_crafted_glob_matches_in_linear_time(make_repo):
    """Attack: an exclude glob with many stars (`*a*a*...*b`) against a long file name, or many
    `**` segments against a deep path, backtracked for minutes: every glob now compiles to a
    regex without competing repetition."""
    deep = "/".join(["a"] * 60) + "/x.txt"
    root = make_repo({"a" * 200 + ".txt": "x\n", deep: "x\n"})
    write(root, {".autopack.toml": 'extend-exclude = ["*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "a/**/a/**/a/**/a/**/a/**/a/**/b"]\n'})
    started = time.process_time()
    matcher = files.compile_globs(["*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "**/**/a/**/a/**/a/**/a/**/b", "a/**/a/**/a/**/a/**/a/**/b"])
    assert not matcher("a" * 200 + ".txt") and not matcher(deep)
    assert time.process_time() - started < 1.0
    result = run_script("autopack", "check", "--all-files", cwd=root, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("config", "key"),
    [('extend-exclude = ["ok/**", "[z-a].txt"]\n', "`extend-exclude`"), ('[doc-drift]\ndocs-globs = ["docs/[9-0]*.md"]\n', "`doc-drift.docs-globs`")],
)
def test_an_invalid_glob_is_a_configuration_error_naming_key_and_value(make_repo, config, key):
    """Attack: an invalid glob gave a `re.error` traceback."""
    root = make_repo({".autopack.toml": config, "README.md": "# x\n"})
    result = run_script("autopack", "check", "--all-files", cwd=root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert ".autopack.toml:" in result.stderr and key in result.stderr and "is not a valid glob" in result.stderr, result.stderr


def _reference_match(pattern: str, path: str) -> bool:
    """gitignore-like matching written the slow, obvious way: segment by segment, `**` as any
    number of whole segments, a match on a directory covering everything below it."""
    import fnmatch
    import re
    from functools import lru_cache

    stripped = pattern.strip("/")
    globs = [s for s in stripped.split("/") if s]
    globs = globs if "/" in stripped else ["**", *globs]
    names = path.split("/")

    @lru_cache(maxsize=None)
    def match(i: int, j: int) -> bool:
        if i == len(globs):
            return j >= 1
        if len(globs[i]) >= 2 and not globs[i].strip("*"):
            if i == len(globs) - 1:
                return j < len(names)
            return any(match(i + 1, k) for k in range(j, len(names) + 1))
        return j < len(names) and fnmatch.fnmatchcase(names[j], re.sub(r"\*+", "*", globs[i])) and match(i + 1, j + 1)

    return match(0, 0)


_SEGMENT = st.text("ab*?", min_size=1, max_size=4) | st.sampled_from(["**", "[ab]", "[!a]"])


@given(st.lists(_SEGMENT, min_size=1, max_size=4).map("/".join), st.lists(st.text("ab", min_size=1, max_size=3), min_size=1, max_size=5).map("/".join))
def test_globs_match_like_the_obvious_segment_matcher(pattern, path):
    assert files.compile_globs([pattern])(path) is _reference_match(pattern, path)

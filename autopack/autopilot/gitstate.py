"""One read-only look at git: HEAD and the working tree status, shared by the digest, the
detectors and the proof metrics.

Every git call here runs with `GIT_OPTIONAL_LOCKS=0`, so looking never refreshes or locks the
index: the autopilot leaves `.git` exactly as it found it. The records are named tuples rather
than dataclasses because `autopack digest` imports this module on every call and dataclasses
cost more to import than the digest costs to compute.
"""

from __future__ import annotations

import os
import subprocess
from collections import namedtuple
from pathlib import Path

GIT_TIMEOUT = 120.0
UNBORN = "(initial)"


def git_env() -> dict[str, str]:
    """The environment for read-only git calls: no optional locks, no prompts, no pager."""
    return {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat"}


class GitAnswer(namedtuple("GitAnswer", "ok stdout stderr missing", defaults=(False,))):
    """A git command's outcome: `ok` False means git is missing, failed or timed out."""

    __slots__ = ()


def git(root: Path, *args: str, timeout: float = GIT_TIMEOUT) -> GitAnswer:
    try:
        completed = subprocess.run(
            ["git", *args], cwd=root, env=git_env(), capture_output=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        return GitAnswer(False, b"", "git is not on PATH", missing=True)
    except (OSError, subprocess.SubprocessError) as exc:
        return GitAnswer(False, b"", f"git could not run: {exc}")
    stderr = completed.stderr.decode("utf-8", "replace").strip()
    return GitAnswer(completed.returncode == 0, completed.stdout, stderr)


class StatusEntry(namedtuple("StatusEntry", "kind xy path raw original", defaults=(None,))):
    """One `git status --porcelain=v2` entry: `kind` is 1 (changed), 2 (renamed or copied),
    u (unmerged) or ? (untracked); `xy` the index and worktree states ('.' = unchanged); `raw`
    the entry exactly as git printed it; `original` where a renamed or copied file came from."""

    __slots__ = ()

    @property
    def worktree_changed(self) -> bool:
        return self.kind in "?u" or self.xy[1:2] not in ("", ".")


class WorkingTree(namedtuple("WorkingTree", "head entries error git_missing", defaults=(None, False))):
    """HEAD and the sorted status entries; `error` is set (and the rest empty) when git did not answer."""

    __slots__ = ()

    @property
    def ok(self) -> bool:
        return self.error is None


def decode_path(raw: bytes) -> str:
    """git paths are bytes; undecodable bytes survive as surrogates so the file can still be opened."""
    return raw.decode("utf-8", "surrogateescape")


def read_working_tree(start: Path, exclude: tuple[str, ...] = ()) -> WorkingTree:
    """HEAD and every status entry (untracked files listed one by one, paths relative to the
    repository root) of the repository containing `start`. Run directories keep themselves out
    of this list with a `.gitignore` of their own; a session also names them in `exclude`
    (repo-relative), because a concurrent session's run directory shows its `.gitignore`'s temp
    file for a moment before that `.gitignore` exists."""
    pathspecs = ["--", *(f":(top,exclude,literal){path}" for path in exclude)] if exclude else []
    answer = git(start, "status", "--porcelain=v2", "-z", "--branch", "--untracked-files=all", *pathspecs)
    if not answer.ok:
        return WorkingTree("", (), error=answer.stderr or "git status failed", git_missing=answer.missing)
    head = UNBORN
    entries: list[StatusEntry] = []
    fields = iter(answer.stdout.split(b"\0"))
    for field in fields:
        if field.startswith(b"# branch.oid "):
            head = field[len(b"# branch.oid ") :].decode("ascii", "replace")
            continue
        kind = chr(field[0]) if field else "#"
        if kind == "2":
            raw = field + b"\0" + next(fields, b"")
            path_bytes = field.split(b" ", 9)[9]
        elif kind == "1":
            raw, path_bytes = field, field.split(b" ", 8)[8]
        elif kind == "u":
            raw, path_bytes = field, field.split(b" ", 10)[10]
        elif kind == "?":
            raw, path_bytes = field, field[2:]
        else:
            continue  # headers, ignored files, the empty field after the last NUL
        xy = "??" if kind == "?" else field[2:4].decode("ascii", "replace")
        original = decode_path(raw.split(b"\0", 1)[1]) if kind == "2" else None
        entries.append(StatusEntry(kind, xy, decode_path(path_bytes), raw, original))
    entries.sort(key=lambda e: e.raw)
    return WorkingTree(head, tuple(entries))


def toplevel(start: Path) -> Path:
    """The working tree's top directory for `start` (`start` itself when git cannot say)."""
    answer = git(start, "rev-parse", "--show-toplevel")
    return Path(os.fsdecode(answer.stdout.rstrip(b"\n"))) if answer.ok and answer.stdout.strip() else start


def git_dir(root: Path) -> Path | None:
    """The repository's (worktree's) git directory, where in-progress markers and locks live."""
    answer = git(root, "rev-parse", "--absolute-git-dir")
    if not answer.ok:
        return None
    return Path(os.fsdecode(answer.stdout.strip()))

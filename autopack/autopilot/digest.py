"""The workspace digest: one sha256 that names the exact state of a working tree.

It covers git's HEAD, the sorted `git status --porcelain=v2` entries (which already carry the
index's blob ids) and the content of every file changed in the working tree. Run directories
never count: each holds a `.gitignore` of `*`, so git does not list them. When git is
missing or fails the digest is the hash of a fixed sentinel, never a clock reading, so the same
state always gives the same digest and a broken git gives a recognisable one.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from autopack.autopilot.gitstate import WorkingTree, read_working_tree, toplevel

DEFAULT_RUNS_DIR = ".autopack/runs"  # where run directories go by default (each hides itself from git)
SENTINEL = "unknown|git_unavailable"
SENTINEL_DIGEST = hashlib.sha256(SENTINEL.encode("ascii")).hexdigest()
CHUNK = 1 << 20


def content_hash(path: Path) -> str:
    """sha256 of what is at `path` now: file bytes, a symlink's target, or a marker for
    something that is not a regular file (deleted, a directory such as a submodule)."""
    try:
        info = path.lstat()
    except OSError:
        return "absent"
    if stat.S_ISLNK(info.st_mode):
        return "symlink:" + hashlib.sha256(os.fsencode(os.readlink(path))).hexdigest()
    if not stat.S_ISREG(info.st_mode):
        return "not-a-file"
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    except OSError as exc:
        return f"unreadable:{exc.errno}"
    return digest.hexdigest()


def entry_states(root: Path, tree: WorkingTree) -> dict[str, tuple[bytes, str]]:
    """path → (status entry as git printed it, content hash of a file changed in the working
    tree, else ""): what the digest covers, entry by entry, so two states can be compared."""
    return {
        entry.path: (entry.raw, content_hash(root / entry.path) if entry.worktree_changed else "")
        for entry in tree.entries
    }


MAX_RECORDED_ENTRIES = 10000  # status entries a gap report names, so a later refusal can say what changed


def entry_fingerprints(states: dict[str, tuple[bytes, str]], limit: int | None = MAX_RECORDED_ENTRIES) -> dict[str, str]:
    """path → 16 hex of its status entry and content hash (the first `limit` paths, sorted)."""
    return {
        path: hashlib.sha256(raw + b"\0" + content.encode("ascii")).hexdigest()[:16]
        for path, (raw, content) in sorted(states.items())[:limit]
    }


def changed_paths(before: dict[str, tuple[bytes, str]], after: dict[str, tuple[bytes, str]]) -> list[str]:
    """Paths whose state differs between two `entry_states`, sorted."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def digest_of(root: Path, tree: WorkingTree, states: dict[str, tuple[bytes, str]] | None = None) -> str:
    """The digest of an already-read working tree (so a session reads git status only once);
    `states` are its `entry_states` when the caller has them already."""
    if not tree.ok:
        return SENTINEL_DIGEST
    states = entry_states(root, tree) if states is None else states
    digest = hashlib.sha256()
    digest.update(b"autopack-workspace-digest-v1\0HEAD " + tree.head.encode("ascii", "replace") + b"\0")
    for entry in tree.entries:
        raw, content = states[entry.path]
        digest.update(raw + b"\0")
        if entry.worktree_changed:
            digest.update(content.encode("ascii") + b"\0")
    return digest.hexdigest()


def workspace_digest(start: Path) -> str:
    """sha256 hex of the state of the repository containing `start` (any directory in it)."""
    tree = read_working_tree(start)
    needs_content = any(entry.worktree_changed for entry in tree.entries)
    return digest_of(toplevel(start) if needs_content else start, tree)

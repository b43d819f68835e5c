"""The one mechanical fix doc drift knows: a broken relative link (APR201) whose target was
renamed in git history now points at the file's current path.

Certain only when git's history gives exactly one answer: the missing target was renamed (one
destination, then followed through later renames to a path that exists now), and `git log
--follow` from that path leads back to the old name. The link must be a plain relative (or
`/`-rooted) path resolved as GitHub would, written once on its line; its `#anchor` and `?query`
are kept, and so is the `./` of a link that had one. Anything else stays for a person.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote

from autopack.doc_drift.repo import resolve
from autopack.files import run_git

MAX_RENAMES = 20  # a chain longer than this is not followed


def renamed_to(root: Path, old: str) -> str | None:
    """The path a file once at `old` lives at now, when history says so unambiguously."""
    output = run_git(root, "log", "-M", "--diff-filter=R", "--name-status", "--format=", "-z", "--end-of-options", "HEAD")
    if output is None:
        return None
    fields = output.decode("utf-8", "surrogateescape").split("\0")
    renames: dict[str, set[str]] = {}
    index = 0
    while index + 2 < len(fields):
        status = fields[index].lstrip("\n")
        if status.startswith("R"):
            renames.setdefault(fields[index + 1], set()).add(fields[index + 2])
            index += 3
        else:
            index += 1
    current, seen = old, {old}
    for _ in range(MAX_RENAMES):
        destinations = renames.get(current)
        if not destinations:
            break
        if len(destinations) != 1:
            return None  # renamed to different places (branches): not certain
        current = next(iter(destinations))
        if current in seen:
            return None
        seen.add(current)
    if current == old or not (root / current).is_file() or not _follows_back(root, current, old):
        return None
    return current


def _follows_back(root: Path, current: str, old: str) -> bool:
    """`git log --follow` from the current path names the old one among its past names."""
    output = run_git(root, "log", "--follow", "--name-only", "--format=", "-z", "--end-of-options", "HEAD", "--", current)
    return output is not None and old in output.decode("utf-8", "surrogateescape").replace("\n", "\0").split("\0")


def new_href(document: str, href: str, old_target: str, new_target: str) -> str | None:
    """`href` pointing at `new_target` instead, written the same way (relative or `/`-rooted,
    `./` kept, anchor and query kept); None when the link is not a plain path resolved as written."""
    path, hash_mark, fragment = href.partition("#")
    path, question, query = path.partition("?")
    if not path or unquote(path) != path or path.startswith("@") or "\\" in path:
        return None
    base = posixpath.dirname(document)
    if resolve(base, path) != old_target:
        return None  # a site system resolved it: the rewrite would not be certain
    if path.startswith("/"):
        written = "/" + new_target
    else:
        written = posixpath.relpath(new_target, base or ".")
        if path.startswith("./") and not written.startswith("."):
            written = "./" + written
    if path.endswith("/") and not written.endswith("/"):
        return None
    return written + (question + query if question else "") + (hash_mark + fragment if hash_mark else "")

"""The repository as the built-in checks see it: which paths exist (files, directories, git
submodules), and each Markdown file parsed once (in forked workers for large doc sets); and the
path helpers the link and code-path rules share."""

from __future__ import annotations

import os
import posixpath
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from autopack import files
from autopack.doc_drift.markdown import Document, markdown_parser, parse_document
from autopack.doc_drift.sites.github import SITE_CONFIG
from autopack.engine import CheckContext

_SUBMODULE_PATH = re.compile(r"^[ \t]*path[ \t]*=[ \t]*+(.*\S)[ \t]*$", re.MULTILINE)
MAX_GITMODULES_BYTES = 1024 * 1024


def _submodule_paths(root: Path) -> tuple[str, ...]:
    """Paths of git submodules (from `.gitmodules`): their content may not be checked out (CI),
    so whatever lies below them counts as existing."""
    try:
        raw = files.read_bounded(root / ".gitmodules", MAX_GITMODULES_BYTES, inside=root)
    except files.ReadRefused:
        return ()
    text = raw.decode("utf-8", errors="replace")
    return tuple(sorted({path.strip("/") for path in _SUBMODULE_PATH.findall(text)}))


class Repo:
    """The repository as the checks see it: which paths exist, and each Markdown file's anchors."""

    def __init__(self, context: CheckContext, parser: Any) -> None:
        self.context = context
        self.parser = parser
        self.files = set(context.repo_files())
        self.dirs = {"."}
        for path in self.files:
            parts = path.split("/")
            for depth in range(1, len(parts)):
                self.dirs.add("/".join(parts[:depth]))
        self.documents: dict[str, Document | None] = {}
        self.fronts: dict[str, dict[str, Any]] = {}  # front matter of pages not parsed as documents
        self.ignored = files.compile_globs(context.settings["ignore-targets"])
        self._lowercase: dict[str, str] | None = None
        self._stems: set[str] | None = None
        self.submodules = _submodule_paths(context.root)
        self.labels: set[str] = set()
        # Some docs site (MkDocs, Docusaurus, VitePress, VuePress, Jekyll) is configured here: documents
        # outside any detected site still get its tolerance for `intro` meaning `intro.md`.
        self.site = any(SITE_CONFIG.search(path) for path in self.files)
        from autopack.doc_drift import sites

        self.sites = sites.detect(self)

    def by_lowercase(self) -> dict[str, str]:
        """Every file and directory by its lowercased path (the first in sorted order wins)."""
        if self._lowercase is None:
            self._lowercase = {}
            for path in sorted(self.files | self.dirs):
                self._lowercase.setdefault(path.lower(), path)
        return self._lowercase

    def folders_ending_with(self, tail: str) -> list[str]:
        """The folders under which `tail` exists (`charts/stack` for `charts/crds/files/x.bz2`
        when `charts/stack/charts/crds/files/x.bz2` exists)."""
        suffix = "/" + tail.strip("/")
        return sorted({path[: -len(suffix)] for path in self.files | self.dirs if path.endswith(suffix)})

    def names_module(self, path: str) -> bool:
        """`pkg/utils/config` for `pkg/utils/config.js`: code names modules without their suffix."""
        if self._stems is None:
            self._stems = {posixpath.splitext(file)[0] for file in self.files}
        return "." not in posixpath.basename(path) and path in self._stems

    def exists(self, path: str) -> bool:
        """In the repository's file list, or on disk (a generated or ignored file) — except under
        --staged, where only what the commit records exists."""
        return (
            path in self.files
            or path in self.dirs
            or (self.context.staged is None and os.path.exists(self.context.root / path))
            or any(path.startswith(submodule + "/") for submodule in self.submodules)
        )

    def is_dir(self, path: str) -> bool:
        return path in self.dirs or (self.context.staged is None and os.path.isdir(self.context.root / path))

    def preload(self, paths: list[str]) -> None:
        """Parse many documents at once, on several cores where that pays (see `_parse_parallel`);
        otherwise `document` parses each on first use."""
        for path, parsed in zip(paths, _parse_parallel(self.context, paths) or ()):
            if isinstance(parsed, files.Skipped):
                self.context.skipped.append(parsed)
                self.documents[path] = None
            else:
                self.documents[path] = parsed

    def document(self, path: str) -> Document | None:
        if path not in self.documents:
            source = self.context.read(path)
            self.documents[path] = parse_document(self.parser, source) if source else None
        return self.documents[path]


PARALLEL_MIN_DOCUMENTS = 64
_worker_reader: Callable[[str], files.SourceFile | files.Skipped] | None = None  # set before forking


def _parse_in_worker(path: str) -> Document | files.Skipped:
    assert _worker_reader is not None
    source = _worker_reader(path)
    return source if isinstance(source, files.Skipped) else parse_document(markdown_parser(), source)


def _has_threads() -> bool:
    """Forking a process that runs other threads can deadlock the child: then stay serial."""
    threading = sys.modules.get("threading")
    return threading is not None and threading.active_count() > 1


def _parse_parallel(context: CheckContext, paths: list[str]) -> list[Document | files.Skipped] | None:
    """Read and parse `paths` in forked worker processes, results in input order (about 1.4x
    faster from a few hundred documents on two cores). None (parse serially) for small sets, one
    CPU, other threads, not Linux (where forking is reliable), or a platform that refuses a
    process pool."""
    global _worker_reader
    if len(paths) < PARALLEL_MIN_DOCUMENTS or not sys.platform.startswith("linux") or _has_threads():
        return None
    workers = min(len(os.sched_getaffinity(0)), 4)
    if workers < 2:
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    max_size = context.config.values["max-file-size"]
    _worker_reader = context.reader or (lambda path: files.read_source(context.root, path, max_size))
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_parse_in_worker, paths, chunksize=max(1, len(paths) // (workers * 4))))
    except (OSError, RuntimeError):  # no semaphores, fork refused, a worker killed: parse serially
        return None
    finally:
        _worker_reader = None


def resolve(base_dir: str, path: str) -> str | None:
    """A link path as a repo-relative path; None when it leaves the repository."""
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(base_dir, path)
    normal = posixpath.normpath(joined) if joined else "."
    return None if normal == ".." or normal.startswith("../") else normal


def column_of(line_text: str, *needles: str) -> int | None:
    for needle in needles:
        if needle:
            position = line_text.find(needle)
            if position >= 0:
                return position + 1
    return None


def source_line(document: Document, line: int) -> str:
    lines = document.source.lines
    return lines[line - 1] if 0 < line <= len(lines) else ""

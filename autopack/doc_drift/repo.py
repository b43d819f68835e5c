"""The repository as the built-in checks see it: which paths exist (files, directories, git
submodules), and each Markdown file parsed once (in forked workers for large doc sets); and the
path helpers the link and code-path rules share."""

from __future__ import annotations

import os
import posixpath
import re
import sys
from pathlib import Path
from typing import Any

from autopack import files
from autopack.doc_drift.markdown import Document, markdown_parser, parse_document
from autopack.doc_drift.memo import on_disk
from autopack.doc_drift.sites.github import SITE_CONFIG
from autopack.engine import CheckContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from autopack.cache import Store

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

    def __init__(self, context: CheckContext) -> None:
        self.context = context
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
        self._by_name: dict[str, list[str]] | None = None
        self.submodules = _submodule_paths(context.root)
        self.labels: set[str] = set()
        self.probes: dict[str, bool] = {}  # `e:path` / `d:path` -> whether it exists / is a directory on disk
        # Some docs site is configured here (`SITE_CONFIG`): documents outside any detected site still
        # get its tolerance for `intro` meaning `intro.md`.
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
        if self._by_name is None:  # only paths of the tail's own name can end with it
            self._by_name = {}
            for path in self.files | self.dirs:
                self._by_name.setdefault(path.rpartition("/")[2], []).append(path)
        named = self._by_name.get(suffix.rpartition("/")[2], ()) if suffix != "/" else ()
        return sorted({path[: -len(suffix)] for path in named if path.endswith(suffix)})

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
            or (self.context.staged is None and self._probe("e:" + path))
            or any(path.startswith(submodule + "/") for submodule in self.submodules)
        )

    def is_dir(self, path: str) -> bool:
        return path in self.dirs or (path not in self.files and self.context.staged is None and self._probe("d:" + path))

    def _probe(self, probe: str) -> bool:
        """A look at the disk, asked once per run and kept: the verdicts' memo re-asks each."""
        answer = self.probes.get(probe)
        if answer is None:
            answer = self.probes[probe] = on_disk(self.context.root_dir, probe)
        return answer

    def preload(self, paths: list[str], store: Store | None) -> None:
        """Read every document and parse those the cache (`store`) does not hold, on several
        cores where that pays (see `_parse_parallel`); `document` parses any other file on first use."""
        from autopack.doc_drift.cache import DocumentPack, content_key, decode, encode

        pack = DocumentPack(store) if store is not None else None
        missing: list[tuple[str, files.SourceFile, str]] = []
        for path in paths:
            source = self.context.read(path)
            if source is None:
                _note_skipped_document(self.context, path)
                self.documents[path] = None
                continue
            key = content_key(source) if pack is not None else ""
            cached = pack.get(key, source) if pack is not None else None
            if cached is not None:
                self.documents[path] = cached
            else:
                missing.append((path, source, key))
        sources = [source for _, source, _ in missing]
        entries = _parse_parallel(sources) or [encode(parse_document(markdown_parser(), source)) for source in sources]
        for (path, source, key), entry in zip(missing, entries):
            self.documents[path] = decode(entry, source)
            if pack is not None:
                pack.put(key, entry)
        if pack is not None:
            pack.save()

    def document(self, path: str) -> Document | None:
        if path not in self.documents:
            source = self.context.read(path)
            self.documents[path] = parse_document(markdown_parser(), source) if source else None
        return self.documents[path]


def _note_skipped_document(context: CheckContext, path: str) -> None:
    """The core skips binary files and special files quietly (right for a scan of every file);
    a document the docs globs select is one the user expects checked, so its skip is a note."""
    skip = context.skipped[-1] if context.skipped else None
    if skip is None or skip.path != path or skip.notify:
        return
    hint = "NUL bytes: not text; save it as UTF-8" if skip.reason == "binary file" else "not read as a document"
    context.skipped[-1] = files.Skipped(path, f"{skip.reason} ({hint})", notify=True)


PARALLEL_MIN_DOCUMENTS = 64
_worker_sources: list[files.SourceFile] = []  # set before forking: the workers inherit it


def _parse_in_worker(index: int) -> dict[str, Any]:
    from autopack.doc_drift.cache import encode

    return encode(parse_document(markdown_parser(), _worker_sources[index]))


def _has_threads() -> bool:
    """Forking a process that runs other threads can deadlock the child: then stay serial."""
    threading = sys.modules.get("threading")
    return threading is not None and threading.active_count() > 1


def _parse_parallel(sources: list[files.SourceFile]) -> list[dict[str, Any]] | None:
    """Parse `sources` in forked worker processes, results (cache entries: cheap to send back)
    in input order (about 1.4x faster from a few hundred documents on two cores). None (parse
    serially) for small sets, one CPU, other threads, not Linux (where forking is reliable), or a
    platform that refuses a process pool."""
    global _worker_sources
    if len(sources) < PARALLEL_MIN_DOCUMENTS or not sys.platform.startswith("linux") or _has_threads():
        return None
    workers = min(len(os.sched_getaffinity(0)), 4)
    if workers < 2:
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _worker_sources = sources
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_parse_in_worker, range(len(sources)), chunksize=max(1, len(sources) // (workers * 4))))
    except (OSError, RuntimeError):  # no semaphores, fork refused, a worker killed: parse serially
        return None
    finally:
        _worker_sources = []


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

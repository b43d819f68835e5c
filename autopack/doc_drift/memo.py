"""The built-in checks' verdicts, remembered with every input they were judged from, so a run where
nothing changed judges nothing.

A link's verdict depends on more than its own document (a rename anywhere can break it), so the
memo is one record for the whole run: the repository's file list, every file the run read
(documents, site configurations, `.gitmodules`) by its stat signature and the hash of its text,
each on-disk existence probe and its answer, the settings, the configuration and autopack's code.
A later run re-validates all of it (stat calls, and a fresh probe of each path) and reuses the
findings only when every input holds; any doubt judges again. A file touched within the last
seconds of a recorded run is "racily clean" (git's word): its stat cannot vouch for its content,
so it is hashed instead. Which missing targets git ignores is asked on every run (ignore rules
live outside the repository's file list); that filter is applied after the memo.

The record is plain text compared whole (the file list and the stat lines themselves, not their
hashes), so a run whose verdicts hold imports neither hashlib nor json: most commits change no
document, and each is a new process.
"""

from __future__ import annotations

import os
import stat
import time
from collections import namedtuple

from autopack import files
from autopack.cache import code_signature, open_store, seal, trusted_store, unseal
from autopack.findings import Finding

TYPE_CHECKING = False  # typing only for type checkers: a run whose verdicts hold stays lean
if TYPE_CHECKING:
    from autopack.cache import Store
    from autopack.engine import CheckContext

FORMAT = "autopack-doc-drift-verdicts 3"
ENTRY = "verdicts"
# A file whose mtime or ctime is this close to (or after) the start of the recorded run may have
# changed again within the file system's timestamp resolution (2 s on FAT): hash it.
RACY_NS = 2_000_000_000
# The parser's own code is part of the verdicts' code (its version changes what is parsed).
_FOREIGN_CODE = ("markdown_it",)
# Between the sections of a record. Paths hold no NUL and none is empty, the key is a repr and the
# findings are JSON (both escape NUL), so two NULs in a row occur only here.
_SECTION = "\0\0"


class Record(namedtuple("Record", "key files inputs stats racy probes marked judged")):
    """One run's memo, plain text compared whole, so a run whose verdicts hold needs neither
    json nor hashlib: `key` (`run_key`), `files` (the repository's file list, NUL-separated),
    `inputs` (every path the run read or looked at), `stats` (their `_stat` lines), `racy` (path ->
    digest of a racy input, None when nothing vouches for it), `probes` (on-disk existence probes
    and their answers), `marked` (documents that mention autopack) and `judged`: the findings and
    skip notes as JSON, or "" when there are none."""

    def text(self) -> str:
        racy = (item for path, digest in sorted(self.racy.items()) for item in (path, digest or "-"))
        probes = (item for probe, answer in sorted(self.probes.items()) for item in (probe, "1" if answer else "0"))
        return seal(FORMAT, _SECTION.join([self.key, self.files, "\0".join(self.inputs), self.stats, "\0".join(racy),
                                           "\0".join(probes), "\0".join(self.marked), self.judged]))


def parse_record(raw: bytes | None) -> Record | None:
    """A record written by `Record.text`, or None for anything else (absent, damaged, another format)."""
    body = unseal(raw, FORMAT)
    if body is None:
        return None
    try:
        key, listing, inputs, stats, racy, probes, marked, judged = body.split(_SECTION)
        return Record(key, listing, _items(inputs), stats,
                      {path: None if digest == "-" else digest for path, digest in _pairs(racy)},
                      {probe: answer == "1" for probe, answer in _pairs(probes)}, _items(marked), judged)
    except ValueError:  # another number of sections, an unpaired item
        return None


def _items(section: str) -> list[str]:
    return section.split("\0") if section else []


def _pairs(section: str) -> zip[tuple[str, str]]:
    items = _items(section)
    return zip(items[::2], items[1::2], strict=True)


def clock() -> int:
    """The start of a run, for the racy test of the inputs it records."""
    return time.time_ns()


def store_for(context: CheckContext) -> Store | None:
    """The cache the memo is written to: none under `--staged` (the index is the repository, and
    its content has no stat), with the cache off, or where git tracks files in it."""
    if context.staged is not None:
        return None
    return trusted_store(context.root_dir, context.config, context.use_cache)


def on_disk(root_dir: str, probe: str) -> bool:
    """An existence probe: `e:path` (exists on disk) or `d:path` (is a directory)."""
    kind, _, path = probe.partition(":")
    full = os.path.join(root_dir, path)
    return os.path.isdir(full) if kind == "d" else os.path.exists(full)


def recall(context: CheckContext) -> list[Finding] | None:
    """The remembered findings (before the git-ignore filter) when every input of the recorded
    run still holds, with the run's notes replayed into `context`; else None.

    The record is read without asking git whether it is committed (`trusted_store` asks): its key
    holds the repository's absolute path and the installed code's sizes and mtimes in
    nanoseconds, which no committed file can know."""
    store = open_store(context.root_dir, context.config, context.use_cache) if context.staged is None else None
    record = parse_record(store.load(ENTRY)) if store is not None else None
    if record is None or record.key != run_key(context) or record.files != "\0".join(context.repo_files()):
        return None
    racy = _still_holds(context, record.inputs, record.stats, record.racy, record.probes, clock())
    judged = _judged(record.judged) if racy is not None else None
    if judged is None:
        return None
    findings, notes = judged
    context.skipped.extend(notes)
    for path in record.marked:  # read again, so the runner finds their bare ignore comments as it would
        context.read(path)
    if racy != record.racy:  # racy inputs proved clean: the next run trusts their stat
        _save(store_for(context), record._replace(racy=racy))
    return findings


def _judged(text: str) -> tuple[list[Finding], list[files.Skipped]] | None:
    """The findings and skip notes of a record (json only when there are any); None for another shape."""
    if not text:
        return [], []
    import json

    try:
        found, skipped = json.loads(text)
        return [Finding.from_list(item) for item in found], [files.Skipped(path, reason, bool(notify)) for path, reason, notify in skipped]
    except (TypeError, ValueError, AttributeError, RecursionError):  # another shape: judge again
        return None


def remember(context: CheckContext, store: Store, found: list[Finding], read: list[str], probes: dict[str, bool],
             notes: list[files.Skipped], started: int) -> None:
    """Record this run's findings with its inputs: `read`, every path the run read or looked at as
    a document (a symlinked copy it skipped too); `probes`, its on-disk existence answers."""
    prefix = os.path.join(context.root_dir, "")
    paths = sorted({*read, *context.read_files, *(note.path for note in notes), ".gitmodules"})
    lines, racy = [], {}
    for path in paths:
        line, newest = _stat(prefix + path)
        lines.append(line)
        if newest >= started - RACY_NS:
            racy[path] = _digest(context, path, notes)
    marked = sorted(path for path, source in context.read_files.items() if "autopack" in source.text)
    judged = ""
    if found or notes:
        import json

        try:
            judged = json.dumps([[finding.to_list() for finding in found], [[note.path, note.reason, note.notify] for note in notes]],
                                separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError):  # a value JSON cannot hold: no memo rather than a wrong one
            return
    _save(store, Record(run_key(context), "\0".join(context.repo_files()), paths, "".join(lines), racy, probes, marked, judged))


def _digest(context: CheckContext, path: str, notes: list[files.Skipped]) -> str | None:
    """What vouches for a racy input's content: the hash of the text the run read; for a file the
    run skipped (binary, too large), the hash of its bytes now, if they are skipped alike (the
    verdicts saw only "skipped"); None (judge again next time) for anything else."""
    from autopack.doc_drift.cache import content_key  # hashlib: only for a file that changed just now

    source = context.read_files.get(path)
    if source is not None:
        return content_key(source)
    note = next((note for note in reversed(notes) if note.path == path), None)
    raw = _raw(context, path)
    if note is None or raw is None:
        return None
    outcome = files.source_from_bytes(path, raw, context.config.values["max-file-size"])
    if not isinstance(outcome, files.Skipped) or not (note.reason == outcome.reason or note.reason.startswith(outcome.reason + " (")):
        return None
    return _raw_key(raw)


def _raw(context: CheckContext, path: str) -> bytes | None:
    """A regular file's bytes (one more than the size limit at most), never through a FIFO."""
    try:
        return files.read_bounded(os.path.join(context.root_dir, path), context.config.values["max-file-size"] + 1,
                                  inside=context.root_dir)
    except files.ReadRefused:
        return None


def _raw_key(raw: bytes) -> str:
    from autopack.cache import blake2b

    return "raw:" + blake2b(raw, digest_size=16).hexdigest()


def _vouched(context: CheckContext, path: str, digest: str) -> bool:
    """Whether a racy input's content is still the one its digest names."""
    if digest.startswith("raw:"):
        raw = _raw(context, path)
        return raw is not None and _raw_key(raw) == digest
    from autopack.doc_drift.cache import content_key

    source = files.read_source(context.root_dir, path, context.config.values["max-file-size"])
    return isinstance(source, files.SourceFile) and content_key(source) == digest


def _save(store: Store | None, record: Record) -> None:
    if store is not None:
        store.save(ENTRY, record.text())


def _still_holds(context: CheckContext, paths: list[str], stats: str, racy: dict[str, str | None], probes: dict[str, bool],
                 started: int) -> dict[str, str | None] | None:
    """The inputs still racy when every input's stat, every racy input's content and every probe
    holds, else None."""
    prefix = os.path.join(context.root_dir, "")
    if "".join(_stat(prefix + path)[0] for path in paths) != stats:
        return None
    still = {}
    for path, digest in racy.items():
        if digest is None or not _vouched(context, path, digest):
            return None
        if _stat(prefix + path)[1] >= started - RACY_NS:
            still[path] = digest
    for probe, answer in probes.items():
        if on_disk(context.root_dir, probe) != answer:
            return None
    return still


def _stat(full: str) -> tuple[str, int]:
    """What identifies a file's content without reading it, as a line: type, size, mtime, ctime,
    inode (ctime cannot be set back, so a tool that restores mtime still shows); a symlink adds its
    target and the target's. And the newest of its times, for the racy test (a symlink's: its
    target's; the link itself cannot change in place, it is replaced)."""
    try:
        status = os.lstat(full)
    except (OSError, ValueError):
        return "-\n", 0
    line = f"{status.st_mode} {status.st_size} {status.st_mtime_ns} {status.st_ctime_ns} {status.st_ino}"
    if not stat.S_ISLNK(status.st_mode):
        return line + "\n", max(status.st_mtime_ns, status.st_ctime_ns)
    try:
        link = os.readlink(full)
        target = os.stat(full)
    except (OSError, ValueError):
        return f"{line} -\n", 0
    return (f"{line} {link!r} {target.st_mode} {target.st_size} {target.st_mtime_ns} {target.st_ctime_ns} {target.st_ino}\n",
            max(target.st_mtime_ns, target.st_ctime_ns))


def run_key(context: CheckContext) -> str:
    """Everything the verdicts depend on besides the file list and the inputs: autopack's code, the
    repository's place, the settings and the global configuration (excludes, size limit). repr,
    one line: the same inputs give the same text; any other difference is a miss."""
    return repr([code_signature(*_FOREIGN_CODE), context.root_dir, context.settings, context.config.values])


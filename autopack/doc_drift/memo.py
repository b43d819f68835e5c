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
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time

from autopack import files
from autopack.cache import code_signature, trusted_store
from autopack.doc_drift.cache import content_key, header, verified
from autopack.findings import Finding, Severity

TYPE_CHECKING = False  # typing only for type checkers: a run whose verdicts hold stays lean
if TYPE_CHECKING:
    from typing import Any

    from autopack.cache import Store
    from autopack.engine import CheckContext

FORMAT = "autopack-doc-drift-verdicts 2"
ENTRY = "verdicts.json"
# A file whose mtime or ctime is this close to (or after) the start of the recorded run may have
# changed again within the file system's timestamp resolution (2 s on FAT): hash it.
RACY_NS = 2_000_000_000
# The parser's own code is part of the verdicts' code (its version changes what is parsed).
_FOREIGN_CODE = ("markdown_it",)


def clock() -> int:
    """The start of a run, for the racy test of the inputs it records."""
    return time.time_ns()


def store_for(context: CheckContext) -> Store | None:
    """The cache the memo lives in: none under `--staged` (the index is the repository, and
    its content has no stat), with the cache off, or where the parse cache is refused."""
    if context.staged is not None:
        return None
    return trusted_store(context.root_dir, context.config, context.use_cache)


def on_disk(root_dir: str, probe: str) -> bool:
    """An existence probe: `e:path` (exists on disk) or `d:path` (is a directory)."""
    kind, _, path = probe.partition(":")
    full = os.path.join(root_dir, path)
    return os.path.isdir(full) if kind == "d" else os.path.exists(full)


def recall(context: CheckContext, store: Store) -> list[Finding] | None:
    """The remembered findings (before the git-ignore filter) when every input of the recorded
    run still holds, with the run's notes replayed into `context`; else None."""
    record = verified(store.load(ENTRY), FORMAT)
    if not record or record.get("key") != run_key(context) or record.get("files") != file_list_digest(context):
        return None
    try:
        racy = _still_holds(context, record["inputs"].split("\0"), record["stats"], record["racy"], record["probes"], clock())
        findings = [_finding(item) for item in record["findings"]]
        notes = [files.Skipped(path, reason, bool(notify)) for path, reason, notify in record["skipped"]]
        marked = [str(path) for path in record["marked"]]
    except (KeyError, TypeError, ValueError, AttributeError):  # another shape: judge again
        return None
    if racy is None:
        return None
    context.skipped.extend(notes)
    for path in marked:  # read again, so the runner finds their bare ignore comments as it would
        context.read(path)
    if racy != record["racy"]:  # racy inputs proved clean: the next run trusts their stat
        record["racy"] = racy
        _save(store, record)
    return findings


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
    record = {
        "key": run_key(context),
        "files": file_list_digest(context),
        "inputs": "\0".join(paths),
        "stats": _stats_digest(lines),
        "racy": racy,
        "probes": probes,
        "findings": [_stored(finding) for finding in found],
        "skipped": [[note.path, note.reason, note.notify] for note in notes],
        "marked": marked,
    }
    _save(store, record)


def _digest(context: CheckContext, path: str, notes: list[files.Skipped]) -> str | None:
    """What vouches for a racy input's content: the hash of the text the run read; for a file the
    run skipped (binary, too large), the hash of its bytes now, if they are skipped alike (the
    verdicts saw only "skipped"); None (judge again next time) for anything else."""
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
    return "raw:" + hashlib.blake2b(raw, digest_size=16).hexdigest()


def _vouched(context: CheckContext, path: str, digest: str) -> bool:
    """Whether a racy input's content is still the one its digest names."""
    if digest.startswith("raw:"):
        raw = _raw(context, path)
        return raw is not None and _raw_key(raw) == digest
    source = files.read_source(context.root_dir, path, context.config.values["max-file-size"])
    return isinstance(source, files.SourceFile) and content_key(source) == digest


def _save(store: Store, record: dict[str, Any]) -> None:
    try:
        body = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError):  # a value JSON cannot hold: no memo rather than a wrong one
        return
    store.save(ENTRY, header(body, FORMAT) + body)


def _still_holds(context: CheckContext, paths: list[str], stats: str, racy: dict[str, str | None], probes: dict[str, bool],
                 started: int) -> dict[str, str | None] | None:
    """The inputs still racy when every input's stat, every racy input's content and every probe
    holds, else None."""
    prefix = os.path.join(context.root_dir, "")
    if _stats_digest([_stat(prefix + path)[0] for path in paths]) != stats:
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


def _stats_digest(lines: list[str]) -> str:
    return hashlib.blake2b("".join(lines).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def file_list_digest(context: CheckContext) -> str:
    """The repository's file list (what exists, for every verdict and site detection)."""
    listing = "\0".join(context.repo_files()).encode("utf-8", "surrogateescape")
    return hashlib.blake2b(listing, digest_size=16).hexdigest()


def run_key(context: CheckContext) -> str:
    """Everything else the verdicts depend on: autopack's code, the repository's place, the
    settings and the global configuration (excludes, size limit)."""
    material = json.dumps([FORMAT, code_signature(*_FOREIGN_CODE), context.root_dir, context.settings, context.config.values],
                          sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(material.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _stored(finding: Finding) -> list[Any]:
    return [finding.rule_id, finding.rule_name, finding.severity.value, finding.path, finding.line, finding.column,
            finding.message, finding.fix, finding.fingerprint, finding.data]


def _finding(item: list[Any]) -> Finding:
    rule_id, rule_name, severity, path, line, column, message, fix, fingerprint, data = item
    return Finding(rule_id, rule_name, Severity(severity), path, line, column, message, fix, fingerprint, data)

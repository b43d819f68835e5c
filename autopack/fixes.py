"""Mechanical fixes, only where one is certain; shared by `autopack check --fix` and the
autopilot's `apply`.

A fix is planned from a finding whose `data` says what to change, and only where it is certain:
the debug guard's `data.setting` (key, value as written, off value) when the finding's line holds
exactly one `KEY <separator> VALUE` for it; doc drift's broken link (APR201, `data.href` and
`data.target`) when git history renamed the target unambiguously and the link is written once
on its line. Anything less certain is left for a person.
A fix works on the file's bytes: it replaces the value's bytes and keeps every other byte
(formatting, comments, quotes, encoding, BOM, line endings). Files are written atomically, with
their mode kept; symlinks, files over the size limit and files that changed since they were
checked are not touched.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from autopack import files
from autopack.findings import Finding

TYPE_CHECKING = False
if TYPE_CHECKING:
    from autopack.files import StrPath

    Planner = Callable[[StrPath, bytes, Finding], "Change | None"]

MAX_FIX_BYTES = 2 * 1024 * 1024
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Change:
    """One value replaced: where (1-based line, byte offsets in the file) and from what to what."""

    rule_id: str
    line: int
    start: int
    end: int
    old: str
    new: str

    def describe(self) -> str:
        return f"line {self.line}: {self.rule_id} `{self.old}` -> `{self.new}`"


@dataclass(frozen=True)
class FileFix:
    """Every change to one file, its content before and after, and its mode."""

    path: str
    before: bytes
    after: bytes
    mode: int
    changes: tuple[Change, ...]

    def diff(self) -> str:
        """A unified diff of the change (undecodable bytes shown escaped)."""
        def lines(raw: bytes) -> list[str]:
            return raw.decode("utf-8", "backslashreplace").splitlines(keepends=True)

        text = "".join(difflib.unified_diff(lines(self.before), lines(self.after), f"a/{self.path}", f"b/{self.path}"))
        return text if text.endswith("\n") else text + "\n\\ No newline at end of file\n"


def setting_pattern(key: str, value: str) -> re.Pattern[str]:
    """`KEY` then a separator (`=`, `:`, white space, a closing quote before them) then `VALUE`,
    quoted or not, each standing as a word of its own."""
    return re.compile(
        rf"(?<![\w-]){re.escape(key)}[\"'`]?[ \t]*(?:[:=][ \t]*|[ \t])(?P<quote>[\"'`]?)(?P<value>{re.escape(value)})"
        rf"(?P=quote)(?![\w.-])"
    )


def line_span(raw: bytes, number: int) -> tuple[int, int] | None:
    """Byte offsets of line `number` (1-based, split at LF as the checks count lines; a CR before
    the LF stays in the line), or None past the end."""
    begin = 0
    for _ in range(number - 1):
        begin = raw.find(b"\n", begin) + 1
        if begin == 0:
            return None
    end = raw.find(b"\n", begin)
    return begin, len(raw) if end == -1 else end


def setting_change(_root: StrPath, raw: bytes, finding: Finding) -> Change | None:
    """The change that turns the finding's setting off, or None when it is not certain."""
    setting = (finding.data or {}).get("setting")
    if not isinstance(setting, dict) or not finding.line:
        return None
    key, value, off = setting.get("key"), setting.get("value"), setting.get("off")
    if not (isinstance(key, str) and isinstance(value, str) and isinstance(off, str) and key and value):
        return None
    span = line_span(raw, finding.line)
    if span is None:
        return None
    begin, finish = span
    line = raw[begin:finish].decode("utf-8", "surrogateescape")
    matches = list(setting_pattern(key, value).finditer(line))
    if len(matches) != 1:
        return None  # absent from the line, or more than one candidate: not certain
    match = matches[0]
    start = begin + len(line[: match.start("value")].encode("utf-8", "surrogateescape"))
    end = start + len(value.encode("utf-8", "surrogateescape"))
    return Change(finding.rule_id, finding.line, start, end, value, off)


def link_change(root: StrPath, raw: bytes, finding: Finding) -> Change | None:
    """A broken link (APR201) whose target git history renamed, pointed at the new path, when
    the link is written once on its line (see `autopack.doc_drift.fix`)."""
    from autopack.doc_drift.fix import new_href, renamed_to

    data = finding.data or {}
    href, target = data.get("href"), data.get("target")
    span = line_span(raw, finding.line) if finding.line else None
    if not (isinstance(href, str) and isinstance(target, str) and href and span):
        return None
    line = raw[span[0] : span[1]].decode("utf-8", "surrogateescape")
    if line.count(href) != 1:
        return None
    current = renamed_to(Path(root), target)
    replacement = new_href(finding.path, href, target, current) if current else None
    if replacement is None:
        return None
    start = span[0] + len(line[: line.index(href)].encode("utf-8", "surrogateescape"))
    return Change(finding.rule_id, finding.line, start, start + len(href.encode("utf-8", "surrogateescape")), href, replacement)


def planner(finding: Finding) -> Planner | None:
    """The fix a finding can have, by what its data says: a setting to turn off, a link to move."""
    data = finding.data or {}
    if "setting" in data:
        return setting_change
    if finding.rule_id == "APR201" and "href" in data and "target" in data:
        return link_change
    return None


def _read(root: StrPath, path: str) -> tuple[bytes, int] | None:
    """The file's bytes and mode; None for a symlink, a special file or one over the limit."""
    full = Path(root, path)
    try:
        info = full.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FIX_BYTES:
            return None
        fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            return handle.read(MAX_FIX_BYTES + 1), stat.S_IMODE(info.st_mode)
    except OSError:
        return None


def plan_fixes(root: StrPath, findings: Iterable[Finding]) -> list[FileFix]:
    """Every certain fix for `findings`, one `FileFix` per file, sorted by path. Overlapping
    changes (two findings on one value) keep the first."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if planner(finding) is not None:
            by_path.setdefault(finding.path, []).append(finding)
    planned = []
    for path, found in sorted(by_path.items()):
        read = _read(root, path)
        if read is None:
            continue
        raw, mode = read
        changes: dict[tuple[int, int], Change] = {}
        for finding in found:
            change = planner(finding)(root, raw, finding)  # type: ignore[misc]
            if change is not None:
                changes.setdefault((change.start, change.end), change)
        if changes:
            ordered = tuple(sorted(changes.values(), key=lambda c: c.start))
            planned.append(FileFix(path, raw, apply_changes(raw, ordered), mode, ordered))
    return planned


def apply_changes(raw: bytes, changes: Sequence[Change]) -> bytes:
    """`raw` with each change's byte range replaced (changes sorted by start, not overlapping)."""
    out, position = [], 0
    for change in changes:
        out += [raw[position : change.start], change.new.encode("utf-8", "surrogateescape")]
        position = change.end
    return b"".join([*out, raw[position:]])


def write_fix(root: StrPath, fix: FileFix) -> bool:
    """Write one file's fix atomically (mode kept), unless the file changed since it was read:
    then nothing is written and the answer is False."""
    current = _read(root, fix.path)
    if current is None or current[0] != fix.before:
        return False
    files.write_atomic(Path(root, fix.path), fix.after, mode=fix.mode)
    return True


CI_VARIABLES = ("CI", "GITHUB_ACTIONS")


def ci_refusal(allow_ci: bool, what: str) -> str | None:
    """Why `what` (a command that changes files) must not run here: CI gets no write power unless
    the person configuring it says so with `--allow-ci`."""
    if allow_ci:
        return None
    found = [name for name in CI_VARIABLES if os.environ.get(name, "").strip().lower() not in ("", "0", "false")]
    if not found:
        return None
    return f"{what} changes files and does not run in CI ({', '.join(found)} is set); pass --allow-ci to run it anyway"

"""Findings and rules: the one type every check produces and every reporter consumes.

Nothing in this module imports from the rest of the package, so any module can use it. Every hook
imports it on every commit, so its classes are plain classes: `dataclasses` pulls in `inspect`
(and with it `ast`, `dis` and `tokenize`), which costs more than a clean hook run itself.
"""

from __future__ import annotations

from enum import Enum  # already loaded by `re`, which every hook imports
from functools import partial  # as is functools

TYPE_CHECKING = False  # `typing` is imported by type checkers only (see tests/test_imports.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

DOCS_URL_VARIABLE = "AUTOPACK_DOCS_URL"
_configured_docs_url = ""


def use_docs_url(url: str) -> None:
    """Take the configuration's `docs-url` as the place of the rule documentation."""
    global _configured_docs_url
    _configured_docs_url = url


def docs_url() -> str:
    """The URL of autopack's docs folder: the configured `docs-url`, else AUTOPACK_DOCS_URL (the
    Action sets it to the docs of the repository and ref it ran from), else '' — unknown, so no
    link rather than a link to a placeholder."""
    import os  # already loaded at interpreter start

    return (_configured_docs_url or os.environ.get(DOCS_URL_VARIABLE, "")).rstrip("/")


def docs_link(page: str) -> str:
    """`page` of the docs (e.g. `parallelism.md#the-anchor-file`) for a message: a URL when the
    docs URL is known, else its path in autopack's repository."""
    base = docs_url()
    return f"{base}/{page}" if base else f"docs/{page} in autopack's repository"


class Severity(str, Enum):
    """How bad a finding is; `error` fails the run, the others fail it only with --fail-on."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "note": 0}[self.value]


class ConfigError(Exception):
    """A usage or configuration problem: the command exits 2 with this message."""


def normalise_line(text: str) -> str:
    """Collapse whitespace so a fingerprint survives re-indentation (str.split's whitespace is
    the regex `\\s`: the same Unicode spaces)."""
    return " ".join(text.split())


def fingerprint(rule_id: str, path: str, line_text: str) -> str:
    """Stable identity of a finding: independent of its line number, so baselines survive edits."""
    import hashlib  # here, not at import time: a clean run never computes a fingerprint

    payload = f"{rule_id}\0{path}\0{normalise_line(line_text)}"
    return hashlib.sha256(payload.encode("utf-8", "surrogateescape")).hexdigest()  # a non-UTF-8 name keeps its bytes


class Rule:
    """A rule's stable public identity: its id and name never change meaning once released."""

    __slots__ = ("id", "name", "severity", "summary", "fix", "doc")

    def __init__(self, id: str, name: str, severity: Severity, summary: str, fix: str, doc: str) -> None:
        self.id = id
        self.name = name
        self.severity = severity
        self.summary = summary
        self.fix = fix
        self.doc = doc  # file under docs/ that documents the rule, e.g. "debug-guard.md"

    def _identity(self) -> tuple[str, str, Severity, str, str, str]:
        return (self.id, self.name, self.severity, self.summary, self.fix, self.doc)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rule) and self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())

    def __repr__(self) -> str:
        return f"Rule(id={self.id!r}, name={self.name!r}, severity={self.severity!r})"

    @property
    def help_uri(self) -> str:
        """The rule's documentation as a URL, or '' when the docs URL is unknown."""
        base = docs_url()
        return f"{base}/{self.doc}#{self.id.lower()}" if base else ""

    def finding(
        self,
        path: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        line_text: str | None = None,
        fix: str | None = None,
        severity: Severity | None = None,
        data: dict[str, Any] | None = None,
    ) -> Finding:
        """Build a finding of this rule; `line_text` (the offending line) feeds the fingerprint."""
        return Finding(
            rule_id=self.id,
            rule_name=self.name,
            severity=severity or self.severity,
            path=path,
            line=line,
            column=column,
            message=message,
            fix=fix or self.fix,
            fingerprint=partial(fingerprint, self.id, path, line_text if line_text is not None else message),
            data=data,
        )


class Finding:
    """One problem at one place. `data` carries structured evidence (e.g. a command's result);
    it takes no part in equality. `fingerprint` may be given as the call that computes it: it is
    computed on first use, since a text report never shows it and hashlib's import (OpenSSL)
    costs a hook with a finding an eighth of `python -c pass`."""

    __slots__ = ("rule_id", "rule_name", "severity", "path", "line", "column", "message", "fix", "_fingerprint", "data")

    def __init__(
        self,
        rule_id: str,
        rule_name: str,
        severity: Severity,
        path: str,
        line: int | None,
        column: int | None,
        message: str,
        fix: str,
        fingerprint: str | Callable[[], str],
        data: dict[str, Any] | None = None,
    ) -> None:
        self.rule_id = rule_id
        self.rule_name = rule_name
        self.severity = severity
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.fix = fix
        self._fingerprint = fingerprint
        self.data = data

    @property
    def fingerprint(self) -> str:
        if not isinstance(self._fingerprint, str):
            self._fingerprint = self._fingerprint()
        return self._fingerprint

    def _identity(self) -> tuple[object, ...]:
        return (self.rule_id, self.rule_name, self.severity, self.path, self.line, self.column, self.message, self.fix, self.fingerprint)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Finding) and self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())

    def __repr__(self) -> str:
        return f"Finding({self.rule_id} {self.path}:{self.line}:{self.column} {self.message!r})"

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line or 0, self.column or 0, self.rule_id, self.message)

    def to_list(self) -> list[Any]:
        """Every field, in order: how a cache stores a finding as JSON (`from_list` restores it).
        A fingerprint not computed yet is stored as what it is computed from (still no hashlib)."""
        source = self._fingerprint
        stored = list(source.args) if isinstance(source, partial) and source.func is fingerprint else self.fingerprint
        return [self.rule_id, self.rule_name, self.severity.value, self.path, self.line, self.column, self.message, self.fix,
                stored, self.data]

    @classmethod
    def from_list(cls, item: list[Any]) -> Finding:
        rule_id, rule_name, severity, path, line, column, message, fix, stored, data = item
        return cls(rule_id, rule_name, Severity(severity), path, line, column, message, fix,
                   partial(fingerprint, *stored) if isinstance(stored, list) else stored, data)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule_id,
            "name": self.rule_name,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "fix": self.fix,
            "fingerprint": self.fingerprint,
        }
        if self.data is not None:
            out["data"] = self.data
        return out


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """The one order every output uses: (path, line, column, rule id), so output is byte-stable."""
    return sorted(findings, key=lambda f: f.sort_key)


# Rules of the core itself (suppression and file handling), shared by every enforcement.
BLANKET_SUPPRESSION = Rule(
    id="APX001",
    name="blanket-suppression",
    severity=Severity.ERROR,
    summary="An ignore comment without a rule id suppresses nothing.",
    fix="Name the rule to ignore, e.g. `# autopack: ignore[APD101]`.",
    doc="core.md",
)
FILE_SKIPPED = Rule(
    id="APX002",
    name="file-skipped",
    severity=Severity.NOTE,
    summary="A file was not checked: too large, missing, a broken symlink, or unreadable (the message says which).",
    fix="Follow the finding's fix for its reason: raise `max-file-size`, restore or `git rm` a missing file, repair a broken symlink, make the file readable — or exclude it.",
    doc="core.md",
)
CORE_RULES: tuple[Rule, ...] = (BLANKET_SUPPRESSION, FILE_SKIPPED)

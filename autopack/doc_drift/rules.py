"""The built-in checks' rules, apart from their code: the hook names them on every run, and a run
whose verdicts are remembered imports no judging code."""

from __future__ import annotations

from autopack.findings import Rule, Severity

BROKEN_LINK = Rule(
    id="APR201",
    name="broken-relative-link",
    severity=Severity.ERROR,
    summary="A relative link or image points to a file that does not exist.",
    fix="Point the link at the file's current path, or remove it.",
    doc="doc-drift.md",
)
BROKEN_ANCHOR = Rule(
    id="APR202",
    name="broken-anchor",
    severity=Severity.ERROR,
    summary="A link's #anchor matches no heading (GitHub slug) or HTML id in the target document.",
    fix="Use the anchor of an existing heading (lowercase, punctuation removed, spaces as -).",
    doc="doc-drift.md",
)
MISSING_CODE_PATH = Rule(
    id="APR203",
    name="missing-code-path",
    severity=Severity.ERROR,
    summary="A repository path in inline code or a shell code block does not exist.",
    fix="Update the path to where the file lives now, or remove the reference.",
    doc="doc-drift.md",
)

"""`path:line:col: ID message`, then an indented `fix:` line; colour only when asked."""

from __future__ import annotations

from collections.abc import Sequence

from autopack.findings import Finding, Rule, Severity
from autopack.report.escape import inert, one_line

_COLORS = {Severity.ERROR: "\033[1;31m", Severity.WARNING: "\033[1;33m", Severity.NOTE: "\033[1;36m"}
_RESET = "\033[0m"
_DIM = "\033[2m"


def location(finding: Finding) -> str:
    parts = [one_line(finding.path)]
    if finding.line:
        parts.append(str(finding.line))
        if finding.column:
            parts.append(str(finding.column))
    return ":".join(parts)


def format_finding(finding: Finding, color: bool = False) -> str:
    """Two lines whatever the finding holds: content is shown on one line each, and neither line
    can be taken for a GitHub workflow command (text output often ends up in a CI log)."""
    rule = finding.rule_id
    if color:
        rule = f"{_COLORS[finding.severity]}{rule}{_RESET}"
    severity = "" if finding.severity is Severity.ERROR else f"[{finding.severity.value}] "
    fix = f"    fix: {one_line(finding.fix)}"
    if color:
        fix = f"{_DIM}{fix}{_RESET}"
    return f"{inert(f'{location(finding)}: {rule} {severity}{one_line(finding.message)}')}\n{inert(fix)}\n"


def summary_line(findings: Sequence[Finding]) -> str:
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    parts = [f"{counts[s]} {s.value}{'s' if counts[s] != 1 else ''}" for s in Severity if counts[s]]
    return f"Found {len(findings)} finding{'s' if len(findings) != 1 else ''} ({', '.join(parts)}).\n"


def render(findings: Sequence[Finding], rules: Sequence[Rule], color: bool = False) -> str:
    if not findings:
        return ""
    return "".join(format_finding(f, color) for f in findings) + summary_line(findings)

"""GitHub workflow commands: annotations for the first findings of each level, and every
finding as a plain log line, because GitHub shows only 10 annotations of a level per step."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from autopack.findings import Finding, Rule, Severity
from autopack.report import text
from autopack.report.escape import workflow_data, workflow_property

ANNOTATIONS_PER_LEVEL = 10
_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def annotation(finding: Finding) -> str:
    props = [f"file={workflow_property(finding.path)}"]
    if finding.line:
        props.append(f"line={finding.line}")
        if finding.column:
            props.append(f"col={finding.column}")
    props.append(f"title={workflow_property(f'{finding.rule_id} {finding.rule_name}')}")
    message = workflow_data(f"{finding.message}\nfix: {finding.fix}")
    return f"::{_COMMANDS[finding.severity]} {','.join(props)}::{message}\n"


def render(findings: Sequence[Finding], rules: Sequence[Rule], color: bool = False) -> str:
    shown: Counter[Severity] = Counter()
    out: list[str] = []
    for finding in findings:
        if shown[finding.severity] < ANNOTATIONS_PER_LEVEL:
            out.append(annotation(finding))
        shown[finding.severity] += 1
    hidden = sum(max(0, n - ANNOTATIONS_PER_LEVEL) for n in shown.values())
    if hidden:
        out.append(f"::notice title=autopack::{hidden} more finding(s) are not annotated (GitHub shows {ANNOTATIONS_PER_LEVEL} per level); all are listed below and in the job summary\n")
    out.append(text.render(findings, rules))
    return "".join(out)

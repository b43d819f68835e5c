"""A Markdown summary for `$GITHUB_STEP_SUMMARY`: counts per rule and the first findings,
kept well under GitHub's 1 MiB limit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from autopack.findings import Finding, Rule
from autopack.report.escape import markdown_cell
from autopack.report.text import location

MAX_ROWS = 200
MAX_BYTES = 512 * 1024


def render(findings: Sequence[Finding], rules: Sequence[Rule], color: bool = False) -> str:
    if not findings:
        return "## autopack\n\nNo findings.\n"
    names = {r.id: r for r in rules}
    counts = Counter(f.rule_id for f in findings)
    lines = ["## autopack", "", f"**{len(findings)} finding(s)**", "", "| rule | name | count |", "| --- | --- | ---: |"]
    for rule_id in sorted(counts):
        rule = names.get(rule_id)
        name = "" if rule is None else f"[{rule.name}]({rule.help_uri})" if rule.help_uri else rule.name
        lines.append(f"| {rule_id} | {name} | {counts[rule_id]} |")
    lines += ["", "| location | rule | message | fix |", "| --- | --- | --- | --- |"]
    size = sum(len(line) + 1 for line in lines)
    shown = 0
    for finding in findings[:MAX_ROWS]:
        row = f"| {markdown_cell(location(finding))} | {finding.rule_id} | {markdown_cell(finding.message)} | {markdown_cell(finding.fix)} |"
        if size + len(row) > MAX_BYTES:
            break
        lines.append(row)
        size += len(row) + 1
        shown += 1
    if shown < len(findings):
        lines += ["", f"…and {len(findings) - shown} more; the job log lists every finding."]
    return "\n".join(lines) + "\n"

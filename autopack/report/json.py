"""A JSON list of findings, sorted, with stable key order."""

from __future__ import annotations

import json
from collections.abc import Sequence

from autopack.findings import Finding, Rule
from autopack.report.escape import json_document


def render(findings: Sequence[Finding], rules: Sequence[Rule], color: bool = False) -> str:
    return json_document(json.dumps([f.to_dict() for f in findings], indent=2, sort_keys=True, ensure_ascii=False)) + "\n"

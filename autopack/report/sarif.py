"""SARIF 2.1.0: one run, every rule of the enforcements that ran, fingerprints for code scanning."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from autopack import __version__
from autopack.findings import Finding, Rule, Severity, docs_url
from autopack.report.escape import json_document, uri_path

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    help_text = f"{rule.summary}\nFix: {rule.fix}\nSuppress: add `autopack: ignore[{rule.id}]` in a comment on the line or the line above."
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "help": {"text": help_text, "markdown": help_text.replace("\n", "\n\n")},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
    }
    if rule.help_uri:  # only a link that leads to the docs, never a placeholder
        descriptor["helpUri"] = rule.help_uri
    return descriptor


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    region: dict[str, Any] = {}
    if finding.line:
        region["startLine"] = finding.line
        if finding.column:
            region["startColumn"] = finding.column
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri_path(finding.path), "uriBaseId": "%SRCROOT%"}}
    if region:
        physical["region"] = region
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": _LEVELS[finding.severity],
        "message": {"text": f"{finding.message}\nFix: {finding.fix}"},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {"autopackFingerprint/v1": finding.fingerprint},
    }
    if finding.rule_id in rule_index:
        result["ruleIndex"] = rule_index[finding.rule_id]
    if finding.data is not None:
        result["properties"] = finding.data  # structured evidence, e.g. a doc check's command result
    return result


def render(findings: Sequence[Finding], rules: Sequence[Rule], color: bool = False) -> str:
    ordered_rules = sorted({r.id: r for r in rules}.values(), key=lambda r: r.id)
    rule_index = {rule.id: i for i, rule in enumerate(ordered_rules)}
    document = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "autopack",
                        "version": __version__,
                        "rules": [_rule_descriptor(r) for r in ordered_rules],
                        **({"informationUri": docs_url()} if docs_url() else {}),
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root."}}},
                "results": [_result(f, rule_index) for f in findings],
            }
        ],
    }
    return json_document(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)) + "\n"

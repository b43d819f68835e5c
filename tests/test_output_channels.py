"""Output channels never let repository content act: no workflow command from a file name, a
message or a fix in `--format github` or `text` (text output often ends up in a CI log), no HTML,
link or column break from content in the Markdown job summary, SARIF valid whatever the path."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from autopack import engine
from autopack.findings import Rule, Severity, sort_findings
from autopack.report.escape import log_line, markdown_cell, one_line, workflow_data, workflow_property
from tests.conftest import run_script

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
RULE = Rule("APT001", "forbidden-word", Severity.ERROR, "The word is forbidden.", "Remove the word.", "core.md")
# Commands the runner registers (actions/runner ActionCommandManager), plus the v1 prefix.
RUNNER_COMMANDS = ("set-env", "set-output", "save-state", "add-mask", "add-path", "add-matcher", "remove-matcher",
                   "debug", "warning", "error", "notice", "group", "endgroup", "echo", "stop-commands")
# autopack's own commands: an annotation names its file first (content in it is encoded), and a
# notice of its own is titled autopack.
OURS = re.compile(r"::(?:error|warning|notice) (?:file=[^,:]*,(?:line=\d+,)?(?:col=\d+,)?title=|title=autopack::)")


def runner_commands(output: str) -> list[str]:
    """Every line the Actions runner would execute as a workflow command: `::name` at the start
    after white space (v2), or `##[name` anywhere in the line (v1)."""
    found = []
    for line in output.splitlines():  # the runner also splits on a lone CR
        stripped = line.lstrip()
        if stripped.startswith("::") and stripped[2:].split(" ", 1)[0].split("::", 1)[0] in RUNNER_COMMANDS:
            found.append(line)
        elif any(f"##[{name}" in line for name in RUNNER_COMMANDS):
            found.append(line)
    return found


HOSTILE_TEXTS = [
    "::warning title=F::x",
    "  \t::error ::boom",
    "first line\n::error file=README.md::injected",
    "carriage\r::set-output name=x::y",
    "legacy ##[error]boom in the middle",
    "##[stop-commands]token",
    "vertical\x0b::error::x",
    "next line\x85::error::x",
    "separator\u2028::error::x",
]


@pytest.mark.parametrize("hostile", HOSTILE_TEXTS)
def test_no_content_starts_a_workflow_command_in_github_or_text_output(hostile):
    findings = [RULE.finding(hostile, hostile, line=1, column=1, fix=hostile)]
    for fmt in ("github", "text"):
        output = engine.render(fmt, findings, [RULE])
        commands = runner_commands(output)
        assert all(OURS.match(line.lstrip()) for line in commands), (fmt, commands)
        if fmt == "github":
            assert len(commands) == 1  # our one annotation, with the content encoded inside it
    assert "\n" not in log_line(hostile) and "\r" not in log_line(hostile)


def test_a_file_named_like_a_workflow_command_is_shown_but_never_run(make_repo):
    """Attack: a file named `::warning title=F::x.prod.env` at the root made `--format github`
    (and text) print a real `::warning` line; a `##[error]` in a name raised an annotation."""
    root = make_repo({"::warning title=F::x.prod.env": "DEBUG=1\n", "a ##[error]b.prod.env": "DEBUG=1\n"})
    for fmt in ("github", "text"):
        result = run_script("autopack", "check", "--format", fmt, cwd=root)
        assert result.returncode == 1, result.stderr
        commands = runner_commands(result.stdout)
        assert all(OURS.match(line) for line in commands), commands
        assert "x.prod.env:1:1: APD101" in result.stdout  # still reported, with its location
        if fmt == "github":
            assert "::error file=%3A%3Awarning title=F%3A%3Ax.prod.env,line=1," in result.stdout


def test_markdown_summary_shows_content_as_text():
    """Attack: raw HTML, links and column bars in file names and messages reached the job summary."""
    hostile = 'x | <img src=x onerror=alert(1)> [click](https://evil.example) **b** `c` $\\huge{m}$ &amp;\n## h'
    summary = engine.render("markdown", [RULE.finding(f"{hostile}.txt", hostile, line=1, fix=hostile)], [RULE])
    row = next(line for line in summary.splitlines() if "APT001 |" in line and "img" in line)
    for markup in ("<img", "](https", "**b", "&amp;", "`c", "$\\huge"):
        assert not re.search(r"(?<!\\)" + re.escape(markup), row), markup  # only escaped forms remain
    assert re.sub(r"\\.", "", row).count("|") == 5, row  # four cells: no column break from content
    assert "\n## h" not in summary


def test_escape_helpers():
    assert one_line("a\nb\x1b[31m\u202e\udcff") == "a\\nb\\x1b[31m\\u202e\\xff"
    assert log_line("  ::error::x") == "\\  ::error::x" and log_line("a ##[error]b") == "a ##[\\error]b"
    assert workflow_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    assert workflow_data("a::b\r\nc") == "a::b%0Ac"
    assert markdown_cell("a|b<c>[d](e)*f*_g_`h`!&~$\\") == "a\\|b\\<c\\>\\[d\\](e)\\*f\\*\\_g\\_\\`h\\`\\!\\&\\~\\$\\\\"
    assert markdown_cell(".env.production requires_approval") == ".env.production requires_approval"


def test_sarif_stays_valid_with_hostile_paths_and_messages():
    findings = [RULE.finding(text, text, line=1, column=1) for text in HOSTILE_TEXTS]
    document = json.loads(engine.render("sarif", sort_findings(findings), [RULE]))
    jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(document)


def test_the_autopilot_summary_never_starts_a_workflow_command(make_repo):
    """Attack: the autopilot's text output printed gap titles quoting file names as they were, so
    a file named `::warning ...` or holding `##[error]` became a workflow command in CI logs."""
    root = make_repo({"::error title=F::x.prod.env": "DEBUG=1\n", "b ##[warning]c.prod.env": "DEBUG=1\n"})
    result = run_script("autopack", "autopilot", "--run-dir", ".autopack/runs/t", cwd=root)
    assert result.returncode in (0, 1), result.stderr
    assert "x.prod.env" in result.stdout and "c.prod.env" in result.stdout
    assert runner_commands(result.stdout) == [], runner_commands(result.stdout)

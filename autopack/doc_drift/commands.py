"""Configured doc checks (APR200, APR204, APR205, APR206): the repository's own commands, from
`[[tool.autopack.doc-drift.commands]]` or a preset, run without a shell through
`autopack.commands`; a failure, a timeout or a missing program or script is a finding whose
`data["evidence"]` is the command's deterministic evidence."""

from __future__ import annotations

import posixpath
import re
from collections import namedtuple
from collections.abc import Iterator

from autopack.config import Config, Setting
from autopack.engine import CheckContext
from autopack.findings import ConfigError, Finding, Rule, Severity
from autopack.lazy import lazy_pattern

TYPE_CHECKING = False  # typing, pathlib and the command runner only for type checkers: every run imports this module
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from autopack.commands import CommandEvidence

DOC_CHECK_FAILED = Rule(
    id="APR200",
    name="doc-check-failed",
    severity=Severity.ERROR,
    summary="A configured doc check exited with a non-zero status.",
    fix="Run the command shown and fix what it reports (the evidence has its stderr excerpt).",
    doc="doc-drift.md",
)
DOC_CHECK_TIMEOUT = Rule(
    id="APR204",
    name="doc-check-timeout",
    severity=Severity.ERROR,
    summary="A configured doc check ran past its timeout; its process group was killed.",
    fix="Make the check faster or raise its `timeout` (seconds) in the doc-drift configuration.",
    doc="doc-drift.md",
)
DOC_CHECK_NOT_FOUND = Rule(
    id="APR205",
    name="doc-check-not-found",
    severity=Severity.ERROR,
    summary="A configured doc check's program is not on PATH (program not found) or its script does not exist (script not found).",
    fix="Restore the script or install the program, or remove the command (use `if-exists` for optional checks).",
    doc="doc-drift.md",
)
DOC_CHECK_NOT_RUN = Rule(
    id="APR206",
    name="doc-check-not-run",
    severity=Severity.NOTE,
    summary="A configured doc check was not run: configured commands are turned off here (a fork's pull request, pull_request_target, --no-commands).",
    fix="Run the doc checks where the repository's code is trusted (locally, or in the Action with `run-commands: true`); see docs/security.md.",
    doc="doc-drift.md",
)
_RULE_BY_STATUS = {"failed": DOC_CHECK_FAILED, "timeout": DOC_CHECK_TIMEOUT, "not-found": DOC_CHECK_NOT_FOUND}
DEFAULT_TIMEOUT = 300.0  # seconds

PRESETS: dict[str, tuple[dict[str, Any], ...]] = {
    "none": (),
    # The seed's Phase 2 trio: the repository's own mechanical doc checks.
    "autopack-seed": (
        {"name": "check_docs_drift", "run": ["python", "scripts/check_docs_drift.py"]},
        {"name": "docs-tests", "run": ["pytest", "-q", "tests/docs/"], "if-exists": "tests/docs"},
        {"name": "sot_summary_refresh", "run": ["python", "scripts/tidy/sot_summary_refresh.py", "--check"]},
    ),
}

COMMAND_ITEM: dict[str, Setting] = {
    "run": Setting(None, "argv", "The command: a list of arguments, or a string split like a shell would (never run by a shell)."),
    "name": Setting("", "str", "A label for the command (default: the command line)."),
    "if-exists": Setting("", "str", "Repo-relative path: skip the command when it is absent."),
    "timeout": Setting(DEFAULT_TIMEOUT, "number", "Seconds before the command's process group is killed."),
    "cwd": Setting(".", "str", "Working directory, relative to the repository root (must stay inside it)."),
    "read-only": Setting(False, "bool", "The command only reads: the read-only autopilot may run it without approval."),
}


class CommandSpec(namedtuple("CommandSpec", "name argv cwd if_exists timeout line read_only", defaults=(False,))):
    """One doc check to run, validated: argv, repo-relative cwd and if-exists, timeout."""

    __slots__ = ()
    name: str
    argv: tuple[str, ...]
    cwd: str
    if_exists: str
    timeout: float
    line: int | None  # where the configuration declares it (for the finding's location)
    read_only: bool  # the autopilot may run it without a person's approval (default False)


def _inside(root: Path, relative: str) -> bool:
    try:
        resolved = (root / relative).resolve()
    except (OSError, ValueError):  # a NUL byte, a symlink loop: not a usable path inside the repo
        return False
    return resolved == root.resolve() or resolved.is_relative_to(root.resolve())


_HEADER = lazy_pattern(r"^[ \t]*\[\[[ \t]*(?:tool\.autopack\.)?[\"']?doc-drift[\"']?\.commands[ \t]*\]\]", re.MULTILINE)


def _declaration_lines(text: str, key: str) -> tuple[list[int], int | None]:
    """Lines of each `[[...doc-drift.commands]]` header, and of the first `key =` line."""
    headers = [text.count("\n", 0, m.start()) + 1 for m in _HEADER.finditer(text)]
    match = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, re.MULTILINE)
    return headers, (text.count("\n", 0, match.start()) + 1 if match else None)


def command_specs(root: Path, config: Config, settings: dict[str, Any]) -> list[CommandSpec]:
    """The preset's commands then the configured ones, validated (ConfigError names the key)."""
    import shlex

    from autopack.commands import parse_argv

    headers, commands_line = _declaration_lines(config.text, "commands")
    _, preset_line = _declaration_lines(config.text, "preset")
    where = f"{config.source}" if config.source else "configuration"
    specs: list[CommandSpec] = []
    entries = [(item, f"preset {settings['preset']!r}", preset_line) for item in PRESETS[settings["preset"]]]
    for index, item in enumerate(settings["commands"]):
        line = headers[index] if index < len(headers) else commands_line
        entries.append((item, f"{config.prefix}doc-drift.commands[{index}]", line))
    for item, label, line in entries:
        location = f"{where}:{line}" if line else where

        def fail(key: str, problem: str) -> ConfigError:
            return ConfigError(f"{location}: `{label}.{key}` {problem}")

        run = item.get("run")
        if run is None:
            raise fail("run", "is required: the command to run, e.g. run = [\"python\", \"scripts/check_docs.py\"]")
        try:
            argv = parse_argv(run)
        except ValueError as exc:
            raise fail("run", f"cannot be split into arguments ({exc}); check its quotes") from None
        if not argv or not argv[0]:
            raise fail("run", "is empty; give the program and its arguments")
        timeout = item.get("timeout", DEFAULT_TIMEOUT)
        if timeout <= 0:
            raise fail("timeout", f"must be a positive number of seconds, not {timeout!r}")
        cwd = item.get("cwd") or "."
        if not _inside(root, cwd):
            raise fail("cwd", f"{cwd!r} leaves the repository; use a path inside it")
        if_exists = item.get("if-exists") or ""
        if if_exists and not _inside(root, if_exists):
            raise fail("if-exists", f"{if_exists!r} leaves the repository; use a path inside it")
        name = item.get("name") or shlex.join(argv)
        specs.append(CommandSpec(name, tuple(argv), posixpath.normpath(cwd), if_exists, float(timeout), line,
                                 bool(item.get("read-only", False))))
    return specs


def run_spec(root: Path, spec: CommandSpec, pass_env: list[str]) -> CommandEvidence:
    """Run one validated command (or skip it when its `if-exists` path is absent), in the
    scrubbed environment plus the configured `pass-env` names."""
    from autopack import commands

    if spec.if_exists and not (root / spec.if_exists).exists():
        return commands.not_run(list(spec.argv), spec.cwd, commands.SKIPPED, f"skipped: {spec.if_exists} is absent")
    return commands.run_command(list(spec.argv), root / spec.cwd, spec.timeout, cwd_label=spec.cwd, pass_env=pass_env,
                                read_only=spec.read_only)


def run_configured(root: Path, config: Config, settings: dict[str, Any]) -> list[tuple[CommandSpec, CommandEvidence]]:
    """Every configured doc check with its evidence, in configuration order (for the autopilot)."""
    return [(spec, run_spec(root, spec, config.values["pass-env"])) for spec in command_specs(root, config, settings)]


_TERMINAL_CODES = lazy_pattern(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f]")


def _last_line(evidence: CommandEvidence) -> str:
    """The command's last words for the message (stderr first), without colours or control
    characters; the evidence keeps the output as it was."""
    for text in (evidence.stderr_excerpt, evidence.stdout_excerpt):
        lines = [clean for line in text.splitlines() if (clean := _TERMINAL_CODES.sub("", line).strip())]
        if lines:
            return lines[-1][:200]
    return ""


def _config_path(context: CheckContext) -> str:
    """Where command findings point: the configuration file, repo-relative when inside the repo."""
    source = context.config.source
    if source is None:
        return "pyproject.toml"
    try:
        return source.resolve().relative_to(context.root.resolve()).as_posix()
    except ValueError:
        return source.as_posix()


def command_findings(context: CheckContext) -> Iterator[Finding]:
    """APR200/APR204/APR205 for each configured check that failed, timed out or was not found;
    APR206 (a note) for each one not run because configured commands are turned off here, or
    because the read-only autopilot runs only the ones marked `read-only`."""
    if context.settings["preset"] == "none" and not context.settings["commands"]:
        return
    from autopack.commands import DISABLED_DETAIL, NOT_READ_ONLY_DETAIL  # the runner, only when there is something to run

    config_path = _config_path(context)
    if not context.owns(config_path):
        return  # another shard runs them: they are reported at the configuration file
    for spec, evidence in run_configured(context.root, context.config, context.settings):
        not_run = evidence.detail in (DISABLED_DETAIL, NOT_READ_ONLY_DETAIL)
        rule = DOC_CHECK_NOT_RUN if not_run else _RULE_BY_STATUS.get(evidence.status)
        if rule is None:
            continue
        if evidence.status == "failed" and evidence.exit_code is not None and evidence.exit_code >= 0:
            message = f"doc check `{evidence.command}` failed with exit code {evidence.exit_code}"
        elif evidence.status == "failed":
            message = f"doc check `{evidence.command}` failed: {evidence.detail}"
        else:
            message = f"doc check `{evidence.command}`: {evidence.detail}"
        last = _last_line(evidence) if evidence.status != "not-found" else ""
        if last:
            message += f": {last}"
        yield rule.finding(
            config_path,
            message,
            line=spec.line,
            line_text=f"doc-drift command {spec.name} {evidence.command}",
            data={"name": spec.name, "evidence": evidence.to_dict()},
        )

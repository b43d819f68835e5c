"""Production DEBUG guard (`autopack-debug-guard`, hook id `debug-guard`).

Blocks explicit debug enablement in production configuration, conservatively: APD101 a key named
DEBUG set to an enabling value, APD102 framework debug flags, development environments, error
detail switches, toolbars and devtools, APD103 development servers and debuggers in production
entry points and deploy commands. Files are chosen by `scope`, read by `parsed` (real parsers) or
`lines` (patterns and the fallback), and judged by `verdicts`.

The top level stays cheap: yaml, tomllib, configparser and ast are imported only for a file that
mentions a debug-related word at all.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from autopack import engine
from autopack.config import Setting
from autopack.debug_guard import lines as line_readers
from autopack.debug_guard import parsed
from autopack.debug_guard.lines import (
    HASH,
    HASH_OR_SLASH,
    INI_COMMENTS,
    SLASH,
    Hit,
    command_hits,
)
from autopack.debug_guard.scope import (
    DEFAULT_GLOBS,
    DEFAULT_TOKENS,
    file_format,
    is_ci_workflow,
    names_production,
    production_scope,
)
from autopack.debug_guard.verdicts import RULE_DEBUG, RULES, IndexedLines, Verdict, mentions
from autopack.engine import CheckContext, Enforcement
from autopack.files import SourceFile
from autopack.findings import Finding

SETTINGS: dict[str, Setting] = {
    "production-tokens": Setting(
        list(DEFAULT_TOKENS),
        "str-list",
        "Words that mark a path as production when a directory or a `.`/`-`/`_`-separated part of the file name equals one (any case).",
    ),
    "production-globs": Setting(
        list(DEFAULT_GLOBS),
        "glob-list",
        "Extra globs of production files (always in scope), e.g. `deploy/live/**`.",
    ),
    "extended": Setting(True, "bool", "Also run APD102 (framework flags) and APD103 (development servers); false keeps APD101 only."),
    "production-workflows": Setting(
        True,
        "bool",
        "Also check CI workflows (`.github/workflows/*.yml`, `.gitlab-ci.yml`) inside jobs whose `environment` is a production one.",
    ),
    "include-templates": Setting(
        False, "bool", "Also check templates (`*.example`, `*.sample`, `*.template`, `*.dist`, `*.tmpl`, `*.tpl`)."
    ),
}


def _path_scope(settings: dict[str, Any]) -> Callable[[str], bool]:
    return production_scope(
        tuple(settings["production-tokens"]), tuple(settings["production-globs"]), settings["include-templates"]
    )


def wants(path: str, settings: dict[str, Any]) -> bool:
    """Whether a repository path is production configuration (or a CI workflow to look into)."""
    return _path_scope(settings)(path) or (settings["production-workflows"] and is_ci_workflow(path))


Reader = Callable[[SourceFile, IndexedLines], Iterable[Hit]]


def _gated(read: Reader) -> Reader:
    """Parse only a file where some line could decide anything."""

    def read_if_worth_it(source: SourceFile, lines: IndexedLines) -> Iterable[Hit]:
        return read(source, lines) if line_readers.worth_parsing(lines) else []

    return read_if_worth_it


def _parsed(parse: Callable[[SourceFile], Iterable[Hit] | None], fallback: Callable[[IndexedLines], Iterable[Hit]]) -> Reader:
    """A parser-backed reader that falls back to the line reader when the file does not parse."""

    def read(source: SourceFile, lines: IndexedLines) -> Iterable[Hit]:
        hits = parse(source)
        return fallback(lines) if hits is None else hits

    return _gated(read)


def _lines(read: Callable[[IndexedLines], Iterable[Hit]]) -> Reader:
    return lambda _source, lines: read(lines)


def _plus_commands(read: Reader, markers: tuple[str, ...]) -> Reader:
    def read_with_commands(source: SourceFile, lines: IndexedLines) -> Iterable[Hit]:
        return [*read(source, lines), *command_hits(lines, markers)]

    return read_with_commands


def _without_block_comments(read: Reader) -> Reader:
    """C-like formats: `/* ... */` comments are blanked before any reader sees the lines."""
    return lambda source, lines: read(source, line_readers.without_block_comments(lines))


def _without_shell_debug_branches(read: Reader) -> Reader:
    """Shell scripts: branches that run only in debug or development are blanked first."""
    return lambda source, lines: read(source, line_readers.without_shell_debug_branches(lines))


def _outside_development_stages(read: Reader) -> Reader:
    """Dockerfiles: settings and commands of `FROM ... AS dev`/`debug`/`test` stages do not count."""

    def read_production_stages(source: SourceFile, lines: IndexedLines) -> Iterable[Hit]:
        hits = list(read(source, lines))
        stages = line_readers.dockerfile_development_stages(lines) if hits else []
        if not stages:
            return hits
        firsts = [first for first, _ in stages]  # ascending, not overlapping

        def in_stage(line: int) -> bool:
            index = bisect_right(firsts, line) - 1
            return index >= 0 and line <= stages[index][1]

        return [hit for hit in hits if not in_stage(hit.line)]

    return read_production_stages


READERS: dict[str, Reader] = {
    "dotenv": _plus_commands(_lines(line_readers.dotenv_hits), HASH),
    "shell": _without_shell_debug_branches(_plus_commands(_lines(line_readers.shell_hits), HASH)),
    "powershell": _plus_commands(_lines(line_readers.powershell_hits), HASH),
    "dockerfile": _outside_development_stages(_without_shell_debug_branches(_plus_commands(_lines(line_readers.dockerfile_hits), HASH))),
    "yaml": _plus_commands(
        _parsed(
            lambda s: parsed.yaml_hits(s.text, parsed.WORKFLOW_INPUTS if is_ci_workflow(s.path) else frozenset()),
            line_readers.yaml_line_hits,
        ),
        HASH,
    ),
    "json": _without_block_comments(_plus_commands(_parsed(lambda s: parsed.yaml_hits(s.text), line_readers.json_line_hits), SLASH)),
    "toml": _plus_commands(_gated(lambda s, lines: parsed.toml_hits(s.text, lines)), HASH),
    "ini": _plus_commands(_gated(lambda s, lines: parsed.ini_hits(s.text, lines)), INI_COMMENTS),
    "hcl": _without_block_comments(
        _plus_commands(_lines(lambda lines: (hit for _, hit in line_readers.toml_line_hits(lines, HASH_OR_SLASH))), HASH_OR_SLASH)
    ),
    "python": _parsed(lambda s: parsed.python_hits(s.text, s.path), line_readers.python_line_hits),
    "ruby": _lines(line_readers.ruby_hits),
    "elixir": _lines(line_readers.elixir_hits),
    "php": _without_block_comments(_lines(line_readers.php_hits)),
    "xml": _lines(line_readers.xml_hits),
    "js": _without_block_comments(_lines(line_readers.js_hits)),
    "generic": _plus_commands(_lines(line_readers.generic_hits), HASH),
}


def scan(source: SourceFile, settings: dict[str, Any]) -> list[Finding]:
    """Findings of one production file, one per rule, line and message, in line order."""
    lowered = source.text.lower()
    if not mentions(lowered):
        return []
    # Without CR the text splits into the core's lines directly (cheaper than `source.lines`).
    lines = IndexedLines(source.lines) if "\r" in source.text else IndexedLines(source.text.split("\n"), lowered)
    # Helm/Jinja templates: lines under `{{ if .Values.debug }}`-like conditions are blanked
    hits = READERS[file_format(source.path)](source, line_readers.without_template_debug_blocks(lines))
    if is_ci_workflow(source.path):
        hits = list(hits)
        if hits:  # only production jobs count; a workflow named for production counts whole unless it names them
            tokens = settings["production-tokens"]
            jobs = parsed.production_job_lines(source.text, lambda name: names_production(name, tokens))
            if jobs or not _path_scope(settings)(source.path):
                hits = [hit for hit in hits if any(first <= hit.line <= last for first, last in jobs)]
    findings: list[Finding] = []
    seen: set[tuple[str, int, str]] = set()
    for hit in sorted(hits, key=lambda h: (h.line, h.column, h.verdict.rule.id)):
        verdict = hit.verdict
        identity = (verdict.rule.id, hit.line, verdict.message)
        if identity in seen or (not settings["extended"] and verdict.rule is not RULE_DEBUG):
            continue
        seen.add(identity)
        line_text = source.lines[hit.line - 1] if 0 < hit.line <= len(source.lines) else verdict.message
        findings.append(
            verdict.rule.finding(
                source.path, verdict.message, line=hit.line, column=hit.column, line_text=line_text, fix=verdict.fix,
                data=_setting_data(verdict),
            )
        )
    return findings


def _setting_data(verdict: Verdict) -> dict[str, Any] | None:
    """What `--fix` may change: the key, its value as written and the value that turns it off."""
    if verdict.setting is None:
        return None
    key, value, off = verdict.setting
    return {"setting": {"key": key, "value": value, "off": off}}


def check(context: CheckContext) -> Iterable[Finding]:
    for source in context.files:
        yield from scan(source, context.settings)


ENFORCEMENT = Enforcement(
    name="debug-guard",
    hook_id="debug-guard",
    rules=RULES,
    settings=SETTINGS,
    check=check,
    wants=wants,
)


def main(argv: Sequence[str] | None = None) -> int:
    return engine.run(
        ["debug-guard"],
        argv,
        prog="autopack-debug-guard",
        description="Block explicit debug enablement in production configuration (APD101-APD103).",
    )


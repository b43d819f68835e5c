"""Production DEBUG guard (`autopack-debug-guard`, hook id `debug-guard`).

Blocks explicit debug enablement in production configuration, conservatively: APD101 a key named
DEBUG set to an enabling value, APD102 framework debug flags, development environments, error
detail switches, toolbars and devtools, APD103 development servers and debuggers in production
entry points and deploy commands, APD104 debug switches read from the environment with an enabling
default (also in the files production loads, whatever their name). Files are chosen by `scope`,
read by `parsed` (real parsers) or `lines` (patterns and the fallback), and judged by `verdicts`;
`defaults` finds APD104.

The top level stays cheap: `parsed` (and with it yaml, tomllib, configparser and ast) is imported
only for a file where some line could decide a finding.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence

from autopack import engine
from autopack.config import Setting
from autopack.debug_guard import defaults
from autopack.debug_guard import lines as line_readers
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
    DEVELOPMENT_PROFILES,
    content_format,
    file_format,
    is_ci_workflow,
    is_compose_file,
    is_sectioned,
    loaded_scope,
    names_production,
    production_scope,
)
from autopack.debug_guard.verdicts import RULE_DEBUG, RULE_DEV_SERVER, RULES, IndexedLines, Verdict, mentions
from autopack.engine import CheckContext, Enforcement
from autopack.files import SourceFile
from autopack.findings import Finding

TYPE_CHECKING = False  # typing is imported for type checkers only: the hook starts lean
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

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
    "extended": Setting(True, "bool", "Also run APD102 (framework flags), APD103 (development servers) and APD104 (debug on by default); false keeps APD101 only."),
    "production-workflows": Setting(
        True,
        "bool",
        "Also check CI workflows (`.github/workflows/*.yml`, `.gitlab-ci.yml`) inside jobs whose `environment` is a production one.",
    ),
    "debug-defaults": Setting(
        True,
        "bool",
        "Also run APD104 (a debug switch read from the environment with an enabling default), in production files and in the files production loads anywhere in the tree.",
    ),
    "include-templates": Setting(
        False, "bool", "Also check templates (`*.example`, `*.sample`, `*.template`, `*.dist`, `*.tmpl`, `*.tpl`)."
    ),
}


def _path_scope(settings: dict[str, Any]) -> Callable[[str], bool]:
    return production_scope(
        tuple(settings["production-tokens"]), tuple(settings["production-globs"]), settings["include-templates"]
    )


class Roles:
    """What a path is to the guard besides a CI workflow: a production file (every rule), a file
    production loads (APD104), shared configuration with production sections."""

    __slots__ = ("production", "loaded", "sectioned")

    def __init__(self, production: bool, loaded: bool, sectioned: bool) -> None:
        self.production, self.loaded, self.sectioned = production, loaded, sectioned


# Roles of the paths `wants` accepted, taken again by `scan` (the engine asks `wants` for every
# path first, then scans the accepted ones): each path is classified once per run.
_ACCEPTED: dict[tuple[str, tuple[Any, ...]], Roles] = {}


class Scopes:
    """The path predicates of one configuration, built once per settings object."""

    __slots__ = ("key", "production", "loaded", "workflows", "include_templates")

    def __init__(self, settings: dict[str, Any]) -> None:
        self.include_templates: bool = settings["include-templates"]
        self.workflows: bool = settings["production-workflows"]
        defaults_on = settings["debug-defaults"]
        self.key = (tuple(settings["production-tokens"]), tuple(settings["production-globs"]), self.include_templates, self.workflows, defaults_on)
        self.production = _path_scope(settings)
        loaded = loaded_scope(self.include_templates)
        # without APD104, Python modules are still read for their production classes
        self.loaded: Callable[[str], bool] = loaded if defaults_on else (lambda path: path.endswith(".py") and loaded(path))


_LAST_SCOPES: list[tuple[dict[str, Any], Scopes]] = []  # the settings object is kept, so `is` is exact


def _scopes(settings: dict[str, Any]) -> Scopes:
    if _LAST_SCOPES and _LAST_SCOPES[0][0] is settings:
        return _LAST_SCOPES[0][1]
    scopes = Scopes(settings)
    _LAST_SCOPES[:] = [(settings, scopes)]
    return scopes


def _roles(path: str, scopes: Scopes) -> Roles | None:
    """The path's roles, None when it has none (the common case, kept cheap)."""
    production = scopes.production(path)
    workflow = is_ci_workflow(path)
    loaded = scopes.loaded(path)
    sectioned = not (production or workflow) and is_sectioned(path, scopes.include_templates)
    if not (production or (workflow and scopes.workflows) or loaded or sectioned):
        return None
    return Roles(production, loaded, sectioned)


def wants(path: str, settings: dict[str, Any]) -> bool:
    """Whether a repository path is production configuration, a CI workflow to look into, shared
    configuration with production sections, or (for APD104) a file production loads."""
    scopes = _scopes(settings)
    roles = _roles(path, scopes)
    if roles is None:
        return False
    _ACCEPTED[(path, scopes.key)] = roles
    return True


Reader = Callable[[SourceFile, IndexedLines], Iterable[Hit]]
# WSGI/ASGI modules: what production imports to serve the app (development servers started on
# import, development settings selected by default).
ENTRY_MODULES = ("wsgi.py", "asgi.py")


def _parsers() -> ModuleType:
    """The parser-backed readers, imported for the first file worth parsing, not at start-up."""
    from autopack.debug_guard import parsed

    return parsed


def _gated(read: Reader, also: tuple[str, ...] = ()) -> Reader:
    """Parse only a file where some line could decide anything (or that mentions one of `also`)."""

    def read_if_worth_it(source: SourceFile, lines: IndexedLines) -> Iterable[Hit]:
        return read(source, lines) if line_readers.worth_parsing(lines) or (also and lines.mentions(also)) else []

    return read_if_worth_it


def _parsed(
    parse: Callable[[SourceFile], Iterable[Hit] | None],
    fallback: Callable[[IndexedLines], Iterable[Hit]],
    also: tuple[str, ...] = (),
) -> Reader:
    """A parser-backed reader that falls back to the line reader when the file does not parse."""

    def read(source: SourceFile, lines: IndexedLines) -> Iterable[Hit]:
        hits = parse(source)
        return fallback(lines) if hits is None else hits

    return _gated(read, also)


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
    return lambda source, lines: _in_production_stages(list(read(source, lines)), lines)


def _in_production_stages(hits: list[Hit], lines: IndexedLines) -> list[Hit]:
    stages = line_readers.dockerfile_development_stages(lines) if hits else []
    if not stages:
        return hits
    firsts = [first for first, _ in stages]  # ascending, not overlapping

    def in_stage(line: int) -> bool:
        index = bisect_right(firsts, line) - 1
        return index >= 0 and line <= stages[index][1]

    return [hit for hit in hits if not in_stage(hit.line)]


READERS: dict[str, Reader] = {
    "dotenv": _plus_commands(_lines(line_readers.dotenv_hits), HASH),
    "shell": _without_shell_debug_branches(_plus_commands(_lines(line_readers.shell_hits), HASH)),
    "powershell": _plus_commands(_lines(line_readers.powershell_hits), HASH),
    "dockerfile": _outside_development_stages(_without_shell_debug_branches(_plus_commands(_lines(line_readers.dockerfile_hits), HASH))),
    "yaml": _plus_commands(
        _parsed(
            lambda s: _parsers().yaml_hits(s.text, _parsers().WORKFLOW_INPUTS if is_ci_workflow(s.path) else frozenset()),
            line_readers.yaml_line_hits,
        ),
        HASH,
    ),
    "json": _without_block_comments(_plus_commands(_parsed(lambda s: _parsers().yaml_hits(s.text), line_readers.json_line_hits), SLASH)),
    "toml": _plus_commands(_gated(lambda s, lines: _parsers().toml_hits(s.text, lines)), HASH),
    "ini": _plus_commands(_gated(lambda s, lines: _parsers().ini_hits(s.text, lines)), INI_COMMENTS),
    "hcl": _without_block_comments(
        _plus_commands(_lines(lambda lines: (hit for _, hit in line_readers.toml_line_hits(lines, HASH_OR_SLASH))), HASH_OR_SLASH)
    ),
    "python": _parsed(
        lambda s: _parsers().python_hits(s.text, s.path, entry_module=s.path.rpartition("/")[2] in ENTRY_MODULES),
        line_readers.python_line_hits,
        defaults.PYTHON_WORDS,
    ),
    "ruby": _lines(line_readers.ruby_hits),
    "elixir": _lines(line_readers.elixir_hits),
    "php": _without_block_comments(_lines(line_readers.php_hits)),
    "xml": _lines(line_readers.xml_hits),
    "js": _without_block_comments(_lines(line_readers.js_hits)),
    "generic": _plus_commands(_lines(line_readers.generic_hits), HASH),
}


def scan(source: SourceFile, settings: dict[str, Any]) -> list[Finding]:
    """Findings of one file, one per rule, line and message, in line order: every rule in a
    production file (or a production CI job), the production sections of shared configuration,
    and APD104 in the files production loads."""
    lowered = source.text.lower()
    if not mentions(lowered):
        return []
    path = source.path
    scopes = _scopes(settings)
    roles = _ACCEPTED.pop((path, scopes.key), None) or _roles(path, scopes)
    workflow = is_ci_workflow(path)
    loaded, sectioned = (roles.loaded, roles.sectioned) if roles else (False, False)
    production = roles is None or roles.production  # a file handed in by name counts whole
    # Without CR the text splits into the core's lines directly (cheaper than `source.lines`).
    lines = IndexedLines(source.lines) if "\r" in source.text else IndexedLines(source.text.split("\n"), lowered)
    # Helm/Jinja templates: lines under `{{ if .Values.debug }}`-like conditions are blanked
    lines = line_readers.without_template_debug_blocks(lines)
    fmt = content_format(path, source.text)
    hits: list[Hit] = []
    if production or workflow:
        hits.extend(READERS[fmt](source, lines))
        if hits and "profiles" in lowered and is_compose_file(path):
            hits = _outside(hits, _parsers().compose_profile_lines(source.text, DEVELOPMENT_PROFILES.issuperset))
    elif sectioned:
        hits.extend(_production_sections(source, lines, lowered, settings))
    if workflow and hits:
        hits = _production_job_hits(source, hits, settings)
    if production or loaded:
        hits.extend(_default_hits(source, lines, fmt, production, settings["debug-defaults"]))
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


def _production_job_hits(source: SourceFile, hits: list[Hit], settings: dict[str, Any]) -> list[Hit]:
    """Only production jobs count; a workflow named for production counts whole unless it names
    them; a step that writes a production env file counts in any job."""
    tokens = settings["production-tokens"]
    jobs = _parsers().production_job_lines(source.text, lambda name: names_production(name, tokens))
    scope = _path_scope(settings)
    if not jobs and scope(source.path):
        return hits
    return [
        hit
        for hit in hits
        if _within(hit.line, jobs)
        or any(scope(target) for target in line_readers.written_files(source.lines[hit.line - 1]))
    ]


def _production_sections(source: SourceFile, lines: IndexedLines, lowered: str, settings: dict[str, Any]) -> list[Hit]:
    """Shared YAML configuration: the `when@prod:`/`production:` sections and Spring documents
    activated on a production profile; in a compose file, the services of a production profile
    (read whole, commands included)."""
    if file_format(source.path) != "yaml":
        return []
    tokens = frozenset(token.lower() for token in settings["production-tokens"])
    if not is_compose_file(source.path):
        return _parsers().production_section_hits(source.text, lambda name: name.lower() in tokens)
    if "profiles" not in lowered:
        return []
    services = _parsers().compose_profile_lines(source.text, lambda profiles: not tokens.isdisjoint(profiles))
    if not services:
        return []
    return [hit for hit in READERS["yaml"](source, lines) if _within(hit.line, services)]


def _outside(hits: list[Hit], ranges: list[tuple[int, int]]) -> list[Hit]:
    """The hits outside the line ranges (development-only compose services)."""
    return [hit for hit in hits if not _within(hit.line, ranges)]


def _within(line: int, ranges: list[tuple[int, int]]) -> bool:
    return any(first <= line <= last for first, last in ranges)


def _default_hits(source: SourceFile, lines: IndexedLines, fmt: str, production: bool, debug_defaults: bool) -> list[Hit]:
    """APD104 (and, in a WSGI/ASGI module, a development server started on import), except in
    a compose file, Dockerfile or script that runs a development server: that is a development
    stack, whatever its name says. In a Python module production loads, also every rule in the
    body of a class named for production (`class ProductionConfig(Config): DEBUG = True`)."""
    if fmt == "python":
        if production:
            return []  # a production module was judged whole by its reader, APD104 included
        entry_module = debug_defaults and source.path.rpartition("/")[2] in ENTRY_MODULES
        production_class = lines.mentions(("class prod",))
        if not (production_class or (debug_defaults and lines.mentions(defaults.PYTHON_WORDS)) or (entry_module and lines.mentions(("run(",)))):
            return []
        return _parsers().python_hits(source.text, source.path, production=False, defaults=debug_defaults, entry_module=entry_module) or []
    if not debug_defaults or not defaults.mentions_default(lines, fmt):
        return []
    if not production and fmt in ("yaml", "dockerfile", "shell", "generic") and any(
        hit.verdict.rule is RULE_DEV_SERVER for hit in command_hits(lines, HASH)
    ):
        return []
    hits = list(defaults.text_hits(lines, fmt))
    if fmt == "dockerfile":
        hits.extend(defaults.dockerfile_hits(lines, image_defaults=not production))
        return _in_production_stages(hits, lines)
    return hits


def check(context: CheckContext) -> Iterable[Finding]:
    for source in context.files:
        yield from scan(source, context.settings)
    _ACCEPTED.clear()  # roles of wanted files that were not read (skipped as binary or too large)


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
        description="Block explicit debug enablement in production configuration (APD101-APD104).",
    )


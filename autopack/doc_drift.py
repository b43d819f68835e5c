"""Doc drift: run the repository's own doc checks, and find links, anchors and paths that no
longer exist in its Markdown.

Two halves, both mechanical and offline:
- configured checks (`[[tool.autopack.doc-drift.commands]]`, or `preset = "autopack-seed"`) run
  without a shell through `autopack.commands`; a failure, a timeout or a missing program or
  script is a finding whose `data["evidence"]` is the command's deterministic evidence;
- built-in checks parse every Markdown file with markdown-it-py (CommonMark: code, reference
  links, images and HTML comments are what the parser says they are) and report relative links
  to missing files (APR201), `#anchors` missing from the target's GitHub heading slugs (APR202)
  and repo paths in inline code and shell code blocks that do not exist (APR203).

The subject is the whole doc set: a rename anywhere can break a link in an unchanged file, so the
hook ignores the file names it is handed and always checks everything.
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
import sys
import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autopack import engine, files
from autopack.config import Config, Setting
from autopack.engine import CheckContext, Enforcement
from autopack.findings import ConfigError, Finding, Rule, Severity

if TYPE_CHECKING:  # the command runner is imported only when commands are configured
    from autopack.commands import CommandEvidence

DOC = "doc-drift.md"

# --- rules -------------------------------------------------------------------------------------

DOC_CHECK_FAILED = Rule(
    id="APR200",
    name="doc-check-failed",
    severity=Severity.ERROR,
    summary="A configured doc check exited with a non-zero status.",
    fix="Run the command shown and fix what it reports (the evidence has its stderr excerpt).",
    doc=DOC,
)
BROKEN_LINK = Rule(
    id="APR201",
    name="broken-relative-link",
    severity=Severity.ERROR,
    summary="A relative link or image points to a file that does not exist.",
    fix="Point the link at the file's current path, or remove it.",
    doc=DOC,
)
BROKEN_ANCHOR = Rule(
    id="APR202",
    name="broken-anchor",
    severity=Severity.ERROR,
    summary="A link's #anchor matches no heading (GitHub slug) or HTML id in the target document.",
    fix="Use the anchor of an existing heading (lowercase, punctuation removed, spaces as -).",
    doc=DOC,
)
MISSING_CODE_PATH = Rule(
    id="APR203",
    name="missing-code-path",
    severity=Severity.ERROR,
    summary="A repository path in inline code or a shell code block does not exist.",
    fix="Update the path to where the file lives now, or remove the reference.",
    doc=DOC,
)
DOC_CHECK_TIMEOUT = Rule(
    id="APR204",
    name="doc-check-timeout",
    severity=Severity.ERROR,
    summary="A configured doc check ran past its timeout; its process group was killed.",
    fix="Make the check faster or raise its `timeout` (seconds) in the doc-drift configuration.",
    doc=DOC,
)
DOC_CHECK_NOT_FOUND = Rule(
    id="APR205",
    name="doc-check-not-found",
    severity=Severity.ERROR,
    summary="A configured doc check's program or script does not exist (script not found).",
    fix="Restore the script or install the program, or remove the command (use `if-exists` for optional checks).",
    doc=DOC,
)
RULES = (DOC_CHECK_FAILED, BROKEN_LINK, BROKEN_ANCHOR, MISSING_CODE_PATH, DOC_CHECK_TIMEOUT, DOC_CHECK_NOT_FOUND)
_RULE_BY_STATUS = {"failed": DOC_CHECK_FAILED, "timeout": DOC_CHECK_TIMEOUT, "not-found": DOC_CHECK_NOT_FOUND}
DEFAULT_TIMEOUT = 300.0  # seconds

# --- settings ----------------------------------------------------------------------------------

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
}

SETTINGS: dict[str, Setting] = {
    "preset": Setting("none", "str", "A named set of commands run before `commands`.", choices=tuple(PRESETS)),
    "commands": Setting([], "table-list", "Doc checks to run: each a table with `run` and optional `name`, `if-exists`, `timeout`, `cwd`.", item=COMMAND_ITEM),
    "docs-globs": Setting(["**/*.md"], "str-list", "Markdown files the built-in checks read."),
    "check-links": Setting(True, "bool", "APR201: relative links and images to missing files."),
    "check-anchors": Setting(True, "bool", "APR202: #anchors missing from the target document."),
    "check-code-paths": Setting(True, "bool", "APR203: repo paths in inline code and shell code blocks that do not exist."),
    "ignore-targets": Setting([], "str-list", "Globs of repo paths never reported as missing (e.g. generated files)."),
    "fixture-globs": Setting(
        ["**/__fixtures__/**", "**/test*/**/fixtures/**", "**/__tests__/**/fixtures/**", "**/testdata/**", "**/test_data/**", "**/__snapshots__/**",
         "**/tests/**/data/**", "**/test/**/data/**"],
        "str-list",
        "Markdown test data the built-in checks do not read as documentation (fixtures are often broken on purpose).",
    ),
    "history-globs": Setting(
        ["**/changelog*", "**/changes*", "**/history*", "**/news*", "**/release-notes*", "**/releases*",
         "**/blog/**", "**/adr/**", "**/adrs/**", "**/decisions/**", "**/migrat*", "**/migrat*/**"],
        "str-list",
        "Documents that record history (matched case-insensitively): APR203 skips their code paths, which name old files on purpose.",
    ),
}

# --- configured commands -----------------------------------------------------------------------


@dataclass(frozen=True)
class CommandSpec:
    """One doc check to run, validated: argv, repo-relative cwd and if-exists, timeout."""

    name: str
    argv: tuple[str, ...]
    cwd: str
    if_exists: str
    timeout: float
    line: int | None  # where the configuration declares it (for the finding's location)


def _inside(root: Path, relative: str) -> bool:
    try:
        resolved = (root / relative).resolve()
    except (OSError, ValueError):  # a NUL byte, a symlink loop: not a usable path inside the repo
        return False
    return resolved == root.resolve() or resolved.is_relative_to(root.resolve())


_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*(?:tool\.autopack\.)?[\"']?doc-drift[\"']?\.commands[ \t]*\]\]", re.MULTILINE)


def _declaration_lines(text: str, key: str) -> tuple[list[int], int | None]:
    """Lines of each `[[...doc-drift.commands]]` header, and of the first `key =` line."""
    headers = [text.count("\n", 0, m.start()) + 1 for m in _HEADER.finditer(text)]
    match = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, re.MULTILINE)
    return headers, (text.count("\n", 0, match.start()) + 1 if match else None)


def command_specs(root: Path, config: Config, settings: dict[str, Any]) -> list[CommandSpec]:
    """The preset's commands then the configured ones, validated (ConfigError names the key)."""
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
        specs.append(CommandSpec(name, tuple(argv), posixpath.normpath(cwd), if_exists, float(timeout), line))
    return specs


def run_spec(root: Path, spec: CommandSpec) -> CommandEvidence:
    """Run one validated command (or skip it when its `if-exists` path is absent)."""
    from autopack import commands

    if spec.if_exists and not (root / spec.if_exists).exists():
        return commands.not_run(list(spec.argv), spec.cwd, commands.SKIPPED, f"skipped: {spec.if_exists} is absent")
    return commands.run_command(list(spec.argv), root / spec.cwd, spec.timeout, cwd_label=spec.cwd)


def run_configured(root: Path, config: Config, settings: dict[str, Any]) -> list[tuple[CommandSpec, CommandEvidence]]:
    """Every configured doc check with its evidence, in configuration order (for the autopilot)."""
    return [(spec, run_spec(root, spec)) for spec in command_specs(root, config, settings)]


_TERMINAL_CODES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f]")


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


def _command_findings(context: CheckContext) -> Iterator[Finding]:
    if context.settings["preset"] == "none" and not context.settings["commands"]:
        return
    config_path = _config_path(context)
    for spec, evidence in run_configured(context.root, context.config, context.settings):
        rule = _RULE_BY_STATUS.get(evidence.status)
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


# --- Markdown: GitHub heading slugs ------------------------------------------------------------


def github_slug(text: str) -> str:
    """GitHub's heading anchor: lowercase; letters, marks, digits, `_` and `-` kept (unicode
    included); every space becomes `-`; everything else removed."""
    out = []
    for char in text.lower():
        if char == " ":
            out.append("-")
        elif char == "-" or unicodedata.category(char)[0] in "LMN" or unicodedata.category(char) == "Pc":
            out.append(char)
    return "".join(out)


class Slugger:
    """Numbers duplicate slugs like GitHub: `intro`, `intro-1`, `intro-2`."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def slug(self, text: str) -> str:
        base = result = github_slug(text)
        while result in self.seen:
            self.seen[base] += 1
            result = f"{base}-{self.seen[base]}"
        self.seen[result] = 0
        return result


_EMOJI_CODE = re.compile(r":[a-z0-9_+-]+:")

# --- Markdown: extraction ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A link target written in a document, or a path written in its code."""

    target: str
    line: int
    kind: str  # "link", "image", "html link", "inline code", "shell code block"
    cwd: str = ""  # for a shell word: where an earlier `cd` of the block moved to
    whole: str = ""  # for inline code: its whole text (`docs/My File.md` is one path)


@dataclass
class Document:
    """What the checks need from one Markdown file: its anchors, links and code paths."""

    path: str
    source: files.SourceFile  # its `lines` are split only when a finding needs one
    anchors: set[str] = field(default_factory=set)
    toc_anchors: set[str] = field(default_factory=set)  # Python-Markdown's slugs (MkDocs sites)
    links: list[Reference] = field(default_factory=list)
    code_paths: list[Reference] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)  # MyST targets, `(name)=`: Sphinx cross-references
    generated: bool = False  # has `::: module.name` (mkdocstrings, mkdocs-click): anchors made at build


@cache
def _html_scanner() -> type:
    """An HTMLParser that collects link targets (`href`, `src`) and anchors (`id`, `name`) of a
    fragment, and the text of its `<h1>`..`<h6>` headings (GitHub gives raw HTML headings a slug
    too); comments are ignored by construction. Built on first use (import cost)."""
    from html.parser import HTMLParser

    class HtmlScan(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.links: list[tuple[str, int, str]] = []
            self.anchors: list[str] = []
            self.headings: list[str] = []
            self.heading: list[str] | None = None

        def handle_data(self, data: str) -> None:
            if self.heading is not None:
                self.heading.append(data)

        def handle_endtag(self, tag: str) -> None:
            if tag in _HEADING_TAGS and self.heading is not None:
                self.headings.append("".join(self.heading))
                self.heading = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            line = self.getpos()[0]
            if tag in _HEADING_TAGS:
                self.heading = []
            for name, value in attrs:
                if value is None:
                    continue
                if name in ("id", "name"):
                    self.anchors.append(value)
                elif (name == "href" and tag in ("a", "link", "area")) or (name == "src" and tag in _SRC_TAGS):
                    self.links.append((value, line, "image" if tag == "img" else "html link"))

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.handle_starttag(tag, attrs)
            if tag in _HEADING_TAGS:
                self.heading = None

    return HtmlScan


_SRC_TAGS = frozenset({"img", "source", "video", "audio", "script", "iframe"})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _scan_html(document: Document, html: str, first_line: int) -> None:
    scan = _html_scanner()()
    try:
        scan.feed(html)
        scan.close()
    except Exception:  # noqa: BLE001 - malformed HTML is skipped, never a crash
        return
    document.anchors.update(anchor.lower() for anchor in scan.anchors)
    for heading in scan.headings:  # in the document's numbering of duplicates only approximately
        document.anchors.add(github_slug(heading.strip()))
        document.toc_anchors.add(toc_slug(heading.strip()))
    document.links.extend(Reference(target, first_line + line - 1, kind) for target, line, kind in scan.links)


def _heading_text(children: Sequence[Any]) -> str:
    """The heading's text content, as a browser's textContent would give it."""
    parts = []
    for token in children:
        if token.type in ("text", "text_special", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


# `## Title {#id}`, `## Title { #id .class }`, `### Title ### {: #id }`: an explicit heading id
# (Python-Markdown attr_list in MkDocs, Pandoc, kramdown, Docusaurus, MyST).
_HEADING_ATTRS = re.compile(r"[ \t]*\{:?[ \t]*([^{}\n]*)\}[ \t]*$")
_ATTR_ID = re.compile(r"(?:^|[ \t])#([^\s#{}]+)")


def toc_slug(text: str, ascii_only: bool = True) -> str:
    """Python-Markdown's `toc` slug (MkDocs): accents folded to ASCII (unless `ascii_only` is
    off, as pymdownx's unicode slugs do), characters other than word characters, spaces and `-`
    removed, runs of spaces and `-` collapsed into one `-`."""
    if ascii_only:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


class TocSlugger:
    """Numbers duplicate slugs like Python-Markdown: `intro`, `intro_1`, `intro_2`."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def slug(self, text: str) -> str:
        result = base = toc_slug(text)
        count = 0
        while result in self.seen or not result:
            count += 1
            result = f"{base}_{count}"
        self.seen.add(result)
        return result


def _add_heading(document: Document, slugger: Slugger, text: str, toc: TocSlugger | None = None) -> None:
    if "{{" in text or "{%" in text:
        document.generated = True  # `## {{ config.name }}` (mkdocs-macros, Jinja): the slug is known after rendering
    document.anchors.add(slugger.slug(text))
    attrs = _HEADING_ATTRS.search(text)
    bare = text
    if attrs:
        explicit = _ATTR_ID.search(attrs.group(1))
        if explicit:
            document.anchors.add(explicit.group(1).lower())
        bare = text[: attrs.start()].rstrip().rstrip("#").rstrip()
    # `## Ship it :rocket:`: GitHub renders the emoji (dropped from the slug, its space kept: `ship-it-`)
    for variant in {text.strip(), bare.strip(), _EMOJI_CODE.sub("", text).strip(), _EMOJI_CODE.sub("", bare).strip(),
                    _EMOJI_CODE.sub("", text.strip())}:
        document.anchors.add(github_slug(variant))
    if toc is not None:
        document.toc_anchors.add(toc.slug(bare))
        document.toc_anchors.add(toc_slug(bare, ascii_only=False))


SHELL_FENCES = frozenset({"sh", "bash", "shell", "console", "zsh"})


@cache
def _markdown_parser() -> Any:
    """CommonMark plus GFM tables. The core `inline` rule is off: `parse_document` parses inline
    content itself, and only where a link, image, code span or HTML can be (or in a heading)."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")
    parser.core.ruler.disable("inline")
    # Keep each href as written (the checks decode %-escapes themselves): markdown-it's URL
    # normalisation costs a fifth of the parse and would only have to be undone.
    parser.normalizeLink = str
    return parser


# Inline content without any of these characters holds no link, image, code span or HTML.
_INLINE_TRIGGERS = re.compile(r"[\[`<]")


def _blank_front_matter(text: str) -> str:
    """YAML front matter (`---` ... `---` at the top) as blank lines, so line numbers stay."""
    if not text.startswith("---"):
        return text
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return text
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n" * index + "\n" + "\n".join(lines[index + 1 :])
    return text


# `(label)=` on its own line: a MyST target, which `[text](label)` and `#label` refer to.
_FOOTNOTE_DEFINITION = re.compile(r"^[ ]{0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)
_MYST_TARGET = re.compile(r"^[ \t]*\(([^()\s]+)\)=[ \t]*$", re.MULTILINE)
# `::: pkg.module` (mkdocstrings) or `::: mkdocs-click`: content and its anchors generated at build
# time. Container keywords (VuePress `::: tip`, Docusaurus `:::note`) generate no headings.
_GENERATOR = re.compile(r"^:::[ \t]+([A-Za-z_][\w.:-]*)[ \t]*$", re.MULTILINE)
_CONTAINERS = frozenset({
    "tip", "note", "info", "warning", "danger", "caution", "important", "details", "success", "error",
    "code-group", "example", "question", "quote", "abstract", "bug", "failure", "hint", "attention", "seealso",
    "admonition", "dropdown", "card", "grid", "tab", "tabs", "tab-set", "tab-item", "figure", "raw", "v-pre",
})


def parse_document(parser: Any, source: files.SourceFile) -> Document:
    """One pass over markdown-it's tokens; line numbers come from the tokens' source maps."""
    document = Document(source.path, source)
    if ")=" in source.text:
        document.labels.update(label.lower() for label in _MYST_TARGET.findall(source.text))
        document.anchors.update(document.labels)
    if "[^" in source.text:  # footnotes: GitHub's `#fn-1`/`#fnref-1`, Python-Markdown's `#fn:1`/`#fnref:1`
        for label in _FOOTNOTE_DEFINITION.findall(source.text):
            label = label.lower()
            document.anchors.update({f"fn-{label}", f"fnref-{label}", f"fn:{label}", f"fnref:{label}"})
    if ":::" in source.text:
        document.generated = any(name.lower() not in _CONTAINERS for name in _GENERATOR.findall(source.text))
    text = _blank_front_matter(source.text)
    _scan_tokens(parser, document, text, 0, Slugger(), TocSlugger(), {})
    return document


# `!!! note`, `??? tip`, `???+ warning` (admonitions), `=== "Tab"` (content tabs): MkDocs
# extensions whose body is indented, which CommonMark alone reads as an indented code block.
_INDENTED_CONTAINER = re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?|===)[ \t]")


def _scan_tokens(parser: Any, document: Document, text: str, offset: int, slugger: Slugger, toc: TocSlugger,
                 env: dict[str, Any], depth: int = 0) -> None:
    tokens = parser.parse(text, env)
    lines: list[str] | None = None
    in_heading = False
    for token in tokens:
        if token.type == "code_block" and token.map and depth < 8:
            if lines is None:
                lines = text.split("\n")
            before = next((lines[i] for i in range(token.map[0] - 1, -1, -1) if lines[i].strip()), "")
            if _INDENTED_CONTAINER.match(before):
                body = "\n".join(lines[token.map[0] : token.map[1]])
                _scan_tokens(parser, document, textwrap.dedent(body), offset + token.map[0], slugger, toc, env, depth + 1)
            continue
        token_map = [offset + token.map[0], offset + token.map[1]] if token.map else None
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "inline" and token_map:
            if not (in_heading or _INLINE_TRIGGERS.search(token.content)):
                continue
            children = parser.inline.parse(token.content, parser, env, [])
            if in_heading:
                _add_heading(document, slugger, _heading_text(children), toc)
                in_heading = False
            _scan_inline(document, children, token_map[0] + 1)
        elif token.type == "html_block" and token_map:
            _scan_html(document, token.content, token_map[0] + 1)
        elif token.type == "fence" and token_map and token.info.split()[:1] and token.info.split()[0].lower() in SHELL_FENCES:
            for target, line_offset, cwd in shell_paths(token.content):
                document.code_paths.append(Reference(target, token_map[0] + 2 + line_offset, "shell code block", cwd))


_FOOTNOTE = re.compile(r"\^[^\s\]]+")


def _is_footnote(children: Sequence[Any], index: int) -> bool:
    """`[^1]` with a `[^1]: Note.` definition is a GFM footnote, which CommonMark reads as a
    reference link to the file `Note.`: never a link to check."""
    following = children[index + 1 : index + 3]
    return (
        len(following) == 2
        and following[0].type == "text"
        and following[1].type == "link_close"
        and _FOOTNOTE.fullmatch(following[0].content) is not None
    )


def _scan_inline(document: Document, children: Sequence[Any], line: int) -> None:
    link_depth = 0
    for index, token in enumerate(children):
        if token.type in ("softbreak", "hardbreak"):
            line += 1
        elif token.type == "link_open":
            link_depth += 1
            if token.markup != "autolink" and not _is_footnote(children, index):
                document.links.append(Reference(str(token.attrs.get("href", "")), line, "link"))
        elif token.type == "link_close":
            link_depth -= 1
        elif token.type == "image":
            document.links.append(Reference(str(token.attrs.get("src", "")), line, "image"))
        elif token.type == "code_inline" and link_depth == 0:
            for target, _, cwd in shell_paths(token.content, prompts=False):
                document.code_paths.append(Reference(target, line, "inline code", cwd, token.content.strip()))
        elif token.type == "html_inline":
            _scan_html(document, token.content, line)
            line += token.content.count("\n")


# --- paths in shell commands -------------------------------------------------------------------

_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", ";;", "|&"})
# Commands whose arguments are (or may be) created by the command itself.
_CREATORS = frozenset({"mkdir", "touch", "cp", "mv", "ln", "rsync", "install", "tee", "wget", "curl", "tar", "unzip", "rm", "rmdir", "scp"})
_GIT_CREATORS = frozenset({"clone", "init", "worktree", "mv", "rm", "submodule"})
# Git commands whose words name branches, remotes and tags (`git checkout -b docs/fix-typo`):
# only what follows `--` is a path.
_GIT_REFS = frozenset({"checkout", "switch", "branch", "push", "pull", "fetch", "merge", "rebase", "tag", "cherry-pick", "revert", "remote", "reset", "restore", "show", "log", "diff", "blame"})
_WRAPPERS = frozenset({"sudo", "time", "exec", "env", "nohup", "command"})
_OUTPUT_OPTIONS = frozenset({"-o", "--output", "--out", "--outdir", "--out-dir", "--output-dir", "--dest", "--destination", "--target", "--prefix", "-O", "--build-dir", "--cov-report", "-d", "--dist-dir", "--log-file", "--junitxml", "--basetemp"})
_BUILDERS = frozenset({"sphinx-build", "sphinx-autobuild"})
_SPHINX_VALUE_OPTIONS = frozenset({"-b", "-M", "-d", "-j", "-c", "-D", "-A", "-t", "-w", "--builder", "--doctree-dir", "--jobs", "--conf-dir", "--define", "--tag", "--warning-file"})
_EXPRESSION_OPTIONS = frozenset({"-k", "-m", "--grep", "-g", "--filter"})
_REDIRECTS = frozenset({">", ">>", ">|", "&>", "&>>"})
_UNSAFE = re.compile(r"[*?\[\]{}$<>|=`'\"\\:,;()!#%^]|^~")
_LOCATION_SUFFIX = re.compile(r"(?::\d+){1,2}$|::[\w\[\]\-.]+$")


# A command prompt: `$ `, `% ` (zsh), optionally after a virtualenv `(venv) ` and a
# `user@host:~/dir` or `~/dir` or `[user@host dir]`.
_PROMPT = re.compile(r"^[ \t]*(?:\([\w.@ -]+\)[ \t]*)?(?:[\w.-]+@[\w.-]+(?::[^\s$%#]*)?[ \t]*|~[^\s$%#]*[ \t]*|\[[^\]\n]*\][ \t]*)?[$%][ \t]")


def _command_lines(raw: list[str], prompts: bool) -> Iterator[tuple[str, int, int]]:
    """Logical command lines of a shell block with their first and last line offsets: `$ `
    prompts stripped (when any line has one, the others are output and skipped), `\\`
    continuations joined, heredoc bodies skipped."""
    prompted = prompts and any(_PROMPT.match(line) for line in raw)
    heredoc: str | None = None
    pending: tuple[str, int] | None = None
    for offset, line in enumerate(raw):
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        stripped = line.strip()
        if pending is not None:
            text, start = pending
            stripped = text + " " + stripped
        else:
            start = offset
            if prompted:
                prompt = _PROMPT.match(line)
                if not prompt:
                    continue
                stripped = line[prompt.end() :].strip()
        if stripped.endswith("\\"):
            pending = (stripped[:-1], start)
            continue
        pending = None
        marker = re.search(r"<<-?\s*['\"]?(\w+)", stripped)
        if marker:
            heredoc = marker.group(1)
        yield stripped, start, offset
    if pending is not None:
        yield pending[0], pending[1], len(raw) - 1


def _split_words(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError:  # unbalanced quotes: fall back to plain words
        return line.split()


def _segments(words: list[str]) -> Iterator[list[str]]:
    current: list[str] = []
    for word in words:
        if word in _SEPARATORS:
            if current:
                yield current
            current = []
        else:
            current.append(word)
    if current:
        yield current


def _segment_words(segment: list[str]) -> tuple[list[str], list[str]]:
    """The words of one simple command that name inputs (which must exist) and outputs (which the
    command creates or removes: creators' arguments, redirections, output options' values)."""
    while segment and ("=" in segment[0] and not segment[0].startswith("-") or segment[0] in _WRAPPERS):
        segment = segment[1:]
    if not segment:
        return [], []
    program = Path(segment[0]).name
    if program in _CREATORS or (program == "git" and len(segment) > 1 and segment[1] in _GIT_CREATORS):
        return [], [word for word in segment[1:] if not word.startswith("-")]
    if program == "git" and len(segment) > 1 and segment[1] in _GIT_REFS:
        return (segment[segment.index("--") + 1 :] if "--" in segment else []), []
    inputs: list[str] = []
    outputs: list[str] = []
    if program in _BUILDERS or segment[1:3] == ["-m", "sphinx"]:
        # `sphinx-build [options] SOURCEDIR OUTPUTDIR`: what follows the source directory is written
        positional: list[str] = []
        words = iter(segment[3:] if segment[1:3] == ["-m", "sphinx"] else segment[1:])
        for word in words:
            if word in _SPHINX_VALUE_OPTIONS:
                next(words, "")
            elif not word.startswith("-"):
                positional.append(word)
        outputs.extend(positional[1:])
        segment = [word for word in segment if word not in positional[1:]]
    words = iter(segment)
    for word in words:
        if word in _REDIRECTS or word in _OUTPUT_OPTIONS:
            outputs.append(next(words, ""))
        elif word in _EXPRESSION_OPTIONS:
            next(words, "")  # `pytest -k "api/v1"`: an expression, not a path
        elif word.startswith("-"):
            option, sep, value = word.partition("=")
            if sep:
                (outputs if option in _OUTPUT_OPTIONS else inputs).append(value)
        else:
            inputs.append(word)
    return inputs, outputs


def _clean_word(word: str) -> str:
    # prose punctuation after a path: `see src/a.py, src/b.py.` (not `..`)
    trimmed = word.rstrip(",;:")
    if trimmed.endswith(".") and not trimmed.endswith(".."):
        trimmed = trimmed[:-1]
    if "/" in trimmed:
        word = trimmed
    word = _LOCATION_SUFFIX.sub("", word)
    return word[2:] if word.startswith("./") else word


def _under(word: str, created: list[str]) -> bool:
    return any(word == path or word.startswith(path.rstrip("/") + "/") for path in created)


def shell_paths(block: str, prompts: bool = True) -> Iterator[tuple[str, int, str]]:
    """Path-like input words of shell commands, each with the offset of the line (in `block`)
    holding it and the directory an earlier `cd` moved to. Paths an earlier command of the block
    created (`mkdir -p build/out`, `> out/log.txt`) are not reported."""
    if "/" not in block:
        return  # no word with a slash: nothing to check (most inline code)
    raw = block.split("\n")
    created: list[str] = []
    cwd = ""
    for line, start, end in _command_lines(raw, prompts):
        if "/" not in line and "cd" not in line:
            continue
        for segment in _segments(_split_words(line)):
            inputs, outputs = _segment_words(segment)
            created.extend(_clean_word(word) for word in outputs if word)
            for word in map(_clean_word, inputs):
                if "/" in word.strip("/") and not word.startswith("/") and not _UNSAFE.search(word) and "//" not in word:
                    if not _under(word, created):
                        yield word, next((i for i in range(start, end + 1) if word in raw[i]), start), cwd
            if inputs[:1] == ["cd"]:
                target = inputs[1] if len(inputs) > 1 else ""
                unknown = not target or target.startswith(("/", "~", "-", "$"))
                cwd = "" if unknown else posixpath.normpath(posixpath.join(cwd, _clean_word(target)))


# --- the checks --------------------------------------------------------------------------------

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
MARKDOWN_SUFFIXES = (".md", ".markdown")


_SUBMODULE_PATH = re.compile(r"^[ \t]*path[ \t]*=[ \t]*(.+?)[ \t]*$", re.MULTILINE)


def _submodule_paths(root: Path) -> tuple[str, ...]:
    """Paths of git submodules (from `.gitmodules`): their content may not be checked out (CI),
    so whatever lies below them counts as existing."""
    try:
        text = (root / ".gitmodules").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    return tuple(sorted({path.strip("/") for path in _SUBMODULE_PATH.findall(text)}))


_SITE_CONFIG = re.compile(r"(?:^|/)(?:docusaurus\.config\.[cm]?[jt]s|\.vitepress/config\.[cm]?[jt]s|\.vuepress/config\.[cm]?[jt]s|_config\.ya?ml)$")


class _Repo:
    """The repository as the checks see it: which paths exist, and each Markdown file's anchors."""

    def __init__(self, context: CheckContext, parser: Any) -> None:
        self.context = context
        self.parser = parser
        self.files = set(context.repo_files())
        self.dirs = {"."}
        for path in self.files:
            parts = path.split("/")
            for depth in range(1, len(parts)):
                self.dirs.add("/".join(parts[:depth]))
        self.documents: dict[str, Document | None] = {}
        self.ignored = files.compile_globs(context.settings["ignore-targets"])
        self._lowercase: dict[str, str] | None = None
        self._stems: set[str] | None = None
        self.submodules = _submodule_paths(context.root)
        self.labels: set[str] = set()
        # A MkDocs site renders heading ids with Python-Markdown's slugs, not GitHub's.
        self.mkdocs = any(posixpath.basename(path) in ("mkdocs.yml", "mkdocs.yaml", "zensical.toml") for path in self.files)
        # A docs site (MkDocs, Docusaurus, VitePress, VuePress, Jekyll) resolves `intro` and `intro/` to `intro.md`.
        self.site = self.mkdocs or any(_SITE_CONFIG.search(path) for path in self.files)

    def by_lowercase(self) -> dict[str, str]:
        """Every file and directory by its lowercased path (the first in sorted order wins)."""
        if self._lowercase is None:
            self._lowercase = {}
            for path in sorted(self.files | self.dirs):
                self._lowercase.setdefault(path.lower(), path)
        return self._lowercase

    def names_module(self, path: str) -> bool:
        """`pkg/utils/config` for `pkg/utils/config.js`: code names modules without their suffix."""
        if self._stems is None:
            self._stems = {posixpath.splitext(file)[0] for file in self.files}
        return "." not in posixpath.basename(path) and path in self._stems

    def exists(self, path: str) -> bool:
        return (
            path in self.files
            or path in self.dirs
            or os.path.exists(self.context.root / path)
            or any(path.startswith(submodule + "/") for submodule in self.submodules)
        )

    def is_dir(self, path: str) -> bool:
        return path in self.dirs or os.path.isdir(self.context.root / path)

    def preload(self, paths: list[str]) -> None:
        """Parse many documents at once, on several cores where that pays (see `_parse_parallel`);
        otherwise `document` parses each on first use."""
        for path, parsed in zip(paths, _parse_parallel(self.context, paths) or ()):
            if isinstance(parsed, files.Skipped):
                self.context.skipped.append(parsed)
                self.documents[path] = None
            else:
                self.documents[path] = parsed

    def document(self, path: str) -> Document | None:
        if path not in self.documents:
            source = self.context.read(path)
            self.documents[path] = parse_document(self.parser, source) if source else None
        return self.documents[path]


PARALLEL_MIN_DOCUMENTS = 64
_worker_reader: Callable[[str], files.SourceFile | files.Skipped] | None = None  # set before forking


def _parse_in_worker(path: str) -> Document | files.Skipped:
    assert _worker_reader is not None
    source = _worker_reader(path)
    return source if isinstance(source, files.Skipped) else parse_document(_markdown_parser(), source)


def _has_threads() -> bool:
    """Forking a process that runs other threads can deadlock the child: then stay serial."""
    threading = sys.modules.get("threading")
    return threading is not None and threading.active_count() > 1


def _parse_parallel(context: CheckContext, paths: list[str]) -> list[Document | files.Skipped] | None:
    """Read and parse `paths` in forked worker processes, results in input order (about 1.4x
    faster from a few hundred documents on two cores). None (parse serially) for small sets, one
    CPU, other threads, not Linux (where forking is reliable), or a platform that refuses a
    process pool."""
    global _worker_reader
    if len(paths) < PARALLEL_MIN_DOCUMENTS or not sys.platform.startswith("linux") or _has_threads():
        return None
    workers = min(len(os.sched_getaffinity(0)), 4)
    if workers < 2:
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    max_size = context.config.values["max-file-size"]
    _worker_reader = context.reader or (lambda path: files.read_source(context.root, path, max_size))
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_parse_in_worker, paths, chunksize=max(1, len(paths) // (workers * 4))))
    except (OSError, RuntimeError):  # no semaphores, fork refused, a worker killed: parse serially
        return None
    finally:
        _worker_reader = None


def _resolve(base_dir: str, path: str) -> str | None:
    """A link path as a repo-relative path; None when it leaves the repository."""
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(base_dir, path)
    normal = posixpath.normpath(joined) if joined else "."
    return None if normal == ".." or normal.startswith("../") else normal


def _column(line_text: str, *needles: str) -> int | None:
    for needle in needles:
        if needle:
            position = line_text.find(needle)
            if position >= 0:
                return position + 1
    return None


def _line_text(document: Document, line: int) -> str:
    lines = document.source.lines
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _link_findings(repo: _Repo, document: Document, settings: dict[str, Any]) -> Iterator[Finding]:
    from urllib.parse import unquote

    base_dir = posixpath.dirname(document.path)
    for reference in document.links:
        href = reference.target.strip()
        if not href or href.startswith("//") or _SCHEME.match(href):
            continue  # external, mailto:, data: and friends: never fetched, never flagged
        raw_path, _, fragment = href.partition("#")
        raw_path, _, query = raw_path.partition("?")
        path = unquote(raw_path)
        if "{{" in path or "{%" in path:
            continue  # a template (Jekyll, Hugo): the real target is known only after rendering
        if path.lower() in _PLACEHOLDER_HREFS or _PLACEHOLDER_HREF.fullmatch(path.lower()):
            continue  # `[text](url)`: Markdown syntax shown by example
        if path.startswith("@site/"):  # Docusaurus: the site's folder (the one with its config)
            path = path[len("@site") :]
        target = _resolve(base_dir, path) if path else document.path
        if target is None or repo.ignored(target):
            continue
        text = _line_text(document, reference.line)
        column = _column(text, href, raw_path, path)
        if not repo.exists(target) and path.startswith("/"):
            target = _site_root_target(repo, document.path, path) or target
        if not repo.exists(target):
            if path.lower() in repo.labels and not fragment:
                continue  # MyST: `[text](label)` refers to a `(label)=` target, not a file
            if settings["check-links"] and not _generated_html(repo, target) and not _site_route(repo, path) \
                    and not _site_page(repo, document.path, target):
                what = "image" if reference.kind == "image" else "link"
                resolved = "" if target == path else f" (resolved to {target})"
                yield BROKEN_LINK.finding(
                    document.path,
                    f"{what} target `{path}` does not exist{resolved}{_did_you_mean(repo, target)}",
                    line=reference.line, column=column, line_text=text,
                    data={"href": href, "target": target},
                )
            continue
        if settings["check-anchors"] and fragment:
            yield from _anchor_findings(repo, document, reference, target, unquote(fragment), query, column)


_PLACEHOLDER_HREFS = frozenset({"url", "link", "href", "path", "target", "...", "\u2026", "todo", "tbd", "xxx"})


_PLACEHOLDER_HREF = re.compile(r"[a-z0-9_-]*[_-](?:url|link|href)")  # `provider-docs-url`


def _site_page(repo: _Repo, document_path: str, target: str) -> bool:
    """`[Install](install)` or `(../install/)` in a page of a docs site (not a top-level README,
    which GitHub renders as is): the site serves `install.md` (or `install/index.md`) there."""
    if not repo.site or "/" not in document_path:
        return False
    bare = target.rstrip("/")
    if "." in posixpath.basename(bare) and not bare.endswith(".html"):
        return False
    bare = bare.removesuffix(".html")
    return any(repo.exists(bare + suffix) for suffix in (".md", ".mdx", "/index.md", "/README.md"))


def _site_route(repo: _Repo, path: str) -> bool:
    """`/commands/npm-install`: a root-relative link with no file extension whose first segment is
    not at the repository root is a route of a docs site, not a repository path."""
    if not path.startswith("/"):
        return False
    parts = [part for part in path.split("/") if part]
    if not parts or repo.exists(parts[0]):
        return False
    return "." not in parts[-1]


def _site_root_target(repo: _Repo, document_path: str, path: str) -> str | None:
    """`/img/a.png` in `docs/guide/x.md` of a docs site (MkDocs, Docusaurus) whose root is an
    ancestor folder of the document: the existing target under the nearest such folder."""
    folder = posixpath.dirname(document_path)
    while folder:
        candidate = posixpath.normpath(posixpath.join(folder, path.lstrip("/")))
        if repo.exists(candidate):
            return candidate
        folder = posixpath.dirname(folder)
    return None


def _did_you_mean(repo: _Repo, target: str) -> str:
    """A hint for the usual slips: a missing `.md` suffix, or a different letter case."""
    for suffix in MARKDOWN_SUFFIXES:
        if repo.exists(target.rstrip("/") + suffix):
            return f"; did you mean `{posixpath.basename(target.rstrip('/')) + suffix}`?"
    match = repo.by_lowercase().get(target.lower())
    return f"; did you mean `{match}` (letter case)?" if match else ""


def _generated_html(repo: _Repo, target: str) -> bool:
    """`page.html` next to `page.md`: a link into the site the docs are built into."""
    return target.endswith(".html") and repo.exists(target[: -len(".html")] + ".md")


def _anchor_findings(repo: _Repo, document: Document, reference: Reference, target: str, fragment: str,
                     query: str, column: int | None) -> Iterator[Finding]:
    anchor = fragment.removeprefix("user-content-").lower()
    if not anchor or anchor == "top" or "plain=1" in query or not target.lower().endswith(MARKDOWN_SUFFIXES):
        return
    if repo.is_dir(target):
        return
    target_document = document if target == document.path else repo.document(target)
    if target_document is None or target_document.generated or anchor in target_document.anchors:
        return
    if repo.mkdocs and anchor in target_document.toc_anchors:
        return
    import difflib

    close = difflib.get_close_matches(anchor, sorted(target_document.anchors), n=1)
    hint = f"; did you mean `#{close[0]}`?" if close else ""
    where = "this document" if target == document.path else target
    text = _line_text(document, reference.line)
    yield BROKEN_ANCHOR.finding(
        document.path,
        f"anchor `#{fragment}` matches no heading in {where}{hint}",
        line=reference.line, column=column, line_text=text,
        data={"href": reference.target, "target": target, "anchor": fragment},
    )


# Names that stand for "your file here" in examples: `src/foo/file.ext`, `path/to/x`, `src/mypackage`.
_PLACEHOLDERS = frozenset({
    "foo", "bar", "baz", "qux", "quux", "foobar", "spam", "eggs", "ham", "xxx", "yyy", "zzz",
    "mypackage", "mypkg", "myproject", "mymodule", "myapp", "mylib", "yourpackage", "yourproject", "yourapp",
})


_MY_NAME = re.compile(r"(?:^|[_-])my(?:[A-Z_-]|provider|project|package|plugin|module|app|lib|model|service|component|file|script)")


def _placeholder(repo: _Repo, path: str) -> bool:
    """The first component of `path` missing from the repository is a placeholder name (`foo`,
    `my_project`, `path/to`): an example, not a reference to a file of this repository."""
    parts = path.split("/")
    if any("..." in part or "\u2026" in part for part in parts):
        return True  # `src/.../x.py`, `src/pkg/…`: an elision, not a path
    for depth in range(1, len(parts) + 1):
        prefix = "/".join(parts[:depth])
        if repo.exists(prefix):
            continue
        name = parts[depth - 1].lower()
        stem = name.split(".", 1)[0]
        return (
            stem in _PLACEHOLDERS
            or stem.startswith(("my_", "my-", "some_", "some-", "path_to", "path-to"))
            or "your" in stem  # `client_your_provider.py`, `yourapp`
            or _MY_NAME.search(parts[depth - 1]) is not None  # `myFirstPlugin.test.js`, `client_myprovider.py`
            or (depth == len(parts) and stem.endswith(("_", "-")) and "." not in name)  # `tests/test_`: a prefix
            or (name == "path" and parts[depth : depth + 1] == ["to"])
        )
    return False


def _code_path_findings(repo: _Repo, document: Document) -> Iterator[Finding]:
    doc_dir = posixpath.dirname(document.path)
    document_bases = [""] if not doc_dir else ["", doc_dir]
    seen: dict[tuple[int, str], int] = {}
    for reference in document.code_paths:
        bases = document_bases
        if reference.cwd:  # after `cd sub`, a word may also be relative to sub
            moved = (_resolve(base, reference.cwd) for base in document_bases)
            bases = [*document_bases, *(base for base in moved if base is not None)]
        word = reference.target.rstrip("/")
        parts = word.split("/")
        leading = next((i for i, part in enumerate(parts) if part not in (".", "..")), len(parts))
        if leading >= len(parts) - 1:
            continue  # `dir/` alone or `../x`: nothing under a known directory to check
        anchor_prefix = "/".join(parts[: leading + 1])
        checkable = False
        found = False
        for base in bases:
            candidate = _resolve(base, word)
            anchor_dir = _resolve(base, anchor_prefix)
            if candidate is None or anchor_dir is None or anchor_dir == "." or anchor_dir not in repo.dirs:
                continue
            checkable = True
            whole = _resolve(base, reference.whole) if " " in reference.whole else None
            if (repo.exists(candidate) or repo.names_module(candidate) or repo.ignored(candidate)
                    or (whole is not None and repo.exists(whole)) or _placeholder(repo, candidate)):
                found = True
                break
        if checkable and not found:
            text = _line_text(document, reference.line)
            nth = seen[(reference.line, reference.target)] = seen.get((reference.line, reference.target), -1) + 1
            column = _column(text, reference.target, word)
            for _ in range(nth):  # the same path twice on a line: the second finding at the second one
                later = text.find(reference.target, column) if column else -1
                column = later + 1 if later >= 0 else column
            yield MISSING_CODE_PATH.finding(
                document.path,
                f"path `{reference.target}` in {reference.kind} does not exist",
                line=reference.line, column=column, line_text=text,
                data={"target": word},
            )


def _builtin_findings(context: CheckContext) -> Iterator[Finding]:
    settings = context.settings
    if not (settings["check-links"] or settings["check-anchors"] or settings["check-code-paths"]):
        return
    wanted = files.compile_globs(settings["docs-globs"])
    fixture = files.compile_globs(settings["fixture-globs"])
    paths = [path for path in context.repo_files() if wanted(path) and not fixture(path)]
    paths = _without_symlinked_copies(context.root, paths)
    if not paths:
        return
    history = files.compile_globs(pattern.lower() for pattern in settings["history-globs"])
    repo = _Repo(context, _markdown_parser())
    repo.preload(paths)
    for path in paths:  # every document's MyST targets, before any link is judged
        document = repo.document(path)
        if document is not None:
            repo.labels.update(document.labels)
    found: list[Finding] = []
    for path in paths:
        document = repo.document(path)
        if document is None:
            continue
        if settings["check-links"] or settings["check-anchors"]:
            found.extend(_link_findings(repo, document, settings))
        if settings["check-code-paths"] and not history(path.lower()):
            found.extend(_code_path_findings(repo, document))
    def target(finding: Finding) -> str | None:
        return str(finding.data["target"]) if finding.data and finding.rule_id != BROKEN_ANCHOR.id else None

    missing = sorted({path for finding in found if (path := target(finding))})
    ignored = _git_ignored(context.root, missing) if missing else set()
    for finding in found:
        if target(finding) not in ignored:
            yield finding


def _without_symlinked_copies(root: Path, paths: list[str]) -> list[str]:
    """`docs/changelog.md -> ../CHANGELOG.md` (a docs site's view of a top-level file): the file is
    checked once, where it lives; its links were written for that place."""
    kept = set(paths)
    real_root = os.path.realpath(root)
    result = []
    for path in paths:
        full = os.path.join(root, path)
        if os.path.islink(full):
            target = os.path.relpath(os.path.realpath(full), real_root).replace(os.sep, "/")
            if target != path and target in kept:
                continue
        result.append(path)
    return result


def _git_ignored(root: Path, paths: list[str]) -> set[str]:
    """Those of `paths` git ignores: build output (`docs/_build/html`), local files (`.env`) that
    the docs name on purpose and no clone has. One `git check-ignore` call; none outside git."""
    if not files.is_git_repo(root):
        return set()
    import subprocess

    request = "".join(f"{path}\0" for path in paths).encode("utf-8", "surrogateescape")
    try:
        completed = subprocess.run(
            ["git", "check-ignore", "-z", "--stdin"], cwd=root, input=request, capture_output=True,
            timeout=files.GIT_TIMEOUT, check=False, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if completed.returncode not in (0, 1):
        return set()
    return {path for path in completed.stdout.decode("utf-8", "surrogateescape").split("\0") if path}


def check(context: CheckContext) -> Iterable[Finding]:
    """Configured commands first (they may take time), then the built-in Markdown checks."""
    yield from _command_findings(context)
    yield from _builtin_findings(context)


ENFORCEMENT = Enforcement(
    name="doc-drift",
    hook_id="doc-drift",
    rules=RULES,
    settings=SETTINGS,
    check=check,
    wants=None,
)


def main(argv: Sequence[str] | None = None) -> int:
    return engine.run(
        ["doc-drift"],
        argv,
        prog="autopack-doc-drift",
        description="Run the repository's doc checks and find broken links, anchors and paths in its Markdown.",
    )


if __name__ == "__main__":
    raise SystemExit(main())

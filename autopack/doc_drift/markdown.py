"""Markdown parsing: one pass over markdown-it-py's tokens (CommonMark plus GFM tables: code,
reference links, images and HTML comments are what the parser says they are) turns a file into a
`Document` of its anchors, links and code paths."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from autopack import files
from autopack.doc_drift import frontmatter
from autopack.doc_drift.shell import shell_paths
from autopack.doc_drift.slugs import Slugger, TocSlugger, github_slug, toc_slug
from autopack.lazy import lazy_pattern

_EMOJI_CODE = lazy_pattern(r":[a-z0-9_+-]+:")


class Reference(NamedTuple):
    """A link target written in a document, or a path written in its code (a tuple: a cached
    document rebuilds many of them)."""

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
    headings: list[str] = field(default_factory=list)  # heading texts in order, for a site's own slugs
    front: dict[str, Any] | None = None  # the URL keys of its front matter (None: it has none)
    includes: bool = False  # pulls in text at build time (`--8<--`, `{% include %}`, `{{#include}}`): anchors unknowable
    machine_made: bool = False  # says at its top that a tool writes it ("DO NOT EDIT"): fixes belong in its source
    components: bool = False  # has HTML of a component (`<ApiIndex />`): content, and anchors, made in the browser
    included: list[str] = field(default_factory=list)  # files it includes at build time, as written
    heading_lines: list[tuple[int, int, str]] = field(default_factory=list)  # (line, level, text) of each heading
    contributors_table: bool = False  # has an all-contributors table (its emoji links are tooltips)
    tab_titles: list[str] = field(default_factory=list)  # MkDocs content tabs (`=== "Title"`): anchors with tabbed slugify

    def sections_at(self, line: int) -> list[str]:
        """The headings of the sections `line` is in, outermost first."""
        chain: list[tuple[int, str]] = []
        for heading_line, level, text in self.heading_lines:
            if heading_line > line:
                break
            chain = [entry for entry in chain if entry[0] < level] + [(level, text)]
        return [text for _, text in chain]


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
    if not document.components and _COMPONENT.search(html):
        document.components = True
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


# `## Title {#id}`, `## Title { #id .class }`, `### Title ### {: #id }`, `{ id="id" }`: an
# explicit heading id (Python-Markdown attr_list in MkDocs, Pandoc, kramdown, Docusaurus, MyST).
_HEADING_ATTRS = lazy_pattern(r"(?<![ \t])[ \t]*+\{:?[ \t]*+([^{}\n]*)\}[ \t]*$")  # from the start of a blank run: linear
_ATTR_ID = lazy_pattern(r"(?:^|[ \t])(?:#|id=[\"']?)([^\s#{}\"']+)")
# Any attribute list in the text: `[](){#id}` (autorefs), `{: #id }` after a paragraph, `{ #id }`
# on a list item or image (attr_list, kramdown, Hugo block attributes) each define an anchor.
_ATTR_LIST = lazy_pattern(r"\{[^{}\n]*\}")
# The file an include names: ```{include} ../README.md```, `--8<-- "CHANGELOG.md"`,
# `{% include-markdown "../README.md" %}`, `{{#include ../listing.md}}`.
_INCLUDED_FILE = lazy_pattern(
    r"^(?:```|:::)\{include\}[ \t]+(\S+)|--8<--[ \t]+[\"']([^\"'\n]+)[\"']|\{%-?[ \t]*include-markdown[ \t]+[\"']([^\"'\n]+)[\"']"
    r"|\{\{#include[ \t]+([^}\s:]+)",
    re.MULTILINE)
# `=== "Deployment"` (pymdownx.tabbed): a content tab and its title.
_TAB_TITLE = lazy_pattern(r"^[ \t]*===\+?[ \t]+\"([^\"\n]+)\"", re.MULTILINE)
# "DO NOT EDIT", "This file is generated", "auto-generated by": a document a tool writes.
_MACHINE_MADE = lazy_pattern(
    r"do not edit|this (?:file|document|page) (?:is|was) (?:\w+ )?(?:auto-?)?generated|auto-?generated (?:file|document|by|from|with)",
    re.IGNORECASE)
# Text pulled in when the site is built: its headings, and so its anchors, are not in the file.
_INCLUDES = lazy_pattern(r"--8<--|\{%-?[ \t]*include|\{\{#include|\{\{#rustdoc_include|\{\{[<%][ \t]*(?:include|readfile|content)|```\{include\}|:::\{include\}|\{\{[ \t]*include")


def _add_heading(document: Document, slugger: Slugger, text: str, toc: TocSlugger | None = None) -> None:
    if "{{" in text or "{%" in text:
        document.generated = True  # `## {{ config.name }}` (mkdocs-macros, Jinja): the slug is known after rendering
    document.headings.append(text)
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
def markdown_parser() -> Any:
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
_INLINE_TRIGGERS = lazy_pattern(r"[\[`<]")


# `(label)=` on its own line: a MyST target, which `[text](label)` and `#label` refer to.
_FOOTNOTE_DEFINITION = lazy_pattern(r"^[ ]{0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)
_MYST_TARGET = lazy_pattern(r"^[ \t]*\(([^()\s]+)\)=[ \t]*$", re.MULTILINE)
# `:label: fig:mountains` (mystmd) or `:name: eq:book` (Sphinx) in a directive's options: a target too.
_MYST_OPTION_TARGET = lazy_pattern(r"^[ \t]*:(?:label|name):[ \t]+(\S+)[ \t]*$", re.MULTILINE)
# `<ApiIndex />`, `<ExampleRepl>`: a component (Vue, MDX) that renders the page's content in the browser.
_COMPONENT = lazy_pattern(r"<[A-Z][A-Za-z0-9]*[\s/>]")
# `::: pkg.module` (mkdocstrings) or `::: mkdocs-click`: content and its anchors generated at build
# time. Container keywords (VuePress `::: tip`, Docusaurus `:::note`) generate no headings.
_GENERATOR = lazy_pattern(r"^:::[ \t]+([A-Za-z_][\w.:-]*)[ \t]*$", re.MULTILINE)
_CONTAINERS = frozenset({
    "tip", "note", "info", "warning", "danger", "caution", "important", "details", "success", "error",
    "code-group", "example", "question", "quote", "abstract", "bug", "failure", "hint", "attention", "seealso",
    "admonition", "dropdown", "card", "grid", "tab", "tabs", "tab-set", "tab-item", "figure", "raw", "v-pre",
})


def parse_document(parser: Any, source: files.SourceFile) -> Document:
    """One pass over markdown-it's tokens; line numbers come from the tokens' source maps."""
    document = Document(source.path, source)
    if ")=" in source.text or ":label:" in source.text or ":name:" in source.text:
        document.labels.update(label.lower() for label in _MYST_TARGET.findall(source.text))
        document.labels.update(label.lower() for label in _MYST_OPTION_TARGET.findall(source.text))
        document.anchors.update(document.labels)
    if "[^" in source.text:  # footnotes: GitHub's `#fn-1`/`#fnref-1`, Python-Markdown's `#fn:1`/`#fnref:1`
        for label in _FOOTNOTE_DEFINITION.findall(source.text):
            label = label.lower()
            document.anchors.update({f"fn-{label}", f"fnref-{label}", f"fn:{label}", f"fnref:{label}"})
    if ":::" in source.text:
        document.generated = any(name.lower() not in _CONTAINERS for name in _GENERATOR.findall(source.text))
    if "{" in source.text:
        for attrs in _ATTR_LIST.findall(source.text):
            document.anchors.update(anchor.lower() for anchor in _ATTR_ID.findall(attrs.strip("{}: \t")))
    document.includes = _INCLUDES.search(source.text) is not None
    if document.includes:
        document.included = [next(part for part in match.groups() if part) for match in _INCLUDED_FILE.finditer(source.text)]
    document.machine_made = _MACHINE_MADE.search(source.text[:600]) is not None
    document.contributors_table = "ALL-CONTRIBUTORS-LIST" in source.text
    if "===" in source.text:
        document.tab_titles = _TAB_TITLE.findall(source.text)
    document.front, text = frontmatter.split(source.text)
    _scan_tokens(parser, document, text, 0, Slugger(), TocSlugger(), {})
    return document


# `!!! note`, `??? tip`, `???+ warning` (admonitions), `=== "Tab"` (content tabs): MkDocs
# extensions whose body is indented, which CommonMark alone reads as an indented code block.
_INDENTED_CONTAINER = lazy_pattern(r"^[ \t]*(?:!!!|\?\?\?\+?|===)[ \t]")


def _scan_tokens(parser: Any, document: Document, text: str, offset: int, slugger: Slugger, toc: TocSlugger,
                 env: dict[str, Any], depth: int = 0) -> None:
    tokens = parser.parse(text, env)
    lines: list[str] | None = None
    in_heading = False
    heading_level = 1
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
            heading_level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
        elif token.type == "inline" and token_map:
            if not (in_heading or _INLINE_TRIGGERS.search(token.content)):
                continue
            children = parser.inline.parse(token.content, parser, env, [])
            if in_heading:
                heading = _heading_text(children)
                _add_heading(document, slugger, heading, toc)
                document.heading_lines.append((token_map[0] + 1, heading_level, heading))
                in_heading = False
            _scan_inline(document, children, token_map[0] + 1)
        elif token.type == "html_block" and token_map:
            _scan_html(document, token.content, token_map[0] + 1)
        elif token.type == "fence" and token_map and token.info.split()[:1] and token.info.split()[0].lower() in SHELL_FENCES:
            for target, line_offset, cwd in shell_paths(token.content):
                document.code_paths.append(Reference(target, token_map[0] + 2 + line_offset, "shell code block", cwd))


_FOOTNOTE = lazy_pattern(r"\^[^\s\]]+")


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

"""Links and anchors: relative links and images to missing files (APR201), and `#anchors` that
match no heading or HTML id of the target document (APR202)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from autopack.doc_drift.markdown import Document, Reference
from autopack.doc_drift.repo import Repo, column_of, resolve, source_line
from autopack.doc_drift.sites import generated_html, site_page, site_root_target, site_route
from autopack.findings import Finding, Rule, Severity

BROKEN_LINK = Rule(
    id="APR201",
    name="broken-relative-link",
    severity=Severity.ERROR,
    summary="A relative link or image points to a file that does not exist.",
    fix="Point the link at the file's current path, or remove it.",
    doc="doc-drift.md",
)
BROKEN_ANCHOR = Rule(
    id="APR202",
    name="broken-anchor",
    severity=Severity.ERROR,
    summary="A link's #anchor matches no heading (GitHub slug) or HTML id in the target document.",
    fix="Use the anchor of an existing heading (lowercase, punctuation removed, spaces as -).",
    doc="doc-drift.md",
)

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
MARKDOWN_SUFFIXES = (".md", ".markdown")


def link_findings(repo: Repo, document: Document, settings: dict[str, Any]) -> Iterator[Finding]:
    """APR201 for each relative link or image of `document` to a missing file; APR202 for each
    `#anchor` missing from an existing Markdown target."""
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
        target = resolve(base_dir, path) if path else document.path
        if target is None or repo.ignored(target):
            continue
        text = source_line(document, reference.line)
        column = column_of(text, href, raw_path, path)
        if not repo.exists(target) and path.startswith("/"):
            target = site_root_target(repo, document.path, path) or target
        if not repo.exists(target):
            if path.lower() in repo.labels and not fragment:
                continue  # MyST: `[text](label)` refers to a `(label)=` target, not a file
            if settings["check-links"] and not generated_html(repo, target) and not site_route(repo, path) \
                    and not site_page(repo, document.path, target):
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


def _did_you_mean(repo: Repo, target: str) -> str:
    """A hint for the usual slips: a missing `.md` suffix, or a different letter case."""
    for suffix in MARKDOWN_SUFFIXES:
        if repo.exists(target.rstrip("/") + suffix):
            return f"; did you mean `{posixpath.basename(target.rstrip('/')) + suffix}`?"
    match = repo.by_lowercase().get(target.lower())
    return f"; did you mean `{match}` (letter case)?" if match else ""


def _anchor_findings(repo: Repo, document: Document, reference: Reference, target: str, fragment: str,
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
    text = source_line(document, reference.line)
    yield BROKEN_ANCHOR.finding(
        document.path,
        f"anchor `#{fragment}` matches no heading in {where}{hint}",
        line=reference.line, column=column, line_text=text,
        data={"href": reference.target, "target": target, "anchor": fragment},
    )

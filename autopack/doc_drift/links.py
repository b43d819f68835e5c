"""Links and anchors: relative links and images to missing files (APR201), and `#anchors` that
match no heading or HTML id of the target document (APR202)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from autopack.doc_drift.code_paths import elided_or_dated
from autopack.doc_drift.markdown import Document, Reference
from autopack.doc_drift.repo import Repo, column_of, resolve, source_line
from autopack.doc_drift.rules import BROKEN_ANCHOR, BROKEN_LINK
from autopack.doc_drift.sites import Unjudged, join
from autopack.doc_drift.sites.github import app_template, generated_html, site_page, site_root_target, site_route
from autopack.doc_drift.sites.sphinx import SphinxSite
from autopack.findings import Finding
from autopack.lazy import lazy_pattern

_SCHEME = lazy_pattern(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
MARKDOWN_SUFFIXES = (".md", ".markdown")


def link_findings(repo: Repo, document: Document, settings: dict[str, Any]) -> Iterator[Finding]:
    """APR201 for each relative link or image of `document` to a missing file; APR202 for each
    `#anchor` missing from an existing Markdown target."""
    from urllib.parse import unquote

    base_dir = posixpath.dirname(document.path)
    site = repo.sites.site_for(document.path)
    for reference in document.links:
        href = reference.target.strip()
        if not href or href.startswith("//") or _SCHEME.match(href):
            continue  # external, mailto:, data: and friends: never fetched, never flagged
        raw_path, _, fragment = href.partition("#")
        raw_path, _, query = raw_path.partition("?")
        path = unquote(raw_path)
        if "{{" in path or "{%" in path or "$" in path or _TEMPLATE_VARIABLE.match(path):
            continue  # a template (Jekyll, Hugo, `$BRANCH_URL`, `IMG_URL/a.png`): the target is known only after rendering
        if path.lower() in _PLACEHOLDER_HREFS or _PLACEHOLDER_HREF.fullmatch(path.lower()) or elided_or_dated(path.split("/")):
            continue  # `[text](url)`, `(.../.../)`, `(ADR-YYYY.md)`: Markdown syntax or a name shown by example
        target = resolve(base_dir, path) if path else document.path
        if path.startswith("@site/"):  # Docusaurus: the site's folder (the one with its config)
            path = path[len("@site") :]
            target = join(site.root, path.lstrip("/")) if site is not None and site.system == "docusaurus" else resolve("", path)
        spot = (href, raw_path, path)  # what the finding's column points at, looked up for a finding only
        if target is not None and repo.ignored(target):
            continue
        if (target is None or not repo.exists(target)) and site is not None:
            # a page of a site: what the site serves (its URL, public folders, translations)
            resolution = repo.sites.resolve(repo, document.path, path, image=reference.kind == "image")
            if isinstance(resolution, Unjudged):
                continue
            target = resolution or target
        elif target is not None and not repo.exists(target) and path.startswith("/"):
            target = site_root_target(repo, document.path, path) or target
        if target is None:
            if site is not None and settings["check-links"]:  # out of the repository as a file and as a URL
                yield _broken(reference, document, path, path, "", spot)
            continue
        if not repo.exists(target):
            if path.lower() in repo.labels and not fragment:
                continue  # MyST: `[text](label)` refers to a `(label)=` target, not a file
            if settings["check-links"] and not generated_html(repo, target) and not _packed_license(repo, target) \
                    and not _outside_site_tolerated(repo, site, document.path, path, target):
                yield _broken(reference, document, path, target, _did_you_mean(repo, target), spot)
            continue
        if settings["check-anchors"] and fragment:
            yield from _anchor_findings(repo, document, reference, target, unquote(fragment), query, spot)


def _broken(reference: Reference, document: Document, path: str, target: str, hint: str, spot: tuple[str, ...]) -> Finding:
    what = "image" if reference.kind == "image" else "link"
    resolved = "" if target == path else f" (resolved to {target})"
    text = source_line(document, reference.line)
    return BROKEN_LINK.finding(
        document.path, f"{what} target `{path}` does not exist{resolved}{hint}",
        line=reference.line, column=column_of(text, *spot), line_text=text, data={"href": spot[0], "target": target},
    )


def _outside_site_tolerated(repo: Repo, site: object, document_path: str, path: str, target: str) -> bool:
    """A document outside any detected site, in a repository that has some site (or a generator
    autopack does not know): a route-like `/commands/x`, a suffix-less page link, a `.html`
    page of the built site (no such file can be in a repository of Markdown sources), or a web
    app template's link without a file suffix (`privacy`, `/blog/v1.0-released`: a route the app
    serves) is not judged."""
    return site is None and (
        site_route(repo, path) or site_page(repo, document_path, target)
        or (bool(repo.sites) and target.endswith((".html", ".htm")))
        or _page_folder_link(repo, document_path, path)
        or (app_template(document_path) and _FILE_SUFFIX.search(path.rstrip("/")) is None)
        or (path.startswith("/") and "." in posixpath.basename(path) and bool(repo.folders_ending_with(path)))
    )


# `.png`, `.md`, `.tar.gz`: a file's suffix; not `v1.0-released` or `v2.0` (a version in a route).
_FILE_SUFFIX = lazy_pattern(r"\.[A-Za-z][A-Za-z0-9]{0,7}$")


def _page_folder_link(repo: Repo, document_path: str, path: str) -> bool:
    """`[API](../api/)` in `templates/docs/usage.md` beside `api.md` (or `[guide](guide/)` in the
    folder's index page): written from the page's URL (`/docs/usage/`) of a generator autopack
    does not know (a web app serving its docs): a sibling page, not a broken link. Only
    suffix-less links that name a page of the document's own folder."""
    if "." in posixpath.basename(path.rstrip("/")) or not (path.startswith("../") or path.endswith("/")):
        return False
    page = resolve(posixpath.dirname(document_path), path.removeprefix("../").rstrip("/"))
    return page is not None and any(repo.exists(page + suffix) for suffix in (".md", "/index.md", "/README.md"))


_LICENSE = lazy_pattern(r"(?:LICEN[CS]E|COPYING)(?:[.-][\w.-]*)?", re.IGNORECASE)
_PACKAGE_MANIFESTS = ("package.json", "Cargo.toml", "pyproject.toml")


def _packed_license(repo: Repo, target: str) -> bool:
    """`[MIT](LICENSE)` in a package of a monorepo whose license file is at the root: package
    managers (npm, pnpm, yarn, cargo) pack the workspace's license into each package."""
    folder, name = posixpath.split(target)
    return (
        bool(folder)
        and _LICENSE.fullmatch(name) is not None
        and any(posixpath.join(folder, manifest) in repo.files for manifest in _PACKAGE_MANIFESTS)
        and any(_LICENSE.fullmatch(path) for path in repo.files if "/" not in path)
    )


# `IMG_URL/events.png`, `SITE_ROOT/docs/`: a shouted variable the app substitutes when it renders the page.
_TEMPLATE_VARIABLE = lazy_pattern(r"[A-Z][A-Z0-9]*_[A-Z0-9_]*(?:/|$)")

# The emoji key of an all-contributors table links `#<contribution>-<login>`, which no page defines.
_CONTRIBUTION_ANCHOR = lazy_pattern(r"(?:a11y|audio|blog|bug|business|code|content|data|design|doc|eventorganizing|example|financial|"
                                  r"fundingfinding|ideas|infra|maintenance|mentoring|platform|plugin|projectmanagement|promotion|"
                                  r"question|research|review|security|talk|test|tool|translation|tutorial|userTesting|video)-[\w.-]+",
                                  re.IGNORECASE)

# Anchors every page layout has (GitHub's `#top`; a site theme's skip-to-content landmarks).
_LANDMARKS = frozenset({"top", "content", "main", "main-content"})

_PLACEHOLDER_HREFS = frozenset({"url", "link", "href", "path", "target", "...", "\u2026", "todo", "tbd", "xxx"})


_PLACEHOLDER_HREF = lazy_pattern(r"[a-z0-9_-]*[_-](?:url|link|href)")  # `provider-docs-url`


def _did_you_mean(repo: Repo, target: str) -> str:
    """A hint for the usual slips: a missing `.md` suffix, or a different letter case."""
    for suffix in MARKDOWN_SUFFIXES:
        if repo.exists(target.rstrip("/") + suffix):
            return f"; did you mean `{posixpath.basename(target.rstrip('/')) + suffix}`?"
    match = repo.by_lowercase().get(target.lower())
    return f"; did you mean `{match}` (letter case)?" if match else ""


def _anchor_findings(repo: Repo, document: Document, reference: Reference, target: str, fragment: str,
                     query: str, spot: tuple[str, ...]) -> Iterator[Finding]:
    anchor = fragment.removeprefix("user-content-").lower()
    if not anchor.strip("#") or anchor in _LANDMARKS or "plain=1" in query or not target.lower().endswith(MARKDOWN_SUFFIXES):
        return  # `(## "tooltip")`: a title on an empty link, not an anchor
    if repo.is_dir(target):
        return
    if target == document.path and document.contributors_table and _CONTRIBUTION_ANCHOR.fullmatch(anchor):
        return  # all-contributors' `[💬](#question-login "Answering Questions")`: a tooltip, no section
    if anchor == "readme" and posixpath.basename(target).lower().startswith("readme"):
        return  # GitHub's own anchor for the README section of a repository page
    target_document = document if target == document.path else repo.document(target)
    if target_document is None or target_document.generated or target_document.includes or anchor in target_document.anchors:
        return  # includes: text pulled in at build time brings headings nobody can list
    if repo.sites.anchors_unjudged(target_document):
        return
    if anchor in repo.sites.heading_ids(target_document):
        return
    site = repo.sites.rendering_site(document.path)
    if isinstance(site, SphinxSite) and (anchor in repo.labels or (target == document.path and site.external_targets)):
        return  # MyST/Sphinx: `#label` is a cross-reference to a target in any document (or project, with intersphinx)
    import difflib

    close = difflib.get_close_matches(anchor, sorted(target_document.anchors), n=1)
    hint = f"; did you mean `#{close[0]}`?" if close else ""
    where = "this document" if target == document.path else target
    text = source_line(document, reference.line)
    yield BROKEN_ANCHOR.finding(
        document.path,
        f"anchor `#{fragment}` matches no heading in {where}{hint}",
        line=reference.line, column=column_of(text, *spot), line_text=text,
        data={"href": reference.target, "target": target, "anchor": fragment},
    )

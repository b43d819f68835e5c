"""MkDocs (and Zensical, which reads the same layout): `mkdocs.yml` names `docs_dir` (default
`docs`), `site_url` and `use_directory_urls`; every file of `docs_dir` is copied into the site,
a page `a/b.md` is served at `/a/b/`. Translations: the mkdocs-static-i18n plugin's folder
layout (`docs/fr/` falls back to `docs/en/`, or to `docs/` when the default language has no
folder) and a tree of one configuration per language
(`docs/en/mkdocs.yml` beside `docs/fr/`, `docs/es/`), whose pages fall back to the default
language's files. Heading ids are Python-Markdown's (`toc`), plus explicit `{#id}` ids."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from autopack.doc_drift.sites import (
    CONFIG_NAMES,
    ConfigProblem,
    Site,
    is_language,
    join,
    load_toml,
    load_yaml,
    read_config,
    text_setting,
    url_path,
)

from autopack.doc_drift.slugs import toc_slug

if TYPE_CHECKING:
    from autopack.doc_drift.markdown import Document
    from autopack.doc_drift.repo import Repo

# Plugins that write or rewrite page text at build time: headings (so anchors) are not all in the files.
REWRITING_PLUGINS = frozenset({"macros", "gen-files", "include-markdown", "mkdocs-simple-hooks", "simple-hooks", "markdown-exec", "mkdocs-jupyter"})


class MkDocsSite(Site):
    system = "mkdocs"
    # the search index, feeds, and the favicon its themes ship (`img/favicon.ico`, Material's `assets/images/favicon.png`)
    generated = Site.generated | {"search/search_index.json", "objects.inv", "feed_rss_created.xml", "feed_rss_updated.xml",
                                  "img/favicon.ico", "assets/images/favicon.png"}

    tab_ids: bool = False  # pymdownx.tabbed with `slugify`: each content tab's title is an anchor

    def heading_ids(self, document: Document) -> set[str]:
        ids = set(document.toc_anchors)
        if self.tab_ids:
            ids.update(toc_slug(title.replace("`", "")) for title in document.tab_titles)
        return ids


def is_config(repo: Repo, path: str) -> bool:
    return posixpath.basename(path) in CONFIG_NAMES["mkdocs"]


def _plugins(data: dict[str, Any]) -> dict[str, Any]:
    """`plugins:` as a name → options mapping (MkDocs accepts a list of names or of one-key maps)."""
    plugins = data.get("plugins")
    result: dict[str, Any] = {}
    if isinstance(plugins, dict):
        return {str(name): options for name, options in plugins.items()}
    for entry in plugins if isinstance(plugins, list) else ():
        if isinstance(entry, str):
            result[entry] = {}
        elif isinstance(entry, dict):
            result.update({str(name): options for name, options in entry.items()})
    return result


def _settings(repo: Repo, path: str, text: str, depth: int = 0) -> dict[str, Any]:
    """The configuration with `INHERIT:` parents merged underneath (up to three levels)."""
    data = load_toml(text).get("project", {}) if path.endswith(".toml") else load_yaml(text)
    parent = data.get("INHERIT")
    if isinstance(parent, str) and depth < 3:
        parent_path = join(posixpath.dirname(path), parent)
        parent_text = read_config(repo, parent_path) if parent_path and parent_path in repo.files else None
        if parent_text is not None:
            try:
                return {**_settings(repo, parent_path, parent_text, depth + 1), **data}  # type: ignore[arg-type]
            except ConfigProblem:
                pass
    return data


def detect(repo: Repo, path: str, text: str) -> list[Site]:
    data = _settings(repo, path, text)
    root = posixpath.dirname(path)
    content = join(root, text_setting(data.get("docs_dir"), "docs"))
    if content is None:
        raise ConfigProblem("docs_dir leaves the repository")
    site = MkDocsSite(config=path, root=root, content=content, base=url_path(data.get("site_url")),
                      pretty=data.get("use_directory_urls") is not False)
    site.public = (content,)
    site.notes.append("a page `a/b.md` is served at `a/b/`" if site.pretty else "a page `a/b.md` is served at `a/b.html`")
    site.notes.append("links resolve from the page's file or from its URL; `/x` from the docs folder; heading ids are Python-Markdown's")
    plugins = _plugins(data)
    site.tab_ids = any(isinstance(entry, dict) and isinstance(entry.get("pymdownx.tabbed"), dict) and "slugify" in entry["pymdownx.tabbed"]
                       for entry in data.get("markdown_extensions") or [] if isinstance(data.get("markdown_extensions"), list))
    rewriting = sorted(REWRITING_PLUGINS & set(plugins))
    if data.get("hooks"):
        site.anchors_unjudged = "`hooks:` in the configuration run Python code that can rewrite pages at build time"
    elif rewriting:
        site.anchors_unjudged = f"plugin(s) {', '.join(rewriting)} write page text at build time"
    i18n = plugins.get("i18n")
    if isinstance(i18n, dict) and i18n.get("docs_structure") == "folder":
        locales = [entry for entry in i18n.get("languages") or () if isinstance(entry, dict)]
        default = next((str(entry.get("locale")) for entry in locales if entry.get("default")), "en")
        # the default language in its own folder (`docs/en/`) or, without one, at the top (`docs/`)
        fallback = f"{content}/{default}" if f"{content}/{default}" in repo.dirs else content
        for entry in locales:
            locale = str(entry.get("locale"))
            if locale != default and entry.get("locale"):
                site.mirrors.append((f"{content}/{locale}", fallback))
    sites: list[Site] = [site]
    sites.extend(_translation_tree(repo, site))
    return sites


def _translation_tree(repo: Repo, site: MkDocsSite) -> list[Site]:
    """`docs/en/mkdocs.yml` with `docs/fr/`, `docs/es/` beside `docs/en/`: one configuration per
    language (or one built per language from the default's), each translation falling back to
    the default language's pages and files, as these projects' builds do."""
    language = posixpath.basename(site.root)
    if not site.root or not is_language(language):
        return []
    parent = posixpath.dirname(site.root)
    siblings = sorted({
        path[len(parent) + 1 :].split("/", 1)[0] if parent else path.split("/", 1)[0]
        for path in repo.dirs if path.startswith(parent + "/" if parent else "") and path
    })
    translations = []
    for name in siblings:
        if name == language or not is_language(name):
            continue
        root = posixpath.join(parent, name)
        content = root + site.content[len(site.root) :]
        translation = MkDocsSite(config=site.config, root=root, content=content, base=site.base, pretty=site.pretty,
                                 public=(content,), anchors_unjudged=site.anchors_unjudged)
        translation.notes.append(f"a translation built with {site.config}'s settings")
        translation.mirrors.append((content, site.content))
        translations.append(translation)
    return translations

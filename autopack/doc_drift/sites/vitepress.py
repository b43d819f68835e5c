"""VitePress and VuePress: the folder holding `.vitepress/` (or `.vuepress/`) is the project;
its configuration is code, never run: the literal `srcDir`, `base` and `rewrites` are read. A
page `a/b.md` is served at `a/b.html` (or `a/b` with clean URLs), `index.md` at its folder;
`/x.png` is a file of `public/` (`.vuepress/public/`). Heading ids are VitePress' slugs
(`server.ws` → `server-ws`, leading digit prefixed by `_`), plus `{#id}`. With `rewrites`,
pages are served at URLs only the configuration's code knows: links no rule resolves are not
judged."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from typing import TYPE_CHECKING

from autopack.doc_drift.sites import Site, join

if TYPE_CHECKING:
    from autopack.doc_drift.markdown import Document
    from autopack.doc_drift.repo import Repo

_CONFIG = re.compile(r"(?:^|/)\.(vitepress|vuepress)/config(?:/index)?\.[cm]?[jt]s$")
_LITERAL = re.compile(r"\b(srcDir|base)\s*:\s*['\"`]([^'\"`\n]*)['\"`]")
_SPECIAL = re.compile(r"[\s~`!@#$%^&*()\-_+=\[\]{}|\\;:\"'\u201c\u201d\u2018\u2019<>,.?/]+")


def vitepress_slug(text: str) -> str:
    """@mdit-vue's slugify, which VitePress uses for heading ids."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char) and ord(char) >= 0x20)
    text = _SPECIAL.sub("-", text).strip("-")
    if text[:1].isdigit():
        text = "_" + text
    return text.lower()


class VitePressSite(Site):
    system = "vitepress"
    components = True

    def heading_ids(self, document: Document) -> set[str]:
        ids: set[str] = set()
        seen: dict[str, int] = {}
        for heading in document.headings:
            text = heading.rstrip()
            if text.endswith("}") and "{" in text:  # `## Title {#id}`: the id is explicit (collected elsewhere)
                text = text[: text.rindex("{")]
            base = vitepress_slug(text)
            count = seen.get(base, 0)
            seen[base] = count + 1
            ids.add(base if not count else f"{base}-{count}")
        return ids


class VuePressSite(VitePressSite):
    system = "vuepress"


def is_config(repo: Repo, path: str) -> bool:
    return _CONFIG.search(path) is not None


def detect(repo: Repo, path: str, text: str) -> list[Site]:
    match = _CONFIG.search(path)
    assert match is not None
    project = path[: path.index("." + match.group(1))].rstrip("/")
    literals = dict(m.groups() for m in _LITERAL.finditer(text))
    if match.group(1) == "vuepress":
        public = join(project, ".vuepress/public")
        site: Site = VuePressSite(config=path, root=project, content=project, public=(public,) if public else (), pretty=False,
                                  base=literals.get("base", "").strip("/"))
    else:
        content = join(project, literals.get("srcDir", ".")) or project
        public = join(content, "public")
        site = VitePressSite(config=path, root=project, content=content, public=(public,) if public else (), pretty=False,
                             base=literals.get("base", "").strip("/"))
    if re.search(r"\brewrites\s*:", text):
        site.links_unjudged = "`rewrites` in the configuration serve pages at URLs only its code knows"
    site.notes.append("a page `a/b.md` is served at `a/b.html` (or `a/b`); `/x` from " + ", ".join(f"{p}/" for p in site.public)
                      + f"; heading ids are {site.system}'s slugs")
    return [site]

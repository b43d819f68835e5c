"""Sphinx with MyST (`conf.py` whose extensions include `myst_parser` or `myst_nb`) and mystmd
(`myst.yml`): the configuration's folder holds the pages; `a/b.md` is served at `a/b.html`. A
link may name a document without its suffix or a target (`(label)=`) of any document, and
`#label` reaches a target anywhere in the project (a cross-reference); heading anchors are
GitHub-like (`myst_heading_anchors`). `conf.py` is Python and is never run: only its text is
searched for the MyST extension."""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from autopack.doc_drift.sites import Site, Unjudged

if TYPE_CHECKING:
    from autopack.doc_drift.repo import Repo

# What a link to a file of the project ends with; any other bare name (`schema_hub.config`) is a target name.
_SOURCE_SUFFIXES = (".md", ".rst", ".ipynb", ".txt", ".html", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".pdf", ".py")
_MYST = re.compile(r"['\"](?:myst_parser|myst_nb)['\"]")


class SphinxSite(Site):
    system = "sphinx"
    external_targets: str = ""  # why `#target` alone may name what no document of this project has
    generated = Site.generated | {"genindex.html", "search.html", "py-modindex.html", "objects.inv"}

    def resolve(self, repo: Repo, document_path: str, path: str) -> str | Unjudged | None:
        hit = super().resolve(repo, document_path, path)
        if hit is None and "/" not in path and not path.lower().endswith(_SOURCE_SUFFIXES):
            return Unjudged("a bare name is a cross-reference Sphinx resolves across the project (labels of any source)")
        return hit


class MystSite(SphinxSite):
    system = "mystmd"


def is_config(repo: Repo, path: str) -> bool:
    name = posixpath.basename(path)
    return name == "myst.yml" or (name == "conf.py" and "/." not in f"/{path}")


def detect(repo: Repo, path: str, text: str) -> list[Site]:
    root = posixpath.dirname(path)
    if posixpath.basename(path) == "myst.yml":
        site: SphinxSite = MystSite(config=path, root=root, content=root, public=(root,), pretty=False)
    elif _MYST.search(text) and "extensions" in text:
        site = SphinxSite(config=path, root=root, content=root, public=(root,), pretty=False)
        if "sphinx.ext.intersphinx" in text:
            site.external_targets = "`#target` may name an object of another project (intersphinx), known only with its inventory"
    else:
        return []  # plain Sphinx reads reStructuredText; its Markdown (if any) is read as on GitHub
    site.notes.append("a page `a/b.md` is served at `a/b.html`; a link may name a document without suffix or a `(label)=` "
                      "target; `#label` reaches a target in any document")
    return [site]

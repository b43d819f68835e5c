"""Documents outside any detected site are judged as GitHub renders them, with the tolerances a
repository that has some docs site (or a generator autopack does not know) needs: a route-like
`/commands/x`, `/img/a.png` from the nearest folder that has it, `page.html` for `page.md`."""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autopack.doc_drift.repo import Repo

# Sites that resolve `intro` and `intro/` to `intro.md`, known by a configuration or navigation file:
# MkDocs, Zensical, Docusaurus, VitePress, VuePress, Jekyll; Mintlify (`mint.json`), Astro Starlight
# (`astro.config.*`), Nextra (`theme.config.*`), docsify (`_sidebar.md`) and a site's own navigation
# tree (`docs/sidebar.json`, as gemini-cli's site keeps it).
SITE_CONFIG = re.compile(
    r"(?:^|/)(?:mkdocs\.ya?ml|zensical\.toml|docusaurus\.config\.[cm]?[jt]s|\.vitepress/config\.[cm]?[jt]s|\.vuepress/config\.[cm]?[jt]s"
    r"|_config\.ya?ml|mint\.json|astro\.config\.[cm]?[jt]s|theme\.config\.[jt]sx?|_sidebar\.md|docs/sidebars?\.json)$"
)


def site_page(repo: Repo, document_path: str, target: str) -> bool:
    """`[Install](install)` or `(../install/)` in a page of a docs site (not a top-level README,
    which GitHub renders as is): the site serves `install.md` (or `install/index.md`) there."""
    if not repo.site or "/" not in document_path:
        return False
    bare = target.rstrip("/")
    if "." in posixpath.basename(bare) and not bare.endswith(".html"):
        return False
    bare = bare.removesuffix(".html")
    return any(repo.exists(bare + suffix) for suffix in (".md", ".mdx", "/index.md", "/README.md"))


def site_route(repo: Repo, path: str) -> bool:
    """`/commands/npm-install`: a root-relative link with no file extension whose first segment is
    not at the repository root is a route of a docs site, not a repository path."""
    if not path.startswith("/"):
        return False
    parts = [part for part in path.split("/") if part]
    if not parts or repo.exists(parts[0]):
        return False
    return "." not in parts[-1]


def site_root_target(repo: Repo, document_path: str, path: str) -> str | None:
    """`/img/a.png` in `docs/guide/x.md` of a docs site (MkDocs, Docusaurus) whose root is an
    ancestor folder of the document: the existing target under the nearest such folder."""
    folder = posixpath.dirname(document_path)
    while folder:
        candidate = posixpath.normpath(posixpath.join(folder, path.lstrip("/")))
        if repo.exists(candidate):
            return candidate
        folder = posixpath.dirname(folder)
    return None


def generated_html(repo: Repo, target: str) -> bool:
    """`page.html` next to `page.md`: a link into the site the docs are built into."""
    return target.endswith(".html") and repo.exists(target[: -len(".html")] + ".md")


def app_template(path: str) -> bool:
    """A Markdown file among a web app's templates (`templates/docs/x.md`, `x.html.md`): content
    the app renders for its users at its own routes, not documentation of the repository."""
    return "templates" in path.split("/")[:-1] or path.endswith(".html.md")

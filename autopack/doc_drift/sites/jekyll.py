"""Jekyll (GitHub Pages): `_config.yml` names `baseurl`, `permalink` and `collections`. The site
folder is the configuration's; a Markdown file (front matter optional, as on GitHub Pages) is a
page served at its
`permalink`, else at `a/b.html` (`a/b/` with `permalink: pretty` or a pattern ending in `/`);
collection documents (`_docs/x.md`) at their collection's pattern (`/:collection/:path/`), posts
(`_posts/2024-01-02-title.md`) at `/:categories/:year/:month/:day/:title`; `redirect_from`
URLs count; every other file outside `_` folders is copied as is. Heading ids are kramdown's
(GitHub-like; leading digits and symbols dropped)."""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, Any

from autopack.doc_drift.sites import Site, front_matter, join, load_yaml, relative, text_setting, under

if TYPE_CHECKING:
    from autopack.doc_drift.markdown import Document
    from autopack.doc_drift.repo import Repo

_POST = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_TOKEN = re.compile(r":(collection|path|name|basename|title|slug|categories|year|month|day|i_month|i_day|short_year|output_ext|y_day)")


def kramdown_id(text: str) -> str:
    """kramdown's automatic header id: leading non-letters dropped, characters other than
    letters, digits, spaces and `-` removed, spaces as `-`, lowercase."""
    text = re.sub(r"^[^a-zA-Z]+", "", text)
    text = re.sub(r"[^a-zA-Z0-9 -]", "", text)
    return text.replace(" ", "-").lower()


class JekyllSite(Site):
    system = "jekyll"
    page_suffixes = (".md", ".markdown", ".html")  # an HTML file with front matter is a page too
    generated = Site.generated | {"feed.xml", "atom.xml", "rss.xml"}
    permalink: str = "date"
    collections: dict[str, str] = {}  # folder (`_docs`) → permalink pattern

    def owns(self, path: str) -> bool:
        return under(path, self.content) and not any(part.startswith(".") for part in relative(path, self.content).split("/"))

    def page_urls(self, repo: Repo, path: str) -> list[str]:
        front = front_matter(repo, path)  # GitHub Pages renders Markdown without front matter too
        rel = relative(path, self.content)
        folder, name = posixpath.split(rel)
        stem = name.rsplit(".", 1)[0]
        urls = []
        if isinstance(front.get("permalink"), str) and front["permalink"].strip():
            urls.append(front["permalink"].strip().lstrip("/"))
        else:
            top = rel.split("/", 1)[0]
            pattern = self.collections.get(top)
            if pattern is not None:
                urls.append(_expand(pattern, top, relative(rel, top), stem, front))
            elif not top.startswith("_"):
                pretty = self.permalink == "pretty" or (self.permalink not in _STYLES and self.permalink.endswith("/"))
                urls.append(f"{folder}/" if stem == "index" and folder else "" if stem == "index" else
                            posixpath.join(folder, stem) + ("/" if pretty else ".html"))
        redirects = front.get("redirect_from")
        urls.extend(r.lstrip("/") for r in (redirects if isinstance(redirects, list) else [redirects] if isinstance(redirects, str) else []))
        return urls

    def heading_ids(self, document: Document) -> set[str]:
        return {kramdown_id(heading.strip()) for heading in document.headings}


def _expand(pattern: str, collection: str, path: str, stem: str, front: dict[str, Any]) -> str:
    """A permalink pattern with the document's values (`/:collection/:path/` → `docs/guide/`)."""
    date = _POST.match(stem)
    title = date.group(4) if date else stem
    categories = front.get("categories") or front.get("category") or ""
    if isinstance(categories, list):
        categories = "/".join(str(item) for item in categories)
    values = {
        "collection": collection.lstrip("_"), "path": path.rsplit(".", 1)[0], "name": stem, "basename": stem,
        "title": title, "slug": front.get("slug") or title, "categories": str(categories).replace(" ", "/"),
        "year": date.group(1) if date else "", "month": date.group(2) if date else "", "day": date.group(3) if date else "",
        "i_month": str(int(date.group(2))) if date else "", "i_day": str(int(date.group(3))) if date else "",
        "short_year": date.group(1)[2:] if date else "", "output_ext": ".html", "y_day": "",
    }
    url = _TOKEN.sub(lambda match: str(values[match.group(1)]), pattern)
    return re.sub(r"/{2,}", "/", url).lstrip("/")


def is_config(repo: Repo, path: str) -> bool:
    return posixpath.basename(path) in ("_config.yml", "_config.yaml")


def detect(repo: Repo, path: str, text: str) -> list[Site]:
    data = load_yaml(text)
    root = posixpath.dirname(path)
    source = join(root, text_setting(data.get("source"), "."))
    if source is None:
        return []
    site = JekyllSite(config=path, root=root, content=source, public=(source,),
                      base=text_setting(data.get("baseurl")).strip("/"))
    permalink = text_setting(data.get("permalink"), "date")
    site.permalink = permalink
    collections_dir = text_setting(data.get("collections_dir"))
    collections: dict[str, str] = {"_posts": _STYLES.get(permalink, permalink)}
    configured = data.get("collections")
    items = configured.items() if isinstance(configured, dict) else ((name, {}) for name in configured or [] if isinstance(name, str))
    for name, options in items:
        options = options if isinstance(options, dict) else {}
        default = _STYLES.get(permalink, permalink) if name == "posts" else "/:collection/:path:output_ext"
        folder = posixpath.join(collections_dir, f"_{name}") if collections_dir else f"_{name}"
        collections[folder] = text_setting(options.get("permalink"), default)
    site.collections = collections
    site.notes.append(f"pages with front matter at their `permalink` (site style `{permalink}`); collections "
                      + ", ".join(f"{folder}/ at {pattern}" for folder, pattern in sorted(collections.items()))
                      + "; other files copied as they are; heading ids are kramdown's")
    return [site]

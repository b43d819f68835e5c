"""Docusaurus: `docusaurus.config.{js,ts,mjs,...}` is code, never run: its literal settings are
read (`baseUrl`, each docs instance's `path` and `routeBasePath`); what is not a literal keeps
Docusaurus' default. Routes: a doc `docs/a/01-b.md` is `/docs/a/b` (number prefixes dropped),
renamed by front matter `id` and `slug`; versioned docs (`versioned_docs/version-1.0/`) are
served under `/docs/1.0/` and, for the newest version, `/docs/`; blog posts
`blog/2024-01-02-title.md` at `/blog/2024/01/02/title` (or their `slug`); pages of `src/pages/`;
files of `static/` at the root; `@site/` is the site's folder. Translations under
`i18n/<locale>/docusaurus-plugin-content-*/` fall back to the default language's files."""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from autopack.doc_drift.sites import Site, Unjudged, front_matter, is_language, join, relative

if TYPE_CHECKING:
    from autopack.doc_drift.repo import Repo

_CONFIG = re.compile(r"(?:^|/)docusaurus\.config\.(?:[cm]?[jt]s)$")
_SETTING = re.compile(r"\b(path|routeBasePath|baseUrl|docs|blog|pages)\s*:\s*(?:['\"`]([^'\"`\n]*)['\"`]|(false|\{))")
_NUMBER_PREFIX = re.compile(r"^\d+[-_.]\s*")
_DATE_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")


_VERSION = re.compile(r"\d+(?:\.(?:\d+|x))*")


class DocusaurusSite(Site):
    system = "docusaurus"
    components = True
    page_suffixes = (".md", ".mdx", ".js", ".jsx", ".ts", ".tsx")  # `src/pages/help.js` is a page too
    generated = Site.generated | {"blog", "blog/archive", "blog/tags", "blog/authors", "blog/rss.xml", "blog/atom.xml",
                                  "blog/feed.json", "search"}
    kind: str = "docs"  # docs, blog or pages
    route_base: str = ""  # the instance's routeBasePath
    version: str = ""  # the version folder's name ("" for current docs)

    def extra(self, repo: Repo, document_path: str, path: str) -> str | None:
        """A Markdown link Docusaurus did not find beside the file is looked up from the
        content folder's root (`api/Store.md` in `docs/faq/x.md` is `docs/api/Store.md`)."""
        if path.startswith("/") or not path.split("?", 1)[0].endswith((".md", ".mdx")):
            return None
        candidate = join(self.content, path)
        return candidate if candidate is not None and repo.exists(candidate) else None

    def resolve(self, repo: Repo, document_path: str, path: str) -> str | Unjudged | None:
        hit = super().resolve(repo, document_path, path)
        if hit is None and path.startswith("/"):
            parts = path.strip("/").split("/")
            known = {site.version.removeprefix("version-") for site in self.group if site.version}
            for docs in (site for site in self.group if site.kind == "docs" and not site.version):
                base = docs.route_base.split("/") if docs.route_base else []
                version = parts[len(base)] if parts[: len(base)] == base and len(parts) > len(base) else ""
                if _VERSION.fullmatch(version) and version not in known:
                    return Unjudged("it points into a docs version not in the repository (archived or hosted elsewhere)")
        return hit

    def page_urls(self, repo: Repo, path: str) -> list[str]:
        if not path.endswith((".md", ".mdx")) and self.kind != "pages":
            return []
        front = front_matter(repo, path)
        rel = relative(path, self.content)
        folder, name = posixpath.split(rel)
        stem = name.rsplit(".", 1)[0]
        slug = front.get("slug") if isinstance(front.get("slug"), str) else ""
        if self.kind == "blog":
            match = _DATE_NAME.match(stem if stem not in ("index", "README") else posixpath.basename(folder))
            url = (slug.strip("/") if slug else
                   "/".join(match.groups()) if match else posixpath.join(folder, stem))
            return [posixpath.join(self.route_base, url)]
        if self.kind == "pages":
            if any(part.startswith("_") for part in rel.split("/")):
                return []  # `_components/x.js`: not a page
            return [posixpath.join(self.route_base, folder, "" if stem == "index" else stem)]
        folders = "/".join(_NUMBER_PREFIX.sub("", part) for part in folder.split("/")) if folder else ""
        doc_id = front.get("id") if isinstance(front.get("id"), str) else _NUMBER_PREFIX.sub("", stem)
        if slug:
            url = slug.lstrip("/") if slug.startswith("/") else posixpath.join(folders, slug)
        elif stem.lower() in ("index", "readme") or (folder and stem == posixpath.basename(folder)):
            url = folders
        else:
            url = posixpath.join(folders, doc_id)
        bases = [self.route_base]
        if self.version:  # served under /docs/<version>/, and at /docs/ when it is the newest
            bases = [posixpath.join(self.route_base, self.version.removeprefix("version-")), self.route_base]
        elif self.kind == "docs":
            bases.append(posixpath.join(self.route_base, "next"))
        return [posixpath.join(base, url) if url else (base + "/" if base else "") for base in bases]


def is_config(repo: Repo, path: str) -> bool:
    return _CONFIG.search(path) is not None


def _opener(text: str, position: int) -> int:
    """Where the object literal holding `position` opens (its `{`), by counting braces back."""
    depth = 0
    for index in range(position - 1, -1, -1):
        char = text[index]
        if char == "}":
            depth += 1
        elif char == "{":
            if depth == 0:
                return index
            depth -= 1
    return -1


def _instances(text: str) -> tuple[list[tuple[str, str]], bool]:
    """Each docs instance's (path, routeBasePath) written as literals in one object (the classic
    preset's `docs: {...}`, a `plugin-content-docs` options object), and whether the preset's
    docs are switched off (`docs: false`)."""
    settings = [(match.start(), match.group(1), match.group(2), match.group(3)) for match in _SETTING.finditer(text)]
    docs_off = any(key == "docs" and flag == "false" for _, key, _, flag in settings)
    objects: dict[int, dict[str, str]] = {}
    for position, key, value, _ in settings:
        if key in ("path", "routeBasePath") and value is not None:
            objects.setdefault(_opener(text, position), {})[key] = value
    instances = []
    for opener, values in sorted(objects.items()):
        owner = text[max(0, opener - 120) : opener].rsplit("\n", 2)[-1].lower()  # `blog: {`, `docsOptions = {`
        if "path" in values and "blog" not in owner and "pages" not in owner:
            instances.append((values["path"], values.get("routeBasePath", "docs")))
    return instances, docs_off


def detect(repo: Repo, path: str, text: str) -> list[Site]:
    root = posixpath.dirname(path)
    base = next((m.group(2).strip("/") for m in _SETTING.finditer(text) if m.group(1) == "baseUrl" and m.group(2) is not None), "")
    instances, docs_off = _instances(text)
    if not instances and not docs_off:
        instances = [("docs", "docs")]
    public = tuple(folder for folder in [join(root, "static")] if folder is not None)
    sites: list[DocusaurusSite] = []

    def add(content: str | None, kind: str, route: str, version: str = "") -> DocusaurusSite | None:
        if content is None or content not in repo.dirs:
            return None
        site = DocusaurusSite(config=path, root=root, content=content, public=public, base=base, pretty=False)
        site.kind, site.route_base, site.version = kind, route.strip("/"), version
        sites.append(site)
        return site

    for folder, route in instances:
        current = add(join(root, folder), "docs", route)
        if current is not None:
            current.notes.append(f"docs at /{route.strip('/')} (front matter `id`, `slug`; number prefixes dropped)")
        versioned = join(root, "versioned_docs" if route == instances[0][1] else f"{posixpath.basename(folder)}_versioned_docs")
        for version in sorted(d for d in repo.dirs if versioned and posixpath.dirname(d) == versioned and posixpath.basename(d).startswith("version-")):
            add(version, "docs", route, posixpath.basename(version))
    add(join(root, "blog"), "blog", "blog")
    add(join(root, "src/pages"), "pages", "")
    defaults = {"docusaurus-plugin-content-blog": join(root, "blog"), "docusaurus-plugin-content-pages": join(root, "src/pages")}
    i18n = join(root, "i18n")
    for locale_dir in sorted(d for d in repo.dirs if i18n and posixpath.dirname(d) == i18n and is_language(posixpath.basename(d))):
        for plugin_dir in sorted(d for d in repo.dirs if posixpath.dirname(d) == locale_dir):
            plugin = posixpath.basename(plugin_dir)
            if plugin.startswith("docusaurus-plugin-content-docs") and instances:
                for sub in sorted(d for d in repo.dirs if posixpath.dirname(d) == plugin_dir):
                    name = posixpath.basename(sub)
                    default = join(root, instances[0][0]) if name == "current" else join(root, f"versioned_docs/{name}")
                    translation = add(sub, "docs", instances[0][1], "" if name == "current" else name)
                    if translation is not None and default:
                        translation.mirrors.append((sub, default))
            elif defaults.get(plugin):
                kind = "blog" if "blog" in plugin else "pages"
                translation = add(plugin_dir, kind, "blog" if kind == "blog" else "")
                if translation is not None:
                    translation.mirrors.append((plugin_dir, defaults[plugin]))  # type: ignore[arg-type]
    for site in sites:
        site.group = list(sites)
    if sites:
        sites[0].notes.append("blog posts at /blog/YYYY/MM/DD/name (or their `slug`); `src/pages/`; `/x` from static/; `@site/` is " + (root or "."))
    return list(sites)

"""Documentation sites: which site generator builds which documents (found from its
configuration file), and how that generator resolves a link the file tree alone does not.

A page of a site is served at a URL, not read as a file: `docs/guide/install.md` of a MkDocs
site is `/guide/install/`, so `../img/a.png` in it means `/guide/img/a.png`; a Hugo page is
served at its front matter's `url`; a Docusaurus doc at its `id`; `/img/a.png` is a file of the
site's `static/` or `public/` folder. Each system module (`mkdocs`, `hugo`, `docusaurus`,
`jekyll`, `sphinx`, `mdbook`, `vitepress`) reads its configuration with safe, bounded loaders
and describes the site as a `Site`: where its pages and static files are, how a page's URL is
made, which heading ids it gives. A link that no rule of the site resolves is a finding, unless
the site resolves links by rules that cannot be followed mechanically (a custom link render
hook, URL rewrites, build-time hooks): then it is not judged, and `autopack doc-drift --explain`
says so. Documents outside any site are judged as GitHub renders them (`github`)."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from autopack import files

if TYPE_CHECKING:
    from autopack.doc_drift.markdown import Document
    from autopack.doc_drift.repo import Repo

PAGE_SUFFIXES = (".md", ".markdown", ".mdx")


@dataclass(frozen=True)
class Unjudged:
    """A link the site resolves by rules autopack cannot follow: not a finding."""

    reason: str


# ISO 639-1 language codes: folders named so (`docs/fr/`, `i18n/pt-BR/`) hold translations.
LANGUAGES = frozenset(
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz "
    "ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik "
    "io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml "
    "mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd "
    "se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi "
    "vo wa wo xh yi yo za zh zu".split()
)
_LANGUAGE = re.compile(r"([a-z]{2})(?:[-_][A-Za-z]{2,4})?")


def is_language(name: str) -> bool:
    match = _LANGUAGE.fullmatch(name)
    return match is not None and match.group(1) in LANGUAGES


def under(path: str, folder: str) -> bool:
    """`path` is `folder` or inside it (`folder` "" is the repository root)."""
    return not folder or path == folder or path.startswith(folder + "/")


def relative(path: str, folder: str) -> str:
    return path[len(folder) + 1 :] if folder else path


def join(folder: str, path: str) -> str | None:
    """`path` under `folder`, normalised; None when it climbs out of the repository."""
    joined = posixpath.normpath(posixpath.join(folder, path)) if (folder or path) else "."
    return None if joined == ".." or joined.startswith("../") else ("" if joined == "." else joined)


def folder_url(url: str) -> str:
    """The folder a relative link of a page at `url` resolves from (`a/b/` → `a/b`, `a/b.html` → `a`)."""
    return url.rstrip("/") if url.endswith("/") or not url else posixpath.dirname(url)


def page_url(relative_path: str, pretty: bool, index_names: tuple[str, ...] = ("index", "readme")) -> str:
    """The URL a generator serves a page at by default: `guide/install.md` is `guide/install/`
    (pretty, folder URLs) or `guide/install.html`; an index page is its folder's URL."""
    folder, name = posixpath.split(relative_path)
    stem = name.rsplit(".", 1)[0]
    if stem.lower() in index_names:
        return f"{folder}/" if folder else ""
    path = posixpath.join(folder, stem)
    return f"{path}/" if pretty else f"{path}.html"


def route_key(url: str, lowercase: bool = False) -> str:
    """A URL as a key of the route table: no slashes around, no `.html`, `index.html` or `index`."""
    key = url.strip("/")
    for suffix in ("/index.html", "/index", ".html"):
        if key.endswith(suffix):
            key = key[: -len(suffix)]
            break
    if key in ("index.html", "index"):
        key = ""
    return key.lower() if lowercase else key


def _looks_like_url(path: str) -> bool:
    """A link written as a site URL (`../std/index.html`, `../guide/`, `../guide`), not as a
    source file of the repository (`../src/app.py`, `../img/a.png`)."""
    name = posixpath.basename(path.rstrip("/"))
    return path.endswith("/") or name.endswith((".html", ".htm")) or "." not in name


@dataclass
class Site:
    """One documentation site: its pages (`content`), the folders served at its root as they are
    (`public`), the URL path it is served under (`base`) and how a page's URL is made."""

    system: ClassVar[str] = "site"
    config: str  # the configuration file
    root: str  # the folder the configuration lives in
    content: str  # the folder of its pages
    public: tuple[str, ...] = ()  # folders whose files are served at the site root
    base: str = ""  # the URL path the site is served under ("" = the host's root)
    pretty: bool = True  # `x.md` is served as the folder `x/` (relative links resolve from inside it)
    lowercase: bool = False  # URLs are lowercased (Hugo)
    mirrors: list[tuple[str, str]] = field(default_factory=list)  # (translation folder, default-language folder)
    links_unjudged: str = ""  # why links no rule resolves are not judged ("": they are judged)
    images_unjudged: str = ""  # the same for images
    anchors_unjudged: str = ""  # why anchors missing from a page are not judged
    notes: list[str] = field(default_factory=list)  # what is resolved how, for --explain
    group: list[Site] = field(default_factory=list, repr=False)  # sites of the same configuration (their routes are one site)
    _routes: dict[str, str] | None = field(default=None, repr=False)

    page_suffixes: ClassVar[tuple[str, ...]] = PAGE_SUFFIXES
    components: ClassVar[bool] = False  # pages may render components (Vue, MDX) that make content in the browser
    # Files the generator writes into every site (`/sitemap.xml`, `/404.html`): links to them work.
    generated: ClassVar[frozenset[str]] = frozenset({"sitemap.xml", "sitemap.xml.gz", "404.html", "robots.txt"})

    def owns(self, path: str) -> bool:
        return under(path, self.content)

    def page_urls(self, repo: Repo, path: str) -> list[str]:
        """The URLs `path` (a page under `content`) is served at, the canonical one first."""
        return [page_url(relative(path, self.content), self.pretty)]

    def heading_ids(self, document: Document) -> set[str]:
        """Heading ids the site's renderer gives beyond GitHub's (each system overrides)."""
        return set()

    def anchors_unjudged_in(self, path: str) -> str:
        """Why anchors missing from the page `path` are not judged ("": they are)."""
        return self.anchors_unjudged

    def extra(self, repo: Repo, document_path: str, path: str) -> str | None:
        """A system's own way to find a link target (Hugo's page lookup, ...)."""
        return None

    def routes(self, repo: Repo) -> dict[str, str]:
        """Every page's URLs → the page, built once from the file list and front matter."""
        if self._routes is None:
            self._routes = {}
            for path in sorted(repo.files):
                if path.endswith(self.page_suffixes) and self.owns(path):
                    for url in self.page_urls(repo, path):
                        self._routes.setdefault(route_key(url, self.lowercase), path)
        return self._routes

    def find(self, repo: Repo, url: str) -> str | None:
        """The repository file serving `url` (relative to the site's root URL): a page, a file of
        a public folder, or a file copied from the pages' folder."""
        clean = url.strip("/")
        if clean in self.generated:
            return self.config
        key = route_key(clean, self.lowercase)
        for site in self.group or [self]:
            hit = site.routes(repo).get(key)
            if hit:
                return hit
        for folder in (*self.public, self.content):
            candidate = join(folder, clean)
            if candidate is not None and repo.exists(candidate):
                return candidate
        if self.lowercase:
            for folder in (*self.public, self.content):
                candidate = join(folder, clean)
                match = repo.by_lowercase().get(candidate.lower()) if candidate is not None else None
                if match:
                    return match
        return None

    def resolve(self, repo: Repo, document_path: str, path: str) -> str | Unjudged | None:
        """Where the site takes a link of the page `document_path` that the file tree does not."""
        if path.startswith("/"):
            url: str | None = path.lstrip("/")
            if self.base and (url == self.base or url.startswith(self.base + "/")):  # type: ignore[union-attr]
                url = url[len(self.base) :]  # type: ignore[index]
        elif self.owns(document_path):
            urls = self.page_urls(repo, document_path)
            url = join(folder_url(urls[0]), path) if urls else None
            if url is None:
                return Unjudged("it leaves the site (a link to another site on the same host)") if _looks_like_url(path) else None
        else:
            url = None
        hit = self.find(repo, url) if url is not None else None
        if hit is None and path.startswith("/") and under(path.strip("/"), self.content) and self.content:
            # `/docs/install/` in a site whose pages are `docs/`: written from the repository root
            hit = self.find(repo, relative(path.strip("/"), self.content))
        if hit is None and not path.startswith("/") and self.owns(document_path):
            # written from the page's file rather than its URL (`intro` beside `guide.md`): generators
            # that rewrite such links, and readers on GitHub, take it so
            beside = join(posixpath.dirname(relative(document_path, self.content)), path)
            hit = self.find(repo, beside) if beside is not None else None
        return hit or self.extra(repo, document_path, path)

    def counterpart(self, path: str) -> str | None:
        """The default-language page a translated page falls back to."""
        for translation, default in self.mirrors:
            if under(path, translation) and path != translation:
                return default + path[len(translation) :]
        return None


def front_matter(repo: Repo, path: str) -> dict[str, Any]:
    """The URL keys of a page's front matter: from its parsed document, or read from the file
    (pages the checks do not parse: `.mdx`, `.html`, `.js`)."""
    document = repo.documents.get(path)
    if document is not None:
        return document.front or {}
    if path not in repo.fronts:
        from autopack.doc_drift import frontmatter

        source = repo.context.read(path) if path in repo.files else None
        repo.fronts[path] = (frontmatter.split(source.text)[0] or {}) if source is not None else {}
    return repo.fronts[path]


class Sites:
    """Every site of the repository; which one a document belongs to; links they resolve."""

    def __init__(self, sites: list[Site]) -> None:
        self.sites = sorted(sites, key=lambda site: (-len(site.content), site.content, site.config))
        self.unjudged: Counter[tuple[str, str]] = Counter()
        self._ids: dict[int, set[str]] = {}
        self.adopted: dict[str, Site] = {}  # documents outside any site that a site's page includes

    def __bool__(self) -> bool:
        return bool(self.sites)

    def site_for(self, path: str) -> Site | None:
        """The site whose pages include `path` (the innermost one), else None."""
        return next((site for site in self.sites if site.owns(path)), None)

    def resolve(self, repo: Repo, document_path: str, path: str, image: bool = False) -> str | Unjudged | None:
        """The existing target a link of `document_path` reaches through its site (or the
        site's default-language page it falls back to); Unjudged; or None (broken)."""
        site = self.site_for(document_path)
        if site is None:
            return None
        hit = site.resolve(repo, document_path, path)
        if hit is None:
            counterpart = site.counterpart(document_path)
            if counterpart is not None:
                candidate = join(posixpath.dirname(counterpart), path) if not path.startswith("/") else None
                default_site = self.site_for(counterpart) or site
                hit = candidate if candidate is not None and repo.exists(candidate) else default_site.resolve(repo, counterpart, path)
        unjudged = site.images_unjudged if image else site.links_unjudged
        if hit is None and unjudged:
            hit = Unjudged(unjudged)
        if isinstance(hit, Unjudged):
            self.unjudged[(site.config, hit.reason)] += 1
        return hit

    def adopt_included(self, repo: Repo) -> None:
        """A document outside any site that a site page includes at build time (`README.md`,
        `CHANGELOG.md` pulled into the docs) is rendered by that site: its anchors are the
        site's (heading ids, cross-references)."""
        for path, document in sorted(repo.documents.items()):
            site = self.site_for(path) if document is not None and document.included else None
            if site is None:
                continue
            for written in document.included:  # type: ignore[union-attr]
                for base in (posixpath.dirname(path), site.root, ""):
                    target = join(base, written)
                    if target is not None and target in repo.documents:
                        if self.site_for(target) is None:
                            self.adopted.setdefault(target, site)
                        break

    def rendering_site(self, path: str) -> Site | None:
        """The site that renders `path`: its own, or the one whose page includes it."""
        return self.site_for(path) or self.adopted.get(path)

    def anchors_unjudged(self, document: Document) -> str:
        """Why anchors missing from `document` are not judged ("": they are)."""
        site = self.site_for(document.path)
        if site is None:
            return ""
        if site.components and document.components and len(document.headings) <= 1:
            return "the page's content is a component's (Vue, MDX), made in the browser with its anchors"
        return site.anchors_unjudged_in(document.path)

    def heading_ids(self, document: Document) -> set[str]:
        """The heading ids the document's site gives it (beyond GitHub's), computed once."""
        key = id(document)
        if key not in self._ids:
            site = self.rendering_site(document.path)
            self._ids[key] = site.heading_ids(document) if site else set()
        return self._ids[key]

    def explain(self) -> Iterator[str]:
        """What --explain prints: each site, what resolves how, and what is not judged."""
        if not self.sites:
            yield "No documentation site configuration found: every document is judged as GitHub renders it."
            return
        for site in sorted(self.sites, key=lambda site: site.config):
            yield f"{site.system} site {site.config or '.'}"
            yield f"  pages: {site.content or '.'}/ (served under /{site.base + '/' if site.base else ''})"
            if site.public:
                yield "  served at the site root as they are: " + ", ".join(f"{folder}/" for folder in site.public)
            for translation, default in site.mirrors:
                yield f"  translation {translation}/ falls back to {default}/"
            for note in site.notes:
                yield f"  {note}"
            if site.links_unjudged:
                yield f"  not judged: links no rule resolves, because {site.links_unjudged}"
            if site.images_unjudged:
                yield f"  not judged: images no rule resolves, because {site.images_unjudged}"
            if site.anchors_unjudged:
                yield f"  not judged: anchors missing from its pages, because {site.anchors_unjudged}"
            if getattr(site, "external_targets", ""):
                yield f"  not judged: a page's own `#target` that no document defines, because {site.external_targets}"
            for (config, reason), count in sorted(self.unjudged.items()):
                if config == site.config:
                    yield f"  left unjudged in this run: {count} link(s): {reason}"
        yield "Documents outside these sites are judged as GitHub renders them."


# --- reading configurations --------------------------------------------------------------------


class ConfigProblem(Exception):
    """A site configuration that cannot be read: a note, and its pages judged as on GitHub."""


def read_config(repo: Repo, path: str) -> str | None:
    """The configuration's text through the core's guards (size, binary, special files)."""
    source = repo.context.read(path)
    return source.text if source is not None else None


def load_yaml(text: str) -> dict[str, Any]:
    from autopack import yamldoc

    try:
        document = yamldoc.parse(text, foreign_tags_as_null=True)
    except yamldoc.YamlProblem as exc:
        where = f" (line {exc.position.line})" if exc.position else ""
        raise ConfigProblem(f"{exc.message}{where}") from None
    if not isinstance(document.value, dict):
        raise ConfigProblem("not a mapping of settings")
    return document.value


def load_toml(text: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ConfigProblem(f"invalid TOML: {exc}") from None


def load_json(text: str) -> dict[str, Any]:
    import json

    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ConfigProblem(f"invalid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ConfigProblem("not an object of settings")
    return value


def load_by_suffix(path: str, text: str) -> dict[str, Any]:
    if path.endswith(".toml"):
        return load_toml(text)
    if path.endswith(".json"):
        return load_json(text)
    return load_yaml(text)


def text_setting(value: Any, default: str = "") -> str:
    """A string setting, or the default when it is missing or not a string."""
    return value if isinstance(value, str) else default


def url_path(url: Any) -> str:
    """The path of a site URL setting (`https://x.io/docs/` → `docs`)."""
    if not isinstance(url, str):
        return ""
    from urllib.parse import urlsplit

    try:
        return urlsplit(url).path.strip("/")
    except ValueError:
        return ""


def _names(stems: tuple[str, ...], suffixes: tuple[str, ...]) -> frozenset[str]:
    return frozenset(f"{stem}.{suffix}" for stem in stems for suffix in suffixes)


_SCRIPT = tuple(f"{module}{language}s" for module in ("", "c", "m") for language in "jt")  # js, cts, mjs...
# The base names each system's configuration file can have, in the order systems are asked: a
# system's module is imported only for a file so named (most repositories hold none), and then
# its `is_config` decides (a Hugo `config.toml` needs a `content/` folder beside it).
CONFIG_NAMES: dict[str, frozenset[str]] = {
    "mkdocs": frozenset({"mkdocs.yml", "mkdocs.yaml", "zensical.toml"}),
    "hugo": _names(("hugo", "config"), ("toml", "yaml", "yml", "json")),
    "docusaurus": _names(("docusaurus.config",), _SCRIPT),
    "jekyll": frozenset({"_config.yml", "_config.yaml"}),
    "sphinx": frozenset({"conf.py", "myst.yml"}),
    "mdbook": frozenset({"book.toml"}),
    "vitepress": _names(("config", "index"), _SCRIPT),  # .vitepress/config.ts, .vuepress/config/index.js
}


def detect(repo: Repo) -> Sites:
    """Every site whose configuration is in the repository. A configuration that cannot be read
    is a note (never a traceback); its pages are judged as GitHub renders them."""
    import importlib

    found: list[Site] = []
    for path in sorted(repo.files):
        name = posixpath.basename(path)
        for system_name, names in CONFIG_NAMES.items():
            if name not in names:
                continue
            system = importlib.import_module(f"{__name__}.{system_name}")
            if not system.is_config(repo, path):
                continue
            try:
                text = read_config(repo, path)
                if text is not None:
                    found.extend(system.detect(repo, path, text))
            except ConfigProblem as exc:
                repo.context.skipped.append(files.Skipped(
                    path, f"site configuration unreadable ({exc}); its pages are judged as GitHub renders them", notify=True))
            break
    return Sites(found)

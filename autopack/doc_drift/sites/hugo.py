"""Hugo: `hugo.toml|yaml|json` (or `config.*` in a folder with `content/`, or
`config/_default/`) names `contentDir` (default `content`, one per language), `staticDir`,
`assetsDir`, themes, module mounts and `baseURL`. A page `content/a/b.md` is served at `/a/b/`
(`_index.md` and `index.md` at their folder), lowercased, moved by front matter `url` and `slug`,
also reachable at its `aliases`; files of a page bundle beside it; `/x.png` from `static/`. A
link is also what Hugo's page lookup finds (`.GetPage`: relative to the page's folder, then to
the content root, `.md` and letter case optional), as its embedded link render hook does.
Heading ids are GitHub-style (`autoHeadingIDType`), plus definition terms with
`autoDefinitionTermID`. A project's own link render hook decides links by its own code: then
links no rule resolves are not judged; a heading render hook does the same for anchors."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from autopack.doc_drift.sites import (
    front_matter,
    ConfigProblem,
    Site,
    Unjudged,
    join,
    load_by_suffix,
    page_url,
    relative,
    text_setting,
    under,
    url_path,
)
from autopack.doc_drift.slugs import github_slug

if TYPE_CHECKING:
    from autopack.doc_drift.markdown import Document
    from autopack.doc_drift.repo import Repo

_CONFIG = re.compile(r"(?:^|/)(?:hugo\.(?:toml|ya?ml|json)|config/_default/(?:hugo|config)\.(?:toml|ya?ml|json)|config\.(?:toml|ya?ml|json))$")
_HUGO_FOLDERS = ("content", "layouts", "archetypes")
_DEFINITION_TERM = re.compile(r"^([^\s:>|#-][^\n]*)\n:[ \t]", re.MULTILINE)
_LANGUAGE_SUFFIX = re.compile(r"\.[a-z]{2}(?:-[a-zA-Z]{2,4})?$")


class HugoSite(Site):
    system = "hugo"
    generated = Site.generated | {"index.xml", "sitemap.xml", "_redirects"}
    language_prefix: str = ""
    definition_ids: bool = False
    permalink_sections: tuple[str, ...] = ()
    unknown_static: str = ""  # why root-relative links may name files not in the repository

    def page_urls(self, repo: Repo, path: str) -> list[str]:
        front = front_matter(repo, path)
        rel = relative(path, self.content)
        section = rel.split("/", 1)[0] if "/" in rel else ""
        folder, name = posixpath.split(rel)
        stem = _LANGUAGE_SUFFIX.sub("", name.rsplit(".", 1)[0])
        if isinstance(front.get("url"), str) and front["url"].strip():
            url = front["url"].strip().lstrip("/")
            urls = [url if url.endswith("/") or "." in posixpath.basename(url) or not url else url + "/"]
        elif section in self.permalink_sections and stem not in ("_index", "index"):
            urls = []  # a `permalinks` pattern (dates, titles): the URL is known only to Hugo
        else:
            if isinstance(front.get("slug"), str) and front["slug"].strip() and stem not in ("_index", "index"):
                stem = front["slug"].strip()
            urls = [page_url(posixpath.join(folder, stem + ".md"), self.pretty, ("_index", "index"))]
        page_folder = posixpath.dirname(urls[0].rstrip("/")) if urls else folder
        aliases = front.get("aliases")
        for alias in aliases if isinstance(aliases, list) else [aliases] if isinstance(aliases, str) else []:
            alias_url = alias.lstrip("/") if alias.startswith("/") else join(page_folder, alias)
            if alias_url is not None:
                urls.append(alias_url)
        prefix = self.language_prefix
        return [f"{prefix}/{url}" if prefix else url for url in urls]

    def find(self, repo: Repo, url: str) -> str | None:
        clean = url.strip("/")
        if self.language_prefix and under(clean, self.language_prefix):
            hit = super().find(repo, clean)  # a page of this language
            return hit or super().find(repo, relative(clean, self.language_prefix))
        return super().find(repo, clean)

    def resolve(self, repo: Repo, document_path: str, path: str) -> str | Unjudged | None:
        hit = super().resolve(repo, document_path, path)
        if hit is not None:
            return hit
        rel = relative(document_path, self.content)
        if self.permalink_sections and rel.split("/", 1)[0] in self.permalink_sections and not path.startswith("/"):
            return Unjudged("its page has a `permalinks` URL pattern (dates, titles) only Hugo computes")
        first = path.lstrip("/").split("/", 1)[0].lower()
        if path.startswith("/") and first in self.permalink_sections:
            return Unjudged("it points into a section with a `permalinks` URL pattern")
        if path.startswith("/") and self.unknown_static:
            return Unjudged(self.unknown_static)
        return None

    def extra(self, repo: Repo, document_path: str, path: str) -> str | None:
        """Hugo's page lookup (`.GetPage`): from the page's folder, then from the content root;
        letter case, a trailing `/` and the `.md` suffix optional; a folder means its index."""
        wanted = path.split("?", 1)[0].rstrip("/")
        if not wanted:
            return None
        bare = wanted[: -len(".md")] if wanted.endswith(".md") else wanted
        starts = [self.content] if wanted.startswith("/") else [posixpath.dirname(document_path), self.content]
        lowercase = repo.by_lowercase()
        for start in starts:
            base = join(start, bare.lstrip("/"))
            if base is None:
                continue
            for suffix in ("", ".md", "/_index.md", "/index.md"):
                hit = lowercase.get((base + suffix).lower())
                if hit and (suffix or repo.exists(hit)):
                    return hit
        return None

    def heading_ids(self, document: Document) -> set[str]:
        """Definition terms get ids too (`autoDefinitionTermID`), numbered for duplicates in one
        sequence with the headings (`matchers`, `matchers-1`)."""
        if not self.definition_ids or "\n:" not in document.source.text:
            return set()
        terms = [github_slug(term.replace("`", "").strip()) for term in _DEFINITION_TERM.findall(document.source.text)]
        counts = Counter(terms + [github_slug(heading.strip()) for heading in document.headings])
        return {f"{slug}-{n}" if n else slug for slug in terms for n in range(counts[slug])}

    def anchors_unjudged_in(self, path: str) -> str:
        if posixpath.basename(path).startswith("_index."):
            return "a section page (`_index.md`) shows what its template lists, with the anchors of those pages"
        return self.anchors_unjudged


def is_config(repo: Repo, path: str) -> bool:
    if not _CONFIG.search(path) or "/." in f"/{path}":
        return False
    name = posixpath.basename(path)
    folder = posixpath.dirname(path)
    if "/_default/" in f"/{path}":
        return True
    if name.startswith("config."):
        siblings = {posixpath.join(folder, f"hugo.{ext}") for ext in ("toml", "yaml", "yml", "json")}
        if siblings & repo.files:
            return False  # hugo.* wins over config.* in the same folder
        return any(posixpath.join(folder, sub) in repo.dirs for sub in _HUGO_FOLDERS)
    return True


def _site_root(path: str) -> str:
    folder = posixpath.dirname(path)
    if folder.endswith("config/_default") or folder == "config/_default":
        folder = posixpath.dirname(posixpath.dirname(folder))
    return folder


def _folders(value: Any, default: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return [default]


def _lower_keys(data: dict[str, Any]) -> dict[str, Any]:
    """Hugo's configuration keys are case-insensitive (`baseURL`, `baseurl`)."""
    return {str(key).lower(): value for key, value in data.items()}


def _mounts(module: dict[str, Any], local: Any, repo: Repo) -> dict[str, list[tuple[str, str]]]:
    """`module.mounts` by component (`content`, `static`, `assets`): (source folder, language)."""
    mounts: dict[str, list[tuple[str, str]]] = {}
    for mount in module.get("mounts") or []:
        if not (isinstance(mount, dict) and isinstance(mount.get("source"), str) and isinstance(mount.get("target"), str)):
            continue
        source = local(mount["source"])
        if source is None or source not in repo.dirs:
            continue  # a single file mounted somewhere: not a folder of pages or files
        component = mount["target"].split("/", 1)[0]
        mounts.setdefault(component, []).append((source, text_setting(mount.get("lang"))))
    return mounts


def detect(repo: Repo, path: str, text: str) -> list[Site]:
    data = _lower_keys(load_by_suffix(path, text))
    root = _site_root(path)

    def local(folder: str) -> str | None:
        return join(root, folder)

    module = _lower_keys(data["module"]) if isinstance(data.get("module"), dict) else {}
    mounts = _mounts(module, local, repo)  # a component's mounts replace its default folder, as in Hugo
    themes_dir = text_setting(data.get("themesdir"), "themes")
    themes = _folders(data.get("theme"), "") if data.get("theme") else []
    public = [source for component in ("static", "assets") for source, _ in mounts.get(component, [])]
    if "static" not in mounts:
        public.extend(folder for name in _folders(data.get("staticdir"), "static") if (folder := local(name)) is not None)
    if "assets" not in mounts and (assets := local(text_setting(data.get("assetsdir"), "assets"))) is not None:
        public.append(assets)
    unknown_static = ""
    for theme in themes:
        theme_dir = local(posixpath.join(themes_dir, theme))
        if theme_dir is not None and theme_dir in repo.dirs:
            public.extend(f"{theme_dir}/{sub}" for sub in ("static", "assets"))
        elif theme:
            unknown_static = f"theme `{theme}` is not in the repository (a Hugo module): the files it serves are unknown"
    for imported in module.get("imports") or []:
        imported_path = imported.get("path") if isinstance(imported, dict) else None
        if isinstance(imported_path, str) and local(imported_path) not in repo.dirs:
            unknown_static = f"module `{imported_path}` is not in the repository: the files it serves are unknown"
    layouts = [root, *(theme_dir for t in themes if (theme_dir := local(posixpath.join(themes_dir, t))) is not None)]
    hook_dirs = [posixpath.join(base, hook) for base in layouts for hook in ("layouts/_markup", "layouts/_default/_markup")]

    def render_hook(kind: str) -> str:
        return next((hook for folder in hook_dirs if (hook := f"{folder}/render-{kind}.html") in repo.files), "")

    link_hook, image_hook, heading_hook = render_hook("link"), render_hook("image"), render_hook("heading")
    permalinks = data.get("permalinks")
    permalink_sections = tuple(sorted(str(key).lower() for key in permalinks)) if isinstance(permalinks, dict) else ()
    markup = data.get("markup") if isinstance(data.get("markup"), dict) else {}
    goldmark = markup.get("goldmark") if isinstance(markup.get("goldmark"), dict) else {}
    parser = goldmark.get("parser") if isinstance(goldmark.get("parser"), dict) else {}
    default_language = text_setting(data.get("defaultcontentlanguage"), "en")
    in_subdir = data.get("defaultcontentlanguageinsubdir") is True
    languages = data.get("languages") if isinstance(data.get("languages"), dict) else {}
    contents: dict[str, str] = {}  # content folder → language
    if "content" in mounts:
        for source, language in mounts["content"]:
            contents.setdefault(source, language or default_language)
    else:
        main_content = text_setting(data.get("contentdir"), "content")
        for language, settings in languages.items():
            settings = _lower_keys(settings) if isinstance(settings, dict) else {}
            folder = local(text_setting(settings.get("contentdir"), main_content))
            if folder is not None:
                contents.setdefault(folder, str(language))
        if default_language not in contents.values() and (folder := local(main_content)) is not None:
            contents.setdefault(folder, default_language)
    public = list(dict.fromkeys(public))
    multilingual = len(set(contents.values())) > 1
    sites: list[Site] = []
    for content, language in sorted(contents.items()):
        site = HugoSite(config=path, root=root, content=content, public=tuple(public), base=url_path(data.get("baseurl")),
                        pretty=data.get("uglyurls") is not True, lowercase=data.get("disablepathtolower") is not True)
        site.language_prefix = language if multilingual and (language != default_language or in_subdir) else ""
        site.definition_ids = parser.get("autoDefinitionTermID") is True
        site.permalink_sections = permalink_sections
        site.unknown_static = unknown_static
        site.notes.append("a page `a/b.md` is served at `a/b/` (front matter `url`, `slug`, `aliases` honoured); "
                          "links also resolve as Hugo's page lookup does; `/x` from " + ", ".join(f"{p}/" for p in public))
        if site.language_prefix:
            site.notes.append(f"language `{language}`: its pages are served under `/{language}/`")
        if link_hook:
            site.links_unjudged = f"the site's link render hook {link_hook} resolves links by its own code"
        if heading_hook:
            site.anchors_unjudged = f"the site's heading render hook {heading_hook} makes heading ids by its own code"
        if image_hook:
            site.images_unjudged = f"the site's image render hook {image_hook} resolves images by its own code"
        if permalink_sections:
            site.notes.append("sections with `permalinks` patterns (" + ", ".join(permalink_sections) + "): URLs only Hugo computes, not judged")
        if unknown_static:
            site.notes.append(f"root-relative links no rule resolves are not judged: {unknown_static}")
        sites.append(site)
    for site in sites:
        site.group = list(sites)
    return sites

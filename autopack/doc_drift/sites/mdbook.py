"""mdBook: `book.toml` names the book's `src` folder (default `src`) and `[output.html]`
`site-url` and `redirect`s. A chapter `src/a/b.md` is served at `a/b.html` (`README.md` as
`index.html`), and a link to `b.html` means the chapter `b.md`; a link that climbs out of the
book (`../std/index.html`) points at another site on the same host and is not judged. Heading
ids are GitHub-like (`normalize_id`). `{{#include file}}` pulls text in at build time."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from autopack.doc_drift.sites import Site, join, load_toml, text_setting, url_path

if TYPE_CHECKING:
    from autopack.doc_drift.repo import Repo


class MdBookSite(Site):
    system = "mdbook"
    generated = Site.generated | {"print.html", "searchindex.js", "searchindex.json", "toc.html"}
    redirects: tuple[str, ...] = ()

    def routes(self, repo: Repo) -> dict[str, str]:
        if self._routes is None:
            routes = super().routes(repo)
            for old in self.redirects:  # `[output.html.redirect]`: the old page redirects to a new one
                routes.setdefault(old.strip("/").removesuffix(".html"), self.config)
        return self._routes  # type: ignore[return-value]


def is_config(repo: Repo, path: str) -> bool:
    return posixpath.basename(path) == "book.toml"


def detect(repo: Repo, path: str, text: str) -> list[Site]:
    data = load_toml(text)
    root = posixpath.dirname(path)
    book = data.get("book") if isinstance(data.get("book"), dict) else {}
    content = join(root, text_setting(book.get("src"), "src"))
    if content is None:
        return []
    output = data.get("output") if isinstance(data.get("output"), dict) else {}
    html = output.get("html") if isinstance(output.get("html"), dict) else {}
    site = MdBookSite(config=path, root=root, content=content, public=(content,), base=url_path(html.get("site-url")), pretty=False)
    redirect = html.get("redirect")
    site.redirects = tuple(str(key) for key in redirect) if isinstance(redirect, dict) else ()
    site.notes.append("a chapter `a/b.md` is served at `a/b.html` (`README.md` as `index.html`); `b.html` links mean `b.md`; "
                      "links out of the book are not judged (another site on the host)")
    return [site]

"""Doc drift resolves links, images and anchors the way each documentation site system does
(MkDocs, Hugo, Docusaurus, Jekyll, Sphinx + MyST, mdBook, VitePress), and as GitHub renders a
file outside any site. Each test is one class of false positive seen on real public
repositories (bench/wild), rebuilt in a small repository, with a real break beside it that must
still be found."""

from __future__ import annotations

import json

from autopack import doc_drift
from tests.conftest import run_script

PNG = b"\x89PNG\r\n\x1a\n\0"


# --- MkDocs --------------------------------------------------------------------------------------


def test_mkdocs_links_resolve_from_the_file_or_from_the_page_url(scan):
    files = {
        "mkdocs.yml": "site_name: x\nsite_url: https://example.org/proj/\n",
        "docs/index.md": "# Home\n",
        "docs/img/a.png": PNG,
        "docs/setup/install.md": "# Install\n",
        "docs/setup/usage.md": (
            "![file](../img/a.png) ![url](../../img/a.png) ![root](/img/a.png) ![base](/proj/img/a.png)\n"
            "[page](../install/) [map](/sitemap.xml) [icon](/img/favicon.ico) [skip](#content) [bad](../../img/gone.png)\n"
        ),
    }
    assert scan(files) == [("APR201", "docs/setup/usage.md", 2, "../../img/gone.png")]


def test_mkdocs_docs_dir_is_read_from_the_configuration(scan):
    files = {
        "mkdocs.yml": "site_name: x\ndocs_dir: documentation\nplugins:\n  - search\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        "documentation/img/a.png": PNG,
        "documentation/guide.md": "![a](/img/a.png) ![b](/img/b.png)\n",
    }
    assert scan(files) == [("APR201", "documentation/guide.md", 1, "/img/b.png")]


def test_mkdocs_translations_fall_back_to_the_default_language(scan):
    files = {
        "docs/en/mkdocs.yml": "site_name: x\n",
        "docs/en/docs/img/a.png": PNG,
        "docs/en/docs/tutorial/first.md": "# First\n",
        "docs/es/docs/index.md": "![a](/img/a.png) [t](tutorial/first.md) [gone](tutorial/gone.md)\n",
        "site/mkdocs.yml": "site_name: y\nplugins:\n  - i18n:\n      docs_structure: folder\n      languages:\n        - locale: en\n          default: true\n        - locale: fr\n",
        "site/docs/en/img/b.png": PNG,
        "site/docs/fr/index.md": "![b](img/b.png) ![c](img/c.png)\n",
        # the default language without a folder of its own: its pages are at the top of docs/
        "top/mkdocs.yml": "site_name: z\nplugins:\n  - i18n:\n      docs_structure: folder\n      languages:\n        - locale: en\n          default: true\n        - locale: ja\n",
        "top/docs/ref/lifecycle.md": "# Lifecycle\n",
        "top/docs/ja/agents.md": "[l](ref/lifecycle.md) [g](ref/gone.md)\n",
    }
    assert scan(files) == [
        ("APR201", "docs/es/docs/index.md", 1, "tutorial/gone.md"),
        ("APR201", "site/docs/fr/index.md", 1, "img/c.png"),
        ("APR201", "top/docs/ja/agents.md", 1, "ref/gone.md"),
    ]


def test_mkdocs_hooks_rewrite_pages_so_missing_anchors_are_not_judged(scan):
    page = "# Blog\n\n[a](#config.blog_dir) [b](other.md#nowhere)\n"
    files = {"mkdocs.yml": "site_name: x\nhooks:\n  - hooks/shortcodes.py\n", "docs/blog.md": page, "docs/other.md": "# O\n"}
    assert scan(files) == []
    files["mkdocs.yml"] = "site_name: x\n"
    assert [finding[3] for finding in scan(files)] == ["#config.blog_dir", "#nowhere"]


# --- Hugo ----------------------------------------------------------------------------------------


def test_hugo_pages_are_folders_with_front_matter_urls_and_static_files(scan):
    files = {
        "hugo.toml": 'baseURL = "https://example.org/"\n',
        "static/img/logo.png": PNG,
        "content/docs/_index.md": "# Docs\n",
        "content/docs/install.md": "---\nslug: setup\naliases: [/old-install/]\n---\n# Install\n",
        "content/docs/Guide.md": "+++\nurl = \"/guide-page/\"\n+++\n# Guide\n",
        "content/blog/post/index.md": "# Post\n",
        "content/blog/post/cover.png": PNG,
        "content/docs/usage.md": (
            "![logo](/img/logo.png) ![cover](../../blog/post/cover.png) [install](../setup/) [old](/old-install/)\n"
            "[guide](/guide-page/) [lookup](docs/install) [up](../) [bad](../gone/) ![bad](/img/gone.png)\n"
        ),
    }
    assert scan(files) == [("APR201", "content/docs/usage.md", 2, "../gone/"), ("APR201", "content/docs/usage.md", 2, "/img/gone.png")]


def test_hugo_custom_link_render_hook_decides_links_itself(scan):
    files = {
        "hugo.yaml": "baseURL: https://example.org/\nmarkup:\n  goldmark:\n    parser:\n      autoDefinitionTermID: true\n",
        "layouts/_markup/render-link.html": "{{ .Destination }}\n",
        "content/terms.md": "# Terms\n\n`matchers`\n: A slice of [matchers](#matchers-1).\n\n## Matchers\n\n[term](#matchers) [bad](#nope)\n",
        "content/page.md": "[glossary](g) ![img](gone.png)\n",
        "content/section/_index.md": "# Section\n",
        "content/other.md": "[listed](section/#a-child-anchor)\n",
    }
    assert scan(files) == [("APR201", "content/page.md", 1, "gone.png"), ("APR202", "content/terms.md", 8, "#nope")]


def test_hugo_languages_each_have_their_content_folder(scan):
    files = {
        "hugo.yaml": "defaultContentLanguage: en\nlanguages:\n  en:\n    contentDir: content/en\n  fr:\n    contentDir: content/fr\n",
        "content/en/about.md": "# About\n",
        "content/fr/about.md": "[en](/about/) [fr](/fr/about/) [bad](/fr/gone/)\n",
    }
    assert scan(files) == [("APR201", "content/fr/about.md", 1, "/fr/gone/")]


# --- Docusaurus ----------------------------------------------------------------------------------


def test_docusaurus_routes_ids_versions_blog_pages_and_static(scan):
    config = (
        "export default {\n  baseUrl: '/',\n  presets: [['classic', {\n    docs: { path: '../docs', routeBasePath: '/' },\n"
        "    blog: { path: 'blog' },\n  }]],\n};\n"
    )
    files = {
        "website/docusaurus.config.ts": config,
        "website/static/img/a.png": PNG,
        "website/src/pages/help.js": "export default () => null;\n",
        "website/blog/2024-01-02-launch.md": "# Launch\n\n[cfg](/configuration) [help](/help) [old](/29.x/intro)\n",
        "website/versioned_docs/version-2.0/intro.md": "# Intro v2\n",
        "docs/Configuration.md": "---\nid: configuration\n---\n# Configuration\n",
        "docs/api/Store.md": "# Store\n",
        "docs/faq/why.md": (
            "![a](/img/a.png) [cfg](../configuration) [store](api/Store.md) [v2](/2.0/intro) [post](/blog/2024/01/02/launch)\n"
            "[site](@site/static/img/a.png) [bad](../gone) ![bad](/img/gone.png)\n"
        ),
    }
    assert scan(files) == [("APR201", "docs/faq/why.md", 2, "../gone"), ("APR201", "docs/faq/why.md", 2, "/img/gone.png")]


def test_docusaurus_translations_fall_back_to_the_default_docs(scan):
    files = {
        "docusaurus.config.js": "module.exports = { baseUrl: '/' };\n",
        "docs/intro.md": "# Intro\n",
        "docs/img/a.png": PNG,
        "i18n/fr/docusaurus-plugin-content-docs/current/intro.md": "![a](img/a.png) ![b](img/b.png)\n",
    }
    assert scan(files) == [("APR201", "i18n/fr/docusaurus-plugin-content-docs/current/intro.md", 1, "img/b.png")]


# --- Jekyll, mdBook, Sphinx + MyST, VitePress ----------------------------------------------------


def test_jekyll_collections_permalinks_and_html_pages(scan):
    files = {
        "docs/_config.yml": "collections:\n  docs:\n    permalink: /:collection/:path/\n    output: true\n",
        "docs/_docs/conduct.md": "# Conduct\n",
        "docs/pages/showcase.html": "---\npermalink: /showcase/\n---\n<p>x</p>\n",
        "docs/_docs/usage.md": "## 1. First steps\n\n[c](/docs/conduct/) [s](/showcase/) [k](#first-steps) [bad](/docs/gone/)\n",
    }
    assert scan(files) == [("APR201", "docs/_docs/usage.md", 3, "/docs/gone/")]


def test_mdbook_html_links_mean_chapters_and_links_out_of_the_book_are_not_judged(scan):
    files = {
        "book.toml": '[book]\ntitle = "x"\n\n[output.html.redirect]\n"/old.html" = "ch01.html"\n',
        "src/SUMMARY.md": "- [One](ch01.md)\n",
        "src/ch01.md": "# One\n",
        "src/ch02.md": "[one](ch01.html) [std](../std/index.html) [old](old.html) [bad](ch09.html) [src](../src/gone.rs)\n",
    }
    assert scan(files) == [("APR201", "src/ch02.md", 1, "ch09.html"), ("APR201", "src/ch02.md", 1, "../src/gone.rs")]


def test_myst_cross_references_reach_targets_in_any_document(scan):
    files = {
        "docs/conf.py": "extensions = ['myst_parser']\n",
        "docs/syntax.md": "(syntax/frontmatter)=\n# Front matter\n",
        "docs/guide.md": "[fm](#syntax/frontmatter) [role](rst-target) [bad](#nowhere) [gone](gone.md)\n",
    }
    assert scan(files) == [("APR202", "docs/guide.md", 1, "#nowhere"), ("APR201", "docs/guide.md", 1, "gone.md")]


def test_vitepress_src_dir_public_folder_html_routes_and_slugs(scan):
    files = {
        "docs/.vitepress/config.mts": "export default { srcDir: 'src', base: '/site/' }\n",
        "docs/src/public/logo.svg": "<svg/>",
        "docs/src/guide/performance.md": "# Performance\n\n## server.ws\n\n## 2024 Plans\n",
        "docs/src/index.md": (
            "![logo](/logo.svg) [p](/guide/performance.html) [q](/site/guide/performance) [ws](guide/performance.md#server-ws)\n"
            "[plans](guide/performance.md#_2024-plans) [bad](/guide/gone.html) [anchor](guide/performance.md#nope)\n"
        ),
    }
    assert scan(files) == [("APR201", "docs/src/index.md", 2, "/guide/gone.html"), ("APR202", "docs/src/index.md", 2, "#nope")]


# --- outside a site: as GitHub renders it --------------------------------------------------------


def test_github_forms_that_are_not_targets(scan):
    readme = (
        "# Tool\n\n[top](#readme) [tip](## \"a tooltip\") [x]($BRANCH_URL) [anchor](#my-anchor) [attr](#para)\n\n"
        "[](){#my-anchor}\n\nA paragraph.\n{: #para }\n\n[bad](#nope)\n"
    )
    assert scan({"README.md": readme}) == [("APR202", "README.md", 10, "#nope")]


def test_build_time_includes_make_anchors_unknowable(scan):
    files = {
        "docs/page.md": "# Page\n\n--8<-- \"snippets/part.md\"\n",
        "docs/book.md": "# Book\n\n{{#include listing.md}}\n",
        "README.md": "[a](docs/page.md#from-the-snippet) [b](docs/book.md#included) [c](docs/plain.md#nope)\n",
        "docs/plain.md": "# Plain\n",
    }
    assert scan(files) == [("APR202", "README.md", 1, "#nope")]


def test_documents_a_tool_writes_are_judged_in_their_source(scan):
    generated = "<!-- DO NOT EDIT THIS FILE.\nIt is generated from src/. -->\n\n![fig](img/figure.svg)\n"
    files = {"manuscript/chapter01.md": generated, "src/chapter01.md": "![fig](img/figure.svg)\n"}
    assert scan(files) == [("APR201", "src/chapter01.md", 1, "img/figure.svg")]


def test_package_license_links_and_built_site_pages_in_a_monorepo(scan):
    files = {
        "LICENSE": "MIT\n",
        "book.toml": "[book]\n",
        "src/ch01.md": "# One\n",
        "packages/a/package.json": "{}\n",
        "packages/a/README.md": "[MIT](LICENSE) [page](../../ch01.html) [bad](CHANGES.md)\n",
        "packages/b/README.md": "[MIT](LICENSE)\n",
    }
    assert scan(files) == [("APR201", "packages/a/README.md", 1, "CHANGES.md"), ("APR201", "packages/b/README.md", 1, "LICENSE")]


def test_markdown_in_test_folders_is_test_data(scan):
    files = {
        "tests/README.md": "[bad](gone.md)\n",
        "tests/format/markdown/image.md": "![a](a.png)\n",
        "test/testsuite/book/src/links.md": "[x](path/foo.md)\n",
    }
    assert scan(files) == [("APR201", "tests/README.md", 1, "gone.md")]


# --- bad site configuration: a note, never a traceback -------------------------------------------


def test_broken_site_configurations_are_notes(make_repo):
    repo = make_repo({
        "mkdocs.yml": "site_name: [unclosed\n",
        "hugo.toml": "baseURL = \n",
        "docs/x.md": "[bad](gone.md)\n",
    })
    result = run_script("autopack-doc-drift", "--all-files", "--format", "json", cwd=repo)
    assert "Traceback" not in result.stderr
    findings = json.loads(result.stdout)
    notes = sorted((f["rule"], f["path"]) for f in findings if f["rule"] == "APX002")
    assert notes == [("APX002", "hugo.toml"), ("APX002", "mkdocs.yml")]
    assert ("APR201", "docs/x.md") in [(f["rule"], f["path"]) for f in findings]
    assert "site configuration unreadable" in next(f["message"] for f in findings if f["path"] == "mkdocs.yml")


# --- --explain -----------------------------------------------------------------------------------


def test_explain_names_the_system_of_each_document_and_what_is_not_judged(make_repo, monkeypatch, capsys):
    repo = make_repo({
        "hugo.toml": 'baseURL = "https://example.org/docs/"\n',
        "layouts/_default/_markup/render-link.html": "{{ .Destination }}\n",
        "content/a.md": "[x](g)\n",
        "README.md": "# Readme\n",
    })
    monkeypatch.chdir(repo)
    assert doc_drift.main(["--explain"]) == 0
    out = capsys.readouterr().out
    assert "hugo site hugo.toml" in out
    assert "pages: content/ (served under /docs/)" in out
    assert "not judged: links no rule resolves, because the site's link render hook layouts/_default/_markup/render-link.html" in out
    assert "left unjudged in this run: 1 link(s)" in out
    assert "1 document(s) outside any site (GitHub's rules)" in out
    assert "1 document(s) pages of the site hugo.toml" in out


def test_myst_directive_labels_intersphinx_and_included_files(scan):
    files = {
        "docs/conf.py": "extensions = ['myst_parser', 'sphinx.ext.intersphinx']\nintersphinx_mapping = {}\n",
        "docs/figures.md": "```{figure} a.png\n:name: fig-a\n```\n",
        "docs/guide.md": "[fig](figures.md#fig-a) [api](#sphinx.application.Sphinx) [bad](figures.md#fig-b)\n",
        "docs/changelog.md": "```{include} ../CHANGELOG.md\n```\n",
        "CHANGELOG.md": "# Changes\n\nSee [footnotes](#syntax/footnotes).\n",
        "docs/syntax.md": "(syntax/footnotes)=\n# Footnotes\n",
        "myst/myst.yml": "project:\n  title: x\n",
        "myst/page.md": ":::{figure} b.png\n:label: fig:b\n:::\n\n[b](#fig:b) [c](#fig:c)\n",
    }
    assert scan(files) == [("APR202", "docs/guide.md", 1, "#fig-b"), ("APR202", "myst/page.md", 5, "#fig:c")]


def test_pages_that_render_components_make_their_anchors_in_the_browser(scan):
    files = {
        ".vitepress/config.ts": "export default {}\n",
        "api/index.md": "<script setup>\nimport ApiIndex from './ApiIndex.vue'\n</script>\n\n<ApiIndex />\n",
        "guide.md": "# Guide\n\n[a](api/index.md#composition-api) [b](plain.md#nope)\n",
        "plain.md": "# Plain\n",
    }
    assert scan(files) == [("APR202", "guide.md", 3, "#nope")]


def test_a_page_url_can_reach_what_the_file_path_cannot(scan):
    files = {
        "_config.yml": "permalink: pretty\n",
        "assets/images/small.jpg": PNG,
        "docs/kitchen-sink.md": "---\ntitle: x\n---\n![s](../../assets/images/small.jpg) ![l](../../assets/images/large.jpg)\n",
    }
    assert scan(files) == [("APR201", "docs/kitchen-sink.md", 4, "../../assets/images/large.jpg")]


def test_docs_served_by_an_unknown_app_link_siblings_by_url_and_use_template_variables(scan):
    files = {
        "help/docs/api.md": "# API\n",
        "help/docs/usage.md": "![shot](IMG_URL/events.png) [api](../api/) [log](../api/#log) [bad](../gone/) [file](../gone.md)\n",
    }
    assert scan(files) == [("APR201", "help/docs/usage.md", 1, "../gone/"), ("APR201", "help/docs/usage.md", 1, "../gone.md")]


def test_app_docs_static_folders_contributor_tables_and_folders_named_like_documents(scan):
    files = {
        "priv/static/images/blog/shot.png": PNG,
        "lib/web/templates/blog/001-release.html.md": "![shot](/images/blog/shot.png) ![gone](/images/blog/gone.png)\n",
        "help/docs/introduction.md": "[guide](monitoring/) [bad](nothing/)\n",
        "help/docs/monitoring.md": "# Monitoring\n",
        "CONTRIBUTORS.md": "<!-- ALL-CONTRIBUTORS-LIST:START -->\n[💬](#question-snipe \"Answering Questions\") [x](#nope)\n",
        ".spec/snapshots/design.md/snapshot-001.json": "{\"content\": \"[x](gone.md)\"}\n",
        "docs/conf.py": "extensions = ['myst_parser']\n",
        "docs/advanced.md": "[hub.config](schema_hub.config) [gone](gone.md)\n",
    }
    assert scan(files) == [
        ("APR202", "CONTRIBUTORS.md", 2, "#nope"),
        ("APR201", "docs/advanced.md", 1, "gone.md"),
        ("APR201", "help/docs/introduction.md", 1, "nothing/"),
        ("APR201", "lib/web/templates/blog/001-release.html.md", 1, "/images/blog/gone.png"),
    ]


def test_mkdocs_content_tabs_are_anchors_with_tabbed_slugify(scan):
    page = '# K8s\n\n=== "`Deployment`"\n\n    The manifest.\n\nSee the [tab](#deployment) and [bad](#service).\n'
    files = {
        "mkdocs.yml": "site_name: x\nmarkdown_extensions:\n  - pymdownx.tabbed:\n      slugify: !!python/object/apply:pymdownx.slugs.slugify\n        kwds:\n          case: lower\n",
        "docs/k8s.md": page,
    }
    assert scan(files) == [("APR202", "docs/k8s.md", 7, "#service")]

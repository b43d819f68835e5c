"""Doc drift on conventions of real documentation trees (MkDocs, Sphinx + MyST, GitHub READMEs):
each test is a small synthetic reproduction of a false positive or negative seen on a real tree."""

from __future__ import annotations

import json

import pytest

from autopack import doc_drift


def test_explicit_heading_ids_attr_list_pandoc_kramdown(scan):
    doc = (
        "# Guide\n\n"
        "## Header 2 { #header-2 }\n\n"
        "## Features (extras) {: #features }\n\n"
        "### Global lock-envs ### {: #lock-envs }\n\n"
        "## Pandoc {#pandoc-id .unnumbered}\n\n"
        "[a](#header-2) [b](#features) [c](#lock-envs) [d](#pandoc-id) [e](#header-2--header-2-)\n"
        "[bad](#header-3)\n"
    )
    assert scan({"docs/guide.md": doc, "README.md": "[x](docs/guide.md#features) [y](docs/guide.md#gone)\n"}) == [
        ("APR202", "README.md", 1, "#gone"),
        ("APR202", "docs/guide.md", 12, "#header-3"),
    ]


def test_raw_html_headings_have_github_slugs(scan):
    doc = "# Readme\n\n1. [Sponsors](#technology-sponsors) [bad](#sponsors)\n\n<h3>Technology Sponsors</h3>\n\n<h2 id=\"x\">Other <em>one</em></h2>\n\n[ok](#other-one)\n"
    assert scan({"README.md": doc}) == [("APR202", "README.md", 3, "#sponsors")]


def test_mkdocs_sites_use_python_markdown_slugs(scan):
    doc = (
        "# Usage\n\n## Templates\n\n## Templates\n\n## Cross-references to other projects / inventories\n\n"
        "## Café au lait\n\n"
        "[a](#templates_1) [b](#cross-references-to-other-projects-inventories) [c](#cafe-au-lait)\n"
        "[github](#templates-1) [bad](#templates_2)\n"
    )
    # without mkdocs.yml only GitHub's slugs count
    assert scan({"docs/usage.md": doc}) == [
        ("APR202", "docs/usage.md", 11, "#templates_1"),
        ("APR202", "docs/usage.md", 11, "#cross-references-to-other-projects-inventories"),
        ("APR202", "docs/usage.md", 11, "#cafe-au-lait"),
        ("APR202", "docs/usage.md", 12, "#templates_2"),
    ]
    assert scan({"docs/usage.md": doc, "mkdocs.yml": "site_name: x\n"}) == [("APR202", "docs/usage.md", 12, "#templates_2")]
    assert scan({"docs/usage.md": doc, "zensical.toml": "[project]\n"}) == [("APR202", "docs/usage.md", 12, "#templates_2")]


def test_documents_generated_by_mkdocstrings_or_mkdocs_click(scan):
    files = {
        "mkdocs.yml": "site_name: x\n",
        "docs/cli.md": "# CLI\n\n::: mkdocs-click\n    :module: pkg.cli\n    :command: cli\n",
        "docs/api.md": "# API\n\n::: pkg.module.Class\n    options:\n      show_source: false\n",
        "docs/tips.md": "# Tips\n\n::: tip\nA VuePress container.\n:::\n",
        "docs/index.md": "[a](cli.md#cli-build) [b](api.md#pkg.module.Class.method) [bad](tips.md#nope)\n",
    }
    assert scan(files) == [("APR202", "docs/index.md", 1, "#nope")]


def test_myst_targets_are_link_and_anchor_targets(scan):
    files = {
        "docs/style.md": "# Style\n\n(labels/stability-policy)=\n\n## Stability policy\n",
        "docs/guide/use.md": "[policy](labels/stability-policy) [anchor](../style.md#labels/stability-policy)\n[bad](labels/gone)\n",
    }
    assert scan(files) == [("APR201", "docs/guide/use.md", 2, "labels/gone")]


def test_prompts_with_virtualenv_and_host_skip_output_lines(scan):
    doc = (
        "```console\n"
        "(.venv) $ python scripts/gone.py\n"
        "src/output/written.txt\n"
        "user@host:~/proj$ python scripts/run.py\n"
        "[me@box proj]$ python src/gone2.py\n"
        "% python src/gone3.py\n"
        "```\n"
    )
    files = {"scripts/run.py": "", "src/a.py": "", "README.md": doc}
    assert scan(files) == [
        ("APR203", "README.md", 2, "scripts/gone.py"),
        ("APR203", "README.md", 5, "src/gone2.py"),
        ("APR203", "README.md", 6, "src/gone3.py"),
    ]


def test_sphinx_build_output_directory_is_written(scan):
    doc = "```sh\nsphinx-build -a -b html -W docs/ docs/_build/\npython -m sphinx docs docs/_out/html\nsphinx-build docs/gone/ docs/_b/\n```\n"
    assert scan({"docs/index.md": "# Docs\n", "README.md": doc}) == [("APR203", "README.md", 4, "docs/gone/")]


def test_inline_code_with_spaces_and_placeholder_names(scan):
    files = {
        "docs/guide/My File.md": "# x\n",
        "src/pkg/mod.py": "",
        "docs/index.md": (
            "`guide/My File.md` `src/foo/file.ext` `src/my_project/__init__.py` `path/to/file.py` `src/mypackage`\n"
            "`src/pkg/foo.py` `src/pkg/gone.py` `node src/myFirstPlugin.test.js` `src/mystery.py`\n"
            "`src/.../mod.py` `src/\u2026/mod.py` `src/pkg/...`\n"
            "`src/path_to_test.py` `src/pkg/test_` `src/client_your_provider.py` `src/client_myprovider.py` `src/pkg/mypy.ini`\n"
        ),
    }
    # `src/pkg/foo.py`: `src/pkg` exists, `foo.py` is the missing placeholder
    assert scan(files) == [("APR203", "docs/index.md", 2, "src/pkg/gone.py"), ("APR203", "docs/index.md", 2, "src/mystery.py"),
        ("APR203", "docs/index.md", 4, "src/pkg/mypy.ini"),
    ]


def test_git_ignored_targets_are_build_output_not_drift(scan):
    files = {
        ".gitignore": "_build/\n/site/\n.env\n",
        "docs/index.md": "# Docs\n",
        "CONTRIBUTING.md": (
            "Open `docs/_build/html/index.html` after the build; see [the site](site/index.html).\n"
            "Copy `docs/.env` from the example. But `docs/gone.md` and [this](docs/old.md) are drift.\n"
        ),
    }
    assert scan(files) == [("APR203", "CONTRIBUTING.md", 2, "docs/gone.md"), ("APR201", "CONTRIBUTING.md", 2, "docs/old.md")]


def test_git_ignored_targets_among_thousands_and_option_like_names(scan):
    """Git is asked about every missing target, more than a pipe holds (written as git reads): a
    target in an ignored folder is dropped wherever it falls, one named like an option is a
    path, not an option of git."""
    lines = [f"[{n}](_build/{'deep/' * 40}page{n}.html) [{n}](gone/{'deep/' * 40}page{n}.html)\n" for n in range(800)]
    files = {".gitignore": "_build/\n--cached\n", "README.md": "".join(lines) + "[o](--cached) [p](--version)\n"}
    found = scan(files)
    assert len(found) == 801
    assert all(target.startswith("gone/") for _, _, _, target in found[:-1]), found[:3]
    assert found[-1] == ("APR201", "README.md", 801, "--version")


def test_docs_sites_serve_pages_without_their_suffix(scan):
    page = "[a](intro) [b](../docs/intro/) [c](guide/) [bad](nowhere)\n"
    files = {"docs/intro.md": "# Intro\n", "docs/guide/index.md": "# G\n", "docs/page.md": page, "README.md": "[r](docs/intro)\n"}
    # on GitHub (no site configuration) each suffix-less link is broken
    assert [f[3] for f in scan(files)] == ["docs/intro", "intro", "../docs/intro/", "nowhere"]
    files["docusaurus.config.js"] = "module.exports = {};\n"
    # a top-level README is still read on GitHub
    assert scan(files) == [("APR201", "README.md", 1, "docs/intro"), ("APR201", "docs/page.md", 1, "nowhere")]


@pytest.mark.parametrize(
    "marker",
    ["docs/sidebar.json", "mint.json", "astro.config.mjs", "theme.config.tsx", "docs/_sidebar.md"],
    ids=["own navigation tree", "mintlify", "astro starlight", "nextra", "docsify"],
)
def test_sites_known_by_their_navigation_serve_pages_without_their_suffix(scan, marker):
    """Docs written for a site autopack has no rules for, known by its configuration or navigation
    file: a page link without its suffix (relative or from the site root) is a route of the site
    when the page exists; a link to a page that does not exist is still drift."""
    page = "[a](../reference/tools) [b](/docs/reference/tools) [bad](../reference/gone)\n"
    files = {"docs/reference/tools.md": "# Tools\n", "docs/hooks/page.md": page, "README.md": "[r](docs/reference/tools)\n"}
    assert [f[3] for f in scan(files)] == ["docs/reference/tools", "../reference/tools", "/docs/reference/tools", "../reference/gone"]
    files[marker] = "{}\n"
    assert scan(files) == [("APR201", "README.md", 1, "docs/reference/tools"), ("APR201", "docs/hooks/page.md", 1, "../reference/gone")]


def test_git_branch_names_are_not_paths(scan):
    doc = (
        "```bash\n"
        "git checkout -b docs/fix-typo\n"
        "git push origin docs/fix-typo && git switch src/feature\n"
        "git checkout -- docs/gone.md\n"
        "git log -- src/gone.py\n"
        "```\n"
    )
    files = {"docs/index.md": "# Docs\n", "src/a.py": "", "CONTRIBUTING.md": doc}
    assert scan(files) == [("APR203", "CONTRIBUTING.md", 4, "docs/gone.md"), ("APR203", "CONTRIBUTING.md", 5, "src/gone.py")]


def test_test_fixtures_are_not_documentation_and_placeholder_hrefs(scan):
    files = {
        "tests/fixtures/broken.md": "[x](gone.md) `src/gone.py`\n",
        "lib/__tests__/__fixtures__/doc.md": "![x](assets/image1.png)\n",
        "scripts/tests/test_fixer/data/en_doc.md": "[x](project-generation.md) [y](#header-2)\n",
        "src/a.py": "",
        "docs/syntax.md": "Write links as [text](url) or <a href=\"url\">text</a> or [docs](provider-docs-url); [real](gone.md) `src/gone.py`\n",
        "README.md": "[fixture](tests/fixtures/broken.md#nope)\n",
    }
    assert scan(files) == [
        ("APR202", "README.md", 1, "#nope"),
        ("APR201", "docs/syntax.md", 1, "gone.md"),
        ("APR203", "docs/syntax.md", 1, "src/gone.py"),
    ]


def test_the_same_missing_path_twice_on_a_line_has_two_columns(make_repo, monkeypatch, capsys):
    repo = make_repo({"tools/a.py": "", "README.md": "Run `python tools/gen.py --a`, or `python tools/gen.py --b`.\n"})
    monkeypatch.chdir(repo)
    doc_drift.main(["--all-files", "--format", "json"])
    findings = json.loads(capsys.readouterr().out)
    assert [(f["line"], f["column"]) for f in findings] == [(1, 13), (1, 43)]


def test_docusaurus_site_alias(scan):
    files = {
        "website/docusaurus.config.js": "module.exports = {};\n",
        "website/static/img/logo.png": b"\x89PNG\0",
        "website/docs/intro.md": "# Intro\n",
        "website/docs/guide/page.md": "![logo](@site/static/img/logo.png) [i](@site/docs/intro.md) [bad](@site/docs/gone.md)\n",
    }
    assert scan(files) == [("APR201", "website/docs/guide/page.md", 1, "/docs/gone.md")]


def test_blog_posts_decision_records_and_migration_guides_are_history(scan):
    text = "Moved `src/pkg/old.py` to `src/pkg/mod.py`.\n"
    files = {
        "src/pkg/mod.py": "",
        "docs/blog/posts/release-1.0.md": text,
        "docs/adr/0001-layout.md": text,
        "docs/Migration-Guide-V5.md": text,
        "docs/migration/v2.md": text,
        "docs/guide.md": text,
    }
    assert scan(files) == [("APR203", "docs/guide.md", 1, "src/pkg/old.py")]


def test_pytest_selection_expressions_are_not_paths(scan):
    doc = "```bash\npytest src/pkg/mod.py -k \"src/api/v1\" -m slow\npytest src/pkg/gone.py\n```\n"
    assert scan({"src/pkg/mod.py": "", "src/api/x.py": "", "README.md": doc}) == [("APR203", "README.md", 3, "src/pkg/gone.py")]


def test_a_symlinked_copy_of_a_document_is_checked_once_where_it_lives(make_repo, monkeypatch, capsys):
    from tests.conftest import git

    repo = make_repo({
        "CHANGELOG.md": "# Changelog\n",
        "CONTRIBUTING.md": "See [the changelog](CHANGELOG.md) and [gone](gone.md).\n",
        "mkdocs.yml": "site_name: x\n",
        "docs/index.md": "# Docs\n",
    }, commit=False)
    (repo / "docs" / "contributing.md").symlink_to("../CONTRIBUTING.md")
    (repo / "docs" / "changelog.md").symlink_to("../CHANGELOG.md")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    monkeypatch.chdir(repo)
    doc_drift.main(["--all-files", "--format", "json"])
    findings = json.loads(capsys.readouterr().out)
    assert [(f["path"], f["line"], f["data"]["target"]) for f in findings] == [("CONTRIBUTING.md", 1, "gone.md")]


def test_emoji_shortcodes_in_headings_keep_their_space(scan):
    doc = "# Readme\n\n## Ship it :rocket:\n\n## :sparkles: Features\n\n[a](#ship-it-) [b](#ship-it) [c](#-features) [d](#features) [bad](#ship)\n"
    assert scan({"README.md": doc}) == [("APR202", "README.md", 7, "#ship")]


def test_footnote_anchors(scan):
    doc = "# Readme\n\nText[^note].\n\n[back](#fnref-note) [n](#user-content-fn-note) [md](#fn:note) [bad](#fn-other)\n\n[^note]: A note.\n"
    assert scan({"README.md": doc}) == [("APR202", "README.md", 5, "#fn-other")]


def test_links_and_commands_inside_mkdocs_admonitions_and_tabs(scan):
    doc = (
        "# Guide\n\n"
        "!!! note \"Read first\"\n\n"
        "    See [the setup](setup.md) and [gone](gone.md).\n\n"
        "    ```bash\n"
        "    python scripts/gone.py\n"
        "    ```\n\n"
        "=== \"pip\"\n\n"
        "    Run `python scripts/run.py` or [old](old.md#x).\n\n"
        "Plain indented code is code:\n\n"
        "    [not a link](nowhere.md)\n"
    )
    files = {"docs/setup.md": "# Setup\n", "scripts/run.py": "", "docs/guide.md": doc}
    assert scan(files) == [
        ("APR201", "docs/guide.md", 5, "gone.md"),
        ("APR203", "docs/guide.md", 8, "scripts/gone.py"),
        ("APR201", "docs/guide.md", 13, "old.md"),
    ]


def test_templated_headings_make_anchors_unknowable_and_go_package_patterns(scan):
    files = {
        "docs/vars.md": "# Variables\n\n## {{ config.site_name }} settings\n",
        "docs/plain.md": "# Plain\n",
        "pkg/a/a.go": "",
        "README.md": "[a](docs/vars.md#my-site-settings) [bad](docs/plain.md#nope)\n\n```sh\ngo test ./pkg/...\ngo run ./pkg/gone\n```\n",
    }
    assert scan(files) == [("APR202", "README.md", 1, "#nope"), ("APR203", "README.md", 5, "pkg/gone")]


def test_a_docs_folder_named_fixtures_is_documentation(scan):
    files = {"docs/fixtures/index.md": "[gone](gone.md)\n", "tests/fixtures/x.md": "[gone](gone.md)\n"}
    assert scan(files) == [("APR201", "docs/fixtures/index.md", 1, "gone.md")]


def test_jekyll_permalinks_to_pages(scan):
    files = {"docs/_config.yml": "title: x\n", "docs/install.md": "# Install\n",
             "docs/guide/use.md": "[i](/docs/install/) [j](../install) [bad](/docs/gone/)\n"}
    assert scan(files) == [("APR201", "docs/guide/use.md", 1, "/docs/gone/")]


def test_prose_punctuation_after_paths_in_code(scan):
    doc = "Files: `src/a.py, src/gone.py, src/pkg.` and `see src/b.py.` and `src/a.py:12:`\n"
    # `src/b.py.` was skipped whole before (a word with a trailing dot): now found
    assert scan({"src/a.py": "", "src/pkg/x.py": "", "README.md": doc}) == [
        ("APR203", "README.md", 1, "src/gone.py"),
        ("APR203", "README.md", 1, "src/b.py"),
    ]


def test_go_vendored_modules_are_judged_in_their_own_repositories(scan):
    # `go mod vendor` copies a module's README without the images and examples it links
    files = {
        "go.mod": "module example.com/app\n",
        "vendor/modules.txt": "# github.com/x/color v1.0.0\n",
        "vendor/github.com/x/color/README.md": "![demo](_examples/images/demo.png)\n",
        "third/vendor/README.md": "[gone](gone.md)\n",
        "README.md": "[gone](docs/gone.md)\n",
    }
    assert scan(files) == [("APR201", "README.md", 1, "docs/gone.md"), ("APR201", "third/vendor/README.md", 1, "gone.md")]

"""Doc drift, built-in Markdown checks (APR201 links, APR202 anchors, APR203 code paths)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autopack import doc_drift
from tests.conftest import git, run_script


@pytest.fixture
def scan(make_repo, monkeypatch, capsys):
    """`scan(files, *args)` → the findings (as JSON dicts) of `autopack-doc-drift --all-files`."""

    def run(files: dict[str, str | bytes], *args: str) -> list[dict]:
        repo = make_repo(files)
        monkeypatch.chdir(repo)
        code = doc_drift.main(["--all-files", "--format", "json", *args])
        findings = json.loads(capsys.readouterr().out)
        assert code == (1 if findings else 0)
        return findings

    return run


def brief(findings: list[dict]) -> list[tuple[str, str, int | None]]:
    return [(f["rule"], f["path"], f["line"]) for f in findings]


BASE = {
    "docs/guide.md": "# Guide\n\n## Install it\n\n## Install it\n",
    "docs/images/logo.png": b"\x89PNG\0",
    "docs/my file.md": "# Spaces\n",
    "src/pkg/mod.py": "x = 1\n",
    "scripts/run.py": "print(1)\n",
}


def test_relative_links_and_images_to_missing_files(scan):
    findings = scan({**BASE, "README.md": (
        "# Readme\n\n"
        "[ok](docs/guide.md) [gone](docs/old-guide.md)\n"
        "![logo](docs/images/logo.png) ![gone](docs/images/old.png)\n"
        "[root ok](/docs/guide.md) [root gone](/docs/nowhere.md)\n"
        "[spaces](docs/my%20file.md) [query](docs/guide.md?raw=1) [dir](src/) [dir2](docs)\n"
        "[escape](../outside.md) [angle](<docs/my file.md>)\n"
    )})
    assert brief(findings) == [("APR201", "README.md", 3), ("APR201", "README.md", 4), ("APR201", "README.md", 5)]
    assert findings[0]["column"] == 28 and "docs/old-guide.md" in findings[0]["message"]
    assert findings[1]["message"].startswith("image target")


def test_links_resolve_from_the_document_folder(scan):
    findings = scan({**BASE, "docs/sub/page.md": "[up](../guide.md) [here](page.md) [bad](guide.md)\n\n[root](/README.md)\n"})
    assert brief(findings) == [("APR201", "docs/sub/page.md", 1), ("APR201", "docs/sub/page.md", 3)]
    assert "resolved to docs/sub/guide.md" in findings[0]["message"]


def test_root_relative_links_of_a_docs_site(scan):
    findings = scan({
        "site/docs/img/logo.png": b"PNG\0",
        "site/docs/guide/page.md": "# Page\n\n## Setup\n",
        "site/docs/guide/usage.md": (
            "![logo](/img/logo.png) [page](/guide/page.md#setup) [route](/guide/page)\n"
            "![gone](/img/gone.png) [bad anchor](/guide/page.md#nope)\n"
        ),
    })
    assert brief(findings) == [("APR201", "site/docs/guide/usage.md", 2), ("APR202", "site/docs/guide/usage.md", 2)]


def test_reference_links_html_and_line_numbers(scan):
    findings = scan({**BASE, "README.md": (
        "# Readme\n\n"
        "A paragraph that spans\n"
        "lines and then [a ref][gone] on line 4.\n\n"
        "| a | b |\n|---|---|\n| x | [cell](nope.md) |\n\n"
        '<p align="center"><img src="docs/images/missing.png"></p>\n\n'
        'Inline <a href="docs/absent.md">html</a> link.\n\n'
        "[gone]: docs/ref-target.md\n"
    )})
    assert brief(findings) == [
        ("APR201", "README.md", 4),
        ("APR201", "README.md", 8),
        ("APR201", "README.md", 10),
        ("APR201", "README.md", 12),
    ]


def test_never_flagged_code_external_comments_directories(scan):
    findings = scan({**BASE, "README.md": (
        "# Readme\n\n"
        "`[in code](gone.md)` and ``![img](gone.png)``\n\n"
        "```markdown\n[in a fence](gone.md)\n```\n\n"
        "    [indented code](gone.md)\n\n"
        "<!-- [commented](gone.md) -->\n\n"
        "Text <!-- [inline comment](gone.md) --> more.\n\n"
        "<!--\n[multi-line comment](gone.md)\n-->\n\n"
        "[web](https://example.com/gone.md) <https://example.com/x> [mail](mailto:a@example.com)\n"
        "[proto](//cdn.example.com/x.js) [ftp](ftp://example.com/x) [tel](tel:+123)\n"
        "[dir](docs/) [dir](src/pkg) [top](#readme) [jekyll]({{ site.baseurl }}/x.md)\n"
        "A footnote[^1] and another[^note].\n\n[^1]: Note.\n[^note]: docs.md\n"
    )})
    assert findings == []


def test_anchors_follow_github_slug_rules(scan):
    findings = scan({
        "docs/guide.md": (
            "# Guide\n\n## Install it\n\n## Install it\n\n## Install it\n\n"
            "## Überblick & Café — naïve\n\n## `code` in *heading* (v2.0)!\n\n"
            "## [Linked](../x.md) title\n\n<a id=\"custom-anchor\"></a>\n\n<a name=\"legacy\"></a>\n\n"
            "## snake_case and-dash\n"
        ),
        "x.md": "# X\n",
        "README.md": (
            "[a](docs/guide.md#install-it) [b](docs/guide.md#install-it-1) [c](docs/guide.md#install-it-2)\n"
            "[d](docs/guide.md#überblick--café--naïve) [e](docs/guide.md#code-in-heading-v20)\n"
            "[f](docs/guide.md#linked-title) [g](docs/guide.md#custom-anchor) [h](docs/guide.md#legacy)\n"
            "[i](docs/guide.md#snake_case-and-dash) [j](docs/guide.md#Install-It) [k](docs/guide.md#%C3%9Cberblick--caf%C3%A9--na%C3%AFve)\n"
            "[bad1](docs/guide.md#install-it-3) [bad2](docs/guide.md#instal-it) [bad3](#nowhere)\n"
            "[line anchor](x.md) [py](src.py#L10)\n"
        ),
        "src.py": "x = 1\n",
    })
    assert brief(findings) == [("APR202", "README.md", 5)] * 3
    messages = [f["message"] for f in findings]
    assert "did you mean `#install-it`" in messages[1]
    assert "in this document" in messages[2]


def test_anchor_in_the_same_document_and_front_matter(scan):
    findings = scan({"page.md": "---\ntitle: Front matter\n---\n# Real title\n\n[ok](#real-title) [fm](#title-front-matter)\n"})
    assert brief(findings) == [("APR202", "page.md", 6)]


def test_code_paths_in_inline_code(scan):
    findings = scan({**BASE, "docs/usage.md": (
        "# Usage\n\n"
        "Edit `src/pkg/mod.py` (fine) or `src/pkg/old.py` (gone) or `src/pkg/mod.py:3` (fine).\n"
        "Run `python scripts/run.py --check` or `python scripts/gone.py`.\n"
        "Not checked: `path/to/file.txt`, `lib/x.py` (no such top-level dir), `https://x.org/src/a.py`,\n"
        "`src/**/*.py`, `src/{a,b}.py`, `$HOME/src/x`, `/usr/src/x.c`, `mkdir src/newdir`, `guide.md`.\n"
        "From the doc folder: `images/logo.png` and `images/gone.png`; `../src/pkg/mod.py`.\n"
        "[`src/pkg/linked.py`](../src/pkg/mod.py) is a link, checked as a link only.\n"
        "A module named without its suffix: `src/pkg/mod`; a file without one: `src/pkg/Makefile`.\n"
    )})
    assert brief(findings) == [
        ("APR203", "docs/usage.md", 3),
        ("APR203", "docs/usage.md", 4),
        ("APR203", "docs/usage.md", 7),
        ("APR203", "docs/usage.md", 9),
    ]
    assert "`src/pkg/old.py` in inline code" in findings[0]["message"]
    assert findings[3]["data"]["target"] == "src/pkg/Makefile"
    assert "images/gone.png" in findings[2]["message"]


def test_code_paths_in_shell_blocks(scan):
    findings = scan({**BASE, "README.md": (
        "# Readme\n\n"
        "```bash\npython scripts/run.py\npython scripts/gone.py  # comment src/not/a.py\n```\n\n"
        "```console\n$ pytest src/pkg/mod.py src/pkg/missing_test.py\nsrc/pkg/output_only.py PASSED\n```\n\n"
        "```\npython scripts/untagged.py\n```\n\n"
        "```python\nopen('scripts/python_block.py')\n```\n\n"
        "```sh\nmkdir -p src/newpkg && touch src/newpkg/__init__.py\ncp scripts/run.py scripts/copy.py\n"
        "python scripts/run.py > src/out.txt\ncd src/pkg && ls\npython -m venv .venv\n"
        "cat <<EOF > scripts/config.ini\nscripts/heredoc-body.py\nEOF\n"
        "python scripts/run.py \\\n  --config scripts/missing.toml\n```\n\n"
        "```zsh\n$ ./scripts/gone.sh\n```\n\n"
        "```bash\nmkdir -p scripts/new && touch scripts/new/a.py\npython scripts/new/a.py --out=scripts/gen.txt\n"
        "cat scripts/gen.txt\ncd src && python pkg/mod.py && python scripts/run.py\ncd pkg\ncat mod.py ../pkg/gone.py\n```\n"
    )})
    assert brief(findings) == [
        ("APR203", "README.md", 5),
        ("APR203", "README.md", 9),
        ("APR203", "README.md", 31),
        ("APR203", "README.md", 35),
        ("APR203", "README.md", 44),
    ]
    assert [f["data"]["target"] for f in findings] == [
        "scripts/gone.py", "src/pkg/missing_test.py", "scripts/missing.toml", "scripts/gone.sh", "../pkg/gone.py",
    ]


def test_switches_globs_and_ignore_targets(scan):
    files = {**BASE, "README.md": "[gone](docs/gone.md) [anchor](docs/guide.md#nope) `src/gone.py`\n", "notes/n.md": "[x](gone.md)\n"}
    assert {f["rule"] for f in scan(files)} == {"APR201", "APR202", "APR203"}
    config = '[doc-drift]\ncheck-links = false\ncheck-code-paths = false\ndocs-globs = ["README.md"]\n'
    assert brief(scan({**files, ".autopack.toml": config})) == [("APR202", "README.md", 1)]
    config = '[doc-drift]\nignore-targets = ["docs/gone.md", "notes/**", "src/gone.py"]\n'
    assert brief(scan({**files, ".autopack.toml": config})) == [("APR202", "README.md", 1)]


def test_code_paths_only_under_tracked_directories(make_repo, monkeypatch, capsys):
    repo = make_repo({".gitignore": "build/\n", "README.md": "Run `build/bin/tool` then `src/app.py`.\n", "src/main.py": ""})
    (repo / "build" / "lib").mkdir(parents=True)  # a local, ignored build folder: not part of the repo
    monkeypatch.chdir(repo)
    assert doc_drift.main(["--format", "json"]) == 1
    assert [f["data"]["target"] for f in json.loads(capsys.readouterr().out)] == ["src/app.py"]


def test_paths_into_submodules_are_not_judged(scan):
    gitmodules = '[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = https://example.com/lib.git\n'
    findings = scan({
        ".gitmodules": gitmodules,
        "vendor/README.md": "[lib docs](lib/docs/index.md) `vendor/lib/src/x.c` [gone](other/x.md)\n",
    })
    assert [f["data"]["target"] for f in findings] == ["vendor/other/x.md"]


def test_changelogs_name_old_paths_on_purpose(scan):
    history = "# Changelog\n\n- Moved `src/pkg/old.py` to `src/pkg/mod.py`.\n- See [the old guide](docs/old.md).\n"
    findings = scan({**BASE, "CHANGELOG.md": history, "docs/releases/Release-Notes-2.md": history, "docs/notes.md": history})
    # docs/notes.md is a changelog by its heading (`# Changelog`): its moved path is history too
    assert brief(findings) == [
        ("APR201", "CHANGELOG.md", 4),
        ("APR201", "docs/notes.md", 4),
        ("APR201", "docs/releases/Release-Notes-2.md", 4),
    ]


def test_suppression_comment_in_markdown(scan):
    findings = scan({"README.md": "<!-- autopack: ignore[APR201] -->\n[gone](gone.md)\n\n[also gone](gone2.md)\n"})
    assert brief(findings) == [("APR201", "README.md", 4)]


def test_crlf_bom_and_non_utf8_documents(scan):
    findings = scan({
        "a.md": "\ufeff# Title\r\n\r\n[x](gone.md)\r\n[y](#title)\r\n".encode("utf-8"),
        "b.md": b"# Caf\xe9\n\n[z](missing.md)\n",
        "binary.md": b"\0\0\0",
    })
    assert brief(findings) == [("APR201", "a.md", 3), ("APR201", "b.md", 3)]  # three NULs are text, not binary


def test_whole_doc_set_is_checked_whatever_files_are_passed(make_repo):
    repo = make_repo({"README.md": "[guide](docs/guide.md)\n", "docs/guide.md": "# Guide\n", "src/x.py": "x = 1\n"})
    git(repo, "mv", "docs/guide.md", "docs/manual.md")
    result = run_script("autopack-doc-drift", "src/x.py", cwd=repo)
    assert result.returncode == 1
    assert "README.md:1:9: APR201" in result.stdout


def test_github_slug_function():
    slugger = doc_drift.slugs.Slugger()
    assert [slugger.slug("Intro"), slugger.slug("Intro"), slugger.slug("Intro-1"), slugger.slug("Intro")] == [
        "intro", "intro-1", "intro-1-1", "intro-2",
    ]
    assert doc_drift.slugs.github_slug("What's new in 2.0?") == "whats-new-in-20"
    assert doc_drift.slugs.github_slug("日本語 の 見出し") == "日本語-の-見出し"
    assert doc_drift.slugs.github_slug("A  --  B") == "a------b"


def test_python_markdown_slug_numbering_matches_its_unique():
    """Python-Markdown's `unique()`: a taken `name_N` counts on from N (`v_2` → `v_3`)."""
    slugger = doc_drift.slugs.TocSlugger()
    texts = ["Intro", "Intro", "Intro", "v_2", "v_2", "v", "v", "", ""]
    assert [slugger.slug(text) for text in texts] == ["intro", "intro_1", "intro_2", "v_2", "v_3", "v", "v_1", "_1", "_2"]


def test_ten_thousand_equal_headings_are_numbered_to_the_end(scan):
    """10,000 `# a` (40 KB) took 34 s when each duplicate searched its number from 1."""
    page = "# a\n" * 10_000 + "[last](#a-9999) [mkdocs](#a_9999) [past](#a-10000)\n"
    findings = scan({"docs/index.md": page, "mkdocs.yml": "site_name: x\n"})
    assert [(f["rule"], f["data"]["anchor"]) for f in findings] == [("APR202", "a-10000")]


def test_pre_commit_runs_the_hook(make_repo, pre_commit_run):
    repo = make_repo({
        "README.md": "# Readme\n\nSee [the guide](docs/guide.md#setup).\n",
        "docs/guide.md": "# Guide\n\n## Set up\n",
        "scripts/check_docs.py": "import sys\nsys.exit(0)\n",
        ".autopack.toml": '[[doc-drift.commands]]\nrun = "python scripts/check_docs.py"\n',
    })
    result = pre_commit_run(repo, "doc-drift", "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "README.md:3:17: APR202 anchor `#setup` matches no heading in docs/guide.md" in result.stdout
    Path(repo / "README.md").write_text("# Readme\n\nSee [the guide](docs/guide.md#set-up).\n", encoding="utf-8")
    result = pre_commit_run(repo, "doc-drift", "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_hook_module_imports_its_parser_and_runner_only_when_needed():
    import subprocess
    import sys

    code = "import sys, autopack.doc_drift; print(' '.join(sorted(sys.modules)))"
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())
    assert not {"markdown_it", "autopack.commands", "yaml", "jsonschema"} & loaded


def test_many_documents_parsed_in_parallel_give_the_serial_findings(make_repo, monkeypatch, capsys):
    pages = {f"docs/p{i:03d}.md": f"# Page {i}\n\n[next](p{i + 1:03d}.md#page-{i + 1}) `src/m{i}.py`\n" for i in range(80)}
    repo = make_repo({**pages, "src/m1.py": ""})
    monkeypatch.chdir(repo)
    outputs = []
    for threshold in (doc_drift.repo.PARALLEL_MIN_DOCUMENTS, 10**9):
        monkeypatch.setattr(doc_drift.repo, "PARALLEL_MIN_DOCUMENTS", threshold)
        assert doc_drift.main(["--format", "json"]) == 1
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    findings = json.loads(outputs[0])
    assert [f["data"]["target"] for f in findings if f["rule"] == "APR201"] == ["docs/p080.md"]
    assert len([f for f in findings if f["rule"] == "APR203"]) == 79

"""Code paths (APR203): repository paths named in inline code and shell code blocks that do not
exist."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from functools import lru_cache

from autopack.doc_drift.markdown import Document, Reference
from autopack.doc_drift.repo import Repo, column_of, resolve, source_line
from autopack.doc_drift.rules import MISSING_CODE_PATH
from autopack.doc_drift.sites import is_language
from autopack.doc_drift.sites.github import app_template
from autopack.findings import Finding
from autopack.lazy import lazy_pattern

# Names that stand for "your file here" in examples: `src/foo/file.ext`, `path/to/x`, `src/mypackage`.
_PLACEHOLDERS = frozenset({
    "foo", "bar", "baz", "qux", "quux", "foobar", "spam", "eggs", "ham", "xxx", "yyy", "zzz",
    "mypackage", "mypkg", "myproject", "mymodule", "myapp", "mylib", "yourpackage", "yourproject", "yourapp",
})


_MY_NAME = lazy_pattern(r"(?:^|[_-])my(?:[A-Z_-]|provider|project|package|plugin|module|app|lib|model|service|component|file|script)")


# Folder names every project of a kind has (`src/`, `docs/`, `.github/workflows/`, `layouts/`):
# a path made only of these names and new ones can be the reader's project as well as this one.
CONVENTIONAL = frozenset("""
src lib libs app apps source sources doc docs documentation public static assets asset content contents layouts layout
_layouts _includes includes include _partials partials partial _default default shortcodes _sass sass scss css styles
stylesheets javascripts js scripts script bin tools tool config configs conf settings test tests testing spec specs __tests__
e2e unit integration fixtures examples example samples sample demo demos templates template theme themes overrides hooks
plugins plugin components component pages page api apis features feature utils util helpers helper common shared core
images image img imgs icons media fonts data _data i18n locales locale translations blog posts _posts archetypes
resources res build dist out output target site _site www html views view models model controllers routes middleware
services server client web frontend backend packages pkg cmd internal vendor modules module .github workflows
ISSUE_TEMPLATE .vitepress .vuepress .docusaurus .storybook .vscode .devcontainer .circleci .gitlab charts chart
files crds migrations db database schemas schema types typings generated gen
""".split())


def _only_conventional(parts: list[str], existing: int) -> bool:
    """The path's existing folders (after the first) are all conventional names: nothing in it
    is specific to this repository."""
    return all(part in CONVENTIONAL or is_language(part) for part in parts[1:existing])


# `PROVIDER_NAME.js`, `chapterXX.md`, `xx.po`: names that stand for one the reader picks.
_SHOUTED = lazy_pattern(r"[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]|.*(?:XX|xx)")
# `YYYY-MM-DD.md`, `log-YYYYMMDD.txt`: a date the program (or the writer) fills in.
_DATED = lazy_pattern(r".*(?:YYYY|YY-?MM|MM-?DD|HH-?MM).*")
_EXAMPLE_WORDS = frozenset({"blah", "example", "examples", "sample", "dummy", "whatever", "something", "somewhere", "xyz", "abc"})


def elided_or_dated(parts: list[str]) -> bool:
    """`src/.../x.py`, `.../.../`, `memory/YYYY-MM-DD.md`, `ADR-YYYY.md`: an elision or a date the
    writer (or the program) fills in, not a name of the repository."""
    return any("..." in part or "\u2026" in part or _DATED.fullmatch(part) is not None for part in parts)


def _placeholder(repo: Repo, path: str) -> bool:
    """A missing part of `path` is a placeholder name (`foo`, `my_project`, `path/to`,
    `your-image.png`): an example, not a reference to a file of this repository."""
    parts = path.split("/")
    if elided_or_dated(parts):
        return True
    depth = 1
    while depth <= len(parts) and repo.exists("/".join(parts[:depth])):
        depth += 1
    for index in range(depth, len(parts) + 1):  # the missing parts
        part = parts[index - 1]
        name = part.lower()
        stem = name.split(".", 1)[0]
        if (
            stem in _PLACEHOLDERS
            or stem in _EXAMPLE_WORDS
            or _SHOUTED.fullmatch(part.split(".", 1)[0]) is not None
            or stem.startswith(("blah", "example"))  # `example-app/`, `ExampleTest.php`
            or stem.startswith(("my_", "my-", "some_", "some-", "path_to", "path-to"))
            or "your" in stem  # `client_your_provider.py`, `yourapp`
            or _MY_NAME.search(part) is not None  # `myFirstPlugin.test.js`, `client_myprovider.py`
            or (index == len(parts) and stem.endswith(("_", "-")) and "." not in name)  # `tests/test_`: a prefix
            or (name == "path" and parts[index : index + 1] == ["to"])
        ):
            return True
    return False


# The sentence tells the reader to make the file (`copy it to files/httpd.conf`, `create
# .github/workflows/x.yml`), says it is not there, or gives it as an example (`for example,
# patches/my-patch`): not a reference to an existing file.
_TO_BE_MADE = lazy_pattern(
    r"\b(?:creat(?:e|es|ing)|copy|copying|save|generat(?:e|es|ing)|"
    r"rename|not (?:found|exist|present)|doesn't exist|does not exist|no longer|delet(?:e|ed|ing)|remov(?:e|ed|ing)|was moved|missing|there is no|no such|"
    r"for example|for instance|example)\b|\be\.g\.|创建|新建",  # `e.g.,`: no word boundary after its dot
    re.IGNORECASE)
# `src/instrumentation.ts` (create if it does not exist): the words right after the path say the same.
_MADE_AFTER = lazy_pattern(r"`?\**\s*[(（]\s*(?:to be |will be )?(?:creat|新建|创建)", re.IGNORECASE)
# `### 4. Create the components`, `### 创建组件`: a section whose heading makes files lists new ones.
_CREATING_SECTION = lazy_pattern(r"[\W\d]*(?:creat(?:e|ing)\b|创建|新建)", re.IGNORECASE)
# `- [ ] Write docs/tdd-kata.md`: an unchecked task-list item is work still to do, its files too.
_OPEN_TASK = lazy_pattern(r"[ \t]*[-*+][ \t]+\[ \][ \t]")
# A table with an `Example Files` or `Examples` column lists made-up paths of the kind it means.
_EXAMPLE_COLUMN = lazy_pattern(r"\bexamples?\b", re.IGNORECASE)
# `... doc.rs in [rust-lang/rust](https://github.com/rust-lang/rust)`: a path of another repository.
_OTHER_REPOSITORY = lazy_pattern(r"https?://(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)/[\w.-]+/[\w.-]+")
# Sections that tell history: `## Upgrading`, `### To 4.0.0`, `## Breaking changes`, `## Migration`.
_HISTORY_SECTION = lazy_pattern(r"upgrad|migrat|changelog|change log|release notes|breaking change|deprecat|history|^to v?\d|what changes", re.IGNORECASE)


def _relative_to_named_folder(repo: Repo, document: Document, word: str) -> bool:
    """`charts/crds/files/crds.bz2` in a text about `kube-prometheus-stack`, whose folder has it:
    a path relative to a folder the text names, not a missing one."""
    text = document.source.text
    for folder in repo.folders_ending_with(word):
        name = posixpath.basename(folder)
        if len(name) < 3:
            continue
        if (name not in CONVENTIONAL and name in text) or f"`{name}`" in text or f"{name}/" in text:
            return True  # a conventional name (`backend`) counts when the text names it as a folder
    return False


def _context_says_otherwise(document: Document, reference: Reference, table_headers: dict[int, int]) -> bool:
    """The words around the path say it is not (yet) a file of this repository: the sentence
    before it asks to create it or says it is missing, the line links another repository, or
    it is under a section that tells the history of the project."""
    text = source_line(document, reference.line)
    at = max(text.find(reference.target), 0)
    sentence = re.split(r"[.!?]\s", _paragraph_before(document, reference) + text[:at])[-1]
    if (_TO_BE_MADE.search(sentence) or _MADE_AFTER.match(text, at + len(reference.target))
            or _OTHER_REPOSITORY.search(text) or _OPEN_TASK.match(text)
            or _EXAMPLE_COLUMN.search(_table_header(document, reference.line, table_headers))):
        return True
    sections = document.sections_at(reference.line)
    return any(_HISTORY_SECTION.search(heading) for heading in sections) or (
        bool(sections) and _CREATING_SECTION.match(sections[-1]) is not None)


# A line that starts a block of its own (list item, heading, table row, quote): not a sentence's continuation.
_BLOCK_START = lazy_pattern(r"[ \t]*(?:[-*+][ \t]|\d+[.)][ \t]|#|\||>|$)")


def _paragraph_before(document: Document, reference: Reference) -> str:
    """The lines of prose `reference`'s line continues (`2. Create a package ... directory` then
    `structure: pkg/cmd/boom/`): its sentence may begin on them. Up to three lines, never
    across a blank line or the start of a block; none for a shell block's line."""
    if reference.kind != "inline code":
        return ""
    lines = document.source.lines
    index = reference.line - 1
    taken: list[str] = []
    while len(taken) < 3 and 0 < index < len(lines) and not _BLOCK_START.match(lines[index]) and lines[index - 1].strip():
        index -= 1
        taken.append(lines[index])
        if _BLOCK_START.match(lines[index]):
            break  # the block's first line is the sentence's start
    return " ".join(reversed(taken)) + " " if taken else ""


def _table_header(document: Document, line: int, known: dict[int, int]) -> str:
    """The header row of the table `line` is a row of ("" outside a table). `known` maps the
    rows already walked to their header's index, so a document's rows are walked once in all."""
    lines = document.source.lines
    index = line - 1
    if not 0 <= index < len(lines) or not lines[index].lstrip().startswith("|"):
        return ""
    walked = []
    while index not in known and index > 0 and lines[index - 1].lstrip().startswith("|"):
        walked.append(index)
        index -= 1
    header = known.get(index, index)
    known.update(dict.fromkeys([*walked, index], header))
    return lines[header]


# Manifests of agent plugins and extensions, installed into other projects (Claude Code, Gemini CLI).
_PLUGIN_MANIFESTS = (".claude-plugin/plugin.json", "gemini-extension.json")
_MARKETPLACE = ".claude-plugin/marketplace.json"


@lru_cache(maxsize=1)
def _agent_plugin_roots(repo: Repo) -> frozenset[str]:
    """The folders of the repository's agent plugins: each holding a manifest, and each local
    `source` of a Claude Code marketplace (a plugin needs no manifest of its own there)."""
    roots = {path[: -len(manifest)].rstrip("/") for path in repo.files for manifest in _PLUGIN_MANIFESTS
             if path == manifest or path.endswith("/" + manifest)}
    for path in repo.files:
        if path != _MARKETPLACE and not path.endswith("/" + _MARKETPLACE):
            continue
        import json  # only for a repository with a marketplace: a judging run stays lean

        source = repo.context.read(path)
        try:
            plugins = json.loads(source.text).get("plugins") if source is not None else None
        except (ValueError, AttributeError):
            continue
        home = path[: -len(_MARKETPLACE)].rstrip("/")
        for plugin in plugins if isinstance(plugins, list) else ():
            folder = plugin.get("source") if isinstance(plugin, dict) else None
            root = resolve(home, folder) if isinstance(folder, str) and folder.startswith("./") else None
            if root is not None:
                roots.add("" if root == "." else root)
    return frozenset(roots)


def _in_agent_plugin(repo: Repo, folder: str) -> bool:
    """`folder` is in an agent plugin: its commands, agents and skills are read in the project the
    plugin is installed in, so `.claude/settings.json` or `scripts/validate.sh` name that project's files."""
    roots = _agent_plugin_roots(repo)
    parts = folder.split("/") if folder else []
    return bool(roots) and any("/".join(parts[:depth]) in roots for depth in range(len(parts) + 1))


def _existing_depth(repo: Repo, base: str, parts: list[str]) -> int:
    """How many leading folders of `parts` exist under `base`."""
    depth = 0
    while depth < len(parts) - 1 and (resolve(base, "/".join(parts[: depth + 1])) or "") in repo.dirs:
        depth += 1
    return depth


# A file suffix after the last dot (`.md`, `.tar.gz`, `.1`): not the dot of a version in a name
# (`gpt-4.1-mini`, `claude-3.5-sonnet`), whose "suffix" runs on with a dash.
_FILE_SUFFIX = lazy_pattern(r"\.[A-Za-z0-9][A-Za-z0-9_]*$")


def _written_as_folder(document: Document, reference: Reference) -> bool:
    """`docs/gone/` or `./pkg/gone`: the writer marked the word as a path, not a name."""
    target = reference.target
    return target.endswith("/") or f"./{target}" in source_line(document, reference.line)


def code_path_findings(repo: Repo, document: Document) -> Iterator[Finding]:
    """APR203 for each path in `document`'s code that names a missing file under a directory the
    repository has (relative to the root, the document, or an earlier `cd`)."""
    doc_dir = posixpath.dirname(document.path)
    document_bases = [""] if not doc_dir else ["", doc_dir]
    in_site = repo.sites.site_for(document.path) is not None
    if app_template(document.path):
        return  # a page a web app renders (`templates/docs/x.md`): it describes the product, not this repository
    if _in_agent_plugin(repo, doc_dir):
        return  # an agent plugin's command or skill: its paths are the project it is installed in
    seen: dict[tuple[int, str], int] = {}
    table_headers: dict[int, int] = {}  # row -> its table's header row, for `_table_header`
    for reference in document.code_paths:
        bases = document_bases
        if reference.cwd:  # after `cd sub`, a word may also be relative to sub
            moved = (resolve(base, reference.cwd) for base in document_bases)
            bases = [*document_bases, *(base for base in moved if base is not None)]
        word = reference.target.rstrip("/")
        parts = word.split("/")
        leading = next((i for i, part in enumerate(parts) if part not in (".", "..")), len(parts))
        if leading >= len(parts) - 1:
            continue  # `dir/` alone or `../x`: nothing under a known directory to check
        if len(parts) - leading == 2 and not _FILE_SUFFIX.search(parts[-1]) and not _written_as_folder(document, reference):
            continue  # `bitnami/airflow`, `owner/repo`, `@scope/pkg`, `openai/gpt-4.1-mini`: a name as often as a folder
        anchor_prefix = "/".join(parts[: leading + 1])
        checkable = False
        found = False
        missing = word  # the path as the repository would have it (for the git-ignore filter)
        for base in bases:
            candidate = resolve(base, word)
            anchor_dir = resolve(base, anchor_prefix)
            if candidate is None or anchor_dir is None or anchor_dir == "." or anchor_dir not in repo.dirs:
                continue
            if in_site and _only_conventional(parts[leading:], _existing_depth(repo, base, parts[leading:])):
                continue  # a site page's `docs/stylesheets/extra.css`: the reader's project as likely as this one
            checkable = True
            missing = candidate
            whole = resolve(base, reference.whole) if " " in reference.whole else None
            if (repo.exists(candidate) or repo.names_module(candidate) or repo.ignored(candidate)
                    or (whole is not None and repo.exists(whole)) or _placeholder(repo, candidate)):
                found = True
                break
        if checkable and not found and (_context_says_otherwise(document, reference, table_headers) or _relative_to_named_folder(repo, document, word)):
            continue
        if checkable and not found:
            text = source_line(document, reference.line)
            nth = seen[(reference.line, reference.target)] = seen.get((reference.line, reference.target), -1) + 1
            column = column_of(text, reference.target, word)
            for _ in range(nth):  # the same path twice on a line: the second finding at the second one
                later = text.find(reference.target, column) if column else -1
                column = later + 1 if later >= 0 else column
            yield MISSING_CODE_PATH.finding(
                document.path,
                f"path `{reference.target}` in {reference.kind} does not exist",
                line=reference.line, column=column, line_text=text,
                data={"target": word, "resolved": missing},
            )

"""Which files are production configuration, and in which format to read them.

A path is in scope when a directory is named after a production token, or a part of the file
name (split on `.`, `-`, `_`) equals one, or when it matches a configured glob. Kept conservative: prose,
templates, tests, `non-prod`/`pre-prod` names and development files inside production directories
are out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from autopack.files import compile_globs

DEFAULT_TOKENS = ("prod", "production", "prd")
DEFAULT_GLOBS = ("Procfile",)
PROSE_EXTENSIONS = frozenset(
    "md markdown mdx rst txt text adoc asciidoc org html htm pdf csv tsv log lock sum svg css scss less map".split()
)
TEMPLATE_PARTS = frozenset({"example", "sample", "template", "dist", "tmpl", "tpl"})
TEST_DIRECTORIES = frozenset({"test", "tests", "__tests__", "spec", "specs", "testdata", "test_data", "fixtures", "__fixtures__"})
DOC_DIRECTORIES = frozenset({"docs", "doc"})  # prose and illustrative snippets
EXAMPLE_DIRECTORIES = frozenset({"example", "examples", "sample", "samples"})  # templates, like *.example
_TEST_FILE = re.compile(r"^(?:test_.*\.py|.*_test\.\w+|.*\.(?:test|spec)\.\w+|conftest\.py)$")
# A file name naming another environment wins over a production directory above it.
OTHER_ENVIRONMENTS = frozenset({"dev", "development", "local", "test", "testing", "staging", "stage", "qa", "uat", "sandbox", "preview"})
NEGATIONS = frozenset({"non", "pre"})  # non-prod, pre-prod, pre_production
PROSE_NAMES = frozenset({"readme", "changelog", "changes", "history", "license", "licence", "notice", "authors", "contributing", "todo", "copying"})
_PARTS = re.compile(r"[._-]")
# CI workflows are checked only inside jobs that deploy to a production environment.
_CI_WORKFLOW = re.compile(r"(?:^|/)(?:\.github/workflows/[^/]+|\.gitlab-ci)\.ya?ml$")


def is_ci_workflow(path: str) -> bool:
    return _CI_WORKFLOW.search(path) is not None


def names_production(name: str, tokens: Iterable[str]) -> bool:
    """Whether an environment name (`production`, `prod-eu`, `Production`) is a production one."""
    parts = re.split(r"[._\-\s/]+", name.lower())
    token_set = {t.lower() for t in tokens}
    return any(part in token_set and (i == 0 or parts[i - 1] not in NEGATIONS) for i, part in enumerate(parts))

EXTENSION_FORMATS = {
    "yml": "yaml",
    "yaml": "yaml",
    "json": "json",
    "jsonc": "json",
    "json5": "json",
    "toml": "toml",
    "ini": "ini",
    "cfg": "ini",
    "conf": "ini",
    "cnf": "ini",
    "properties": "ini",
    "service": "ini",
    "py": "python",
    "rb": "ruby",
    "exs": "elixir",
    "ex": "elixir",
    "php": "php",
    "xml": "xml",
    "config": "xml",
    "js": "js",
    "cjs": "js",
    "mjs": "js",
    "ts": "js",
    "cts": "js",
    "mts": "js",
    "tf": "hcl",
    "tfvars": "hcl",
    "hcl": "hcl",
    "sh": "shell",
    "bash": "shell",
    "zsh": "shell",
    "ksh": "shell",
    "env": "dotenv",
    "ps1": "powershell",
    "psm1": "powershell",
}
# Suffixes of rendered or copied files: the format is that of the name before them.
WRAPPER_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".template", ".example", ".sample", ".dist", ".erb", ".in")


def file_format(path: str) -> str:
    """The reader for a file, from its name: dotenv, dockerfile, yaml, json, toml, ini, python,
    ruby, elixir, php, xml, js, hcl, shell, powershell or generic."""
    name = path.rpartition("/")[2].lower()
    for suffix in WRAPPER_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    if name.startswith(("dockerfile", "containerfile")) or name.endswith(".dockerfile"):
        return "dockerfile"
    if name.startswith("procfile"):
        return "shell"
    if name.startswith("php.ini"):
        return "ini"
    if name == ".htaccess":
        return "php"
    if name.startswith(".env") or ".env." in name:
        return "dotenv"
    stem, dot, extension = name.rpartition(".")
    return EXTENSION_FORMATS.get(extension, "generic") if dot and stem else "generic"


def _token_places(path: str, tokens: frozenset[str]) -> tuple[bool, bool, list[str]]:
    """(a directory named a token, a token among the file name's parts, those parts). Directory
    names must equal a token: `prod/` is production, a service `production-planner/` is not."""
    *directories, name = path.lower().split("/")
    parts = _PARTS.split(name)
    in_name = any(part in tokens and (i == 0 or parts[i - 1] not in NEGATIONS) for i, part in enumerate(parts))
    return not tokens.isdisjoint(directories), in_name, parts


@lru_cache(maxsize=16)
def production_scope(tokens: tuple[str, ...], globs: tuple[str, ...], include_templates: bool) -> Callable[[str], bool]:
    """A fast predicate for one configuration (cached: `wants` runs once per repository file)."""
    token_set = frozenset(t.lower() for t in tokens if t)
    alternatives = "|".join(re.escape(t) for t in sorted(token_set, key=len, reverse=True))
    quick = re.compile(rf"(?:^|[/._-])(?:{alternatives})(?:[/._-]|$)", re.IGNORECASE) if token_set else None
    configured = compile_globs(globs)

    def in_scope(path: str) -> bool:
        if configured(path):
            return True
        if quick is None or not quick.search(path):
            return False
        directories, _, name = path.lower().rpartition("/")
        stem, dot, extension = name.rpartition(".")
        if (dot and stem and extension in PROSE_EXTENSIONS) or _PARTS.split(name, 1)[0] in PROSE_NAMES:
            return False
        folders = directories.split("/")
        if _TEST_FILE.match(name) or not (TEST_DIRECTORIES.isdisjoint(folders) and DOC_DIRECTORIES.isdisjoint(folders)):
            return False
        in_directory, in_name, parts = _token_places(path, token_set)
        if not include_templates and not (TEMPLATE_PARTS.isdisjoint(parts) and EXAMPLE_DIRECTORIES.isdisjoint(folders)):
            return False
        return in_name or (in_directory and OTHER_ENVIRONMENTS.isdisjoint(parts))

    return in_scope

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
from autopack.lazy import lazy_pattern

DEFAULT_TOKENS = ("prod", "production", "prd")
DEFAULT_GLOBS = ("Procfile", "config/deploy.yml")  # Heroku entry points; Kamal's production deploy
PROSE_EXTENSIONS = frozenset(
    "md markdown mdx rst txt text adoc asciidoc org html htm pdf csv tsv log lock sum svg css scss less map".split()
)
TEMPLATE_PARTS = frozenset({"example", "sample", "template", "dist", "tmpl", "tpl"})
TEST_DIRECTORIES = frozenset({"test", "tests", "__tests__", "spec", "specs", "testdata", "test_data", "fixtures", "__fixtures__"})
DOC_DIRECTORIES = frozenset({"docs", "doc"})  # prose and illustrative snippets
EXAMPLE_DIRECTORIES = frozenset({"example", "examples", "sample", "samples"})  # templates, like *.example
_TEST_FILE = lazy_pattern(r"^(?:test_.*\.py|.*_test\.\w+|.*\.(?:test|spec)\.\w+|conftest\.py)$")
# A file name naming another environment wins over a production directory above it.
OTHER_ENVIRONMENTS = frozenset({"dev", "development", "local", "test", "testing", "staging", "stage", "qa", "uat", "sandbox", "preview"})
NEGATIONS = frozenset({"non", "pre"})  # non-prod, pre-prod, pre_production
PROSE_NAMES = frozenset({"readme", "changelog", "changes", "history", "license", "licence", "notice", "authors", "contributing", "todo", "copying"})
_NAME_SEPARATORS = str.maketrans("._-", "///")
# CI workflows are checked only inside jobs that deploy to a production environment.
_CI_WORKFLOW = lazy_pattern(r"(?:^|/)(?:\.github/workflows/[^/]+|\.gitlab-ci)\.ya?ml$")


def _name_parts(name: str) -> list[str]:
    """A file name split on `.`, `-` and `_` (`values-production.yaml` → values, production, yaml)."""
    return name.translate(_NAME_SEPARATORS).split("/")


def is_ci_workflow(path: str) -> bool:
    return ("workflows/" in path or "gitlab-ci" in path) and _CI_WORKFLOW.search(path) is not None


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
# Directories of dotenv files without a suffix (`.envs/.production/.postgres`).
ENV_DIRECTORIES = frozenset({".envs", "envs"})
# Suffixes of rendered or copied files: the format is that of the name before them.
WRAPPER_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".template", ".example", ".sample", ".dist", ".erb", ".in")


def file_format(path: str) -> str:
    """The reader for a file, from its name: dotenv, dockerfile, yaml, json, toml, ini, python,
    ruby, elixir, php, xml, js, hcl, shell, powershell or generic."""
    directory, _, name = path.lower().rpartition("/")
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
    folders = directory.split("/")
    if not stem and ENV_DIRECTORIES.intersection(folders):  # cookiecutter-django's `.envs/.production/.django`
        return "dotenv"
    if extension == "config" and ".ebextensions" in folders:  # Elastic Beanstalk: YAML named `.config`
        return "yaml"
    return EXTENSION_FORMATS.get(extension, "generic") if dot and stem else "generic"


def content_format(path: str, text: str) -> str:
    """`file_format`, with a script without a known extension (`compose/production/django/start`)
    read by its shebang: shell or Python."""
    found = file_format(path)
    if found == "generic" and text.startswith("#!"):
        interpreter = text[:200].partition("\n")[0]
        if "python" in interpreter:
            return "python"
        if re.search(r"\b(?:ba|da|z|k|a)?sh\b", interpreter):
            return "shell"
    return found


def _token_places(path: str, tokens: frozenset[str]) -> tuple[bool, bool, list[str]]:
    """(a directory named a token, a token among the file name's parts, those parts). Directory
    names must equal a token, leading dots aside: `prod/` and `.envs/.production/` are production,
    a service `production-planner/` is not."""
    *directories, name = path.lower().split("/")
    parts = _name_parts(name)
    in_name = any(part in tokens and (i == 0 or parts[i - 1] not in NEGATIONS) for i, part in enumerate(parts))
    return not tokens.isdisjoint(directory.lstrip(".") for directory in directories), in_name, parts


def _not_configuration(directories: str, name: str, include_templates: bool) -> bool:
    """Prose, tests, docs and (unless configured) templates and examples: never read as configuration."""
    stem, dot, extension = name.rpartition(".")
    if (dot and stem and extension in PROSE_EXTENSIONS) or _name_parts(name)[0] in PROSE_NAMES:
        return True
    folders = directories.split("/")
    if _TEST_FILE.match(name) or not (TEST_DIRECTORIES.isdisjoint(folders) and DOC_DIRECTORIES.isdisjoint(folders)):
        return True
    return not include_templates and not (TEMPLATE_PARTS.isdisjoint(_name_parts(name)) and EXAMPLE_DIRECTORIES.isdisjoint(folders))


@lru_cache(maxsize=16)
def production_scope(tokens: tuple[str, ...], globs: tuple[str, ...], include_templates: bool) -> Callable[[str], bool]:
    """A fast predicate for one configuration (cached: `wants` runs once per repository file)."""
    token_set = frozenset(t.lower() for t in tokens if t)
    configured = compile_globs(glob for glob in globs if glob not in DEFAULT_GLOBS)
    entry_points = compile_globs(glob for glob in globs if glob in DEFAULT_GLOBS)

    def in_scope(path: str) -> bool:
        if configured(path):
            return True
        lowered = path.lower()
        directories, _, name = lowered.rpartition("/")
        if entry_points(path):
            # The default globs name what production runs (`Procfile`, Kamal's deploy file) wherever
            # it lies; a copy in a development, test, docs or example directory is not production.
            return not _not_configuration(directories, name, include_templates) and _not_development(directories, name)
        if not any(token in lowered for token in token_set):  # the usual answer, from substring tests
            return False
        if _not_configuration(directories, name, include_templates):
            return False
        in_directory, in_name, parts = _token_places(path, token_set)
        return in_name or (in_directory and OTHER_ENVIRONMENTS.isdisjoint(parts))

    return in_scope


# Shared configuration whose production part is a section: Symfony's `when@prod:` in
# `config/packages/*.yaml`, Spring profile documents in `application.yml`, Rails' and figaro's
# `production:` in `config/*.yml`.
SPRING_PREFIXES = ("application", "bootstrap")
COMPOSE_PREFIXES = ("compose", "docker-compose")
SECTIONED_PREFIXES = SPRING_PREFIXES + COMPOSE_PREFIXES
YAML_SUFFIXES = (".yml", ".yaml")
# Files that production loads whatever their name, where APD104 looks for debug switches that
# default to on: settings modules, WSGI/ASGI and app entry modules, compose files, Dockerfiles,
# entrypoint and start scripts, and the config files of Node, Laravel, Rails and Spring apps
# (judged on the lowered file name with string tests: no pattern to compile on a hook's start).
ENTRY_STEMS = frozenset({"wsgi", "asgi", "app", "application", "main", "server"})
START_SCRIPTS = frozenset({"start", "run", "serve", "startup"})
START_PREFIXES = ("start", "run", "boot", "serve", "launch", "docker-start", "docker-run", "startup")
NODE_CONFIG_STEMS = frozenset({"config", "settings", "next.config", "nuxt.config"})
JS_SUFFIXES = frozenset({"js", "cjs", "mjs", "ts"})


def _loaded_name(name: str) -> bool:
    """Whether a (lowered) file name is one production loads; see the comment above."""
    stem, _, extension = name.rpartition(".")
    if extension == "py":
        return "settings" in stem or "config" in stem or stem.startswith("gunicorn") or stem.endswith(".conf") or stem in ENTRY_STEMS
    if name.startswith(("dockerfile", "containerfile")) or name.endswith(".dockerfile") or "entrypoint" in name:
        return True
    if extension in ("yml", "yaml"):
        return name.startswith(SECTIONED_PREFIXES)
    if extension == "sh":
        return any(stem == prefix or stem[len(prefix) : len(prefix) + 1] in ("-", "_", ".") for prefix in START_PREFIXES if stem.startswith(prefix))
    if extension in JS_SUFFIXES:
        return stem in NODE_CONFIG_STEMS
    return name in START_SCRIPTS or name == "wp-config.php" or (extension == "properties" and name.startswith(SPRING_PREFIXES))


CONFIGURATION_DIRECTORIES = frozenset({"settings", "config", "conf", "configs"})
CONFIGURATION_SOURCES = frozenset({"py", "js", "cjs", "mjs", "ts", "php", "rb"})
# Names and directories of development-only files: what they set is not a production default.
DEVELOPMENT_PARTS = OTHER_ENVIRONMENTS | {"override", "debug", "ci", "e2e", ".devcontainer", "devcontainer", "demo"}
# Directories of views, translations, UI components and templates: a `settings/` or `config/` below
# them (`resources/views/settings/`, `components/config/`) is not the application's configuration.
NOT_CONFIGURATION_DIRECTORIES = frozenset(
    {"views", "lang", "locale", "locales", "i18n", "components", "templates", "static", "assets", "migrations"}
)


def is_sectioned(path: str, include_templates: bool = False) -> bool:
    """Shared YAML configuration that may hold a production section (read only there): also a
    compose file, whose services may run only in a production profile."""
    if not path.lower().endswith(YAML_SUFFIXES):
        return False
    directories, _, name = path.lower().rpartition("/")
    if "config" not in directories.split("/") and not name.startswith(SECTIONED_PREFIXES):
        return False
    return not _not_configuration(directories, name, include_templates) and _not_development(directories, name)


# Compose profiles of services started only for development (`docker compose --profile dev up`).
DEVELOPMENT_PROFILES = DEVELOPMENT_PARTS | {"devel", "develop"}


def is_compose_file(path: str) -> bool:
    name = path.lower().rpartition("/")[2]
    return name.startswith(COMPOSE_PREFIXES) and name.endswith(YAML_SUFFIXES)


def _not_development(directories: str, name: str) -> bool:
    return DEVELOPMENT_PARTS.isdisjoint(directories.split("/")) and DEVELOPMENT_PARTS.isdisjoint(_name_parts(name))


@lru_cache(maxsize=4)
def loaded_scope(include_templates: bool) -> Callable[[str], bool]:
    """Files production loads (settings modules, compose files, Dockerfiles, entrypoints), except
    development, test and documentation ones: where APD104 looks for debug that defaults to on."""

    def loaded(path: str) -> bool:
        directories, _, name = path.lower().rpartition("/")
        if not _loaded_name(name) and not (
            name.rpartition(".")[2] in CONFIGURATION_SOURCES and not CONFIGURATION_DIRECTORIES.isdisjoint(directories.split("/"))
        ):
            return False
        if not NOT_CONFIGURATION_DIRECTORIES.isdisjoint(directories.split("/")):
            return False
        return not _not_configuration(directories, name, include_templates) and _not_development(directories, name)

    return loaded

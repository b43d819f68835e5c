"""Readers backed by real parsers: YAML (every document) and JSON through PyYAML's composer, TOML
(tomllib), INI (configparser) and Python (ast). Each returns None when the file does not parse,
and the caller falls back to the line readers, so a finding always has its line.

YAML is composed, not loaded: nodes keep their marks (line, column) and aliases stay shared nodes,
so an alias bomb is never expanded; the walk visits each node once within a budget.
"""

from __future__ import annotations

import re
import warnings
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence

from autopack.collector import collector_paused
from autopack.debug_guard import defaults as defaults_module
from autopack.debug_guard.lines import NON_PRODUCTION_SECTIONS, Hit, ini_line_hits, quiet_key, setting_hit, toml_line_hits
from autopack.debug_guard.verdicts import (
    RULE_FRAMEWORK,
    IndexedLines,
    TOOLBAR_MODULES,
    Verdict,
    classify_command,
    classify_setting,
    dev_server,
    lazy,
    toolbar_module,
)

TYPE_CHECKING = False  # typing is imported for type checkers only: the hook starts lean
if TYPE_CHECKING:
    from typing import Any

NODE_BUDGET = 250_000
# `- KEY=value` items under these keys are environment entries (compose, kustomize literals).
ENV_LIST_KEYS = frozenset({"environment", "env", "envs", "variables", "literals"})
# Sequences under these keys are one command line (compose, Kubernetes, ECS).
COMMAND_KEYS = ("entrypoint", "command", "cmd", "args")

# In CI workflows, `with:` holds an action's inputs (its own `debug: true` logging), not the app's settings.
WORKFLOW_INPUTS = frozenset({"with"})


_LONE_CR = lazy(r"\r(?!\n)")


class _OverBudget(Exception):
    """The document has more nodes than a configuration file plausibly has."""


def _lone_carriage_returns_as_spaces(text: str) -> str:
    """YAML and Python count a lone CR as a line break, the core's lines do not: blank it so
    parser line numbers and the file's lines agree."""
    return _LONE_CR.sub(" ", text) if "\r" in text else text


def compose_documents(text: str) -> list[Any] | None:
    """The node trees of every YAML document (JSON too: it is YAML), None if the text does not parse."""
    import yaml

    text = _lone_carriage_returns_as_spaces(text)

    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # no tag resolution: values are read raw
    try:
        return [document for document in yaml.compose_all(text, Loader=loader) if document is not None]
    except (yaml.YAMLError, RecursionError, ValueError, MemoryError):
        return None


def yaml_hits(text: str, skipped: frozenset[str] = frozenset()) -> list[Hit] | None:
    """Settings and commands of every YAML document, except below keys in `skipped`; None if it
    does not parse (or is an alias bomb)."""
    with collector_paused():
        return _yaml_hits(text, skipped)


def _yaml_hits(text: str, skipped: frozenset[str]) -> list[Hit] | None:
    documents = compose_documents(text)
    if documents is None:
        return None
    try:
        return list(_walk(documents, text.split("\n"), NON_PRODUCTION_SECTIONS | skipped))
    except _OverBudget:
        return None


def production_section_hits(text: str, is_production: Callable[[str], bool]) -> list[Hit]:
    """Settings and commands of the production sections of shared YAML configuration only:
    Symfony's `when@prod:`, a top-level `production:` (Rails, figaro), a Spring document activated
    on a production profile (`spring.config.activate.on-profile: prod`, legacy `spring.profiles`).
    Nothing when the file does not parse: the sections are not known then."""
    documents = compose_documents(text)
    if not documents:
        return []
    from yaml.nodes import MappingNode, ScalarNode

    sections: list[Any] = []
    for document in documents:
        if not isinstance(document, MappingNode):
            continue
        profiles = _spring_profiles(document)
        if profiles and any(is_production(profile) for profile in profiles):
            sections.append(document)
            continue
        for key, value in document.value:
            if isinstance(key, ScalarNode) and isinstance(value, MappingNode) and is_production(key.value.removeprefix("when@")):
                sections.append(value)
    if not sections:
        return []
    try:
        return list(_walk(sections, text.split("\n"), NON_PRODUCTION_SECTIONS))
    except _OverBudget:
        return []


_PROFILE_KEYS = (("spring", "config", "activate", "on-profile"), ("spring", "profiles"))


def _value_of(node: Any, key: str) -> Any:
    """The value of `key` in a YAML mapping node (None when absent or not a mapping)."""
    from yaml.nodes import MappingNode, ScalarNode

    if not isinstance(node, MappingNode):
        return None
    return next((value for k, value in node.value if isinstance(k, ScalarNode) and k.value == key), None)


def _compose_profiles(service: Any) -> list[str]:
    """The profiles a compose service runs in (`profiles: [dev]`); none: it always runs."""
    from yaml.nodes import ScalarNode, SequenceNode

    profiles = _value_of(service, "profiles")
    if not isinstance(profiles, SequenceNode):
        return []
    return [item.value.lower() for item in profiles.value if isinstance(item, ScalarNode)]


def compose_profile_lines(text: str, runs_in: Callable[[list[str]], bool]) -> list[tuple[int, int]]:
    """Line ranges (first, last) of the compose services whose profiles satisfy `runs_in`
    (`docker compose --profile prod up` starts only those); empty when the file does not parse."""
    from yaml.nodes import MappingNode

    ranges = []
    for document in compose_documents(text) or []:
        services = _value_of(document, "services")
        if not isinstance(services, MappingNode):
            continue
        end = services.end_mark.line + (services.end_mark.column > 0)  # the last line of the last service
        for name, service in reversed(services.value):
            first = name.start_mark.line + 1
            profiles = _compose_profiles(service)
            if profiles and runs_in(profiles):
                ranges.append((first, max(first, end)))
            end = first - 1
    return sorted(ranges)


def _spring_profiles(document: Any) -> list[str]:
    """The profiles a Spring document is activated on (`prod & cloud` → prod, cloud; `!prod`
    is not prod); the keys nested or flattened (`spring.config.activate.on-profile: prod`)."""
    from yaml.nodes import ScalarNode

    for keys in _PROFILE_KEYS:
        for split in range(len(keys)):
            node = document
            for key in (".".join(keys[: split + 1]), *keys[split + 1 :]):
                node = _value_of(node, key)
            if isinstance(node, ScalarNode):
                return [part for part in re.split(r"[\s,&|()]+", node.value) if part and not part.startswith("!")]
    return []


def _walk(documents: list[Any], lines: Sequence[str], skipped: frozenset[str]) -> Iterator[Hit]:
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    seen: set[int] = set()
    stack: list[tuple[Any, tuple[str, ...]]] = [(d, ()) for d in reversed(documents)]
    budget = NODE_BUDGET
    while stack:
        node, path = stack.pop()
        if id(node) in seen:  # an alias: its node was (or will be) walked once already
            continue
        seen.add(id(node))
        budget -= 1
        if budget < 0:
            raise _OverBudget
        if isinstance(node, MappingNode):
            entries = [(k, v) for k, v in node.value if isinstance(k, ScalarNode)]
            by_key = {k.value.lower(): v for k, v in entries}
            name, value = by_key.get("name"), by_key.get("value")
            if isinstance(name, ScalarNode) and isinstance(value, ScalarNode):  # Kubernetes/ECS env entry
                hit = setting_hit([name.value], value.value, value.start_mark.line + 1, value.start_mark.column + 1)
                if hit:
                    yield hit
            patched = by_key.get("path")
            if isinstance(patched, ScalarNode) and isinstance(value, ScalarNode) and patched.value.startswith("/"):
                # a JSON patch (kustomize patchesJson6902): `op: add`, `path: /data/DEBUG`, `value: "true"`
                key = patched.value.rpartition("/")[2].replace("~1", "/").replace("~0", "~")
                hit = setting_hit([key], value.value, value.start_mark.line + 1, value.start_mark.column + 1)
                if hit:
                    yield hit
            yield from _command_sequence([by_key[k] for k in COMMAND_KEYS if isinstance(by_key.get(k), SequenceNode)], lines)
            for key_node, value_node in entries:
                key = key_node.value
                if key.lower() in skipped:
                    continue
                if isinstance(value_node, ScalarNode):
                    mark = key_node.start_mark
                    hit = setting_hit([*path, key], value_node.value, mark.line + 1, mark.column + 1)
                    if hit:
                        yield hit
                    multi_line = value_node.end_mark.line > value_node.start_mark.line
                    if value_node.style != "|" and multi_line and not quiet_key(key):
                        yield from _folded_command(value_node, lines)
                else:
                    stack.append((value_node, (*path, key)))
        elif isinstance(node, SequenceNode):
            environment = bool(path) and path[-1].lower() in ENV_LIST_KEYS
            for item in reversed(node.value):
                if not isinstance(item, ScalarNode):
                    stack.append((item, path))
                elif environment and "=" in item.value:
                    key, _, raw = item.value.partition("=")
                    hit = setting_hit([key.strip()], raw, item.start_mark.line + 1, item.start_mark.column + 1)
                    if hit:
                        yield hit


def production_job_lines(text: str, is_production: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Line ranges of CI jobs whose `environment:` (a name, or a mapping with `name:`) is a
    production one, plus the workflow-wide `env:`/`variables:` those jobs inherit; empty when
    the workflow does not parse (then nothing is reported)."""
    documents = compose_documents(text)
    if documents is None:
        return []
    from yaml.nodes import MappingNode, ScalarNode

    def span(node: Any) -> tuple[int, int]:
        return node.start_mark.line + 1, node.end_mark.line + 1

    ranges = []
    stack = list(documents)
    seen: set[int] = set()
    while stack and len(seen) < NODE_BUDGET:
        node = stack.pop()
        if id(node) in seen or not isinstance(node, MappingNode):
            continue
        seen.add(id(node))
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == "environment":
                name = value
                if isinstance(value, MappingNode):
                    name = next((v for k, v in value.value if isinstance(k, ScalarNode) and k.value == "name"), None)
                if isinstance(name, ScalarNode) and is_production(name.value):
                    ranges.append(span(node))
            stack.append(value)
    if ranges:
        for document in documents:
            if isinstance(document, MappingNode):
                ranges.extend(span(v) for k, v in document.value if isinstance(k, ScalarNode) and k.value in ("env", "variables"))
    return ranges


def _line_of_word(node: Any, offset: int, lines: Sequence[str]) -> tuple[int, int]:
    """(line, column), 1-based, of the word at `offset` of a scalar's value: the first source line
    of the scalar holding it (a folded or block scalar spans several lines), else the scalar's start."""
    first, last = node.start_mark.line, min(node.end_mark.line, len(lines) - 1)
    word = (node.value[offset:].split(None, 1) or [""])[0].strip("\"'`;&|")
    if word and first < last:
        for number in range(first, last + 1):
            column = lines[number].find(word)
            if column != -1:
                return number + 1, column + 1
    return first + 1, node.start_mark.column + 1


def _folded_command(node: Any, lines: Sequence[str]) -> Iterator[Hit]:
    """A command folded over several lines (`run: >-` or a plain multi-line scalar) is one line
    for the shell; a hit points at the first source line holding the matched word."""
    for offset, verdict in classify_command(node.value):
        line, column = _line_of_word(node, offset, lines)
        yield Hit(line, column, verdict)


def _command_sequence(sequences: list[Any], lines: Sequence[str]) -> Iterator[Hit]:
    """`command:`/`args:` lists joined into one command line; hits point at the item that matched
    (at the matched word's line when the item is a multi-line scalar)."""
    from yaml.nodes import ScalarNode

    items = [item for sequence in sequences for item in sequence.value if isinstance(item, ScalarNode)]
    if len(items) < 2:
        return
    text, starts = "", []
    for item in items:
        starts.append((len(text), item))
        text += item.value + " "
    for offset, verdict in classify_command(text):
        start, item = max((s for s in starts if s[0] <= offset), key=lambda s: s[0])
        line, column = _line_of_word(item, offset - start, lines)
        yield Hit(line, column, verdict)


def _resolves(document: Any, path: Sequence[str]) -> bool:
    """Whether a key path leads to a value in a parsed TOML document (any element of arrays)."""
    nodes = [document]
    for key in path:
        following = []
        for node in nodes:
            for candidate in node if isinstance(node, list) else [node]:
                if isinstance(candidate, dict) and key in candidate:
                    following.append(candidate[key])
        nodes = following
    return bool(nodes)


def toml_hits(text: str, lines: Sequence[str]) -> Iterator[Hit]:
    """TOML line hits confirmed by tomllib (drops look-alikes inside multi-line strings); all of
    them when the document does not parse."""
    import tomllib

    try:
        document: dict[str, Any] | None = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        document = None
    for path, hit in toml_line_hits(lines):
        if document is None or path is None or _resolves(document, path):
            yield hit


def ini_hits(text: str, lines: Sequence[str]) -> Iterator[Hit]:
    """INI line hits confirmed by configparser when the file has sections and parses (drops
    look-alikes inside continued values); properties files and broken INI keep every line hit."""
    parser = None
    if re.search(r"^\s*\[", text, re.MULTILINE):
        import configparser

        parser = configparser.RawConfigParser(strict=False, allow_no_value=True, interpolation=None)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        try:
            parser.read_string(text)
        except Exception:  # configparser has crash bugs on odd input (AttributeError): not parsed
            parser = None
    for path, hit in ini_line_hits(lines):
        if parser is None or path is None or len(path) < 2 or _ini_has(parser, path):
            yield hit


def _ini_has(parser: Any, path: Sequence[str]) -> bool:
    section, option = path[0], ".".join(path[1:])
    if section == parser.default_section or not parser.has_section(section):
        return True  # keys before the first section, or a section configparser named differently
    return parser.has_option(section, option)


# --- Python ------------------------------------------------------------------------------------

# `DevelopmentConfig`, `dev_settings`, `StagingConfig`, `Local_Settings` (not `DeviceSettings`: the prefix is a word of its own)
_DEV_CLASS = lazy(
    r"^(?i:dev|development|local|test|testing|staging|stage|qa|uat|debug)(?i:config|settings)?$"
    r"|^(?:Dev|Development|Local|Test|Testing|Staging|Stage|QA|Qa|UAT|Uat|Debug)(?:[A-Z_]|$)"
    r"|^(?:dev|development|local|test|testing|staging|stage|qa|uat|debug)_"
)
# The words of a class name (`ProductionConfig` → Production, Config; `PROD_Settings`, `prod_config`).
_NAME_WORDS = lazy(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
PRODUCTION_CLASS_WORDS = frozenset({"prod", "production", "prd"})
_NEGATING_WORDS = frozenset({"non", "pre"})  # `NonProdConfig`, `PreProductionSettings`


def is_production_class(name: str) -> bool:
    """A class named for production (`ProductionConfig`, `ProdSettings`, django-configurations'
    `Prod`): the production section of a shared configuration module, like a `production:` key."""
    words = [word.lower() for word in _NAME_WORDS.findall(name)]
    return any(word in PRODUCTION_CLASS_WORDS and (i == 0 or words[i - 1] not in _NEGATING_WORDS) for i, word in enumerate(words))


_GUNICORN_SETTING = lazy(r"^(?:bind|workers|worker_class|wsgi_app|timeout)\s*=", re.MULTILINE)
# Application classes that take `debug=` (FastAPI(debug=True) serves tracebacks).
APP_CLASSES = frozenset({"FastAPI", "Starlette", "Sanic", "Litestar", "Quart", "Bottle"})
_RUN_FLAGS = {"debug": "debug", "use_debugger": "debug", "reload": "reload", "use_reloader": "reload"}


def python_hits(text: str, path: str, *, production: bool = True, defaults: bool = True, entry_module: bool = False) -> list[Hit] | None:
    """`_python_hits` with the cyclic collector paused while the syntax tree is built and walked."""
    with collector_paused():
        return _python_hits(text, path, production=production, defaults=defaults, entry_module=entry_module)


def _python_hits(text: str, path: str, *, production: bool, defaults: bool, entry_module: bool) -> list[Hit] | None:
    """Python settings and entry points via ast; None on a syntax error (the caller line-scans).
    `production`: APD101-APD103 anywhere in the file, else only in the body of a class named for
    production (`class ProductionConfig(Config): DEBUG = True` in a shared `config.py`);
    `defaults`: APD104 (debug switches that default to on); `entry_module` (a WSGI/ASGI module
    production imports): development servers started on import, and development settings
    selected by default.

    Every finding names a debug keyword on its own lines (a key, a keyword argument, a module),
    so the walk skips any statement or expression whose lines hold none: in a large module that
    mentions DEBUG once, only the nodes around that line are looked at."""
    import ast

    try:
        with warnings.catch_warnings():  # SyntaxWarnings of odd code must not reach the hook's output
            warnings.simplefilter("ignore")
            tree = ast.parse(_lone_carriage_returns_as_spaces(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    gunicorn_config = "gunicorn" in path.lower() or bool(_GUNICORN_SETTING.search(text))
    if defaults and not production and _documented_for_development(tree):
        defaults = False  # `"""Settings for local development in docker compose."""`: not what production loads
    evaluator = defaults_module.Evaluator(defaults_module.module_names(tree)) if defaults else None
    lines = text.split("\n")
    keyword_lines = IndexedLines(lines).with_words()  # 0-based, ascending

    def may_hold_a_finding(node: ast.AST) -> bool:
        first, last = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        if first is None or last is None:
            return True  # no position (the module, argument lists): look inside
        decorators = getattr(node, "decorator_list", None)
        if decorators:  # a decorated definition starts at its first decorator, not at `def`
            first = min(first, *(decorator.lineno for decorator in decorators))
        index = bisect_left(keyword_lines, first - 1)
        return index < len(keyword_lines) and keyword_lines[index] <= last - 1

    hits: list[Hit] = []
    # (node, inside `if __name__ == "__main__":`, inside a function or class body, judged as production)
    stack: list[tuple[ast.AST, bool, bool, bool]] = [(tree, False, False, production)]
    while stack:
        node, in_main, nested, judged = stack.pop()
        if not may_hold_a_finding(node):
            continue
        if isinstance(node, ast.ClassDef) and _DEV_CLASS.search(node.name):
            continue
        if isinstance(node, ast.ClassDef) and not nested and is_production_class(node.name):
            judged = True
        elif judged and not production and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            judged = False  # a method's local names are not the production class's settings
        # `if DEBUG:` code runs only in debug; `if os.environ.get(...)`, `if "test" in sys.argv`,
        # `if IS_LOCAL:`, `if ENVIRONMENT == "development":` code is chosen from outside (the
        # environment decides, as with `env.bool(...)`)
        if isinstance(node, ast.If) and _reads_environment(node.test):
            if evaluator is not None and not in_main:  # APD104: the branch that runs when the variables are unset
                hits.extend(defaults_module.unset_branch_hits(node, evaluator, lambda value: _source(lines, value)))
            continue  # both branches: the environment decides which one runs
        if isinstance(node, ast.If) and _tests_debug(node.test):
            stack.extend((child, in_main, nested, judged) for child in node.orelse)
            continue
        main = in_main or (isinstance(node, ast.If) and _is_main_guard(node.test))
        inner = nested or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
        stack.extend((child, main, inner, judged) for child in ast.iter_child_nodes(node))
        if judged:
            hits.extend(_python_node_hits(node, gunicorn_config))
        elif entry_module and not main and not nested and isinstance(node, ast.Call):
            hits.extend(_run_hits(node))  # `app.run(debug=True)` at import time of wsgi.py
        if evaluator is not None and not main:
            hits.extend(_default_hits(node, evaluator, lines, entry_module))
    if not production:
        hits.extend(_inherited_hits(tree))
    return hits


def _class_settings(node: Any) -> dict[str, Any]:
    """The names a class body assigns directly (`DEBUG = True`), with their value nodes."""
    import ast

    settings: dict[str, Any] = {}
    for statement in node.body:
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        for target in targets:
            key = _target_key(target)
            if key is not None:
                settings[key] = value
    return settings


INHERITANCE_DEPTH = 8  # base classes followed from a production class (cycles and long chains stop)


def _inherited_hits(tree: Any) -> Iterator[Hit]:
    """A production class that inherits a debug switch turned on from a base class of the same
    module (`class Config: DEBUG = True` / `class ProductionConfig(Config): pass`): reported at
    the production class, since the fix belongs there. Bases imported from elsewhere are not followed."""
    import ast

    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    for name, node in classes.items():
        if not is_production_class(name) or _DEV_CLASS.search(name):
            continue
        seen = set(_class_settings(node))
        queue = [base.id for base in node.bases if isinstance(base, ast.Name)]
        visited: set[str] = {name}
        while queue and len(visited) <= INHERITANCE_DEPTH:
            base_name = queue.pop(0)
            base = classes.get(base_name)
            if base is None or base_name in visited:
                continue
            visited.add(base_name)
            for key, value_node in _class_settings(base).items():
                if key in seen:
                    continue
                seen.add(key)
                value = _literal(value_node)
                verdict = classify_setting([key], value) if value is not None else None
                if verdict is not None:
                    yield Hit(
                        node.lineno,
                        node.col_offset + 1,
                        verdict._replace(
                            message=f"`{name}` inherits `{key}` = `{value}` from `{base_name}`: {verdict.message.split(': ', 1)[-1]}",
                            fix=f"Set `{key}` to its production value in `{name}` itself (e.g. `{key} = False`), or keep it off in `{base_name}`.",
                            setting=None,
                        ),
                    )
            queue.extend(b.id for b in base.bases if isinstance(b, ast.Name))


_DEVELOPMENT_DOCSTRING = lazy(r"\b(?:development|develop|dev|local|testing|tests?)\b", re.IGNORECASE)
_PRODUCTION_DOCSTRING = lazy(r"\bprod(?:uction)?\b", re.IGNORECASE)


def _documented_for_development(tree: Any) -> bool:
    """A module whose docstring's first paragraph says it is for development or tests (and does
    not mention production): a settings module named `docker.py` or `settings.py` in a dev stack."""
    import ast

    docstring = ast.get_docstring(tree) or ""
    summary = docstring.split("\n\n", 1)[0]
    return bool(_DEVELOPMENT_DOCSTRING.search(summary)) and not _PRODUCTION_DOCSTRING.search(docstring)


def _is_main_guard(test: Any) -> bool:
    """`if __name__ == "__main__":`: code that runs only when the file is started by hand."""
    import ast

    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


def _default_hits(node: Any, evaluator: Any, lines: Sequence[str], entry_module: bool) -> Iterator[Hit]:
    """APD104 on one node: settings assigned, passed or listed with a value that reads the
    environment and is on when it is unset; pydantic and django-environ defaults."""
    import ast

    def shown(value: Any) -> str:
        return _source(lines, value)

    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
            yield from defaults_module.python_setting_hits(_target_key(target), node.value, evaluator, shown)
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                yield from defaults_module.python_setting_hits(key.value, value, evaluator, shown)
    elif isinstance(node, ast.Call):
        for keyword in node.keywords:
            if keyword.arg is not None:
                yield from defaults_module.python_setting_hits(keyword.arg, keyword.value, evaluator, shown)
        yield from defaults_module.environ_scheme_hits(node)
        read = defaults_module.env_read(node)
        if read is not None and _dotted(node.func).endswith("setdefault"):  # os.environ.setdefault("DEBUG", "1")
            yield from defaults_module.python_setting_hits(None, node, evaluator, shown)
        if entry_module:
            yield from defaults_module.settings_module_default_hits(node)
    elif isinstance(node, ast.ClassDef):
        yield from defaults_module.pydantic_field_hits(node)


def _source(lines: Sequence[str], node: Any) -> str:
    """An expression as written (its first line; ast columns count UTF-8 bytes), cut to a readable length."""
    if not 0 < node.lineno <= len(lines):
        return "this expression"
    line = lines[node.lineno - 1].encode("utf-8", "surrogatepass")
    end = node.end_col_offset if node.end_lineno == node.lineno and node.end_col_offset is not None else len(line)
    text = " ".join(line[node.col_offset : end].decode("utf-8", "replace").split())
    return text if len(text) <= 70 else text[:67] + "..."


def _tests_debug(test: Any) -> bool:
    """Whether an `if` condition reads a debug switch (`DEBUG`, `settings.DEBUG`, `app.debug`,
    `DEBUG_TOOLBAR_ENABLED`, `ENABLE_DEBUG`)."""
    import ast

    return any(
        isinstance(part, (ast.Name, ast.Attribute)) and "debug" in _dotted(part).rpartition(".")[2].lower().split("_")
        for part in ast.walk(test)
    )


_ENVIRONMENT_READERS = frozenset({"environ", "getenv", "argv", "env", "config", "getbool", "get_env", "env_bool"})


_ENVIRONMENT_WORDS = frozenset({"dev", "development", "local", "test", "testing", "tests", "staging", "prod", "production", "env", "environment"})


def _reads_environment(test: Any) -> bool:
    """Whether an `if` condition reads the process environment or command line (`os.environ`,
    `os.getenv(...)`, `env("X")`, `env.bool(...)`, decouple's `config(...)`, `sys.argv`) or
    tests which environment this is (`IS_LOCAL`, `settings.ENVIRONMENT == "development"`)."""
    import ast

    for part in ast.walk(test):
        name = part.id if isinstance(part, ast.Name) else part.attr if isinstance(part, ast.Attribute) else None
        if name is not None and not _ENVIRONMENT_WORDS.isdisjoint(name.lower().split("_")):
            return True
        if isinstance(part, ast.Constant) and isinstance(part.value, str) and part.value.lower() in _ENVIRONMENT_WORDS:
            return True
        if (isinstance(part, ast.Attribute) and part.attr in _ENVIRONMENT_READERS) or (
            isinstance(part, ast.Name) and part.id in ("environ", "argv")
        ):
            return True
        if isinstance(part, ast.Call):
            function = _dotted(part.func)
            if function.partition(".")[0] in ("env", "environ") or function.rpartition(".")[2] in _ENVIRONMENT_READERS:
                return True
    return False


def _literal(node: Any) -> str | None:
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int, str)):
        return str(node.value).lower() if isinstance(node.value, bool) else str(node.value)
    return None


def _target_key(node: Any) -> str | None:
    import ast

    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return None


def _dotted(node: Any) -> str:
    import ast

    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _python_node_hits(node: Any, gunicorn_config: bool) -> Iterator[Hit]:
    import ast

    def at(place: Any, verdict: Any) -> Hit:
        return Hit(place.lineno, place.col_offset + 1, verdict)

    def setting(key: str | None, value_node: Any, place: Any) -> Iterator[Hit]:
        value = _literal(value_node)
        if key is None or value is None:
            return
        if gunicorn_config and key == "reload" and value == "true":
            yield at(place, dev_server("gunicorn reload = True", "Set `reload = False` in the production gunicorn configuration."))
            return
        hit = setting_hit([key], value, place.lineno, place.col_offset + 1)
        if hit:
            yield hit

    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
            yield from setting(_target_key(target), node.value, target)
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                yield from setting(key.value, value, key)
    elif isinstance(node, ast.Call):
        function = _dotted(node.func)
        last = function.rpartition(".")[2]
        if last in ("run", "run_simple"):
            yield from _run_hits(node)
        elif function in ("debugpy.listen", "ptvsd.enable_attach"):
            yield at(node, dev_server(f"{function}(...)", "Remove the debugger from production code paths; attach it only in development."))
        elif last == "DebugToolbarExtension":
            yield at(node, toolbar_module("flask_debugtoolbar"))
        elif last in ("update", "dict", "configure", "from_mapping"):  # app.config.update(DEBUG=True), settings.configure(...)
            for keyword in node.keywords:
                yield from setting(keyword.arg, keyword.value, keyword.value)
        elif last in APP_CLASSES:
            for keyword in node.keywords:
                if keyword.arg == "debug" and _literal(keyword.value) == "true":
                    fix = f"Remove `debug=True` from `{function}(...)` (or read it from the environment) for production."
                    yield at(node, Verdict(RULE_FRAMEWORK, f"`{function}(debug=True)`: the framework runs in debug mode in production", fix))
        if last in ("include", "append", "insert", "extend"):
            yield from _toolbar_strings(node.args)
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        yield from _toolbar_strings(node.elts)


def _run_hits(call: Any) -> Iterator[Hit]:
    """`app.run(debug=True)`, `run_simple(..., use_reloader=True)`, `uvicorn.run(..., reload=True)`."""
    function = _dotted(call.func)
    if function.rpartition(".")[2] not in ("run", "run_simple"):
        return
    for keyword in call.keywords:
        if keyword.arg in _RUN_FLAGS and _literal(keyword.value) == "true":
            fix = f"Remove `{keyword.arg}=True`; run production behind a WSGI/ASGI server without debugger or reloader."
            yield Hit(call.lineno, call.col_offset + 1, dev_server(f"{function}({keyword.arg}=True)", fix))


def _toolbar_strings(nodes: Sequence[Any]) -> Iterator[Hit]:
    import ast

    for element in nodes:
        if isinstance(element, ast.Constant) and isinstance(element.value, str):
            module = element.value.split(".", 1)[0]
            # the app, its middleware or its URLs; `debug_toolbar.panels.*` lists only configure it
            if module in TOOLBAR_MODULES and element.value.partition(".")[2].split(".", 1)[0] in ("", "apps", "middleware", "urls"):
                yield Hit(element.lineno, element.col_offset + 1, toolbar_module(element.value))


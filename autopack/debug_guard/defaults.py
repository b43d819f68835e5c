"""APD104: debug switches read from the environment with an enabling default.

`DEBUG = env.bool("DEBUG", default=True)`, `${DEBUG:-true}`, `process.env.DEBUG ?? true`: the
default is what runs wherever the variable is unset, so a production deploy that forgets to set it
runs with debug on. Found in production files and, anywhere in the tree, in the files production
loads (settings modules, compose files, Dockerfiles, entrypoints; see `scope.loaded_scope`).

Precision first: only a default that turns the switch on counts (an off default, no default, a
value that stays off when the variable is unset are silent), and Python expressions are
evaluated as they would run with the variable unset (`os.getenv("DEBUG", "False") == "True"` is
off, `os.getenv("DEBUG") != "False"` is on).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from autopack.debug_guard.lines import HASH, Hit, code_part, dockerfile_settings
from autopack.debug_guard.verdicts import (
    DEVELOPMENT_MODULES,
    SETTINGS_MODULE_KEYS,
    RULE_DEFAULT,
    IndexedLines,
    Verdict,
    default_on,
    is_debug_switch,
    is_enabling,
    lazy,
)

TYPE_CHECKING = False  # typing is imported for type checkers only: the hook starts lean
if TYPE_CHECKING:
    from typing import Any


# Words of a Python environment read (lowered): a production settings module is parsed for APD104
# when it has one, even without a literal that would decide another rule.
PYTHON_WORDS = ("environ", "getenv", "env(", "env.", "config(", "basesettings")

# `${DEBUG:-true}`, `${DEBUG-1}`, `${DEBUG:=on}` (shell, compose, dotenv, Dockerfile).
_SHELL_DEFAULT = lazy(r"\$\{(?P<var>[A-Za-z_]\w*)(?P<op>:?[-=])(?P<value>[^}\n]{0,80})\}")
# Spring placeholders `${DEBUG:true}` (application*.properties / *.yml).
_SPRING_DEFAULT = lazy(r"\$\{(?P<var>[A-Za-z_][\w.-]*):(?P<value>[^}\n:-][^}\n]{0,80}|)\}")
# `process.env.DEBUG ?? true`, `process.env["DEBUG"] || "1"`, `import.meta.env.VITE_DEBUG !== "false"`.
_JS_DEFAULT = lazy(
    r"""(?:process\.env|import\.meta\.env)(?:\.(?P<var>[A-Za-z_$][\w$]*)|\[\s*["'](?P<quoted>[\w$]+)["']\s*\])"""
    r"""\s*(?P<op>\?\?|\|\||!==?)\s*(?P<value>"[^"\n]{0,40}"|'[^'\n]{0,40}'|`[^`\n]{0,40}`|[\w.]+)"""
)
# Laravel `env('APP_DEBUG', true)`, `getenv('APP_DEBUG') ?: true`.
_PHP_DEFAULT = lazy(
    r"""\b(?:env\(\s*["'](?P<var>\w+)["']\s*,\s*(?P<value>"[^"\n]{0,40}"|'[^'\n]{0,40}'|\w+)\s*\)"""
    r"""|getenv\(\s*["'](?P<var2>\w+)["']\s*\)\s*\?:\s*(?P<value2>"[^"\n]{0,40}"|'[^'\n]{0,40}'|\w+))"""
)
# Ruby `ENV.fetch("DEBUG", "true")`, `ENV.fetch("DEBUG") { true }`, `ENV["DEBUG"] || "1"`.
_RUBY_DEFAULT = lazy(
    r"""ENV(?:\.fetch\(\s*["'](?P<var>\w+)["']\s*(?:,\s*(?P<value>"[^"\n]{0,40}"|'[^'\n]{0,40}'|\w+)\s*\)|\)\s*\{\s*(?P<block>"[^"\n]{0,40}"|'[^'\n]{0,40}'|\w+)\s*\})"""
    r"""|\[\s*["'](?P<var2>\w+)["']\s*\]\s*\|\|\s*(?P<value2>"[^"\n]{0,40}"|'[^'\n]{0,40}'|\w+))"""
)
_DISABLING = frozenset({"false", "0", "no", "off", ""})
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$-")
_CASTS_BEFORE = ("(bool)", "(boolean)", "(int)")


def _assigned_key(code: str, start: int) -> str | None:
    """The key a default is assigned to, from the text right before it: `DEBUG=`, `debug: `,
    `'debug' => (bool) `, `- DEBUG=`, `DEBUG="`. Walks back over at most 80 characters (no
    regular expression, so any line stays linear)."""
    text = code[max(0, start - 80) : start].rstrip().rstrip("\"'").rstrip()
    for cast in _CASTS_BEFORE:
        text = text.removesuffix(cast).rstrip()
    if text.endswith("=>"):
        text = text[:-2]
    elif text.endswith((":", "=")):
        text = text[:-1]
    else:
        return None
    text = text.rstrip().rstrip("\"'")
    begin = len(text)
    while begin and text[begin - 1] in _KEY_CHARS:
        begin -= 1
    key = text[begin:]
    return key.rpartition(".")[2] if key and (key[0].isalpha() or key[0] in "_$") else None


def _hit(number: int, column: int, key: str, shown: str) -> Hit:
    return Hit(number, column, default_on(key, shown))


def mentions_default(lines: IndexedLines, fmt: str) -> bool:
    """Whether a file of this format has a word every default of the format needs (`${`,
    `process.env`, `env(`, ...): the whole cost for the common file without one."""
    return fmt in _FORMATS and lines.mentions(_FORMATS[fmt][0])


def text_hits(lines: IndexedLines, fmt: str) -> Iterator[Hit]:
    """Defaults written in the text of shell, compose, dotenv, Dockerfile, YAML, properties,
    JavaScript, PHP and Ruby files; one finding per default that turns a debug switch on."""
    if fmt not in _FORMATS:
        return
    _words, patterns, markers = _FORMATS[fmt]
    for index in lines.with_words():
        code = code_part(lines[index], markers)
        if not code:
            continue
        for pattern in patterns:
            for match in pattern.finditer(code):
                hit = _judge(match, code, index + 1)
                if hit is not None:
                    yield hit


def _judge(match: Any, code: str, number: int) -> Hit | None:
    groups = match.groupdict()
    var = groups.get("var") or groups.get("quoted") or groups.get("var2") or ""
    value = groups.get("value") or groups.get("block") or groups.get("value2") or ""
    key = _assigned_key(code, match.start())
    if not (is_debug_switch(var) or (key is not None and is_debug_switch(key))):
        return None
    op = groups.get("op") or ""
    if op.startswith("!"):  # `process.env.DEBUG !== "false"`: on unless turned off
        if value.strip("\"'`").lower() not in _DISABLING:
            return None
    elif not is_enabling(value.strip("`")):
        return None
    return _hit(number, match.start() + 1, key if key and is_debug_switch(key) else var, match.group().strip())


_ARG = lazy(r"^\s*ARG\s+(?P<key>[A-Za-z_]\w*)=(?P<value>\"[^\"]*\"|'[^']*'|\S+)", re.IGNORECASE)


def dockerfile_hits(lines: IndexedLines, image_defaults: bool) -> Iterator[Hit]:
    """A Dockerfile's build arguments with an enabling default (`ARG DEBUG=true`) and, with
    `image_defaults` (a Dockerfile not named for production, where APD101 does not judge `ENV`),
    the image's own default (`ENV DEBUG=1`: every container starts with debug on unless told)."""
    for index in lines.with_words():
        match = _ARG.match(lines[index])
        if match and is_debug_switch(match["key"]) and is_enabling(match["value"]):
            yield _hit(index + 1, match.start("key") + 1, match["key"], f"ARG {match['key']}={match['value']}")
    if image_defaults:
        for key, value, number, column in dockerfile_settings(lines):
            if is_debug_switch(key) and is_enabling(value):
                yield Hit(number, column, default_on(key, f"ENV {key}={value}", "a container does not set it"))


_SHELL_FORMAT = (("${",), (_SHELL_DEFAULT,), HASH)
# format: (words a default needs, its patterns, comment markers)
_FORMATS: dict[str, tuple[tuple[str, ...], tuple[Any, ...], tuple[str, ...]]] = {
    "shell": _SHELL_FORMAT,
    "dotenv": _SHELL_FORMAT,
    "generic": _SHELL_FORMAT,
    "dockerfile": (("${", "arg ", "env "), (_SHELL_DEFAULT,), HASH),
    "yaml": (("${",), (_SHELL_DEFAULT, _SPRING_DEFAULT), HASH),
    "ini": (("${",), (_SPRING_DEFAULT,), ("#", ";", "!")),
    "js": (("process.env", "import.meta.env"), (_JS_DEFAULT,), ("//",)),
    "php": (("env(",), (_PHP_DEFAULT,), ("#", "//")),
    "ruby": (("env[", "env.fetch"), (_RUBY_DEFAULT,), HASH),
}


# --- Python ------------------------------------------------------------------------------------

_UNKNOWN = object()
_CASTS = {"bool": bool, "int": int, "str": str, "float": float}
_STRING_METHODS = ("lower", "upper", "strip", "casefold", "title", "capitalize", "lstrip", "rstrip")
_PARSERS = ("strtobool", "str2bool", "str_to_bool", "to_bool", "as_bool", "parse_bool", "literal_eval", "loads", "eval", "is_true", "truthy")
_TRUE_WORDS = frozenset({"1", "true", "yes", "on", "y", "t"})
_FALSE_WORDS = frozenset({"0", "false", "no", "off", "n", "f", ""})


def _dotted(node: Any) -> str:
    import ast

    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def env_read(call: Any) -> tuple[str, Any] | None:
    """(variable, default node or None) of a call that reads the environment: `os.environ.get`,
    `os.getenv`, `os.environ.setdefault`, django-environ's `env(...)`/`env.bool(...)`, decouple's
    `config(...)`, helpers named for it (`get_bool_from_env`, `env_bool`); None for other calls."""
    import ast

    function = _dotted(call.func)
    last = function.rpartition(".")[2].lower()
    if not (
        "env" in last
        or "environ." in function
        or function.partition(".")[0] in ("env", "environ")
        or function in ("config", "decouple.config")
    ):
        return None
    if not call.args or not isinstance(call.args[0], ast.Constant) or not isinstance(call.args[0].value, str):
        return None
    default = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "default"), None)
    return call.args[0].value, default


class Evaluator:
    """What a settings expression evaluates to when the environment does not set the variables it
    reads; `_UNKNOWN` for anything else. `names` maps a module-level name to the expressions
    assigned to it (with their lines), so `DEBUG = ENV == "development"` follows `ENV = ...`."""

    def __init__(self, names: dict[str, list[tuple[int, Any]]]) -> None:
        self.names = names
        self.reads: list[tuple[Any, str]] = []  # env reads met while evaluating: (call, variable)

    def value(self, node: Any, depth: int = 0) -> Any:
        import ast

        if depth > 20:
            return _UNKNOWN
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = self.value(node.left, depth + 1), self.value(node.comparators[0], depth + 1)
            if isinstance(left, str) and _dotted(node.comparators[0]) in ("os.environ", "environ"):
                self.reads.append((node, left))  # `"DJANGO_DEBUG_FALSE" in os.environ`
            return _compare(node.ops[0], left, right)
        if isinstance(node, ast.BoolOp):
            values = [self.value(v, depth + 1) for v in node.values]
            if any(v is _UNKNOWN for v in values):
                return _UNKNOWN
            result = values[0]
            for v in values[1:]:
                if isinstance(node.op, ast.And) and not result or isinstance(node.op, ast.Or) and result:
                    break
                result = v
            return result
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.value(node.operand, depth + 1)
            return _UNKNOWN if inner is _UNKNOWN else not inner
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = [self.value(e, depth + 1) for e in node.elts]
            return _UNKNOWN if any(i is _UNKNOWN for i in items) else tuple(items)
        if isinstance(node, ast.IfExp):
            test = self.value(node.test, depth + 1)
            return _UNKNOWN if test is _UNKNOWN else self.value(node.body if test else node.orelse, depth + 1)
        if isinstance(node, ast.Attribute) and _dotted(node) in ("os.environ", "environ"):
            return {}  # `"DEBUG" in os.environ` with nothing set
        if isinstance(node, ast.Name) and node.id in self.names and not is_debug_switch(node.id):
            # `DEBUG = ENVIRONMENT == "dev"` follows ENVIRONMENT; another debug switch
            # (`"debug": DEBUG`) is judged where it is assigned, not again at each use
            before = [value for line, value in self.names[node.id] if line < node.lineno]
            return self.value(before[-1], depth + 1) if before else _UNKNOWN
        return _UNKNOWN

    def _call(self, call: Any, depth: int) -> Any:
        import ast

        read = env_read(call)
        if read is not None:
            self.reads.append((call, read[0]))
            return None if read[1] is None else self.value(read[1], depth + 1)
        function = _dotted(call.func)
        last = function.rpartition(".")[2]
        if isinstance(call.func, ast.Attribute) and call.func.attr in _STRING_METHODS and not call.args:
            inner = self.value(call.func.value, depth + 1)
            return getattr(inner, call.func.attr)() if isinstance(inner, str) else _UNKNOWN
        if len(call.args) != 1:
            return _UNKNOWN
        inner = self.value(call.args[0], depth + 1)
        if inner is _UNKNOWN:
            return _UNKNOWN
        if function in _CASTS:
            try:
                return _CASTS[function](inner)
            except (TypeError, ValueError):
                return _UNKNOWN
        if last.lower() in _PARSERS and isinstance(inner, (str, bool, int)):
            text = str(inner).strip().lower()
            if text in _TRUE_WORDS:
                return True
            return False if text in _FALSE_WORDS else _UNKNOWN
        return _UNKNOWN


def unset_branch_hits(node: Any, evaluator: Evaluator, shown: Any) -> Iterator[Hit]:
    """`if "DJANGO_DEBUG_FALSE" in os.environ: DEBUG = False` / `else: DEBUG = True`: the branch
    that runs with the variables unset sets a debug switch on (`elif` chains followed)."""
    import ast

    while isinstance(node, ast.If):
        evaluator.reads = []
        test = evaluator.value(node.test)
        if test is _UNKNOWN or not evaluator.reads:
            return
        variables = ", ".join(sorted({f"`{variable}`" for _call, variable in evaluator.reads}))
        branch = node.body if test else node.orelse
        for statement in branch:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target] if isinstance(statement, ast.AnnAssign) else []
            for target in targets:
                key = target.id if isinstance(target, ast.Name) else None
                value = statement.value
                if key and is_debug_switch(key) and isinstance(value, ast.Constant) and is_enabling(value.value):
                    yield Hit(statement.lineno, statement.col_offset + 1, default_on(key, f"{key} = {shown(value)}", f"{variables} {'is' if ',' not in variables else 'are'} unset (the branch that then runs)"))
        node = branch[0] if len(branch) == 1 and isinstance(branch[0], ast.If) else None


def _compare(op: Any, left: Any, right: Any) -> Any:
    import ast

    if left is _UNKNOWN or right is _UNKNOWN:
        return _UNKNOWN
    try:
        if isinstance(op, (ast.Eq, ast.Is)):
            return left == right
        if isinstance(op, (ast.NotEq, ast.IsNot)):
            return left != right
        if isinstance(op, ast.In):
            return left in right
        if isinstance(op, ast.NotIn):
            return left not in right
    except TypeError:
        return _UNKNOWN
    return _UNKNOWN


def module_names(tree: Any) -> dict[str, list[tuple[int, Any]]]:
    """Module-level `NAME = value` assignments, in order, for the evaluator."""
    import ast

    names: dict[str, list[tuple[int, Any]]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    names.setdefault(target.id, []).append((statement.lineno, statement.value))
    return names


def python_setting_hits(key: str | None, value: Any, evaluator: Evaluator, shown: Any) -> Iterator[Hit]:
    """A setting (`DEBUG = ...`, `debug=...`, `"DEBUG": ...`) whose value reads the environment
    and is on when the variables it reads are unset."""
    evaluator.reads = []
    result = evaluator.value(value)
    # `DEBUG = os.getenv("DEBUG", "False")`: the setting is the string itself, and any non-empty
    # string is true where it is tested (`if settings.DEBUG:`), "False" and "0" too
    # (unless the module assigns it again, `DEBUG = DEBUG.lower() == "true"`)
    raw_string = (
        isinstance(result, str) and result != "" and key is not None and is_debug_switch(key) and _reads_a_string(value)
        and not any(line > value.lineno for line, _ in evaluator.names.get(key, ()))
    )  # fmt: skip
    if not evaluator.reads or result is _UNKNOWN or not (is_enabling(result) or raw_string):
        return
    debug_reads = [(call, variable) for call, variable in evaluator.reads if is_debug_switch(variable)]
    if not (key is not None and is_debug_switch(key)) and not debug_reads:
        return
    call, variable = (debug_reads or evaluator.reads)[0]
    name = key if key is not None and is_debug_switch(key) else variable
    place = f"`{variable}` is unset" if len(evaluator.reads) == 1 else "the variables it reads are unset"
    if raw_string and not is_enabling(result):
        place += f" (it is then the string `{result}`, and any non-empty string is true)"
    # at the read when it is part of the value, else (read through a name) at the value itself
    import ast

    where = call if any(node is call for node in ast.walk(value)) else value
    yield Hit(where.lineno, where.col_offset + 1, default_on(name, shown(value), place))


# The standard library's reads return the variable's text (or the default) as it is, never cast.
STRING_READS = frozenset({"os.getenv", "getenv", "os.environ.get", "environ.get", "os.environ.setdefault"})


def _reads_a_string(value: Any) -> bool:
    """Whether a setting's value is itself a standard-library environment read (no cast, no test)."""
    import ast

    return isinstance(value, ast.Call) and _dotted(value.func) in STRING_READS


def pydantic_field_hits(node: Any) -> Iterator[Hit]:
    """`class Settings(BaseSettings): debug: bool = True` reads `DEBUG` from the environment with
    that default (also `Field(True)`, `Field(default=True)`)."""
    import ast

    if not any(_dotted(base).endswith("BaseSettings") for base in node.bases):
        return
    for statement in node.body:
        if not (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value is not None):
            continue
        key, value = statement.target.id, statement.value
        if isinstance(value, ast.Call) and _dotted(value.func).rpartition(".")[2] == "Field":
            value = value.args[0] if value.args else next((k.value for k in value.keywords if k.arg == "default"), None)
        if value is not None and is_debug_switch(key) and isinstance(value, ast.Constant) and is_enabling(value.value):
            yield Hit(statement.lineno, statement.col_offset + 1, default_on(key.upper(), f"{key}: ... = {value.value!r}", f"`{key.upper()}` is unset (pydantic settings read it from the environment)"))


def environ_scheme_hits(call: Any) -> Iterator[Hit]:
    """django-environ's scheme `environ.Env(DEBUG=(bool, True))`: the tuple's second item is the default."""
    import ast

    if _dotted(call.func).rpartition(".")[2] != "Env":
        return
    for keyword in call.keywords:
        value = keyword.value
        if (
            keyword.arg
            and is_debug_switch(keyword.arg)
            and isinstance(value, ast.Tuple)
            and len(value.elts) == 2
            and isinstance(value.elts[1], ast.Constant)
            and is_enabling(value.elts[1].value)
        ):
            yield Hit(value.lineno, value.col_offset + 1, default_on(keyword.arg, f"Env({keyword.arg}=(..., {value.elts[1].value!r}))"))


def settings_module_default_hits(call: Any) -> Iterator[Hit]:
    """A WSGI/ASGI entry module that selects development settings unless told otherwise:
    `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")`."""
    import ast

    if _dotted(call.func).rpartition(".")[2] != "setdefault" or len(call.args) != 2:
        return
    key, value = call.args
    if not (isinstance(key, ast.Constant) and isinstance(value, ast.Constant) and isinstance(key.value, str) and isinstance(value.value, str)):
        return
    if key.value.lower() in SETTINGS_MODULE_KEYS and re.split(r"[.:]", value.value.lower())[-1] in DEVELOPMENT_MODULES:
        yield Hit(
            call.lineno,
            call.col_offset + 1,
            Verdict(
                RULE_DEFAULT,
                f"`{key.value}` defaults to `{value.value}` in a production entry point: development settings run wherever the variable is unset",
                f"Default `{key.value}` to the production settings here (e.g. `config.settings.production`); select development settings in development only.",
            ),
        )

"""JSON Schema validation of YAML documents, with problems located in the file.

Packaged schemas (Draft 2020-12) are loaded once per process. Each jsonschema error on a
`YamlDocument` becomes a `SchemaProblem` with one message style, `$.json.path: what is wrong`,
at the line and column where a person fixes it: a missing key at the key of its mapping, an
unknown key at that key, a wrong value at the value. jsonschema is imported only when a
document is validated, so importing this module stays cheap.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from autopack.yamldoc import JsonPath, YamlDocument


@dataclass(frozen=True)
class SchemaProblem:
    """One schema error: where it points, and `message` (which starts with that JSON path)."""

    path: JsonPath
    line: int
    column: int
    message: str
    keyword: str  # the JSON Schema keyword that failed: type, required, additionalProperties...


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def json_path(path: Iterable[str | int]) -> str:
    """`$.anthropic['claude-opus-4-5'].input_per_1k`: dots for plain names, brackets otherwise."""
    out = "$"
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif _IDENTIFIER.fullmatch(step):
            out += f".{step}"
        else:
            out += "['" + step.replace("\\", "\\\\").replace("'", "\\'") + "']"
    return out


# --- loading --------------------------------------------------------------------------------


@functools.cache
def load_schema(package: str, name: str) -> dict[str, Any]:
    """A JSON Schema shipped as package data, e.g. `load_schema("autopack.parallel", "anchor.schema.json")`."""
    from importlib.resources import files

    return json.loads(files(package).joinpath(name).read_text(encoding="utf-8"))


@functools.cache
def _validator(package: str, name: str) -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(load_schema(package, name))


def schema_problems(document: YamlDocument, package: str, name: str) -> list[SchemaProblem]:
    """Every error of `document` against the packaged schema, once each, in file order."""
    problems: dict[tuple[JsonPath, str], SchemaProblem] = {}
    for error in _validator(package, name).iter_errors(document.value):
        for path, at_key, text in _describe(error):
            message = f"{json_path(path)}: {text}"
            if (path, message) not in problems:
                position = document.position(path, key=at_key)
                problems[path, message] = SchemaProblem(path, position.line, position.column, message, error.validator)
    return sorted(problems.values(), key=lambda problem: (problem.line, problem.column, problem.message))


# --- messages -------------------------------------------------------------------------------

_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "null": "empty (null)",
}

_VALUE_KINDS: tuple[tuple[type, str], ...] = (
    (type(None), "null"),
    (bool, "a boolean"),  # before int: a bool is an int in Python
    (int, "an integer"),
    (float, "a number"),
    (str, "a string"),
    (dict, "a mapping"),
    (list, "a list"),
)

_BOUNDS = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than", "exclusiveMaximum": "less than"}

# The patterns our schemas use, in words; any other pattern is shown as it is.
_PATTERN_WORDS = {r"^\S+$": "a string without spaces", r"\S": "a non-blank string"}


def _kind(value: Any) -> str:
    return next((name for kind, name in _VALUE_KINDS if isinstance(value, kind)), f"a {type(value).__name__}")


def _shown(value: Any) -> str:
    """A scalar as YAML users write it (`true`, `null`, `"0.003"`), shortened; "" for containers."""
    if isinstance(value, (dict, list)):
        return ""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except TypeError:  # dates and other YAML-only values
        text = str(value)
    return " " + (text if len(text) <= 60 else text[:57] + "...")


def _got(value: Any) -> str:
    if value is None:  # "got null", not "got null null"
        return "got null"
    return f"got {_kind(value)}{_shown(value)}"


def _describe(error: Any) -> list[tuple[JsonPath, bool, str]]:
    """(where, point at the key rather than the value, message) for one jsonschema error."""
    path: JsonPath = tuple(error.absolute_path)
    instance, keyword, expected = error.instance, error.validator, error.validator_value
    # A mapping or list value starts on the line after its key: the key is where to look.
    at_key = isinstance(instance, (dict, list)) and bool(path)
    if keyword == "type":
        wanted = " or ".join(_TYPE_WORDS.get(name, name) for name in (expected if isinstance(expected, list) else [expected]))
        return [(path, at_key, f"expected {wanted}, {_got(instance)}")]
    if keyword == "required":
        return [(path, True, f"missing required key {key!r}") for key in expected if key not in instance]
    if keyword == "additionalProperties":
        return [((*path, key), True, f"unknown key ({_allowed_keys(error.schema)})") for key in _unknown_keys(instance, error.schema)]
    if keyword in _BOUNDS:
        return [(path, False, f"expected {_BOUNDS[keyword]} {expected}, {_got(instance)}")]
    if keyword == "pattern":
        return [(path, False, f"expected {_PATTERN_WORDS.get(expected, f'a string matching {expected!r}')}, {_got(instance)}")]
    if keyword == "minLength" and expected == 1:
        return [(path, False, f"expected a non-empty string, {_got(instance)}")]
    if keyword == "enum":
        return [(path, at_key, f"expected one of {', '.join(json.dumps(option) for option in expected)}, {_got(instance)}")]
    if keyword == "uniqueItems":
        return [_repeated_item(path, instance)]
    message = error.message
    return [(path, at_key, message if len(message) <= 200 else message[:197] + "...")]


def _unknown_keys(instance: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """The keys `additionalProperties: false` refuses: neither properties nor patternProperties."""
    known, patterns = schema.get("properties", {}), schema.get("patternProperties", {})
    return [key for key in instance if key not in known and not any(re.search(pattern, key) for pattern in patterns)]


def _allowed_keys(schema: dict[str, Any]) -> str:
    allowed = [*schema.get("properties", {}), *(f"keys matching {pattern!r}" for pattern in schema.get("patternProperties", {}))]
    return f"allowed here: {', '.join(allowed)}" if allowed else "no keys are allowed here"


def _repeated_item(path: JsonPath, items: list[Any]) -> tuple[JsonPath, bool, str]:
    """Point at the first entry that repeats an earlier one (else at the list)."""
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        identity = json.dumps(item, sort_keys=True, default=str)
        if identity in first_index:
            earlier = json_path((*path, first_index[identity]))
            return (*path, index), False, f"duplicate entry{_shown(item)}, already at {earlier}; list each entry once"
        first_index[identity] = index
    return path, bool(path), "expected each entry once, got a repeated entry"

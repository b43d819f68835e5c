"""JSON Schema validation of YAML documents, with problems located in the file.

Packaged schemas (Draft 2020-12) are loaded once per process. Each jsonschema error on a
`YamlDocument` becomes a `SchemaProblem` with one message style, `$.json.path: what is wrong`,
at the line and column where a person fixes it: a missing key at the key of its mapping, an
unknown key at that key, a wrong value at the value. jsonschema is imported only when a
document is not plainly valid (see `conforms`), so importing this module, and validating a
valid document, stay cheap.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
from collections import namedtuple
from collections.abc import Iterable, Iterator

from autopack.yamldoc import JsonPath, YamlDocument

TYPE_CHECKING = False  # typing is imported for type checkers only: hooks start lean
if TYPE_CHECKING:
    from typing import Any


class SchemaProblem(namedtuple("SchemaProblem", "path line column message keyword")):
    """One schema error: where it points, and `message` (which starts with that JSON path)."""

    __slots__ = ()
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
    """A JSON Schema shipped as package data, e.g. `load_schema("autopack.parallel", "anchor.schema.json")`.
    Read through the package's loader, as `pkgutil.get_data` does (zip-safe), without the cost
    of importing `importlib.resources`."""
    module = importlib.import_module(package)
    path = os.path.join(os.path.dirname(module.__file__ or ""), *name.split("/"))
    return json.loads(module.__spec__.loader.get_data(path).decode("utf-8"))


@functools.cache
def _validator(package: str, name: str) -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(load_schema(package, name))


def schema_problems(document: YamlDocument, package: str, name: str) -> list[SchemaProblem]:
    """Every error of `document` against the packaged schema, once each, in file order."""
    if conforms(document.value, load_schema(package, name)):
        return []
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


# --- a quick answer for valid documents -------------------------------------------------------
#
# Importing jsonschema costs several times what validating a catalog costs, and the documents of
# a clean commit are valid. `conforms` answers "valid" for the keywords our schemas use, by
# jsonschema's rules; on anything else (another keyword, a remote $ref, a value of a type it does
# not know, a float where an integer is asked) it gives up, and jsonschema decides and explains.
# So it never calls a document valid that jsonschema refuses (tests/test_schema.py checks this).

# Keywords that only annotate: they never make a document invalid (`format` is not asserted).
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "$defs", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly", "format"}
)
_JSON_VALUES = (type(None), bool, int, float, str, dict, list)


class _Undecided(Exception):
    """A keyword or value `conforms` does not judge: jsonschema decides."""


def conforms(instance: Any, schema: dict[str, Any]) -> bool:
    """True when `instance` is valid against `schema` (Draft 2020-12, references inside the
    schema); False when it is not, or when only jsonschema can tell."""
    try:
        return _valid(instance, schema, schema)
    except (_Undecided, RecursionError):
        return False


def _valid(instance: Any, schema: Any, root: dict[str, Any]) -> bool:
    if schema is True or schema is False:
        return schema
    if not isinstance(schema, dict) or not isinstance(instance, _JSON_VALUES):
        raise _Undecided
    return all(keyword in _ANNOTATIONS or _holds(keyword, instance, expected, schema, root) for keyword, expected in schema.items())


def _holds(keyword: str, instance: Any, expected: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    """Whether one keyword of `schema` holds for `instance`; a keyword applies only to its kind
    of value (`minimum` to numbers, `required` to mappings), as in JSON Schema."""
    mapping, text, number = isinstance(instance, dict), isinstance(instance, str), _is_number(instance)
    match keyword:
        case "type":
            return any(_is_type(instance, name) for name in (expected if isinstance(expected, list) else [expected]))
        case "required":
            return not mapping or all(key in instance for key in expected)
        case "properties":
            return not mapping or all(_valid(instance[key], sub, root) for key, sub in expected.items() if key in instance)
        case "patternProperties":
            return not mapping or all(
                _valid(value, sub, root) for pattern, sub in expected.items() for key, value in _text_keys(instance) if re.search(pattern, key)
            )
        case "additionalProperties":
            known, patterns = schema.get("properties", {}), schema.get("patternProperties", {})
            return not mapping or all(
                _valid(value, expected, root)
                for key, value in _text_keys(instance)
                if key not in known and not any(re.search(pattern, key) for pattern in patterns)
            )
        case "minimum":  # each bound written as jsonschema tests it (NaN passes every one)
            return not (number and instance < expected)
        case "maximum":
            return not (number and instance > expected)
        case "exclusiveMinimum":
            return not (number and instance <= expected)
        case "exclusiveMaximum":
            return not (number and instance >= expected)
        case "minLength":
            return not (text and len(instance) < expected)
        case "maxLength":
            return not (text and len(instance) > expected)
        case "pattern":
            return not text or re.search(expected, instance) is not None
        case "items":
            return not isinstance(instance, list) or all(_valid(item, expected, root) for item in instance)
        case "anyOf":
            return any(_valid(instance, sub, root) for sub in expected)
        case "allOf":
            return all(_valid(instance, sub, root) for sub in expected)
        case "not":
            return not _valid(instance, expected, root)
        case "if":
            branch = "then" if _valid(instance, expected, root) else "else"
            return branch not in schema or _valid(instance, schema[branch], root)
        case "then" | "else":
            return True  # judged with their `if`
        case "$ref":
            return _valid(instance, _local_reference(expected, root), root)
    raise _Undecided


def _is_type(instance: Any, name: str) -> bool:
    match name:
        case "object":
            return isinstance(instance, dict)
        case "array":
            return isinstance(instance, list)
        case "string":
            return isinstance(instance, str)
        case "boolean":
            return isinstance(instance, bool)
        case "null":
            return instance is None
        case "number":
            return _is_number(instance)
        case "integer":
            if isinstance(instance, float):
                raise _Undecided  # 1.0 is an integer to jsonschema's newer drafts
            return _is_number(instance)
    raise _Undecided


def _is_number(instance: Any) -> bool:
    return isinstance(instance, (int, float)) and not isinstance(instance, bool)


def _text_keys(mapping: dict[Any, Any]) -> Iterator[tuple[str, Any]]:
    for key, value in mapping.items():
        if not isinstance(key, str):
            raise _Undecided  # YAML allows `1:` as a key; JSON Schema knows only text keys
        yield key, value


def _local_reference(reference: Any, root: dict[str, Any]) -> Any:
    """The subschema a `#/...` reference points at (a JSON pointer into the same schema)."""
    if not isinstance(reference, str) or not reference.startswith("#/"):
        raise _Undecided
    target: Any = root
    for part in reference[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or part not in target:
            raise _Undecided
        target = target[part]
    return target

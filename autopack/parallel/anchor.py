"""The anchor file: the committed authorisation for parallel work.

An anchor says who owns a piece of parallel work and how many workers it may use. `load_anchor`
validates it against the schema shipped in this package and names `file:line:col` for every
problem, so a broken anchor can be fixed from the message alone. yaml and jsonschema are imported
only when an anchor is actually loaded.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from autopack.findings import DOCS_URL, ConfigError

DEFAULT_ANCHOR_PATH = ".autopack/anchor.yaml"
DOCS_LINK = f"{DOCS_URL}/parallelism.md#the-anchor-file"
SCHEMA_FILE = "anchor.schema.json"
MAX_ANCHOR_BYTES = 64 * 1024  # an anchor is a few lines; anything bigger is a mistake

JSON_TYPE_WORDS = {
    "boolean": "true or false",
    "integer": "an integer",
    "string": "a string",
    "object": "a mapping",
    "array": "a list",
}

PLAIN_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
DocPath = tuple[str | int, ...]  # a position inside the document: keys and list indexes


class AnchorError(ConfigError, ValueError):
    """An anchor file that cannot authorise anything: missing, unreadable, malformed or invalid."""


@dataclass(frozen=True)
class Anchor:
    """A validated anchor. `source` is the file it came from, for messages that point back."""

    id: str
    owner: str
    allowed: bool
    max_workers: int
    paths: tuple[str, ...] = ()
    source: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.max_workers, bool) or not isinstance(self.max_workers, int) or self.max_workers < 1:
            raise AnchorError(f"anchor {self.id!r}: max_workers must be an integer >= 1, not {self.max_workers!r}")

    @property
    def where(self) -> str:
        """How messages name this anchor: its file, or its id when it was built in code."""
        return self.source or f"(built in code, id {self.id!r})"


def load_anchor(path: str | os.PathLike[str]) -> Anchor:
    """Read and validate an anchor file; every problem is an `AnchorError` naming file and line."""
    location = Path(path)
    text = _read_text(location)
    document, marks = _parse_yaml(location, text)
    _validate(location, document, marks)
    parallelism = document["parallelism"]
    return Anchor(
        id=document["id"],
        owner=document["owner"],
        allowed=parallelism["allowed"],
        max_workers=parallelism["max_workers"],
        paths=tuple(document.get("paths", ())),
        source=str(location),
    )


def _read_text(location: Path) -> str:
    try:
        info = location.stat()
        if not stat.S_ISREG(info.st_mode):  # a directory, or a FIFO that would block the read
            raise AnchorError(f"{location}: not a regular file; an anchor is a YAML file (see {DOCS_LINK})")
        if info.st_size > MAX_ANCHOR_BYTES:
            raise AnchorError(
                f"{location}: {info.st_size} bytes is too large for an anchor (limit {MAX_ANCHOR_BYTES}); "
                f"an anchor is a few lines (see {DOCS_LINK})"
            )
        raw = location.read_bytes()
    except FileNotFoundError:
        raise AnchorError(
            f"{location}: anchor file not found; create it with id, owner and parallelism "
            f"(see {DOCS_LINK})"
        ) from None
    except OSError as exc:
        raise AnchorError(f"{location}: cannot read the anchor file: {exc.strerror or exc}") from None
    if b"\0" in raw:
        raise AnchorError(f"{location}: binary data (a NUL byte); an anchor is a YAML text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise AnchorError(f"{location}:{line}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None


def _parse_yaml(location: Path, text: str) -> tuple[Any, dict[str, dict[DocPath, Any]]]:
    """The document and the YAML marks of every value and key, found from PyYAML's nodes."""
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise AnchorError(
                f"{location}:1:1: the anchor file is empty; it needs id, owner and parallelism (see {DOCS_LINK})"
            )
        marks: dict[str, dict[DocPath, Any]] = {"value": {}, "key": {}}
        document = _NodeReader(location, loader, marks).read(root, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise AnchorError(f"{_at(location, mark)}: invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise AnchorError(f"{location}: invalid YAML: {exc}") from None
    except RecursionError:
        raise AnchorError(f"{location}: nested too deeply to be an anchor file") from None
    finally:
        loader.dispose()
    return document, marks


def _at(location: Path, mark: Any) -> str:
    return f"{location}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(location)


class _NodeReader:
    """Builds plain values from YAML nodes, recording where each came from. Aliases are refused
    (an anchor has no use for them, and refusing them rules out alias bombs); duplicate keys are
    errors rather than a silent last-one-wins."""

    def __init__(self, location: Path, loader: Any, marks: dict[str, dict[DocPath, Any]]) -> None:
        self.location = location
        self.loader = loader
        self.marks = marks
        self.seen: set[int] = set()

    def read(self, node: Any, path: DocPath, referrer: Any = None) -> Any:
        """`referrer` (the mark of the key or list that holds the node) locates an alias, whose
        node carries only the mark of the value it repeats."""
        import yaml

        if id(node) in self.seen:
            where = _at(self.location, referrer or node.start_mark)
            raise AnchorError(f"{where}: YAML aliases (*name) are not allowed in an anchor file; write the value out")
        self.seen.add(id(node))
        self.marks["value"][path] = node.start_mark
        if not isinstance(node, yaml.ScalarNode) and node.tag not in PLAIN_COLLECTION_TAGS:
            where = _at(self.location, node.start_mark)
            raise AnchorError(f"{where}: the YAML tag {node.tag!r} is not allowed in an anchor file")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.read(item, (*path, index), node.start_mark) for index, item in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: Any, path: DocPath) -> dict[str, Any]:
        import yaml

        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            where = _at(self.location, key_node.start_mark)
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                shown = repr(key) if isinstance(key_node, yaml.ScalarNode) else "a mapping or list"
                raise AnchorError(f"{where}: mapping keys must be plain names like `id`, not {shown}")
            if key in result:
                first = self.marks["key"][(*path, key)].line + 1
                raise AnchorError(f"{where}: duplicate key `{key}` (first set on line {first}); keep one")
            self.marks["key"][(*path, key)] = key_node.start_mark
            result[key] = self.read(value_node, (*path, key), key_node.start_mark)
        return result

    def _scalar(self, node: Any) -> Any:
        import yaml

        try:
            return self.loader.construct_object(node)
        except (yaml.YAMLError, ValueError) as exc:
            problem = exc.problem if isinstance(exc, yaml.MarkedYAMLError) else exc
            raise AnchorError(f"{_at(self.location, node.start_mark)}: cannot read this value: {problem}") from None


@cache
def anchor_schema() -> dict[str, Any]:
    """The anchor's JSON Schema (Draft 2020-12), shipped as package data."""
    import json
    from importlib.resources import files

    return json.loads(files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


def _validate(location: Path, document: Any, marks: dict[str, dict[DocPath, Any]]) -> None:
    from jsonschema import Draft202012Validator

    problems: list[tuple[int, int, str]] = []
    for error in Draft202012Validator(anchor_schema()).iter_errors(document):
        for path, use_key, message in _describe(error):
            mark = marks["key" if use_key else "value"].get(path) or marks["value"].get(path[:-1]) or marks["value"][()]
            problems.append((mark.line + 1, mark.column + 1, message))
    if problems:
        lines = [f"{location}:{line}:{column}: {message}" for line, column, message in sorted(set(problems))]
        lines.append(f"fix the anchor as described in {DOCS_LINK}")
        raise AnchorError("\n".join(lines))


def _dotted(path: DocPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return f"`{text}`" if text else "the anchor"


def _describe(error: Any) -> list[tuple[DocPath, bool, str]]:
    """(where, point at the key rather than the value, message) for one schema error."""
    path: DocPath = tuple(error.absolute_path)
    instance = error.instance
    match error.validator:
        case "required":
            missing = [key for key in error.validator_value if key not in instance]
            keys = ", ".join(f"`{key}`" for key in missing)
            return [(path, True, f"{_dotted(path)} is missing the required key(s) {keys}")]
        case "additionalProperties":
            known = ", ".join(error.schema.get("properties", {}))
            return [
                ((*path, key), True, f"unknown key {_dotted((*path, key))} (allowed here: {known})")
                for key in instance
                if key not in error.schema.get("properties", {})
            ]
        case "type":
            wanted = JSON_TYPE_WORDS.get(error.validator_value, error.validator_value)
            return [(path, False, f"{_dotted(path)} must be {wanted}, not {instance!r}")]
        case "minimum":
            return [(path, False, f"{_dotted(path)} must be at least {error.validator_value}, not {instance!r}")]
        case "pattern":
            return [(path, False, f"{_dotted(path)} must not be blank")]
        case "uniqueItems":
            return [(path, False, f"{_dotted(path)} lists the same entry more than once")]
    return [(path, False, f"{_dotted(path)}: {error.message}")]

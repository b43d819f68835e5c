"""The anchor file: the committed authorisation for parallel work.

An anchor says who owns a piece of parallel work and how many workers it may use. `load_anchor`
validates it against the schema shipped in this package and names `file:line:col` for every
problem, so a broken anchor can be fixed from the message alone. yaml and jsonschema are imported
only when an anchor is actually loaded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autopack.findings import ConfigError, docs_link
from autopack.schema import json_path, load_schema, schema_problems
from autopack.yamldoc import Position, YamlDocument, YamlProblem, parse, read_text

DEFAULT_ANCHOR_PATH = ".autopack/anchor.yaml"
DOCS_LINK = docs_link("parallelism.md#the-anchor-file")
SCHEMA_FILE = "anchor.schema.json"
MAX_ANCHOR_BYTES = 64 * 1024  # an anchor is a few lines; anything bigger is a mistake
ADVICE = {  # by the kind of YamlProblem
    "missing": "create the anchor with id, owner and parallelism",
    "unreadable": "an anchor is a small YAML text file of a few lines",
    "invalid": "fix the anchor",
}


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
    document = _parse(location)
    problems = [
        (dup.position, f"{json_path((*dup.mapping_path, dup.key))}: duplicate key (first at line {dup.first.line}); keep one")
        for dup in document.duplicates
    ]
    problems += [(Position(p.line, p.column), p.message) for p in schema_problems(document, __package__, SCHEMA_FILE)]
    if problems:
        problems.sort(key=lambda problem: (problem[0].line, problem[0].column, problem[1]))
        raise _anchor_error(location, problems)
    value = document.value
    parallelism = value["parallelism"]
    return Anchor(
        id=value["id"],
        owner=value["owner"],
        allowed=parallelism["allowed"],
        max_workers=parallelism["max_workers"],
        paths=tuple(value.get("paths", ())),
        source=str(location),
    )


def _parse(location: Path) -> YamlDocument:
    """The document, or an AnchorError with the reader's or the parser's reason."""
    try:
        return parse(read_text(location, MAX_ANCHOR_BYTES))
    except YamlProblem as problem:
        raise _anchor_error(location, [(problem.position, problem.message)], ADVICE[problem.kind]) from None


def _anchor_error(location: Path, problems: list[tuple[Position | None, str]], advice: str = ADVICE["invalid"]) -> AnchorError:
    """One line per problem, `file:line:col: message`, then what to do and where to read more."""
    lines = [f"{location}:{at.line}:{at.column}: {message}" if at else f"{location}: {message}" for at, message in problems]
    lines.append(f"{advice} (see {DOCS_LINK})")
    return AnchorError("\n".join(lines))


def anchor_schema() -> dict[str, Any]:
    """The anchor's JSON Schema (Draft 2020-12), shipped as package data."""
    return load_schema(__package__, SCHEMA_FILE)

"""Parsed documents cached by content: a run where nothing changed parses nothing.

What is cached is what parsing one file yields (its anchors, links and code paths: the expensive
part), never a verdict: whether a link's target exists depends on the other files (verdicts are
remembered apart, with every input they were judged from: `memo`). One pack file holds every
document of a run, keyed by a hash of its text; the pack's name is a hash of everything else
parsing depends on (autopack's version, the parsing code itself, markdown-it-py's version), so a
change to any of them starts a new pack instead of reading a stale one. A pack that does not
verify (truncated, edited, another format) is a miss.
"""

from __future__ import annotations

from functools import cache

from autopack import __version__, files
from autopack.cache import blake2b, seal, unseal

TYPE_CHECKING = False  # the parser's types only where a pack is read: remembered verdicts need none
if TYPE_CHECKING:
    from typing import Any

    from autopack.cache import Store
    from autopack.doc_drift.markdown import Document

FORMAT = "autopack-doc-drift-documents 2"
_PARSING_MODULES = ("autopack.doc_drift.markdown", "autopack.doc_drift.shell", "autopack.doc_drift.slugs",
                    "autopack.doc_drift.frontmatter", "markdown_it")


@cache
def pack_name() -> str:
    """The pack for this autopack and parser: a hash of the version, the source of the parsing
    modules (a development build changes without a new version) and markdown-it-py's `__init__`
    (its version), read without importing anything."""
    from importlib.util import find_spec

    digest = blake2b(f"{FORMAT}\0{__version__}".encode(), digest_size=16)
    for module in _PARSING_MODULES:
        spec = find_spec(module)
        origin = spec.origin if spec is not None else None
        try:
            with open(origin or "", "rb") as handle:
                digest.update(handle.read())
        except OSError:
            digest.update(b"?")
    return f"documents-{digest.hexdigest()[:24]}.json"


def content_key(source: files.SourceFile) -> str:
    return blake2b(source.text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# How each field of a Document is stored (by its annotation): sets as sorted lists, references as
# lists, everything else as the JSON value it is. path and source are the file's own.
_SKIPPED_FIELDS = ("path", "source")


@cache
def _stored_fields() -> tuple[tuple[str, str], ...]:
    from dataclasses import fields

    from autopack.doc_drift.markdown import Document

    return tuple((field.name, str(field.type)) for field in fields(Document) if field.name not in _SKIPPED_FIELDS)


def encode(document: Document) -> dict[str, Any]:
    """A document as JSON-ready values, without its path and text (the key stands for those)."""
    entry: dict[str, Any] = {}
    for name, kind in _stored_fields():
        value = getattr(document, name)
        entry[name] = sorted(value) if kind.startswith("set[") else [list(item) for item in value] if kind == "list[Reference]" else value
    return entry


def decode(entry: dict[str, Any], source: files.SourceFile) -> Document:
    from autopack.doc_drift.markdown import Document, Reference

    values: dict[str, Any] = {}
    for name, kind in _stored_fields():
        value = entry[name]
        values[name] = set(value) if kind.startswith("set[") else [Reference(*item) for item in value] if kind == "list[Reference]" else value
    return Document(source.path, source, **values)


class DocumentPack:
    """The entries of one pack: loaded once, saved once at the end of a run if it changed."""

    def __init__(self, store: Store) -> None:
        self.store = store
        entries = _json_body(store.load(pack_name()))
        self.entries: dict[str, dict[str, Any]] = entries if isinstance(entries, dict) else {}
        self.used: set[str] = set()
        self.added = False

    def get(self, key: str, source: files.SourceFile) -> Document | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        try:
            document = decode(entry, source)
        except (TypeError, ValueError, KeyError, AttributeError):  # an entry of another shape: parse again
            return None
        self.used.add(key)
        return document

    def put(self, key: str, entry: dict[str, Any]) -> None:
        self.entries[key] = entry
        self.used.add(key)
        self.added = True

    def save(self) -> None:
        """Write the pack when this run parsed something or no longer needs some entry (deleted
        and changed files drop out, so the pack does not grow without bound); not otherwise."""
        if not self.added and self.used == self.entries.keys():
            return
        import json  # here and in `_json_body`: only a run with a cache reads or writes a pack

        try:
            body = json.dumps({key: self.entries[key] for key in sorted(self.used)}, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError):  # a field JSON cannot hold: no cache rather than a wrong one
            return
        self.store.save(pack_name(), seal(FORMAT, body))


def _json_body(raw: bytes | None) -> Any:
    """The JSON a pack holds if it is sealed as one of this format, else None."""
    body = unseal(raw, FORMAT)
    if body is None:
        return None
    import json

    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None

"""Position-aware YAML loading, shared by every module that reads a YAML file it must explain.

A file is composed into PyYAML nodes (libyaml's C parser when it is available) and turned into
plain JSON-like values without ever expanding aliases; documents that would expand beyond a
budget (alias bombs), contain themselves (recursive aliases) or nest too deeply are refused.
Every container remembers the nodes of its children, so any JSON path can be traced back to
`line:col` in the file and any number to the exact text it was written as (prices are compared
as decimals, never as binary floats).

Values follow YAML 1.1 (PyYAML's resolver) with one exception: YAML 1.2 float spellings such
as `1e-4` or `5E+3`, which YAML 1.1 reads as strings, count as numbers when written plain.
"""

from __future__ import annotations

from collections import namedtuple

from autopack.lazy import lazy_pattern

TYPE_CHECKING = False  # typing and pathlib are imported for type checkers only: hooks start lean
if TYPE_CHECKING:
    from decimal import Decimal
    from typing import Any

    from autopack.files import StrPath

# A legitimate catalog with anchors expands to a few times its own size; a billion-laughs
# document expands to 10^9 nodes. Refuse anything beyond this many nodes after expansion.
MAX_EXPANDED_NODES = 1_000_000
MAX_DEPTH = 200

TAG_PREFIX = "tag:yaml.org,2002:"
STR_TAG = TAG_PREFIX + "str"
INT_TAG = TAG_PREFIX + "int"
FLOAT_TAG = TAG_PREFIX + "float"
BOOL_TAG = TAG_PREFIX + "bool"
NULL_TAG = TAG_PREFIX + "null"
MERGE_TAG = TAG_PREFIX + "merge"

YAML12_FLOAT = lazy_pattern(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}

JsonPath = tuple[str | int, ...]


class Position(namedtuple("Position", "line column")):
    """1-based line and column in the file."""

    __slots__ = ()
    line: int
    column: int


class YamlProblem(Exception):
    """The file cannot be used at all. `kind` is missing, unreadable or invalid (for the
    router's fallback message); `position` is where the parser stopped, when it knows."""

    def __init__(self, message: str, position: Position | None = None, kind: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.kind = kind


class DuplicateKey(namedtuple("DuplicateKey", "key mapping_path position first")):
    """A key given twice in one mapping."""

    __slots__ = ()
    key: str
    mapping_path: JsonPath
    position: Position  # of the repeated key (the one YAML keeps)
    first: Position  # of the earlier key, silently dropped by YAML


class YamlDocument:
    """A parsed file: `value` for the schema, node links for positions and exact numbers."""

    def __init__(
        self, text: str, value: Any, root: Any, children: dict[int, Any], duplicates: list[DuplicateKey] | None = None
    ) -> None:
        self.text = text
        self.value = value
        self.root = root  # yaml.Node
        self.children = children  # id(container) → {key: (key_node, value_node)} or [node, ...]
        self.duplicates = duplicates if duplicates is not None else []
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = [line.removesuffix("\r") for line in self.text.split("\n")]
        return self._lines

    def line_text(self, line: int | None) -> str:
        return self.lines[line - 1] if line and 0 < line <= len(self.lines) else ""

    def node_at(self, path: JsonPath, key: bool = False) -> Any:
        """The node of the value at `path` (or of its key, with `key=True`): the deepest node
        that exists along the path, so a missing property points at its parent mapping."""
        container, node = self.value, self.root
        for index, step in enumerate(path):
            links = self.children.get(id(container))
            if links is None:
                break
            try:
                pair = links[step]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(pair, tuple):
                key_node, node = pair
                if key and index == len(path) - 1:
                    return key_node
            else:
                node = pair
            container = container[step]
        return node

    def position(self, path: JsonPath, key: bool = False) -> Position:
        return mark_position(self.node_at(path, key=key))

    def decimal(self, path: JsonPath) -> Decimal | None:
        """The number at `path` exactly as written (None when it is not a number)."""
        return scalar_decimal(self.node_at(path))


def mark_position(node: Any) -> Position:
    mark = node.start_mark
    return Position(mark.line + 1, mark.column + 1)


def scalar_decimal(node: Any) -> Decimal | None:
    """A plain number's exact value from its text (`0.003` stays 0.003, not 0.00299999...)."""
    from decimal import Decimal, InvalidOperation  # for a parsed document only: a remembered clean catalog needs none

    if not isinstance(getattr(node, "value", None), str):  # a mapping or sequence node
        return None
    text = node.value.replace("_", "")
    if node.tag == INT_TAG:
        return Decimal(_constructor().construct_yaml_int(node))
    if node.tag == FLOAT_TAG:
        special = _SPECIAL_FLOATS.get(text.lower())
        if special:
            return Decimal(special)
        if ":" in text:  # YAML 1.1 sexagesimal, e.g. 1:30.5
            return Decimal(repr(_constructor().construct_yaml_float(node)))
    elif not (node.tag == STR_TAG and _is_yaml12_float(node)):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _is_yaml12_float(node: Any) -> bool:
    """A plain string that YAML 1.2 reads as a number (`1e-4`). Text that YAML 1.1 reads as a
    number too (`1`, `1.5`) is a string only when tagged `!!str`: it stays a string."""
    return (
        node.style in (None, "")
        and YAML12_FLOAT.fullmatch(node.value) is not None
        and _implicit_tag(node.value) == STR_TAG
    )


def _implicit_tag(text: str) -> str:
    import yaml

    return yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))


_CONSTRUCTOR: Any = None


def _yaml_error() -> type[Exception]:
    import yaml

    return yaml.YAMLError


def _constructor() -> Any:
    global _CONSTRUCTOR
    if _CONSTRUCTOR is None:
        import yaml

        _CONSTRUCTOR = yaml.constructor.SafeConstructor()
    return _CONSTRUCTOR


# --- reading --------------------------------------------------------------------------------


def read_text(path: StrPath, max_size: int) -> str:
    """The file as text, or a YamlProblem saying exactly why not (the bounded reader: never
    blocks on a FIFO, never reads a device or more than `max_size` bytes)."""
    from autopack.files import ReadRefused, read_bounded

    try:
        raw = read_bounded(path, max_size)
    except ReadRefused as refused:
        raise YamlProblem(refused.reason, kind="missing" if refused.kind == "missing" else "unreadable") from None
    return decode(raw)


def decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\0")
    if nul != -1:
        raise YamlProblem("contains a NUL byte: a binary file, not YAML", _byte_position(raw, nul))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblem(
            f"not UTF-8 text (invalid byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            _byte_position(raw, exc.start),
        ) from None


def checked_text(text: str, decode_errors: bool) -> str:
    """Text another reader decoded with replacement (the runner's, which can read the index):
    the same refusals as `decode`, at character positions."""
    if decode_errors and "\ufffd" in text:
        raise YamlProblem("not UTF-8 text; save the file as UTF-8", _text_position(text, text.index("\ufffd")))
    if "\0" in text:
        raise YamlProblem("contains a NUL byte: a binary file, not YAML", _text_position(text, text.index("\0")))
    return text


def _text_position(text: str, offset: int) -> Position:
    line_start = text.rfind("\n", 0, offset) + 1
    return Position(text.count("\n", 0, offset) + 1, offset - line_start + 1)


def _byte_position(raw: bytes, offset: int) -> Position:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return Position(raw.count(b"\n", 0, offset) + 1, offset - line_start + 1)


# --- parsing --------------------------------------------------------------------------------


def parse(text: str, foreign_tags_as_null: bool = False) -> YamlDocument:
    """Compose, check the expansion budget, and convert. Raises YamlProblem. With
    `foreign_tags_as_null`, a value under a tag SafeLoader does not construct (`!ENV`,
    `!!python/name:...` in a tool's configuration) reads as None instead of refusing the file."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else None
        problem = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        raise YamlProblem(f"invalid YAML: {problem}", position) from None
    except yaml.reader.ReaderError as exc:
        offset = exc.position
        if loader is not yaml.SafeLoader:  # libyaml counts UTF-8 bytes, Python's reader characters
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
        position = _text_position(text, min(max(offset, 0), len(text)))
        raise YamlProblem(f"invalid YAML: {exc.reason} (character {exc.character!r})", position) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep") from None
    if root is None:
        raise YamlProblem("empty file: no YAML document", Position(1, 1))
    builder = _Builder(foreign_tags_as_null)
    value = builder.convert(root, ())
    return YamlDocument(text, value, root, builder.children, builder.duplicates)


class _Builder:
    """Nodes → values, refusing hostile documents on the way. Collections are built once per
    node (aliases share them), so building is linear in the composed graph and positions inside
    an aliased value point at the anchor, where the text really is. Alongside, each node's size
    *after* alias expansion is counted (shared nodes once, in linear time): a document that would
    expand beyond MAX_EXPANDED_NODES (for the schema validator, which walks every path) is refused
    before anything walks it."""

    def __init__(self, foreign_tags_as_null: bool = False) -> None:
        import yaml

        self.foreign_tags_as_null = foreign_tags_as_null
        self.children: dict[int, Any] = {}
        self.duplicates: list[DuplicateKey] = []
        self.built: dict[int, Any] = {}
        self.sizes: dict[int, int] = {}
        self.in_progress: set[int] = set()
        self.sequence_node, self.scalar_node = yaml.SequenceNode, yaml.ScalarNode
        # The standard tags SafeLoader constructs; any other (`!!python/...`, `!Ref`) is refused
        # on every node, rather than silently dropped from a list or mapping.
        self.known_tags = {tag for tag in yaml.SafeLoader.yaml_constructors if tag}

    def convert(self, node: Any, path: JsonPath) -> Any:
        key = id(node)
        if key in self.built:
            return self.built[key]
        if node.tag not in self.known_tags:
            if self.foreign_tags_as_null:
                return None
            raise YamlProblem(f"unsupported YAML tag {_shown_tag(node.tag)}; remove it and write a plain value", mark_position(node))
        if isinstance(node, self.scalar_node):
            return _scalar(node)
        if key in self.in_progress:
            raise YamlProblem("refused: a recursive alias (a node that contains itself)", mark_position(node))
        if len(path) >= MAX_DEPTH:
            raise YamlProblem(f"refused: nested more than {MAX_DEPTH} levels deep", mark_position(node))
        self.in_progress.add(key)
        if isinstance(node, self.sequence_node):
            built: Any = [self.convert(child, (*path, i)) for i, child in enumerate(node.value)]
            self.children[id(built)] = node.value
            size = 1 + sum(self.sizes.get(id(child), 1) for child in node.value)
        else:
            built, size = self._mapping(node, path)
        self.in_progress.discard(key)
        if size > MAX_EXPANDED_NODES:
            raise YamlProblem(
                f"refused: aliases expand this document beyond {MAX_EXPANDED_NODES:,} nodes "
                "(a YAML alias bomb?); write the values out or use fewer nested aliases",
                mark_position(node),
            )
        self.sizes[key] = size
        self.built[key] = built
        return built

    def _mapping(self, node: Any, path: JsonPath) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        links: dict[str, tuple[Any, Any]] = {}
        merges: list[Any] = []
        size = 1
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                merges.append(value_node)
                continue
            if not isinstance(key_node, self.scalar_node):
                raise YamlProblem("a mapping key must be a plain value, not a list or mapping", mark_position(key_node))
            key = key_node.value
            if key in links:
                self.duplicates.append(
                    DuplicateKey(key, path, mark_position(key_node), mark_position(links[key][0]))
                )
            result[key] = self.convert(value_node, (*path, key))
            links[key] = (key_node, value_node)
            size += 1 + self.sizes.get(id(value_node), 1)
        for source in self._merge_sources(merges):
            merged = self.convert(source, path)
            size += self.sizes[id(source)]
            for key, pair in self.children[id(merged)].items():
                if key not in links:
                    result[key] = merged[key]
                    links[key] = pair
        self.children[id(result)] = links
        return result, size

    def _merge_sources(self, merges: list[Any]) -> list[Any]:
        """`<<: *a` or `<<: [*a, *b]`: the mappings to merge, earlier ones winning."""
        from yaml import MappingNode, SequenceNode

        sources = []
        for value in merges:
            items = value.value if isinstance(value, SequenceNode) else [value]
            for item in items:
                if not isinstance(item, MappingNode):
                    raise YamlProblem("`<<` merges only a mapping or a list of mappings", mark_position(item))
                sources.append(item)
        return sources


def _shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(TAG_PREFIX) if tag.startswith(TAG_PREFIX) else tag


def _scalar(node: Any) -> Any:
    tag = node.tag
    if tag == STR_TAG:
        return float(node.value) if _is_yaml12_float(node) else node.value
    if tag == NULL_TAG:
        return None
    constructor = _constructor()
    try:
        if tag == INT_TAG:
            return constructor.construct_yaml_int(node)
        if tag == FLOAT_TAG:
            return constructor.construct_yaml_float(node)
        if tag == BOOL_TAG:
            return constructor.construct_yaml_bool(node)
        return constructor.construct_object(node, deep=True)
    except (_yaml_error(), ValueError) as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlProblem(f"cannot read the value: {problem}", mark_position(node)) from None

"""Configuration: `.autopack.toml` or `[tool.autopack]` in pyproject.toml → validated settings.

Every key has a default, so zero configuration works. Each enforcement declares the keys of its
own section (a mapping of `Setting`s); this module validates global keys and section names when
it loads, and a section's keys when the enforcement asks for its settings. Unknown keys and wrong
types are a `ConfigError` that names the key, the file and the line.
"""

from __future__ import annotations

import os
import re
from collections import namedtuple
from collections.abc import Mapping
from types import MappingProxyType

from autopack.findings import ConfigError

TYPE_CHECKING = False  # typing and pathlib are imported for type checkers only: hooks start lean
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from autopack.files import StagedTree, StrPath

CONFIG_FILE = ".autopack.toml"
SECTIONS = ("debug-guard", "doc-drift", "catalog", "parallelism", "autopilot")

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".autopack/runs",
    ".autopack/cache",
)


class Setting(namedtuple("Setting", "default kind help choices item", defaults=((), MappingProxyType({})))):
    """One configuration key: its default, its type and a line of help for `autopack config`.

    `kind` is one of: bool, int, number, str, str-list, glob-list (a list of globs, each compiled
    when the configuration is read), argv (a string or a list of strings, as a command line),
    table-list. `choices` limits a str;
    `item` gives the keys of each table in a table-list.
    """

    __slots__ = ()
    default: Any
    kind: str
    help: str
    choices: tuple[str, ...]
    item: Mapping[str, Setting]


ENABLED = Setting(True, "bool", "Run this enforcement.")

GLOBAL_SETTINGS: dict[str, Setting] = {
    "exclude": Setting(list(DEFAULT_EXCLUDE), "glob-list", "Globs of paths never checked."),
    "extend-exclude": Setting([], "glob-list", "Globs added to `exclude`."),
    "fail-on": Setting(
        "error", "str", "Lowest severity that fails the run.", choices=("error", "warning", "note")
    ),
    "max-file-size": Setting(2 * 1024 * 1024, "int", "Files larger than this (bytes) are skipped with a note."),
    "pass-env": Setting(
        [], "str-list", "Environment variables (names or NAME_* patterns) configured commands see besides the defaults."
    ),
    "cache-dir": Setting(
        ".autopack/cache", "str", "Where parsed documents are cached, relative to the repository root and inside it (safe to delete)."
    ),
    "docs-url": Setting(
        "", "str", "URL of autopack's docs folder for rule links (SARIF helpUri, job summary); default: the Action's own repository and ref."
    ),
    "baseline": Setting(
        "", "str", "Baseline file (relative to the repository root) every entry point applies: only findings not in it are reported."
    ),
}


def _type_ok(value: Any, setting: Setting) -> bool:
    match setting.kind:
        case "bool":
            return isinstance(value, bool)
        case "int":
            return isinstance(value, int) and not isinstance(value, bool)
        case "number":
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        case "str":
            return isinstance(value, str) and (not setting.choices or value in setting.choices)
        case "str-list" | "glob-list":
            return isinstance(value, list) and all(isinstance(v, str) for v in value)
        case "argv":
            return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        case "table-list":
            return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    raise AssertionError(f"unknown setting kind {setting.kind!r}")


def _expected(setting: Setting) -> str:
    if setting.choices:
        return "one of " + ", ".join(repr(c) for c in setting.choices)
    return {
        "bool": "true or false",
        "int": "an integer",
        "number": "a number",
        "str": "a string",
        "str-list": "a list of strings",
        "glob-list": "a list of strings (globs)",
        "argv": "a string or a list of strings",
        "table-list": "a list of tables",
    }[setting.kind]


class Config:
    """The loaded configuration: global values plus each section's raw table. The paths are
    kept as strings; `root` and `source` give them as Paths for the code that wants one."""

    __slots__ = ("root_dir", "source_file", "text", "values", "raw_sections", "prefix")

    def __init__(
        self,
        root: StrPath,
        source: StrPath | None,
        text: str,
        values: dict[str, Any],
        raw_sections: dict[str, dict[str, Any]],
        prefix: str,
    ) -> None:
        self.root_dir = os.fspath(root)
        self.source_file = os.fspath(source) if source is not None else None
        self.text = text
        self.values = values
        self.raw_sections = raw_sections
        self.prefix = prefix  # how keys are spelled in the source file: "tool.autopack." or ""

    @property
    def root(self) -> Path:
        from pathlib import Path

        return Path(self.root_dir)

    @property
    def source(self) -> Path | None:
        from pathlib import Path

        return Path(self.source_file) if self.source_file is not None else None

    @property
    def exclude(self) -> list[str]:
        return [*self.values["exclude"], *self.values["extend-exclude"]]

    def section(self, name: str, spec: Mapping[str, Setting]) -> dict[str, Any]:
        """Validated settings of one section, defaults filled in; `enabled` is always present."""
        full_spec = {"enabled": ENABLED, **spec}
        return self._validate(self.raw_sections.get(name, {}), full_spec, f"{self.prefix}{name}")

    def enabled(self, name: str) -> bool:
        value = self.raw_sections.get(name, {}).get("enabled", True)
        if not isinstance(value, bool):
            self._fail(f"{self.prefix}{name}", "enabled", f"must be true or false, not {value!r}")
        return value

    def _validate(self, table: Mapping[str, Any], spec: Mapping[str, Setting], where: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in table.items():
            setting = spec.get(key)
            if setting is None:
                known = ", ".join(sorted(spec)) or "none"
                self._fail(where, key, f"is not a known key (known keys: {known})")
            if not _type_ok(value, setting):
                self._fail(where, key, f"must be {_expected(setting)}, not {value!r}")
            if setting.kind == "glob-list":
                self._check_globs(where, key, value)
            if setting.kind == "table-list":
                value = [self._validate(item, setting.item, f"{where}.{key}[{i}]") for i, item in enumerate(value)]
            result[key] = value
        for key, setting in spec.items():
            if key not in result:
                default = setting.default
                result[key] = list(default) if isinstance(default, list) else default
        return result

    def _check_globs(self, where: str, key: str, globs: list[str]) -> None:
        """Compile the globs now, so a bad one is a configuration error naming its key."""
        from autopack.files import GlobError, compile_globs

        try:
            compile_globs(globs)
        except GlobError as exc:
            self._fail(where, key, f"has an invalid glob: {exc}")

    def _fail(self, where: str, key: str, problem: str) -> None:
        dotted = f"{where}.{key}" if where else key
        location = self.source_file or "configuration"
        line = _line_of_key(self.text, key)
        if line:
            location += f":{line}"
        raise ConfigError(f"{location}: `{dotted}` {problem}")


def _line_of_key(text: str, key: str) -> int | None:
    """Best-effort line of `key = ...` in TOML text (tomllib gives no positions)."""
    pattern = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


MAX_CONFIG_BYTES = 4 * 1024 * 1024


def _read_toml(path: str, inside: StrPath | None) -> tuple[str, dict[str, Any]]:
    """The file's text and table; a file found in the repository (`inside` it) is not read
    through a symlink that leaves it. Every failure is a ConfigError naming the file."""
    from autopack.files import ReadRefused, read_bounded

    try:
        raw = read_bounded(path, MAX_CONFIG_BYTES, inside=inside)
    except ReadRefused as refused:
        raise ConfigError(f"{path}: cannot read the configuration: {refused.reason}") from None
    return _parse_toml(path, raw)


def _parse_toml(path: str, raw: bytes) -> tuple[str, dict[str, Any]]:
    import tomllib

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nest too deeply; flatten them") from None


def _staged_config(root: StrPath, staged: StagedTree) -> tuple[str, bytes] | None:
    """The configuration file as the commit records it (`--staged`): `.autopack.toml`, else a
    pyproject.toml with a [tool.autopack] table, from the index and never the working tree."""
    from autopack.files import ReadRefused

    for name in (CONFIG_FILE, "pyproject.toml"):
        path = os.path.join(root, name)
        try:
            raw = staged.read_bytes(name, MAX_CONFIG_BYTES)
        except ReadRefused as refused:
            if refused.kind == "missing":
                continue
            raise ConfigError(f"{path} (staged): cannot read the configuration: {refused.reason}") from None
        if name == CONFIG_FILE or b"tool.autopack" in raw:
            return path, raw
    return None


def find_config_file(root: StrPath) -> str | None:
    """`.autopack.toml` wins over pyproject.toml; pyproject counts only with a [tool.autopack] table."""
    from autopack.files import ReadRefused, read_bounded

    dedicated = os.path.join(root, CONFIG_FILE)
    if os.path.lexists(dedicated):
        return dedicated  # even when it cannot be read: loading says why
    pyproject = os.path.join(root, "pyproject.toml")
    if os.path.isfile(pyproject):
        try:
            head = read_bounded(pyproject, MAX_CONFIG_BYTES, inside=root)
        except ReadRefused:
            return pyproject  # let loading report the error with the file name
        if b"tool.autopack" in head:
            return pyproject
    return None


def load_config(root: StrPath, explicit: StrPath | None = None, staged: StagedTree | None = None) -> Config:
    """Load and validate the global part of the configuration (sections are validated on use).
    With `staged` (and no explicit file), the configuration is the one the commit records."""
    text, table, prefix, document = "", {}, "", None
    if explicit is not None:
        source: str | None = os.fspath(explicit)
        if not os.path.isfile(source):
            raise ConfigError(f"{source}: configuration file not found; check the --config path")
        text, document = _read_toml(source, None)
    elif staged is not None:
        found = _staged_config(root, staged)
        source = found[0] if found else None
        if found:
            text, document = _parse_toml(*found)
    else:
        source = find_config_file(root)
        if source is not None:
            text, document = _read_toml(source, root)
    if source is not None and document is not None:
        if os.path.basename(source) == "pyproject.toml":
            prefix = "tool.autopack."
            tool = document.get("tool", {})
            table = tool.get("autopack", {}) if isinstance(tool, dict) else {}
            if not isinstance(table, dict):
                raise ConfigError(f"{source}: `tool.autopack` must be a table")
        else:
            table = document
    values = {k: v for k, v in table.items() if k not in SECTIONS}
    raw_sections: dict[str, dict[str, Any]] = {}
    for name in SECTIONS:
        if name in table:
            if not isinstance(table[name], dict):
                config = Config(root, source, text, {}, {}, prefix)
                config._fail(prefix.rstrip("."), name, "must be a table")
            raw_sections[name] = table[name]
    config = Config(root, source, text, {}, raw_sections, prefix)
    validated = config._validate(values, GLOBAL_SETTINGS, prefix.rstrip("."))
    if validated["pass-env"]:
        from autopack.environment import refused_pass_env

        refused = refused_pass_env(validated["pass-env"])
        if refused:
            config._fail(prefix.rstrip("."), "pass-env", f"names {', '.join(refused)}: the runner's command files, "
                         "shell start-up files, ACTIONS_* and secret-looking variables never reach configured commands")
    return Config(root, source, text, validated, raw_sections, prefix)

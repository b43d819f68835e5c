"""`autopack-catalog` (hook id `catalog`): validate config/models.yaml and config/pricing.yaml.

The subject is a fixed pair of files, so the hook ignores the file names it is handed and always
checks both. A repository with neither file (and no `[tool.autopack.catalog]` section) has no
catalog: nothing to check; nor has one whose files at the default paths belong to another tool
(see `_autopack_catalog`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from autopack import engine
from autopack.catalog import memo
from autopack.catalog.defaults import ESCALATION_ORDER
from autopack.catalog.rules import RULES, CatalogFile, TextReader
from autopack.config import Setting
from autopack.files import Skipped
from autopack.files import read_source as read_repo_file
from autopack.findings import Finding
from autopack.yamldoc import YamlProblem, checked_text

TYPE_CHECKING = False  # for type checkers only: the hook starts lean
if TYPE_CHECKING:
    from autopack.files import StrPath

SETTINGS: dict[str, Setting] = {
    "models-path": Setting("config/models.yaml", "str", "The models file (aliases, tiers, specs), relative to the repository root."),
    "pricing-path": Setting("config/pricing.yaml", "str", "The pricing file (USD per 1,000 tokens), relative to the repository root."),
    "required-tiers": Setting(list(ESCALATION_ORDER), "str-list", "Tiers that must each have a model."),
}
PATH_KEYS = ("models-path", "pricing-path")


def _display(relative: str) -> str:
    """A configured path as findings name it: `/`-separated, without `.` parts (`./config/x.yaml`
    is `config/x.yaml`)."""
    parts = [part for part in relative.replace(os.sep, "/").split("/") if part not in ("", ".")]
    return ("/" if relative.startswith(("/", os.sep)) else "") + "/".join(parts) or "."


def catalog_files(root: StrPath, settings: dict[str, object]) -> tuple[CatalogFile, CatalogFile]:
    """The two files under the repository root."""
    files = []
    for key, schema in zip(PATH_KEYS, ("models", "pricing")):
        relative = str(settings[key])
        files.append(CatalogFile(os.path.join(root, relative), _display(relative), schema))
    return files[0], files[1]


def _escapes(root: str, path: str) -> bool:
    """A symlink (or `..`) that leads out of the repository: not followed."""
    real_root = os.path.realpath(root)
    return os.path.commonpath([os.path.realpath(path), real_root]) != real_root


def check(context: engine.CheckContext) -> Iterable[Finding]:
    models, pricing = catalog_files(context.root_dir, context.settings)
    configured = "catalog" in context.config.raw_sections  # any catalog setting: the repository keeps one
    if not configured and not (os.path.lexists(models.path) or os.path.lexists(pricing.path)):
        return []
    reader = _runner_reader(context)
    texts = _texts(reader, (models, pricing))
    if not configured and not _autopack_catalog(reader if texts is None else lambda file: texts[file.path], (models, pricing)):
        return []
    key = memo.inputs_key(context, list(texts.values())) if texts is not None else None
    remembered = memo.recall(context, key) if key is not None else None
    if remembered is not None:
        return remembered
    from autopack.catalog.validate import validate_catalog  # the parser and schemas: only to validate

    result = validate_catalog(
        models,
        pricing,
        required_tiers=context.settings["required-tiers"],
        max_size=context.config.values["max-file-size"],
        reader=reader if texts is None else lambda file: texts[file.path],  # the texts the key holds
    )
    if key is not None:
        memo.remember(context, key, result.findings)
    return result.findings


# What every autopack catalog holds: aliases in its models file, or prices in its pricing file.
_MARKERS = {"models": ("model_aliases",), "pricing": ("input_per_1k", "output_per_1k")}


def _autopack_catalog(reader: TextReader, catalog: tuple[CatalogFile, ...]) -> bool:
    """Whether the files at the default paths are autopack's catalog. `config/models.yaml` is a
    common name (model zoos, LLM routers, ORMs keep files of their own there): the pair is
    autopack's when the models file names `model_aliases` or the pricing file prices a model
    (`input_per_1k`, `output_per_1k`), which every autopack catalog does; a broken one still
    does, as text, and one that cannot be read at all (too large, a symlink out) is reported
    rather than guessed away. Another tool's files are left alone; a `[tool.autopack.catalog]`
    section checks the files whatever they hold."""
    for file in catalog:
        try:
            text = reader(file)
        except YamlProblem as problem:
            if problem.kind == "missing":
                continue
            return True
        if any(marker in text for marker in _MARKERS[file.schema]):
            return True
    return False


def _texts(reader: TextReader, catalog: tuple[CatalogFile, ...]) -> dict[str, str] | None:
    """Each file's text by path, or None when one cannot be read (a finding: nothing to remember)."""
    try:
        return {file.path: reader(file) for file in catalog}
    except YamlProblem:
        return None


def _runner_reader(context: engine.CheckContext) -> TextReader:
    """Read through the runner, so `--staged` checks what the commit records (the index); never
    follow a path out of the repository."""
    max_size = context.config.values["max-file-size"]
    read_source = context.reader or (lambda path: read_repo_file(context.root_dir, path, max_size))

    def read(file: CatalogFile) -> str:
        if not os.path.lexists(file.path):
            raise YamlProblem("file not found", kind="missing")
        if _escapes(context.root_dir, file.path):
            symlink = " (a symlink)" if os.path.islink(file.path) else ""
            raise YamlProblem(f"leads outside the repository{symlink}; not followed", kind="unreadable")
        result = read_source(file.display)
        if isinstance(result, Skipped):
            raise YamlProblem(result.reason, kind="unreadable")
        return checked_text(result.text, result.decode_errors)

    return read


CONFIG_FILES = ("pyproject.toml", ".autopack.toml")


def triggered_by(path: str, settings: dict[str, object]) -> bool:
    """A change to either catalog file, or to the configuration that names them."""
    return path in CONFIG_FILES or any(path == os.path.normpath(str(settings[key])) for key in PATH_KEYS)


ENFORCEMENT = engine.Enforcement(
    name="catalog",
    hook_id="catalog",
    rules=RULES,
    settings=SETTINGS,
    check=check,
    wants=None,
    triggers=triggered_by,
)


def main(argv: Sequence[str] | None = None) -> int:
    return engine.run(
        ["catalog"],
        argv,
        prog="autopack-catalog",
        description="Validate the model catalog (models.yaml and pricing.yaml) against its JSON Schemas and across files.",
    )


if __name__ == "__main__":
    raise SystemExit(main())

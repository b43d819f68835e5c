"""Writing the run's JSON artifacts: validated, canonical, atomic, and only inside the run directory.

Each document is checked against its JSON Schema (shipped in `schemas/`) before a byte is
written; the text is canonical (sorted keys, two-space indent, ASCII only, LF, final newline) so
the same run gives the same bytes; it goes to a temp file in the run directory that is fsynced
and renamed over the target, so a reader (or a crash, even SIGKILL) never sees half a file. A
name with a path in it, a target that is a symlink, or a run directory that a symlink leads out
of the repository is refused.
"""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from autopack.files import write_atomic
from autopack.findings import ConfigError

SCHEMAS = {
    "gap_report_v1.json": "gap_report_v1.schema.json",
    "plan_proposal_v1.json": "plan_proposal_v1.schema.json",
    "autopilot_session_v1.json": "autopilot_session_v1.schema.json",
    "pending_approvals.json": "pending_approvals.schema.json",
}
GITIGNORE = ".gitignore"
GITIGNORE_TEXT = "# autopack autopilot run directory: generated artifacts, never committed\n*\n"
TEMP_SUFFIX = ".tmp"  # as `files.write_atomic` names its temp files: .<name>.<random>.tmp


class ArtifactError(ConfigError):
    """An artifact cannot be written safely (bad run directory, symlink, schema mismatch)."""


def canonical_json(document: Any) -> str:
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=True, allow_nan=False) + "\n"


@cache
def schema(name: str) -> dict[str, Any]:
    """The JSON Schema of an artifact file name (e.g. `gap_report_v1.json`)."""
    text = resources.files("autopack.autopilot").joinpath("schemas", SCHEMAS[name]).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _registry() -> Any:
    """Every artifact schema under its `$id`, so one schema can refer to another's definitions."""
    from referencing import Registry, Resource

    return Registry().with_resources((schema(name)["$id"], Resource.from_contents(schema(name))) for name in SCHEMAS)


def validate(name: str, document: Any) -> None:
    """Raise ArtifactError naming the JSON path and problem if `document` breaks its schema."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema(name), registry=_registry())
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        error = errors[0]
        where = "$" + "".join(f"[{p!r}]" if isinstance(p, str) else f"[{p}]" for p in error.absolute_path)
        raise ArtifactError(f"{name}: {where}: {error.message} (an autopack bug: please report it)")


def prepare_run_dir(root: Path, run_dir: Path) -> Path:
    """Create the run directory and return its resolved path. Refused: the repository root or a
    parent of it, a place inside `.git`, and a run directory in the repository that a symlink
    leads out of it (checked before anything is created, and again after)."""
    root = root.resolve()
    lexical = Path(os.path.normpath(run_dir if run_dir.is_absolute() else root / run_dir))
    if lexical == root or lexical in root.parents:
        raise ArtifactError(f"{run_dir}: the run directory must not be the repository root or contain it")
    in_repo = lexical.is_relative_to(root)
    if in_repo and ".git" in lexical.relative_to(root).parts:
        raise ArtifactError(f"{run_dir}: the run directory must not be inside .git")

    def escapes() -> Path | None:
        real = lexical.resolve()
        return real if in_repo and not real.is_relative_to(root) else None

    try:
        if (real := escapes()) is None:
            lexical.mkdir(parents=True, exist_ok=True)
            real = escapes()
    except (OSError, RuntimeError) as exc:
        raise ArtifactError(f"{run_dir}: cannot create the run directory: {getattr(exc, 'strerror', None) or exc}") from None
    if real is not None:
        raise ArtifactError(f"{run_dir}: a symlink leads the run directory outside the repository ({real}); refused")
    if not lexical.is_dir():
        raise ArtifactError(f"{run_dir}: not a directory")
    return lexical.resolve()


def _target(run_dir: Path, name: str) -> Path:
    if not name or name in (".", "..") or "/" in name or "\\" in name or name != os.path.basename(name):
        raise ArtifactError(f"{name!r}: artifact names are plain file names inside the run directory")
    target = run_dir / name
    if os.path.islink(target):
        raise ArtifactError(f"{target}: is a symlink; refusing to write through it")
    if target.resolve().parent != run_dir.resolve():
        raise ArtifactError(f"{target}: resolves outside the run directory; refused")
    return target


def remove_stale_temp_files(run_dir: Path) -> None:
    """Temp files left by a killed writer (never a finished artifact)."""
    for name in [*SCHEMAS, GITIGNORE]:
        for leftover in run_dir.glob(f".{name}.*{TEMP_SUFFIX}"):
            if not leftover.is_symlink():
                leftover.unlink(missing_ok=True)


def write_text(run_dir: Path, name: str, text: str) -> Path:
    """Atomically write `text` to `run_dir/name` (the core's temp file, fsync, rename and
    directory fsync)."""
    target = _target(run_dir, name)
    write_atomic(target, text)
    return target


def write_artifact(run_dir: Path, name: str, document: dict[str, Any]) -> Path:
    """Validate `document` against the schema for `name`, then write it canonically and atomically."""
    if name not in SCHEMAS:
        raise ArtifactError(f"{name}: not an autopilot artifact")
    validate(name, document)
    return write_text(run_dir, name, canonical_json(document))

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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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
    "approval_ledger_v1.json": "approval_ledger_v1.schema.json",
    "apply_report_v1.json": "apply_report_v1.schema.json",
}
SESSION_ARTIFACTS = ("gap_report_v1.json", "plan_proposal_v1.json", "autopilot_session_v1.json", "pending_approvals.json")
GITIGNORE = ".gitignore"
GITIGNORE_TEXT = "# autopack autopilot run directory: generated artifacts, never committed\n*\n"
SNAPSHOT_DIR = "snapshot"  # the working tree's disposable copy, while a session runs configured commands
RUN_FILES = frozenset({*SCHEMAS, GITIGNORE, SNAPSHOT_DIR})  # what a run directory may hold
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


def _placement_problem(root: Path, place: Path, protected: Sequence[str], outside_ok: bool) -> str | None:
    """Why a run directory may not be at `place` (an absolute, normalised path), or None."""
    if place == root or place in root.parents:
        return "the run directory must not be the repository root or contain it"
    if not place.is_relative_to(root):
        if outside_ok:
            return None
        return "the run directory is outside the repository; choose a folder inside it (e.g. .autopack/runs)"
    relative = place.relative_to(root)
    if ".git" in relative.parts:
        return "the run directory must not be inside .git"
    for prefix in protected:
        bare = prefix.strip("/")
        if bare and (relative.as_posix() == bare or relative.as_posix().startswith(bare + "/")):
            return f"the run directory lies under the protected path {prefix}; choose another"
    return None


def _foreign_entries(directory: Path) -> list[str]:
    """Entries of an existing directory that no autopilot run wrote (so it is not a run directory)."""
    return sorted(
        entry.name for entry in directory.iterdir()
        if entry.name not in RUN_FILES and not (entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX))
    )


def prepare_run_dir(root: Path, run_dir: Path, protected: Sequence[str] = (), *, outside_ok: bool = False) -> Path:
    """Create the run directory and return its resolved path. Refused (before anything is
    created, and again on the resolved path after): the repository root or a parent of it,
    inside `.git` or under a protected path, a place outside the repository unless `outside_ok`
    (a directory the person running the command named), a run directory that a symlink leads to
    any of those, and an existing directory holding files no run wrote."""
    root = root.resolve()
    lexical = Path(os.path.normpath(run_dir if run_dir.is_absolute() else root / run_dir))
    outside_ok = outside_ok and not lexical.is_relative_to(root)  # inside, a symlink must not lead out
    problem = _placement_problem(root, lexical, protected, outside_ok)
    if problem is None:
        try:
            problem = _placement_problem(root, lexical.resolve(), protected, outside_ok)
            if problem is None:
                lexical.mkdir(parents=True, exist_ok=True)
                real = lexical.resolve()
                problem = _placement_problem(root, real, protected, outside_ok)
        except (OSError, RuntimeError) as exc:
            raise ArtifactError(f"{run_dir}: cannot create the run directory: {getattr(exc, 'strerror', None) or exc}") from None
        if problem is not None and lexical.resolve() != lexical:
            problem = f"a symlink leads it to {lexical.resolve()}: {problem}"
    if problem is not None:
        raise ArtifactError(f"{run_dir}: {problem}")
    if not lexical.is_dir():
        raise ArtifactError(f"{run_dir}: not a directory")
    foreign = _foreign_entries(real)
    if foreign:
        shown = ", ".join(foreign[:3]) + (" ..." if len(foreign) > 3 else "")
        raise ArtifactError(f"{run_dir}: not an autopilot run directory (it holds {shown}); choose an empty or new one")
    return real


@contextmanager
def run_dir_lock(run_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the run directory: sessions of the same state share one, and
    cleaning up a killed writer's temp files must never remove a live writer's. The kernel
    releases the lock when its holder dies, even by SIGKILL."""
    try:
        import fcntl
    except ImportError:  # no flock on this platform: writes stay atomic, only cleanup is unguarded
        yield
        return
    fd = os.open(run_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


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
    """Temp files left by a killed writer (never a finished artifact). Call it holding
    `run_dir_lock`, as every writer does: then no live writer has a temp file here."""
    for name in RUN_FILES:
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

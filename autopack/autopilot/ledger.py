"""The approval ledger: every decision on a run's actions, in order, in the run directory.

`approval_ledger_v1.json` holds numbered entries (action id, decision, reason, the workspace
digest and plan hash the decision was made against, who made it — from git config — and the
content hash of each target path then). It only grows: a new decision is a new entry, and the
file is rewritten atomically with every entry before it, under the run directory's lock, so a
crash or SIGKILL leaves the old ledger or the new one, never half of one. No clock is read:
the same decisions on the same state give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autopack.autopilot import artifacts
from autopack.autopilot.digest import content_hash
from autopack.autopilot.gitstate import git

LEDGER = "approval_ledger_v1.json"
APPROVED, REJECTED, DEFERRED = "approved", "rejected", "deferred"
APPLIED, APPLY_FAILED = "applied", "apply_failed"
DECISIONS = (APPROVED, REJECTED, DEFERRED)  # what a person decides; apply adds APPLIED / APPLY_FAILED


@dataclass(frozen=True)
class Entry:
    sequence: int
    action_id: str
    decision: str
    reason: str
    workspace_digest: str
    plan_sha256: str
    who: dict[str, str | None]
    targets: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "action_id": self.action_id,
            "decision": self.decision,
            "reason": self.reason,
            "workspace_digest": self.workspace_digest,
            "plan_sha256": self.plan_sha256,
            "who": dict(self.who),
            "targets": dict(self.targets),
        }


def read(run_dir: Path, run_id: str) -> list[Entry]:
    """The ledger's entries (none when there is no ledger yet), validated against its schema."""
    path = run_dir / LEDGER
    if not path.exists():
        return []
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise artifacts.ArtifactError(f"{path}: the approval ledger cannot be read ({exc}); restore it or start a new run") from None
    try:
        artifacts.validate(LEDGER, document)
    except artifacts.ArtifactError as exc:
        raise artifacts.ArtifactError(f"{path}: not a valid approval ledger: {exc}") from None
    if document["run_id"] != run_id:
        raise artifacts.ArtifactError(f"{path}: the ledger belongs to {document['run_id']}, not {run_id}")
    return [Entry(**entry) for entry in document["entries"]]


def append(run_dir: Path, run_id: str, new: Iterable[Entry]) -> list[Entry]:
    """Add entries after the existing ones (their sequence numbers continue) and rewrite the
    ledger atomically; the caller holds the run directory's lock."""
    entries = read(run_dir, run_id)
    for entry in new:
        entries.append(Entry(**{**entry.to_dict(), "sequence": len(entries) + 1}))
    document = {"schema_version": "approval_ledger_v1", "run_id": run_id, "entries": [e.to_dict() for e in entries]}
    artifacts.write_artifact(run_dir, LEDGER, document)
    return entries


def latest(entries: Sequence[Entry]) -> dict[str, Entry]:
    """Each action's latest entry."""
    found: dict[str, Entry] = {}
    for entry in entries:
        found[entry.action_id] = entry
    return found


def who(root: Path) -> dict[str, str | None]:
    """The person deciding, as git knows them (`user.name`, `user.email`); None where unset."""
    def setting(key: str) -> str | None:
        answer = git(root, "config", "--get", key)
        value = answer.stdout.decode("utf-8", "replace").strip() if answer.ok else ""
        return value or None

    return {"name": setting("user.name"), "email": setting("user.email")}


def target_hashes(root: Path, paths: Iterable[str]) -> dict[str, str]:
    """sha256 of each repo-relative target's content now (`absent`, `not-a-file` otherwise)."""
    hashes = {}
    for path in sorted(set(paths)):
        value = content_hash(root / path)
        hashes[path] = value if len(value) == 64 or value in ("absent", "not-a-file") else "not-a-file"
    return hashes


def plan_sha256(run_dir: Path) -> str:
    """sha256 of the plan artifact's bytes: what every decision is made against."""
    return hashlib.sha256((run_dir / "plan_proposal_v1.json").read_bytes()).hexdigest()

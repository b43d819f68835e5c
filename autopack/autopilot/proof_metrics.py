"""Phase proof metrics: how many files differ from HEAD, measured by git rather than guessed.

`files_changed` is exactly what `git diff --name-only HEAD | wc -l` counts (staged and unstaged,
untracked files excluded). When git cannot answer, the metrics are zeros marked
`metrics_placeholder: true`, so a reader never mistakes a placeholder for a measurement.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autopack.autopilot.gitstate import decode_path, git


def _changed(root: Path) -> list[str] | None:
    answer = git(root, "diff", "--name-only", "-z", "HEAD", "--")
    if not answer.ok:
        return None
    return sorted(decode_path(p) for p in answer.stdout.split(b"\0") if p)


def count_changed_files(root: Path) -> int:
    """Files that differ from HEAD (0 when git cannot say; see `proof_metrics` for the flag)."""
    return len(_changed(root) or [])


def list_changed_files(root: Path, limit: int = 10) -> list[str]:
    """The first `limit` changed files, sorted."""
    return (_changed(root) or [])[:limit]


def proof_metrics(root: Path, limit: int = 10) -> dict[str, Any]:
    """`files_changed`, `changed_files` and `metrics_placeholder` from one git call."""
    changed = _changed(root)
    if changed is None:
        return {"files_changed": 0, "changed_files": [], "metrics_placeholder": True}
    return {"files_changed": len(changed), "changed_files": changed[:limit], "metrics_placeholder": False}

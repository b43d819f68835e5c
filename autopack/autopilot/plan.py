"""The plan: what to do about each gap, and who must approve it.

Every gap gets a remedy (a change a person approves) and, where one exists, a read-only check
that confirms it. Approval comes from the allowlist in code and nothing else: read-only commands
and writes inside the run directory are `auto_approved`; anything that would touch the working
tree `requires_approval`; hostile commands, and everything while a gap blocks the autopilot, are
`blocked`. Default deny: an action that cannot be proven safe is never auto-approved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from autopack.autopilot import allowlist
from autopack.autopilot.gaps import ENFORCEMENT_GAPS, Gap

AUTO, APPROVAL, BLOCKED = "auto_approved", "requires_approval", "blocked"

# gap type → (remedy action type, what a person does when no finding-specific fix is known)
REMEDIES: dict[str, tuple[str, str]] = {
    "doc_drift": ("update_docs", "Update the documentation so the doc check passes."),
    "production_debug_config": ("fix_production_config", "Turn debug off in the production configuration."),
    "catalog_invalid": ("fix_model_catalog", "Fix the model catalog files."),
    "parallelism_policy_violation": ("fix_parallel_call", "Pass an anchor or run with one worker."),
    "git_state_corruption": ("repair_git_state", "Repair the repository's git state."),
    "protected_path_violation": ("review_protected_change", "Commit, stash or revert the change."),
    "root_clutter": ("tidy_root_file", "Move or delete the file, or allow it at the root."),
    "windows_encoding_issue": ("reencode_file", "Re-save the file as UTF-8."),
    "baseline_policy_drift": ("fix_policy_file", "Fix the configuration or anchor file."),
    "unknown": ("investigate_detector", "Investigate what the detector reports."),
    "read_only_violation": ("review_workspace_change", "Review and revert what changed the working tree."),
}
INSPECT_GIT = ("git", "status", "--porcelain=v2", "--branch")
INSPECT_CHANGES = ("git", "status", "--short", "--untracked-files=all")  # works before the first commit too


@dataclass(frozen=True)
class Action:
    """One proposed action. `target_paths` are the paths it would write; `command` runs as argv."""

    action_id: str
    action_type: str
    target_gap_ids: tuple[str, ...]
    target_paths: tuple[str, ...]
    command: tuple[str, ...] | None
    description: str
    approval: str = APPROVAL
    approval_reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "action_id": self.action_id,
            "action_type": self.action_type,
            "target_gap_ids": list(self.target_gap_ids),
            "target_paths": list(self.target_paths),
            "command": list(self.command) if self.command is not None else None,
            "description": self.description,
            "approval": self.approval,
            "approval_reason": self.approval_reason,
        }


def action_id(gap_ids: Sequence[str], action_type: str) -> str:
    """`action-` + 12 hex of sha256 over the target gap ids and the action type."""
    payload = "\0".join([*sorted(gap_ids), action_type]).encode("utf-8", "surrogateescape")
    return f"action-{hashlib.sha256(payload).hexdigest()[:12]}"


def new_action(action_type: str, gaps: Sequence[Gap], description: str, *, paths: Sequence[str] = (),
               command: Sequence[str] | None = None) -> Action:
    ids = tuple(sorted(g.gap_id for g in gaps))
    return Action(action_id(ids, action_type), action_type, ids, tuple(sorted(set(paths))),
                  tuple(command) if command is not None else None, description)


def _check_actions(gaps: Sequence[Gap], git_works: bool, check_args: Sequence[str]) -> list[Action]:
    """Read-only commands that confirm gaps: one per enforcement (with `check_args`, e.g. the
    `--config` the session used), git inspections, detectors."""
    actions: list[Action] = []
    for mapping in ENFORCEMENT_GAPS:
        matching = [g for g in gaps if g.gap_type == mapping.gap_type]
        if matching:
            actions.append(new_action("run_check", matching, f"Re-run {mapping.section} to confirm its findings.",
                                      command=(mapping.script, "--all-files", *check_args)))
    if git_works:
        git_gaps = [g for g in gaps if g.gap_type == "git_state_corruption"]
        if git_gaps:
            actions.append(new_action("inspect_git_state", git_gaps, "Show git's view of the repository state.",
                                      command=INSPECT_GIT))
        changed = [g for g in gaps if g.gap_type == "protected_path_violation"]
        if changed:
            actions.append(new_action("inspect_changes", changed, "List the uncommitted changes.",
                                      command=INSPECT_CHANGES))
    for gap in gaps:
        if gap.gap_type == "unknown" and gap.evidence.get("argv"):
            actions.append(new_action("run_detector", [gap], f"Run the detector {gap.evidence.get('detector')}.",
                                      command=gap.evidence["argv"]))
        doc_check = _doc_check_waiting(gap)
        if doc_check is not None:
            actions.append(new_action("run_doc_check", [gap], f"Run the doc check {doc_check[0]}.", command=doc_check[1]))
    return actions


def _doc_check_waiting(gap: Gap) -> tuple[str, list[str]] | None:
    """(name, argv) of a doc check the session did not run because it is not marked read-only
    (an APR206 note whose command runs from the repository root), else None."""
    from autopack.commands import NOT_READ_ONLY_DETAIL

    data = gap.evidence.get("data") if gap.gap_type == "doc_drift" else None
    evidence = data.get("evidence") if isinstance(data, dict) else None
    if not isinstance(evidence, dict) or evidence.get("detail") != NOT_READ_ONLY_DETAIL or evidence.get("cwd") != ".":
        return None
    return str(data.get("name", "")), list(evidence.get("argv") or [])


def _remedy(gap: Gap) -> Action:
    action_type, generic = REMEDIES[gap.gap_type]
    return new_action(action_type, [gap], gap.fix or generic, paths=gap.paths)


@dataclass(frozen=True)
class Governance:
    """The rules the plan was approved under (recorded in the plan artifact)."""

    root: Path
    run_dir: Path
    run_dir_label: str
    protected_paths: tuple[str, ...]
    readonly_commands: Collection[tuple[str, ...]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "default_deny": True,
            "protected_paths": sorted(self.protected_paths),
            "run_dir": self.run_dir_label,
            "auto_approved_when": "read-only allowlisted command, or writes only inside the run directory",
        }


def approve(action: Action, governance: Governance) -> tuple[str, str]:
    """The approval an action gets under the allowlist (the executor asks the same question)."""
    writes = list(action.target_paths)
    reason = "writes only inside the run directory"
    if action.command is not None:
        verdict = allowlist.check_command(action.command, governance.readonly_commands)
        if verdict.hostile:
            return BLOCKED, f"refused: {verdict.reason}"
        if not verdict.allowed:
            return APPROVAL, verdict.reason
        reason = verdict.reason
        writes += allowlist.written_paths(action.command)
    elif not writes:
        return APPROVAL, "a person must act on this gap (default deny)"
    for path in writes:
        problem = allowlist.write_target_reason(governance.root, governance.run_dir, path, governance.protected_paths)
        if problem is not None:
            return APPROVAL, problem
    return AUTO, reason


def propose(gaps: Sequence[Gap], governance: Governance, git_works: bool, check_args: Sequence[str] = ()) -> list[Action]:
    """Every action for the gaps, approved under `governance`, sorted by action id."""
    blockers = [g for g in gaps if g.blocks_autopilot]
    actions: dict[str, Action] = {}
    for action in [*_check_actions(gaps, git_works, check_args), *(_remedy(g) for g in gaps)]:
        approval, reason = approve(action, governance)
        if approval == AUTO and blockers:
            approval, reason = BLOCKED, f"the autopilot is blocked by {blockers[0].gap_id} ({blockers[0].title})"
        actions.setdefault(action.action_id, replace(action, approval=approval, approval_reason=reason))
    return sorted(actions.values(), key=lambda a: a.action_id)

"""One autopilot session: scan → plan → execute safe actions → persist artifacts.

The run id is derived from the workspace digest and the configuration, so the same state gives
the same run directory and byte-identical artifacts. Nothing here reads a clock.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autopack import __version__
from autopack.autopilot import artifacts
from autopack.autopilot.digest import changed_paths, digest_of, entry_fingerprints, entry_states
from autopack.autopilot.executor import REFUSED, ActionResult, SafeActionExecutor
from autopack.autopilot.gaps import (MAX_LISTED, Gap, ScanContext, pass_env_of, read_only_violation,
                                     runs_configured_commands, scan)
from autopack.autopilot.gitstate import WorkingTree, read_working_tree
from autopack.autopilot.plan import AUTO, APPROVAL, BLOCKED, Action, Governance, propose
from autopack.autopilot.proof_metrics import proof_metrics
from autopack.autopilot.snapshot import Snapshot
from autopack.autopilot.settings import RISKS, default_settings, load_settings, risk_rank
from autopack.config import Config, load_config
from autopack.environment import READ_ONLY_COMMANDS_VARIABLE, variable_set
from autopack.findings import ConfigError

SCANNER_VERSION = f"autopack-autopilot/{__version__}"
FAILED_RESULTS = (REFUSED, "timeout", "not-found")


@dataclass(frozen=True)
class Outcome:
    """Everything a session produced, for the command line to summarise."""

    run_id: str
    run_dir: Path
    run_dir_label: str
    gaps: list[Gap]
    actions: list[Action]
    results: list[ActionResult]
    documents: dict[str, dict[str, Any]]  # artifact file name → document written
    exit_code: int

    @property
    def session(self) -> dict[str, Any]:
        return self.documents["autopilot_session_v1.json"]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _load(root: Path, config_path: Path | None) -> tuple[Config | None, str | None, dict[str, Any]]:
    """Configuration, its load error, and the autopilot settings (defaults when unreadable).
    A broken configuration is a gap (baseline_policy_drift), not a crash; a missing explicit
    `--config` file is a usage error."""
    if config_path is not None and not config_path.is_file():
        raise ConfigError(f"{config_path}: configuration file not found; check the --config path")
    try:
        config = load_config(root, config_path)
    except ConfigError as exc:
        return None, str(exc), default_settings()
    try:
        return config, None, load_settings(config)
    except ConfigError:
        return config, None, default_settings()  # reported by the policy detector


def _label(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True)
class Workspace:
    """The repository as the session found it: configuration, git state and digest."""

    root: Path
    config: Config | None
    config_error: str | None
    settings: dict[str, Any]
    excluded: tuple[str, ...]  # repo-relative run directories, left out of the file scans
    tree: WorkingTree
    states: dict[str, tuple[bytes, str]]  # what the digest covers, entry by entry
    digest: str


def open_workspace(root: Path, config_path: Path | None = None, run_dir: Path | None = None) -> Workspace:
    config, config_error, settings = _load(root, config_path)
    runs_dir = Path(os.path.normpath(root / settings["runs-dir"]))
    candidates = (runs_dir, Path(os.path.normpath(root / run_dir)) if run_dir is not None else None)
    excluded = tuple(_label(root, d) for d in candidates if d is not None and d.is_relative_to(root))
    tree = read_working_tree(root, excluded)
    states = entry_states(root, tree)
    return Workspace(root, config, config_error, settings, excluded, tree, states, digest_of(root, tree, states))


def scan_workspace(workspace: Workspace, snapshot: Snapshot | None = None) -> tuple[list[Gap], ScanContext]:
    """Every detector over the workspace: the gaps, sorted, and the context (detector statuses).
    Configured commands run in `snapshot` (by default one in a temporary directory)."""
    if snapshot is None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="autopack-snapshot-") as holder:
            with Snapshot(workspace.root, workspace.tree.head, Path(holder) / artifacts.SNAPSHOT_DIR) as temporary:
                return scan_workspace(workspace, temporary)
    context = ScanContext(workspace.root, workspace.config, workspace.settings, workspace.tree,
                          workspace.excluded, snapshot, config_error=workspace.config_error)
    return scan(context), context


def _config_args(root: Path, config_path: Path | None) -> tuple[str, ...]:
    """`--config FILE` for the re-checks when the session was given one inside the repository (a
    path outside it would be refused by the allowlist; the re-checks then find the default)."""
    if config_path is None:
        return ()
    absolute = Path(os.path.normpath(config_path if config_path.is_absolute() else Path.cwd() / config_path))
    return ("--config", absolute.relative_to(root).as_posix()) if absolute.is_relative_to(root) else ()


def run_identity(workspace: Workspace, explicit_run_dir: Path | None, fail_on: str) -> str:
    """`run-` + 16 hex over the digest, the configuration, the settings, an explicit run
    directory, `fail-on` and the scanner version: the same state gives the same run id."""
    identity = {
        "workspace_digest": workspace.digest,
        "configuration_sha256": _sha(workspace.config.text if workspace.config else workspace.config_error or ""),
        "settings": workspace.settings,
        "run_dir": _label(workspace.root, explicit_run_dir) if explicit_run_dir else None,
        "fail_on": fail_on,
        "scanner_version": SCANNER_VERSION,
    }
    return "run-" + _sha(artifacts.canonical_json(identity))[:16]


def default_run_dir(workspace: Workspace, run_id: str) -> Path:
    return Path(os.path.normpath(workspace.root / workspace.settings["runs-dir"])) / run_id


class AutopilotDisabled(Exception):
    """`enabled = false` in the autopilot section: nothing to do."""


def run_session(root: Path, *, config_path: Path | None = None, run_dir: Path | None = None,
                fail_on: str | None = None) -> Outcome:
    """Run a read-only session in the repository at `root` (resolved) and write its artifacts."""
    workspace = open_workspace(root, config_path, run_dir)
    settings, digest = workspace.settings, workspace.digest
    if not settings["enabled"]:
        raise AutopilotDisabled()
    fail_on = fail_on or settings["fail-on"]
    explicit = Path(os.path.normpath(root / run_dir)) if run_dir is not None else None
    run_id = run_identity(workspace, explicit, fail_on)
    lexical_run_dir = explicit or default_run_dir(workspace, run_id)
    label = _label(root, lexical_run_dir)
    real_run_dir = artifacts.prepare_run_dir(root, lexical_run_dir, settings["protected-paths"],
                                             outside_ok=explicit is not None)
    # Sessions of the same state share a run directory. Cleaning up a killed session's temp files
    # and writing happen under its lock (so no live writer loses a temp file), and so does the
    # whole session when it runs configured commands (they share the snapshot's place).
    with artifacts.run_dir_lock(real_run_dir):
        artifacts.remove_stale_temp_files(real_run_dir)
        artifacts.write_text(real_run_dir, artifacts.GITIGNORE, artifacts.GITIGNORE_TEXT)
    configured = runs_configured_commands(workspace.config, settings)
    with artifacts.run_dir_lock(real_run_dir) if configured else nullcontext(), \
            Snapshot(root, workspace.tree.head, real_run_dir / artifacts.SNAPSHOT_DIR, real_run_dir) as snapshot, \
            variable_set(READ_ONLY_COMMANDS_VARIABLE):  # configured commands not marked read-only wait for approval
        work = _scan_plan_execute(workspace, snapshot, real_run_dir, label, config_path, configured)
    gaps, actions, results = work.gaps, work.actions, work.results
    report = gap_report(run_id, digest, gaps, work.context, workspace.states)
    plan = plan_proposal(run_id, report, actions, work.governance)
    reasons = gate_reasons(gaps, fail_on)
    exit_code = 1 if reasons else 0
    session = session_document(run_id, plan, actions, results, gaps, root, digest, fail_on, reasons)
    session["workspace_integrity"] = work.integrity
    documents = {
        "gap_report_v1.json": report,
        "plan_proposal_v1.json": plan,
        "autopilot_session_v1.json": session,
        "pending_approvals.json": {
            "schema_version": "pending_approvals_v1",
            "run_id": run_id,
            "session_id": session["session_id"],
            "approvals": session["approval_requests"],
        },
    }
    with artifacts.run_dir_lock(real_run_dir):  # the same bytes from every session of this state, one at a time
        for name, document in documents.items():
            artifacts.write_artifact(real_run_dir, name, document)
    return Outcome(run_id, real_run_dir, label, gaps, actions, results, documents, exit_code)


@dataclass(frozen=True)
class SessionWork:
    """What a session found and did, before it is written down."""

    gaps: list[Gap]
    context: ScanContext
    governance: Governance
    actions: list[Action]
    results: list[ActionResult]
    integrity: dict[str, Any]  # the working tree's digest before and after, and what changed


def _scan_plan_execute(workspace: Workspace, snapshot: Snapshot, run_dir: Path, label: str,
                       config_path: Path | None, configured: bool) -> SessionWork:
    """Scan, plan and run the safe actions, configured commands in the snapshot; then compare the
    working tree with the state the session started from: any change is a critical gap."""
    root, settings = workspace.root, workspace.settings
    gaps, context = scan_workspace(workspace, snapshot)
    readonly = frozenset(tuple(d["run"]) for d in settings["detectors"] if d["read-only"])
    governance = Governance(root, run_dir, label, tuple(settings["protected-paths"]), readonly)
    actions = propose(gaps, governance, git_works=workspace.tree.ok, check_args=_config_args(root, config_path))
    executor = SafeActionExecutor(root, run_dir, protected_paths=settings["protected-paths"], readonly_commands=readonly,
                                  timeout=float(settings["timeout"]), snapshot=snapshot if configured else None,
                                  pass_env=pass_env_of(workspace.config))
    results = [executor.execute(a) for a in actions if a.approval == AUTO]
    after_tree = read_working_tree(root, workspace.excluded)
    after_states = entry_states(root, after_tree)
    after = digest_of(root, after_tree, after_states)
    changed = changed_paths(workspace.states, after_states)
    integrity = {"digest_before": workspace.digest, "digest_after": after, "unchanged": after == workspace.digest,
                 "changed_paths": changed[:MAX_LISTED]}
    if after != workspace.digest:
        violation = read_only_violation(workspace.digest, after, changed)
        gaps = sorted([*gaps, violation], key=lambda g: g.sort_key)
        actions = sorted([*actions, *propose([violation], governance, git_works=False)], key=lambda a: a.action_id)
    return SessionWork(gaps, context, governance, actions, results, integrity)


def gap_report(run_id: str, digest: str, gaps: list[Gap], context: ScanContext,
               states: dict[str, tuple[bytes, str]]) -> dict[str, Any]:
    blocking = sorted(g.gap_id for g in gaps if g.blocks_autopilot)
    by_risk = Counter(g.risk for g in gaps)
    return {
        "schema_version": "gap_report_v1",
        "run_id": run_id,
        "workspace_digest": digest,
        "workspace_entries": entry_fingerprints(states),
        "scanner_version": SCANNER_VERSION,
        "gaps": [g.to_dict() for g in gaps],
        "summary": {
            "total": len(gaps),
            "by_risk": {risk: by_risk.get(risk, 0) for risk in RISKS},
            "by_type": dict(sorted(Counter(g.gap_type for g in gaps).items())),
            "autopilot_blockers": len(blocking),
            "blocking_gap_ids": blocking,
        },
        "detectors": [s.to_dict() for s in context.statuses],
    }


def plan_proposal(run_id: str, report: dict[str, Any], actions: list[Action], governance: Governance) -> dict[str, Any]:
    approvals = Counter(a.approval for a in actions)
    return {
        "schema_version": "plan_proposal_v1",
        "run_id": run_id,
        "gap_report_id": "gap_report-" + _sha(artifacts.canonical_json(report))[:16],
        "actions": [a.to_dict() for a in actions],
        "governance": governance.to_dict(),
        "summary": {kind: approvals.get(kind, 0) for kind in (AUTO, APPROVAL, BLOCKED)},
    }


def gate_reasons(gaps: list[Gap], fail_on: str) -> list[str]:
    """Why the session exits 1: gaps that block the autopilot, gaps at or above `fail-on`."""
    reasons = [f"{g.gap_id} blocks the autopilot" for g in gaps if g.blocks_autopilot]
    serious = [g for g in gaps if risk_rank(g.risk) >= risk_rank(fail_on)]
    if serious:
        reasons.append(f"{len(serious)} gap(s) at or above risk {fail_on}")
    return reasons


def session_document(run_id: str, plan: dict[str, Any], actions: list[Action], results: list[ActionResult],
                     gaps: list[Gap], root: Path, digest: str, fail_on: str, reasons: list[str]) -> dict[str, Any]:
    requests = [
        {key: value for key, value in a.to_dict().items() if key != "approval"}
        for a in actions if a.approval == APPROVAL
    ]
    blocked = [a.action_id for a in actions if a.approval == BLOCKED]
    if any(r.status in FAILED_RESULTS for r in results):
        status = "failed"
    elif requests or blocked or any(g.blocks_autopilot for g in gaps):
        status = "blocked_approval_required"
    else:
        status = "completed"
    return {
        "schema_version": "autopilot_session_v1",
        "run_id": run_id,
        "session_id": "session-" + _sha(run_id + "\0" + artifacts.canonical_json(plan))[:16],
        "mode": "read-only",
        "status": status,
        "executed_action_ids": sorted(r.action_id for r in results if r.ran),
        "results": [r.to_dict() for r in sorted(results, key=lambda r: r.action_id)],
        "approval_requests": requests,
        "blocked_action_ids": blocked,
        "proof_metrics": proof_metrics(root),
        "workspace_digest": digest,
        "gate": {"fail_on": fail_on, "exit_code": 1 if reasons else 0, "reasons": reasons},
    }

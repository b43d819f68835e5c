"""`autopack autopilot apply [RUN] [--dry-run]`: carry out the approved actions exactly as
reviewed, and prove what happened.

Before anything: the working tree must still be the one the plan was made for, every approval
must have been made against this plan and this state, and each approved action's targets must
be as they were when it was approved (exit 2 otherwise). Then every file change is shown as a
unified diff (`--dry-run` stops here), written atomically (a file is before or after, never half),
and recorded in the ledger; approved commands run through the same allowlist-checked executor,
in a snapshot of the working tree. Last, the detectors run again and `apply_report_v1.json`
records, per action, whether each of its gaps is gone, with the workspace digest before and after.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from autopack import fixes
from autopack.autopilot import artifacts, ledger
from autopack.autopilot.approvals import FIX_ACTIONS, Run
from autopack.autopilot.executor import SafeActionExecutor
from autopack.autopilot.gaps import Gap, pass_env_of
from autopack.autopilot.plan import Action
from autopack.autopilot.session import open_workspace, scan_workspace
from autopack.autopilot.snapshot import Snapshot
from autopack.environment import READ_ONLY_COMMANDS_VARIABLE, variable_set
from autopack.findings import ConfigError, Finding

REPORT = "apply_report_v1.json"
APPLIED, FAILED, MANUAL = "applied", "failed", "manual"


@dataclass
class Outcome:
    """What apply did with one approved action."""

    action: dict[str, Any]
    status: str = MANUAL
    detail: str = ""
    files: list[dict[str, Any]] = field(default_factory=list)
    command: dict[str, Any] | None = None
    resolved: dict[str, bool | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "action_id": self.action["action_id"],
            "action_type": self.action["action_type"],
            "status": self.status,
            "detail": self.detail,
            "files": self.files,
            "command": self.command,
            "gaps": [{"gap_id": gap_id, "resolved": resolved} for gap_id, resolved in sorted(self.resolved.items())],
        }


def _check_approvals(run: Run, approved: list[dict[str, Any]]) -> None:
    """Each approval was made against this plan and state, and its targets have not moved since."""
    latest = ledger.latest(run.entries)
    for action in approved:
        entry = latest[action["action_id"]]
        if entry.plan_sha256 != run.plan_sha256 or entry.workspace_digest != run.report["workspace_digest"]:
            raise ConfigError(f"{entry.action_id}: approved against another plan or state; decide on it again")
        now = ledger.target_hashes(run.root, entry.targets)
        moved = sorted(path for path, digest in entry.targets.items() if now.get(path) != digest)
        if moved:
            raise ConfigError(f"{entry.action_id}: its targets changed since it was approved ({', '.join(moved)}); "
                              "run the autopilot again")


def _fixable(run: Run, action: dict[str, Any]) -> bool:
    """A fix action is carried out only when every finding behind it has a certain change."""
    found = run.findings(action)
    if action["action_type"] not in FIX_ACTIONS or not found:
        return False
    planned = fixes.plan_fixes(run.root, found)
    return sum(len(fix.changes) for fix in planned) == len(found)


ChangeKey = tuple[str, "int | None", str, str]


def _finding_key(finding: Finding) -> ChangeKey:
    """(path, line, rule id, the text a fix replaces): which change a finding's fix makes."""
    data = finding.data or {}
    old = data["setting"]["value"] if "setting" in data else str(data.get("href", ""))
    return finding.path, finding.line, finding.rule_id, old


def _owners(run: Run, actions: Iterable[dict[str, Any]]) -> dict[ChangeKey, str]:
    """Each change a fix makes → the action whose finding asked for it."""
    return {_finding_key(f): a["action_id"] for a in actions for f in run.findings(a)}


def apply_run(run: Run, *, dry_run: bool, out: TextIO) -> int:
    run.require_unchanged_tree()
    approved = [a for a in run.decidable() if run.status(a["action_id"]) == ledger.APPROVED]
    if not approved:
        out.write(f"nothing approved in {run.run_id}; `autopack autopilot approvals` lists what waits\n")
        return 0
    _check_approvals(run, approved)
    outcomes = {a["action_id"]: Outcome(a) for a in approved}
    fixing = [a for a in approved if _fixable(run, a)]
    planned = fixes.plan_fixes(run.root, [f for a in fixing for f in run.findings(a)])
    commands = [a for a in approved if a not in fixing and a["command"]]
    out.write(f"autopack autopilot apply: {run.run_id}: {len(approved)} approved action(s)\n")
    for fix in planned:
        out.write("\n" + fix.diff())
    for action in commands:
        out.write(f"\n{action['action_id']}: will run `{' '.join(action['command'])}` in a snapshot of the working tree\n")
    for action in approved:
        if action not in fixing and action not in commands:
            outcomes[action["action_id"]].detail = "no mechanical change: a person must carry it out (" + action["description"] + ")"
            out.write(f"\n{action['action_id']}: manual, not carried out: {action['description']}\n")
    if dry_run:
        out.write("\ndry run: nothing was changed\n")
        return 0
    with artifacts.run_dir_lock(run.run_dir):
        _write_fixes(run, planned, _owners(run, fixing), outcomes)
        with Snapshot(run.root, run.workspace.tree.head, run.run_dir / artifacts.SNAPSHOT_DIR, run.run_dir) as snapshot:
            _run_commands(run, commands, outcomes, snapshot)
            snapshot.remove()  # the detectors look at a fresh copy, not one a command has written into
            after = open_workspace(run.root, run.config_path, run.run_dir)
            with variable_set(READ_ONLY_COMMANDS_VARIABLE):  # the scan runs what a session would run
                gaps, _ = scan_workspace(after, snapshot)
        _judge(outcomes, gaps, run)
        report = _report(run, after.digest, outcomes)
        artifacts.write_artifact(run.run_dir, REPORT, report)
    _summarise(out, run, report)
    summary = report["summary"]
    return 1 if summary["failed"] or summary["manual"] or summary["gaps_remaining"] else 0


def _write_fixes(run: Run, planned: list[fixes.FileFix], owners: dict[ChangeKey, str], outcomes: dict[str, Outcome]) -> None:
    """Write each file (atomically) and record each action's result in the ledger as it goes."""
    who = ledger.who(run.root)
    for fix in planned:
        written = fixes.write_fix(run.root, fix)
        mine: dict[str, list[str]] = {}
        for change in fix.changes:
            mine.setdefault(owners[(fix.path, change.line, change.rule_id, change.old)], []).append(change.describe())
        entries = []
        for action_id, described in sorted(mine.items()):
            outcome = outcomes[action_id]
            outcome.files.append({"path": fix.path, "sha256_before": _sha(fix.before), "sha256_after": _sha(fix.after),
                                  "changes": described})
            if written and outcome.status != FAILED:
                outcome.status, outcome.detail = APPLIED, f"{len(outcome.files)} file(s) changed"
            elif not written:
                outcome.status, outcome.detail = FAILED, f"{fix.path} changed while apply ran; nothing written to it"
            entries.append(ledger.Entry(0, action_id, ledger.APPLIED if written else ledger.APPLY_FAILED, outcome.detail,
                                        run.workspace.digest, run.plan_sha256, who, {}))
        ledger.append(run.run_dir, run.run_id, entries)


def _run_commands(run: Run, commands: list[dict[str, Any]], outcomes: dict[str, Outcome], snapshot: Snapshot) -> None:
    settings = run.workspace.settings
    executor = SafeActionExecutor(run.root, run.run_dir, protected_paths=settings["protected-paths"],
                                  timeout=float(settings["timeout"]), snapshot=snapshot,
                                  approved=[a["action_id"] for a in commands], pass_env=pass_env_of(run.workspace.config))
    who = ledger.who(run.root)
    for action in commands:
        result = executor.execute(Action(action["action_id"], action["action_type"], tuple(action["target_gap_ids"]),
                                         tuple(action["target_paths"]), tuple(action["command"]), action["description"],
                                         action["approval"], action["approval_reason"]))
        outcome = outcomes[action["action_id"]]
        outcome.command = {"argv": list(result.argv), "status": result.status, "exit_code": result.exit_code,
                           "stdout_sha256": result.stdout_sha256, "stderr_excerpt": result.stderr_excerpt}
        outcome.status = APPLIED if result.ran else FAILED
        outcome.detail = result.detail or f"{result.status}, exit {result.exit_code}"
        decision = ledger.APPLIED if result.ran else ledger.APPLY_FAILED
        ledger.append(run.run_dir, run.run_id, [ledger.Entry(0, action["action_id"], decision, outcome.detail,
                                                             run.workspace.digest, run.plan_sha256, who, {})])


def _judge(outcomes: dict[str, Outcome], gaps: list[Gap], run: Run) -> None:
    """A gap is gone when the detectors, run again, raise neither it nor another gap of its
    type at the same place; a command's gap is gone when the command passed."""
    now = {g.gap_id for g in gaps}
    places = {(g.gap_type, g.evidence.get("path"), g.evidence.get("line")) for g in gaps}
    for outcome in outcomes.values():
        for gap_id in outcome.action["target_gap_ids"]:
            if outcome.command is not None:
                outcome.resolved[gap_id] = outcome.command["status"] == "passed"
                continue
            gap = run.gaps.get(gap_id, {})
            evidence = gap.get("evidence", {})
            place = (gap.get("gap_type"), evidence.get("path"), evidence.get("line"))
            outcome.resolved[gap_id] = gap_id not in now and (evidence.get("line") is None or place not in places)


def _report(run: Run, digest_after: str, outcomes: dict[str, Outcome]) -> dict[str, Any]:
    rows = [outcomes[key].to_dict() for key in sorted(outcomes)]
    resolved = [g["resolved"] for row in rows for g in row["gaps"]]
    return {
        "schema_version": "apply_report_v1",
        "run_id": run.run_id,
        "plan_sha256": run.plan_sha256,
        "workspace_digest_before": run.report["workspace_digest"],
        "workspace_digest_after": digest_after,
        "actions": rows,
        "summary": {
            "applied": sum(row["status"] == APPLIED for row in rows),
            "failed": sum(row["status"] == FAILED for row in rows),
            "manual": sum(row["status"] == MANUAL for row in rows),
            "gaps_resolved": sum(value is True for value in resolved),
            "gaps_remaining": sum(value is not True for value in resolved),
        },
    }


def _summarise(out: TextIO, run: Run, report: dict[str, Any]) -> None:
    out.write("\n")
    for row in report["actions"]:
        gaps = ", ".join(f"{g['gap_id']} {'resolved' if g['resolved'] else 'remains'}" for g in row["gaps"])
        out.write(f"{row['status']:<8} {row['action_id']}  {row['action_type']}: {row['detail']}  ({gaps})\n")
    summary = report["summary"]
    out.write(f"applied: {summary['applied']}, failed: {summary['failed']}, manual: {summary['manual']}; "
              f"gaps resolved: {summary['gaps_resolved']}, remaining: {summary['gaps_remaining']}\n")
    out.write(f"report: {run.label}/{REPORT}\n")


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()

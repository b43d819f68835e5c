"""`autopack autopilot approvals | approve | reject | defer | apply`: a person reviews what the
autopilot proposes, decides, and has the approved parts carried out exactly as reviewed.

A run is named by its directory or run id, or found as the run of the repository's current
state (what `autopack autopilot` with the same configuration would write). Decisions go to the
run's approval ledger; every decision and `apply` first checks that the working tree is still
the one the plan was made for (exit 2 otherwise). Exit codes: 0 done, 1 `apply` left a gap
unresolved or an action failed, 2 usage, a changed tree, CI without `--allow-ci`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from autopack import files, fixes
from autopack.autopilot import artifacts, ledger
from autopack.autopilot.digest import MAX_RECORDED_ENTRIES, entry_fingerprints
from autopack.autopilot.plan import APPROVAL, AUTO
from autopack.autopilot.session import Workspace, default_run_dir, open_workspace, run_identity
from autopack.autopilot.settings import RISKS
from autopack.findings import ConfigError, Finding, Severity

RUN_ID = re.compile(r"run-[0-9a-f]{16}")
PENDING = "pending"
FIX_ACTIONS = frozenset({"fix_production_config", "update_docs"})  # remedies whose gaps may carry a certain fix


@dataclass
class Run:
    """One run's plan and ledger, and the repository as it is now."""

    workspace: Workspace
    config_path: Path | None
    run_dir: Path
    label: str
    report: dict[str, Any]
    plan: dict[str, Any]
    plan_sha256: str
    entries: list[ledger.Entry]

    @property
    def root(self) -> Path:
        return self.workspace.root

    @property
    def run_id(self) -> str:
        return str(self.plan["run_id"])

    @property
    def tree_unchanged(self) -> bool:
        return self.workspace.digest == self.report["workspace_digest"]

    @cached_property
    def actions(self) -> dict[str, dict[str, Any]]:
        return {action["action_id"]: action for action in self.plan["actions"]}

    @cached_property
    def gaps(self) -> dict[str, dict[str, Any]]:
        return {gap["gap_id"]: gap for gap in self.report["gaps"]}

    def status(self, action_id: str) -> str:
        """`pending` until a person decides; then the latest decision or what apply did."""
        entry = ledger.latest(self.entries).get(action_id)
        return entry.decision if entry is not None else PENDING

    def decidable(self) -> list[dict[str, Any]]:
        """The actions that wait for a person: `requires_approval` in the plan, sorted by id."""
        return [a for a in self.plan["actions"] if a["approval"] == APPROVAL]

    def risk(self, action: dict[str, Any]) -> str:
        risks = [self.gaps[g]["risk"] for g in action["target_gap_ids"] if g in self.gaps]
        return min(risks, key=RISKS.index) if risks else "info"

    def findings(self, action: dict[str, Any]) -> list[Finding]:
        """The findings behind an action's gaps whose data says what a fix would change."""
        found = []
        for gap_id in action["target_gap_ids"]:
            evidence = self.gaps.get(gap_id, {}).get("evidence", {})
            if isinstance(evidence.get("data"), dict) and "rule" in evidence:
                finding = finding_from_evidence(evidence)
                if fixes.planner(finding) is not None:
                    found.append(finding)
        return found

    def changed_since_plan(self) -> list[str]:
        """Paths whose git status or content differs from the plan's (the digest covers HEAD too).
        When the plan recorded only the first MAX_RECORDED_ENTRIES paths, later ones are unknown."""
        before, now = self.report["workspace_entries"], entry_fingerprints(self.workspace.states, limit=None)
        last = max(before) if len(before) >= MAX_RECORDED_ENTRIES else None
        return sorted(path for path in before.keys() | now.keys()
                      if before.get(path) != now.get(path) and (last is None or path <= last))

    def require_unchanged_tree(self) -> None:
        if not self.tree_unchanged:
            changed = self.changed_since_plan()
            what = ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else "") if changed else "HEAD or the index"
            raise ConfigError(
                f"the working tree changed since the plan of {self.run_id} was made ({what}; digest "
                f"{self.workspace.digest[:12]}, plan made on {self.report['workspace_digest'][:12]}); run "
                "`autopack autopilot` again and decide on its new plan"
            )


def finding_from_evidence(evidence: dict[str, Any]) -> Finding:
    """A finding back from its JSON form (`Finding.to_dict`), as a gap's evidence holds it."""
    return Finding(
        rule_id=evidence["rule"], rule_name=evidence["name"], severity=Severity(evidence["severity"]),
        path=evidence["path"], line=evidence["line"], column=evidence["column"], message=evidence["message"],
        fix=evidence["fix"], fingerprint=evidence["fingerprint"], data=evidence.get("data"),
    )


def _load_document(run_dir: Path, name: str) -> dict[str, Any]:
    path = run_dir / name
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: missing; is {run_dir} an autopilot run directory?") from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc}); run `autopack autopilot` again") from None
    artifacts.validate(name, document)
    return document


def open_run(root: Path, run: str | None, config_path: Path | None) -> Run:
    """The named run (a directory, or a run id under `runs-dir`), or the current state's run."""
    if run is None:
        workspace = open_workspace(root, config_path)
        run_dir = default_run_dir(workspace, run_identity(workspace, None, workspace.settings["fail-on"]))
        if not (run_dir / "plan_proposal_v1.json").is_file():
            raise ConfigError(
                "no autopilot run for the current state of the repository; run `autopack autopilot` first "
                "(or name the run: its directory or run id)"
            )
    else:
        named = Path(run)
        if not named.is_absolute():
            named = Path.cwd() / named
        probe = open_workspace(root, config_path)
        if RUN_ID.fullmatch(run) and not named.is_dir():
            named = default_run_dir(probe, run)
        if not named.is_dir():
            raise ConfigError(f"{run}: no such run directory (give its path, or a run id under {probe.settings['runs-dir']})")
        run_dir = named
        workspace = open_workspace(root, config_path, run_dir)
    real = run_dir.resolve()
    label = os.path.relpath(real, root.resolve()) if real.is_relative_to(root.resolve()) else str(real)
    report = _load_document(real, "gap_report_v1.json")
    plan = _load_document(real, "plan_proposal_v1.json")
    if report["run_id"] != plan["run_id"]:
        raise ConfigError(f"{label}: the gap report and the plan belong to different runs; run `autopack autopilot` again")
    return Run(workspace, config_path, real, label.replace(os.sep, "/"), report, plan, ledger.plan_sha256(real),
               ledger.read(real, plan["run_id"]))


# --- approvals: what waits, and what was decided -----------------------------------------------

def change_of(run: Run, action: dict[str, Any]) -> str:
    """What carrying out the action would do, in one line."""
    if action["action_type"] in FIX_ACTIONS:
        planned = fixes.plan_fixes(run.root, run.findings(action))
        changes = [f"{fix.path} {change.describe()}" for fix in planned for change in fix.changes]
        if changes:
            return "change: " + "; ".join(changes)
    if action["command"]:
        return "command: " + " ".join(action["command"]) + "  (runs in a snapshot of the working tree)"
    return "manual: " + action["description"]


def listing(run: Run) -> dict[str, Any]:
    rows = []
    for action in run.decidable():
        entry = ledger.latest(run.entries).get(action["action_id"])
        rows.append({
            "action_id": action["action_id"],
            "action_type": action["action_type"],
            "status": run.status(action["action_id"]),
            "risk": run.risk(action),
            "target_gap_ids": action["target_gap_ids"],
            "gaps": [run.gaps[g]["title"] for g in action["target_gap_ids"] if g in run.gaps],
            "target_paths": action["target_paths"],
            "command": action["command"],
            "change": change_of(run, action),
            "approval_reason": action["approval_reason"],
            "decision_reason": entry.reason if entry is not None else "",
        })
    return {"run_id": run.run_id, "run_dir": run.label, "tree_unchanged": run.tree_unchanged, "actions": rows}


def render_listing(document: dict[str, Any]) -> str:
    out = [f"autopack autopilot approvals: {document['run_id']} ({document['run_dir']})"]
    out.append("working tree: unchanged since the plan" if document["tree_unchanged"]
               else "working tree: CHANGED since the plan (decisions and apply are refused; run the autopilot again)")
    for status in (PENDING, ledger.DEFERRED, ledger.APPROVED, ledger.APPLIED, ledger.APPLY_FAILED, ledger.REJECTED):
        rows = [row for row in document["actions"] if row["status"] == status]
        if not rows:
            continue
        out += ["", f"{status}: {len(rows)}"]
        for row in rows:
            out.append(f"  {row['action_id']}  {row['action_type']}  [{row['risk']}]  {', '.join(row['target_paths'])}")
            out += [f"      gap: {title}" for title in row["gaps"]]
            out.append(f"      {row['change']}")
            out.append(f"      needs approval: {row['approval_reason']}")
            if row["decision_reason"]:
                out.append(f"      reason: {row['decision_reason']}")
    if not document["actions"]:
        out += ["", "nothing waits for approval"]
    return "\n".join(out) + "\n"


# --- approve / reject / defer ------------------------------------------------------------------

def decide(run: Run, action_ids: Sequence[str], decision: str, reason: str) -> list[ledger.Entry]:
    """Record a decision on each action, after checking each may be decided now."""
    run.require_unchanged_tree()
    who = ledger.who(run.root)
    new = []
    for action_id in dict.fromkeys(action_ids):
        action = run.actions.get(action_id)
        if action is None:
            raise ConfigError(f"{action_id}: no such action in {run.run_id}; `autopack autopilot approvals` lists them")
        if action["approval"] == AUTO:
            raise ConfigError(f"{action_id}: auto-approved; the session ran it already")
        if action["approval"] != APPROVAL:
            raise ConfigError(f"{action_id}: blocked ({action['approval_reason']}); it can never be approved")
        if run.status(action_id) in (ledger.APPLIED, ledger.APPLY_FAILED):
            raise ConfigError(f"{action_id}: already carried out by apply; run the autopilot again for a new plan")
        new.append(ledger.Entry(0, action_id, decision, reason, run.workspace.digest, run.plan_sha256, who,
                                ledger.target_hashes(run.root, action["target_paths"])))
    with artifacts.run_dir_lock(run.run_dir):
        run.entries = ledger.append(run.run_dir, run.run_id, new)
    return new


# --- the command line --------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autopack autopilot", description="Review, decide on and apply what the autopilot proposes.")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--config", type=Path, metavar="FILE", help="configuration file (default: .autopack.toml or pyproject.toml)")
        return sub

    listing_parser = command("approvals", "list the actions that wait for approval, and the decisions made")
    listing_parser.add_argument("run", nargs="?", metavar="RUN", help="run directory or run id (default: the run of the current state)")
    listing_parser.add_argument("--format", choices=("text", "json"), default="text")
    for name, verb in (("approve", "approve"), ("reject", "reject"), ("defer", "defer")):
        sub = command(name, f"{verb} actions (recorded in the run's approval ledger)")
        sub.add_argument("action_ids", nargs="+", metavar="ID", help="action ids (action-...)")
        sub.add_argument("--run", metavar="RUN", help="run directory or run id (default: the run of the current state)")
        sub.add_argument("--reason", required=name == "reject", default="", help="why (required to reject)")
    apply_parser = command("apply", "carry out the approved actions, then check that their gaps are gone")
    apply_parser.add_argument("run", nargs="?", metavar="RUN", help="run directory or run id (default: the run of the current state)")
    apply_parser.add_argument("--dry-run", action="store_true", help="show what would change (unified diffs) and stop")
    apply_parser.add_argument("--allow-ci", action="store_true", help="run even where CI or GITHUB_ACTIONS is set")
    apply_parser.add_argument("--no-commands", action="store_true",
                              help="do not run configured commands (approved ones, and the detectors that check again); "
                                   "each one skipped is reported")
    return parser


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("GIT_OPTIONAL_LOCKS", "0")
    prog = f"autopack autopilot {args.command}"
    try:
        root = files.find_root(Path.cwd())
        if args.command == "apply":
            refusal = fixes.ci_refusal(args.allow_ci, "autopack autopilot apply")
            if refusal is not None:
                raise ConfigError(refusal)
            from autopack.autopilot.apply import apply_run
            from autopack.engine import commands_turned_off

            with commands_turned_off(args.no_commands):
                return apply_run(open_run(root, args.run, args.config), dry_run=args.dry_run, out=sys.stdout)
        run = open_run(root, getattr(args, "run", None), args.config)
        if args.command == "approvals":
            document = listing(run)
            text = json.dumps(document, indent=2, sort_keys=True) + "\n" if args.format == "json" else render_listing(document)
            sys.stdout.write(text)
            return 0
        decision = {"approve": ledger.APPROVED, "reject": ledger.REJECTED, "defer": ledger.DEFERRED}[args.command]
        for entry in decide(run, args.action_ids, decision, args.reason):
            action = run.actions[entry.action_id]
            print(f"{decision} {entry.action_id} ({action['action_type']}: {', '.join(action['target_paths']) or action['description']})")
        print(f"ledger: {run.label}/{ledger.LEDGER}")
        return 0
    except ConfigError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2

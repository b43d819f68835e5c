"""`autopack autopilot` / `autopack-autopilot` and `autopack digest`.

The autopilot prints a summary a person can act on (gaps by risk, the plan with each action's
approval, what ran, what waits for approval, where the artifacts are) or, with `--format json`,
the same as one JSON document. Exit codes: 0 clean, 1 a gap blocks the autopilot or reaches
`fail-on`, 2 usage or an unusable run directory.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

# `autopack digest` is meant to be called often: this module imports only what it needs (not
# argparse, not typing) at the top; the autopilot's imports happen inside `main`.
TYPE_CHECKING = False  # the stdlib idiom that spares importing typing; type checkers read it as True
if TYPE_CHECKING:
    import argparse

    from autopack.autopilot.session import Outcome

SHOWN_PER_SECTION = 40  # the artifacts hold everything; the terminal gets the first ones
# `autopack autopilot approvals|approve|reject|defer|apply ...` (autopack/autopilot/approvals.py)
DECISION_COMMANDS = ("approvals", "approve", "reject", "defer", "apply")


def _parser() -> argparse.ArgumentParser:
    import argparse

    from autopack.autopilot.settings import RISKS

    parser = argparse.ArgumentParser(
        prog="autopack autopilot",
        description="Read-only autopilot: scan for gaps, propose a plan, run only safe actions, write JSON artifacts.",
        epilog="Then: `autopack autopilot approvals [RUN]`, `approve|reject|defer ID...`, `apply [RUN] [--dry-run]` "
               "(see `autopack autopilot approvals --help`).",
    )
    parser.add_argument("--read-only", action="store_true", default=True,
                        help="the default and only mode: nothing outside the run directory is written")
    parser.add_argument("--run-dir", type=Path, metavar="DIR",
                        help="write the artifacts here (default: <runs-dir>/<run_id>, runs-dir .autopack/runs)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="configuration file (default: .autopack.toml or pyproject.toml)")
    parser.add_argument("--fail-on", choices=RISKS, help="lowest gap risk that exits 1 (default: the `fail-on` key, high)")
    parser.add_argument("--no-commands", action="store_true",
                        help="do not run configured commands (detectors, doc checks): they are code from the repository; "
                             "each one skipped is reported")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] and arguments[0] in DECISION_COMMANDS:
        from autopack.autopilot.approvals import main as decisions_main

        return decisions_main(arguments)
    args = _parser().parse_args(arguments)
    os.environ.setdefault("GIT_OPTIONAL_LOCKS", "0")  # looking must never lock or rewrite the index
    from autopack import files
    from autopack.autopilot.session import AutopilotDisabled, run_session
    from autopack.engine import commands_turned_off
    from autopack.findings import ConfigError

    root = files.find_root(Path.cwd())
    run_dir = args.run_dir if args.run_dir is None or args.run_dir.is_absolute() else Path.cwd() / args.run_dir
    try:
        with commands_turned_off(args.no_commands):
            outcome = run_session(root, config_path=args.config, run_dir=run_dir, fail_on=args.fail_on)
    except ConfigError as exc:
        print(f"autopack autopilot: error: {exc}", file=sys.stderr)
        return 2
    except AutopilotDisabled:
        print("autopack autopilot: disabled (`enabled = false` in the autopilot configuration); nothing done")
        return 0
    if args.format == "json":
        import json

        sys.stdout.write(json.dumps(_summary_json(outcome), indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write(render_text(outcome))
    return outcome.exit_code


def _summary_json(outcome: Outcome) -> dict[str, object]:
    return {
        "run_id": outcome.run_id,
        "run_dir": outcome.run_dir_label,
        "exit_code": outcome.exit_code,
        "artifacts": sorted(outcome.documents),
        "gap_report": outcome.documents["gap_report_v1.json"],
        "plan_proposal": outcome.documents["plan_proposal_v1.json"],
        "session": outcome.session,
    }


def _capped(lines: list[str], what: str, artifact: str) -> list[str]:
    if len(lines) <= SHOWN_PER_SECTION:
        return lines
    return [*lines[:SHOWN_PER_SECTION], f"    ... and {len(lines) - SHOWN_PER_SECTION} more {what} (see {artifact})"]


def render_text(outcome: Outcome) -> str:
    """The human summary: gaps by risk, the plan, what ran, what waits, where the artifacts are."""
    from autopack.autopilot.settings import RISKS

    report = outcome.documents["gap_report_v1.json"]
    session = outcome.session
    counts = report["summary"]["by_risk"]
    out = [f"autopack autopilot (read-only) run {outcome.run_id}", f"workspace digest {report['workspace_digest']}", ""]
    by_risk = ", ".join(f"{counts[r]} {r}" for r in RISKS if counts[r])
    out.append(f"gaps: {report['summary']['total']}" + (f" ({by_risk})" if by_risk else ""))
    gap_lines = [
        f"  {g['risk'].upper():<8} {g['gap_id']}  {g['title']}" + ("  [blocks autopilot]" if g["blocks_autopilot"] else "")
        for g in outcome.documents["gap_report_v1.json"]["gaps"]
    ]
    out += _capped(gap_lines, "gaps", "gap_report_v1.json")
    plan = outcome.documents["plan_proposal_v1.json"]
    summary = plan["summary"]
    out += ["", f"plan: {len(plan['actions'])} action(s): {summary['auto_approved']} auto-approved, "
                f"{summary['requires_approval']} require approval, {summary['blocked']} blocked"]
    results = {r["action_id"]: r for r in session["results"]}
    plan_lines = []
    order = {"auto_approved": 0, "requires_approval": 1, "blocked": 2}
    for action in sorted(plan["actions"], key=lambda a: (order[a["approval"]], a["action_type"], a["action_id"])):
        subject = " ".join(action["command"]) if action["command"] else ", ".join(action["target_paths"]) or action["description"]
        line = f"  {action['approval']:<17} {action['action_id']}  {action['action_type']}: {subject}"
        result = results.get(action["action_id"])
        if result is not None:
            code = "" if result["exit_code"] is None else f", exit {result['exit_code']}"
            line += f"  -> {result['status']}{code}"
        plan_lines.append(line)
    out += _capped(plan_lines, "actions", "plan_proposal_v1.json")
    ran = session["executed_action_ids"]
    refused = [r for r in session["results"] if r["status"] == "refused"]
    out += ["", f"ran: {len(ran)} action(s)" + (f"; refused: {len(refused)}" if refused else "")]
    out.append(f"waiting for approval: {len(session['approval_requests'])} (pending_approvals.json)")
    metrics = session["proof_metrics"]
    changed = "unknown (git cannot diff against HEAD)" if metrics["metrics_placeholder"] else str(metrics["files_changed"])
    out.append(f"files changed against HEAD: {changed}")
    out.append(f"session: {session['status']}")
    out.append(f"artifacts: {outcome.run_dir_label}/ ({', '.join(sorted(outcome.documents))})")
    gate = session["gate"]
    verdict = "; ".join(gate["reasons"][:5]) + (" ..." if len(gate["reasons"]) > 5 else "")
    verdict = verdict or f"no gap blocks the autopilot or reaches {gate['fail_on']}"
    out.append(f"result: exit {gate['exit_code']} ({verdict})")
    from autopack.report.escape import log_line

    # Titles and subjects quote file names and content: each line shown on one line, inert in a CI log.
    return "\n".join(log_line(line) for line in out) + "\n"


DIGEST_USAGE = (
    "usage: autopack digest [DIR]\n\n"
    "Print the deterministic workspace digest (sha256) of the repository containing DIR (default: .).\n"
)


def digest_main(argv: Sequence[str] | None = None) -> int:
    """`autopack digest [DIR]`: print the workspace digest (sha256 hex) of the repository.
    Arguments are parsed by hand: the command is meant to be called often and cheaply."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["-h"], ["--help"]):
        sys.stdout.write(DIGEST_USAGE)
        return 0
    if len(args) > 1 or (args and args[0].startswith("-")):
        sys.stderr.write(DIGEST_USAGE + f"autopack digest: error: unexpected arguments: {' '.join(args)}\n")
        return 2
    directory = Path(args[0]) if args else Path.cwd()
    if not directory.is_dir():
        print(f"autopack digest: error: {directory}: not a directory", file=sys.stderr)
        return 2
    from autopack.autopilot.digest import workspace_digest

    print(workspace_digest(directory.resolve()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

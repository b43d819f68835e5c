"""Running the plan's safe actions, and refusing everything else.

`SafeActionExecutor` does not trust the plan: it asks the allowlist again for every action,
whatever approval the plan recorded, and refuses (and records) any command that is not
read-only, is hostile, or would write outside the run directory. Commands run as argv without a
shell, in their own process group, with a timeout and bounded output (`autopack.commands`).
"""

from __future__ import annotations

import abc
import os
import shlex
import shutil
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autopack.autopilot import allowlist
from autopack.autopilot.gitstate import git_env
from autopack.autopilot.plan import APPROVAL, AUTO, Action
from autopack.autopilot.snapshot import Snapshot

REFUSED = "refused"


@dataclass(frozen=True)
class ActionResult:
    """What happened to one action: deterministic (no durations, no timestamps)."""

    action_id: str
    argv: tuple[str, ...]
    status: str  # passed | failed | timeout | not-found | refused
    exit_code: int | None
    stdout_sha256: str | None
    stdout_excerpt: str
    stderr_excerpt: str
    stderr_excerpt_sha256: str | None
    detail: str = ""

    @property
    def ran(self) -> bool:
        return self.status != REFUSED

    def to_dict(self) -> dict[str, Any]:
        return {
            "action_id": self.action_id,
            "argv": list(self.argv),
            "status": self.status,
            "exit_code": self.exit_code,
            "stdout_sha256": self.stdout_sha256,
            "stdout_excerpt": self.stdout_excerpt,
            "stderr_excerpt": self.stderr_excerpt,
            "stderr_excerpt_sha256": self.stderr_excerpt_sha256,
            "detail": self.detail,
        }


class ActionExecutor(abc.ABC):
    """Runs one approved action and reports what happened; never raises for a refused action."""

    @abc.abstractmethod
    def execute(self, action: Action) -> ActionResult: ...


def _argv(command: Sequence[str] | str | None) -> list[str]:
    if command is None:
        return []
    if isinstance(command, str):  # a plan may carry a string: split it, never hand it to a shell
        try:
            return shlex.split(command)
        except ValueError:
            return [command]
    return list(command)


class SafeActionExecutor(ActionExecutor):
    """Runs only auto-approved, allowlisted, run-local actions, and commands a person approved
    (`approved`: action ids from the approval ledger) in the snapshot; refuses the rest. Every
    command sees the scrubbed environment plus the configuration's `pass_env` names, as in
    `autopack check` (autopack's own re-checks pass them on to the doc checks they run)."""

    def __init__(self, root: Path, run_dir: Path, *, protected_paths: Sequence[str],
                 readonly_commands: Collection[tuple[str, ...]] = (), timeout: float = 300.0,
                 snapshot: Snapshot | None = None, approved: Collection[str] = (), pass_env: Sequence[str] = ()) -> None:
        self.root = root
        self.run_dir = run_dir
        self.protected_paths = tuple(protected_paths)
        self.readonly_commands = readonly_commands
        self.timeout = timeout
        self.snapshot = snapshot  # when the repository configures commands: where all but git run
        self.approved = frozenset(approved)
        self.pass_env = tuple(pass_env)

    def refusal(self, action: Action) -> str | None:
        """Why this action must not run, re-derived from the allowlist (the plan is not trusted)."""
        if action.approval == APPROVAL and action.action_id in self.approved:
            return self._approved_refusal(action)
        if action.approval != AUTO:
            return f"not auto-approved (approval: {action.approval})"
        argv = _argv(action.command)
        writes = list(action.target_paths)
        if argv:
            verdict = allowlist.check_command(argv, self.readonly_commands)
            if not verdict.allowed:
                return verdict.reason
            writes += allowlist.written_paths(argv)
        for path in writes:
            problem = allowlist.write_target_reason(self.root, self.run_dir, path, self.protected_paths)
            if problem is not None:
                return problem
        if not argv:
            return "no command to run (run-local writes are made by the session itself)"
        return None

    def _approved_refusal(self, action: Action) -> str | None:
        """A command a person approved still never runs when it is hostile, and runs only in the
        snapshot: what it writes is evidence, never a change to the working tree."""
        argv = _argv(action.command)
        if not argv:
            return "no command to run (a file change is made by apply itself)"
        verdict = allowlist.check_command(argv, self.readonly_commands)
        if verdict.hostile:
            return verdict.reason
        if self.snapshot is None:
            return "an approved command runs only in a snapshot of the working tree, and none was given"
        return None

    def execute(self, action: Action) -> ActionResult:
        argv = _argv(action.command)
        reason = self.refusal(action)
        if reason is not None:
            return ActionResult(action.action_id, tuple(argv), REFUSED, None, None, "", "", None, reason)
        from autopack.commands import SKIPPED, run_command

        env = {**git_env(), "NO_COLOR": "1", "AUTOPACK_NO_CACHE": "1"}  # a re-check writes no cache into the repository
        cwd = self.root
        if self.snapshot is not None and (argv[0] != "git" or action.approval != AUTO):  # repository code: in the copy
            cwd, env = self.snapshot.path, self.snapshot.env(env)
        # a detector from the configuration, or any command a person approved: the repository's code
        read_only = tuple(argv) in self.readonly_commands
        configured = read_only or action.approval != AUTO
        evidence = run_command(self._resolve(argv), cwd, self.timeout, cwd_label=".", env=env, pass_env=self.pass_env,
                               configured=configured, read_only=read_only)
        if evidence.status == SKIPPED:  # configured commands are turned off here (docs/security.md)
            return ActionResult(action.action_id, tuple(argv), REFUSED, None, None, "", "", None, evidence.detail)
        return ActionResult(
            action.action_id, tuple(argv), evidence.status, evidence.exit_code, evidence.stdout_sha256,
            evidence.stdout_excerpt, evidence.stderr_excerpt, evidence.stderr_excerpt_sha256, evidence.detail,
        )

    @staticmethod
    def _resolve(argv: list[str]) -> list[str]:
        """autopack's own commands run from the installation running now, not whatever PATH finds."""
        name = argv[0]
        if name == "autopack" or name in allowlist.READ_ONLY_AUTOPACK_SCRIPTS:
            beside = Path(sys.executable).parent / (name + (".exe" if os.name == "nt" else ""))
            if beside.is_file():
                return [str(beside), *argv[1:]]
            if name == "autopack":
                return [sys.executable, "-m", "autopack", *argv[1:]]
            found = shutil.which(name)
            if found:
                return [found, *argv[1:]]
        return argv

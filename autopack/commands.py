"""Run one configured command without a shell and keep deterministic, bounded evidence of it.

Doc drift runs the repository's own doc checks with this; the autopilot reuses it for its custom
detectors and its executor. A command runs in its own process group with stdin closed; stdout
and stderr are read incrementally (only a head and a tail are kept, the rest is hashed as it
streams past), so a command that prints gigabytes costs no memory; a timeout kills the whole
group. Evidence never holds durations or timestamps, so two runs of the same command with the
same output give byte-identical evidence.

A configured command is code from the repository, so it is treated as untrusted (docs/security.md):
it sees a scrubbed environment (`autopack.environment`), and it does not run at all where
configured commands are turned off (`AUTOPACK_NO_COMMANDS=1`, `--no-commands`, or the Action on a
fork's pull request): its evidence then says `skipped` and why, and the caller reports it.
"""

from __future__ import annotations

import hashlib
import os
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autopack.environment import NO_COMMANDS_VARIABLE, command_environment, commands_disabled, only_read_only_commands

EXCERPT_BYTES = 2048
READ_CHUNK = 65536
SCRIPT_NOT_FOUND = "script not found"
PROGRAM_NOT_FOUND = "program not found"  # argv[0] itself, not the script it would run

PASSED, FAILED, TIMEOUT, NOT_FOUND, SKIPPED = "passed", "failed", "timeout", "not-found", "skipped"
DISABLED_DETAIL = f"skipped: configured commands are turned off here ({NO_COMMANDS_VARIABLE}=1; see docs/security.md)"
NOT_READ_ONLY_DETAIL = "skipped: not marked read-only, so the read-only autopilot runs it only with a person's approval"

# Interpreters whose first positional argument is the script file they run, with the options
# after which no script file follows (code from a module or the command line) and the options
# that take the next argument as their value. A missing script is reported as `not-found`
# before anything runs (python itself would only say "can't open file").
_PYTHON = (frozenset({"-m", "-c"}), frozenset({"-W", "-X", "--check-hash-based-pycs"}))
_SHELL = (frozenset({"-c"}), frozenset({"-o", "+o", "-O", "+O"}))
_JS = (frozenset({"-e", "--eval", "-p", "--print"}), frozenset({"-r", "--require", "--import", "--loader", "-C", "--conditions"}))
_SCRIPTING = (frozenset({"-e", "-E"}), frozenset({"-I", "-r", "-C"}))
INTERPRETERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    **dict.fromkeys(("python", "pythonw", "py", "pypy"), _PYTHON),
    **dict.fromkeys(("sh", "bash", "zsh", "dash", "ksh", "fish"), _SHELL),
    **dict.fromkeys(("node", "nodejs", "bun"), _JS),
    **dict.fromkeys(("ruby", "perl", "php", "lua", "Rscript", "tclsh"), _SCRIPTING),
}


def parse_argv(run: str | list[str]) -> list[str]:
    """A configured `run` as argv: a list is taken as is, a string is split like a POSIX shell
    would split it (quotes and backslashes), but nothing is ever run through a shell."""
    if isinstance(run, list):
        return list(run)
    return shlex.split(run, comments=False, posix=True)


def _interpreter_options(program: str) -> tuple[frozenset[str], frozenset[str]] | None:
    name = Path(program).name.removesuffix(".exe")
    return INTERPRETERS.get(name) or INTERPRETERS.get(name.rstrip("0123456789."))  # python3.12 → python


def script_argument(argv: list[str]) -> str | None:
    """The script an interpreter command runs (`python scripts/x.py --check` → scripts/x.py);
    None when the command is not an interpreter running a file."""
    options = _interpreter_options(argv[0]) if argv else None
    if options is None:
        return None
    no_script, valued = options
    args = iter(argv[1:])
    for arg in args:
        if arg in no_script or arg == "-":
            return None
        if arg == "--":
            return next(args, None)
        if arg in valued:
            next(args, None)
        elif not arg.startswith(("-", "+")):
            return arg
    return None


def resolve_program(program: str, cwd: Path, env: dict[str, str] | None = None) -> str | None:
    """The executable for argv[0], as a shell would find it: a path with `/` from `cwd`, a bare
    name on PATH. `python` and `python3` fall back to the interpreter running autopack when
    PATH has neither (documented: a Python check must not fail only because of that name)."""
    if "/" in program or (os.sep != "/" and os.sep in program):
        candidate = Path(program) if Path(program).is_absolute() else cwd / program
        return str(candidate) if candidate.is_file() else None
    path = (env or os.environ).get("PATH", os.defpath)
    found = shutil.which(program, path=path)
    if found is None and program in ("python", "python3"):
        found = shutil.which("python3" if program == "python" else "python", path=path) or sys.executable
    return found


class _BoundedSink:
    """Hashes every byte of a stream and keeps only its first and last `limit // 2` bytes."""

    def __init__(self, limit: int) -> None:
        self.digest = hashlib.sha256()
        self.size = 0
        self.half = limit // 2
        self.head = bytearray()
        self.tail = bytearray()

    def feed(self, chunk: bytes) -> None:
        self.digest.update(chunk)
        self.size += len(chunk)
        room = self.half - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail += chunk
            del self.tail[: max(0, len(self.tail) - self.half)]

    def excerpt(self) -> str:
        """Head and tail as text (invalid UTF-8 replaced), with the omitted byte count between."""
        omitted = self.size - len(self.head) - len(self.tail)
        head = self.head.decode("utf-8", errors="replace")
        tail = self.tail.decode("utf-8", errors="replace")
        if omitted <= 0:
            return head + tail
        return f"{head}\n[... {omitted} bytes omitted ...]\n{tail}"


@dataclass(frozen=True)
class CommandEvidence:
    """What one command did, deterministically: the same command and output give equal evidence.

    `stdout_sha256` hashes the whole stdout; `stderr_excerpt` is at most ~2 KiB of stderr (head
    and tail) and `stderr_excerpt_sha256` hashes that excerpt's UTF-8 text, so anyone can
    re-check it from the JSON. `detail` explains a status that is not a plain exit code
    (`script not found: scripts/x.py`, `timed out after 300 s`, `skipped: tests/docs is absent`).
    """

    argv: tuple[str, ...]
    cwd: str
    status: str
    exit_code: int | None
    stdout_sha256: str
    stdout_bytes: int
    stdout_excerpt: str
    stderr_sha256: str
    stderr_bytes: int
    stderr_excerpt: str
    stderr_excerpt_sha256: str
    detail: str = ""

    @property
    def command(self) -> str:
        return shlex.join(self.argv)

    def to_dict(self) -> dict[str, Any]:
        return {
            "argv": list(self.argv),
            "command": self.command,
            "cwd": self.cwd,
            "status": self.status,
            "exit_code": self.exit_code,
            "stdout_sha256": self.stdout_sha256,
            "stdout_bytes": self.stdout_bytes,
            "stdout_excerpt": self.stdout_excerpt,
            "stderr_sha256": self.stderr_sha256,
            "stderr_bytes": self.stderr_bytes,
            "stderr_excerpt": self.stderr_excerpt,
            "stderr_excerpt_sha256": self.stderr_excerpt_sha256,
            "detail": self.detail,
        }


def _evidence(argv: list[str], cwd_label: str, status: str, exit_code: int | None, out: _BoundedSink,
              err: _BoundedSink, detail: str = "") -> CommandEvidence:
    stderr_excerpt = err.excerpt()
    return CommandEvidence(
        argv=tuple(argv),
        cwd=cwd_label,
        status=status,
        exit_code=exit_code,
        stdout_sha256=out.digest.hexdigest(),
        stdout_bytes=out.size,
        stdout_excerpt=out.excerpt(),
        stderr_sha256=err.digest.hexdigest(),
        stderr_bytes=err.size,
        stderr_excerpt=stderr_excerpt,
        stderr_excerpt_sha256=hashlib.sha256(stderr_excerpt.encode("utf-8")).hexdigest(),
        detail=detail,
    )


def not_run(argv: list[str], cwd_label: str, status: str, detail: str) -> CommandEvidence:
    """Evidence for a command that did not start (missing program or script, or skipped)."""
    return _evidence(argv, cwd_label, status, None, _BoundedSink(EXCERPT_BYTES), _BoundedSink(EXCERPT_BYTES), detail)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def run_command(
    argv: list[str],
    cwd: Path,
    timeout: float,
    *,
    cwd_label: str | None = None,
    env: dict[str, str] | None = None,
    pass_env: tuple[str, ...] | list[str] = (),
    configured: bool = True,
    read_only: bool = False,
    excerpt_bytes: int = EXCERPT_BYTES,
) -> CommandEvidence:
    """Run `argv` in `cwd` (no shell, stdin closed, own process group) and return its evidence.

    The command sees `command_environment(env, pass_env)`, never the whole environment. A
    `configured` command (from the repository's configuration, the default) is `skipped` with
    `DISABLED_DETAIL` where configured commands are turned off, and with `NOT_READ_ONLY_DETAIL`
    inside the read-only autopilot unless the configuration marks it `read_only`; only autopack's
    own commands and git pass `configured=False`. A missing program, or a missing script file for an interpreter,
    is `not-found` with the detail `script not found: ...` and nothing runs. A command still
    running (or still holding its output open) after `timeout` seconds is `timeout`, and its
    whole process group is killed. `cwd_label` is how the evidence names the directory (e.g.
    repo-relative), default `cwd`.
    """
    label = cwd_label if cwd_label is not None else str(cwd)
    if configured and commands_disabled():
        return not_run(argv, label, SKIPPED, DISABLED_DETAIL)
    env = command_environment(env, pass_env)
    if not argv:
        return not_run(argv, label, NOT_FOUND, f"{SCRIPT_NOT_FOUND}: the command is empty")
    if not cwd.is_dir():
        return not_run(argv, label, NOT_FOUND, f"{SCRIPT_NOT_FOUND}: working directory {label} does not exist")
    program = resolve_program(argv[0], cwd, env)
    if program is None:
        missing = "does not exist" if "/" in argv[0] or os.sep in argv[0] else "is not on PATH"
        return not_run(argv, label, NOT_FOUND, f"{PROGRAM_NOT_FOUND}: `{argv[0]}` {missing}")
    script = script_argument(argv)
    if script is not None and not (cwd / script).exists():
        return not_run(argv, label, NOT_FOUND, f"{SCRIPT_NOT_FOUND}: {script}")
    if configured and not read_only and only_read_only_commands():  # a missing script is still reported above
        return not_run(argv, label, SKIPPED, NOT_READ_ONLY_DETAIL)
    out, err = _BoundedSink(excerpt_bytes), _BoundedSink(excerpt_bytes)
    try:
        process = subprocess.Popen(
            [program, *argv[1:]],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except FileNotFoundError:
        return not_run(argv, label, NOT_FOUND, f"{PROGRAM_NOT_FOUND}: `{argv[0]}` cannot be started")
    except OSError as exc:
        return not_run(argv, label, FAILED, f"cannot execute `{argv[0]}`: {exc.strerror or exc}")
    timed_out = _pump(process, {process.stdout: out, process.stderr: err}, time.monotonic() + timeout)
    if timed_out:
        _kill_group(process)
        return _evidence(argv, label, TIMEOUT, None, out, err, f"timed out after {timeout:g} s; process group killed")
    status = PASSED if process.returncode == 0 else FAILED
    detail = f"killed by signal {-process.returncode}" if process.returncode < 0 else ""
    return _evidence(argv, label, status, process.returncode, out, err, detail)


def _pump(process: subprocess.Popen[bytes], sinks: dict[Any, _BoundedSink], deadline: float) -> bool:
    """Feed both pipes into their sinks until EOF and exit; True when the deadline passed first."""
    with selectors.DefaultSelector() as selector:
        for stream in sinks:
            selector.register(stream, selectors.EVENT_READ)
        try:
            while selector.get_map():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return True
                for key, _ in selector.select(min(remaining, 60.0)):
                    chunk = os.read(key.fd, READ_CHUNK)
                    if chunk:
                        sinks[key.fileobj].feed(chunk)
                    else:
                        selector.unregister(key.fileobj)
        finally:
            for stream in sinks:
                stream.close()
    try:
        process.wait(max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return True
    return False

"""What the autopilot may run without a person's approval. This is code, not configuration.

Two questions, asked by the planner and asked again by the executor (which never trusts a
plan): is a command *hostile* (shell syntax, a path that leaves the repository, a program that
changes the machine or the repository), and is it *read-only* (on the allowlist below, or a
configured detector command marked `read-only`)? A hostile command is `blocked`; a harmless
one that is not on the allowlist waits for approval. Writes are allowed only inside the run
directory, checked on the resolved path so a symlink cannot lead a write outside it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# git subcommands that only read the repository.
READ_ONLY_GIT = frozenset({"status", "diff", "log", "show", "rev-parse", "ls-files", "blame", "describe", "shortlog"})
# git options that write files or run other programs, refused even with a read-only subcommand.
# (Global options such as `-c` and `-C` cannot appear: the subcommand must come first.)
GIT_DENIED_OPTIONS = ("--output", "--ext-diff", "--exec", "--upload-pack", "--receive-pack", "--open-files-in-pager")

# autopack's checks (`autopack SUBCOMMAND` and `autopack-HOOK`) → the enforcements whose command
# line they take. Their argv is parsed with autopack's own parser (abbreviations such as
# `--outp`, `--x=y` forms, `--also FORMAT=FILE`), so the allowlist reads a command exactly as it
# would run; anything the parser refuses is never auto-approved.
AUTOPACK_CHECKS: dict[str, tuple[str, ...]] = {
    "check": (),  # every enforcement
    "debug-guard": ("debug-guard",),
    "doc-drift": ("doc-drift",),
    "parallel-lint": ("parallelism",),
    "catalog": ("catalog",),
}
READ_ONLY_AUTOPACK_SCRIPTS = frozenset(f"autopack-{name}" for name in AUTOPACK_CHECKS if name != "check")
# Flags of other commands that write a file: allowed only into the run directory.
WRITE_FLAGS = ("--output", "--write-baseline")

SHELL_SYNTAX = re.compile(r"[;&|`$<>\n\r\0]")
WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:")

# Programs that change files, processes, permissions or the network, whatever their arguments.
DESTRUCTIVE_PROGRAMS = frozenset({
    "rm", "rmdir", "unlink", "mv", "cp", "dd", "shred", "chmod", "chown", "chgrp", "ln", "touch", "truncate",
    "mkdir", "tee", "install", "sudo", "su", "doas", "curl", "wget", "ssh", "scp", "sftp", "rsync", "nc",
    "ncat", "netcat", "telnet", "ftp", "kill", "pkill", "killall", "xargs", "eval", "exec", "env", "nohup",
    "setsid", "crontab", "at", "systemctl", "service", "reboot", "shutdown", "mkfs", "mount", "umount",
    "docker", "podman", "kubectl", "helm", "terraform", "npx", "pnpx", "bunx", "del", "erase", "rd", "format",
    "powershell", "cmd",
})
SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "fish", "csh", "tcsh", "pwsh"})
INTERPRETERS = frozenset({"python", "pythonw", "py", "pypy", "node", "nodejs", "deno", "bun", "ruby", "perl", "php", "lua"})
INLINE_CODE_OPTIONS = frozenset({"-c", "-e", "-E", "--eval", "-p", "--print", "-i", "--command", "-Command"})
PACKAGE_MANAGERS = frozenset({
    "pip", "pipx", "uv", "poetry", "pdm", "hatch", "conda", "mamba", "micromamba", "npm", "yarn", "pnpm",
    "gem", "bundle", "bundler", "cargo", "go", "composer", "apt", "apt-get", "dnf", "yum", "apk", "brew",
    "choco", "winget", "nuget", "dotnet", "easy_install", "ensurepip", "corepack",
})
VERSIONED_FAMILIES = SHELLS | INTERPRETERS | PACKAGE_MANAGERS  # python3.12 → python, pip3 → pip
MUTATING_VERBS = frozenset({
    "install", "uninstall", "add", "remove", "rm", "update", "upgrade", "i", "ci", "publish", "sync", "link",
    "unlink", "get", "lock", "upload", "push", "clean", "self",
})


@dataclass(frozen=True)
class Verdict:
    """The allowlist's answer: `allowed` may run without approval; `hostile` may never run."""

    allowed: bool
    hostile: bool
    reason: str


def program_name(program: str) -> str:
    """`/usr/bin/Python3.12.exe` → `python`: the program's family name, for the lists above."""
    name = re.split(r"[\\/]", program)[-1].lower()
    name = name.removesuffix(".exe")
    stem = name.rstrip("0123456789.")
    return stem if stem in VERSIONED_FAMILIES else name


def path_escapes(value: str) -> bool:
    """True for an absolute path (POSIX, Windows, `~`) or any path with a `..` component."""
    if value.startswith(("/", "\\", "~")) or WINDOWS_ABSOLUTE.match(value):
        return True
    return ".." in re.split(r"[\\/]", value)


def _values(token: str) -> list[str]:
    """A token and, for `--flag=value`, its value: both are checked as paths."""
    if token.startswith("-") and "=" in token:
        return [token, token.split("=", 1)[1]]
    return [token]


@dataclass(frozen=True)
class AutopackCommand:
    """One of autopack's checks as its parser reads it: the files it would write, and why it
    cannot run without approval (None when it may)."""

    writes: tuple[str, ...]
    problem: str | None = None
    hostile: bool = False


def _quiet_parse(parser: Any, args: Sequence[str]) -> Any:
    """argparse's namespace, or None where argparse would print an error or help and exit."""
    import contextlib
    import io

    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            return parser.parse_args(list(args))
    except SystemExit:
        return None


def parse_autopack(argv: Sequence[str]) -> AutopackCommand | None:
    """autopack's own check command parsed with autopack's own parser; None for other commands."""
    if argv[0] == "autopack" and len(argv) > 1 and argv[1] in AUTOPACK_CHECKS:
        command, args = argv[1], list(argv[2:])
    elif argv[0] in READ_ONLY_AUTOPACK_SCRIPTS:
        command, args = argv[0].removeprefix("autopack-"), list(argv[1:])
    else:
        return None
    if command == "catalog" and args[:1] == ["validate"]:
        args = args[1:]
    elif command == "catalog" and args and not args[0].startswith("-"):
        return AutopackCommand((), f"`{argv[0]} ... {args[0]}` is not a catalog check on the allowlist")
    from autopack import engine
    from autopack.findings import ConfigError

    names = AUTOPACK_CHECKS[command] or tuple(engine.REGISTRY)
    parsed = _quiet_parse(engine.build_parser(names, " ".join(argv[:2])), args)
    if parsed is None:
        return AutopackCommand((), f"autopack's parser does not accept `{' '.join(argv)}`")
    if parsed.diff_base is not None and parsed.diff_base.startswith("-"):
        return AutopackCommand((), f"--diff-base {parsed.diff_base!r} would be read as an option", hostile=True)
    if getattr(parsed, "fix", False):
        return AutopackCommand((), "--fix changes files in the working tree")
    try:
        also = [str(target) for _, target in engine.extra_outputs(parsed.also)]
    except ConfigError as exc:
        return AutopackCommand((), str(exc))
    writes = [str(path) for path in (parsed.output, parsed.write_baseline) if path is not None]
    return AutopackCommand(tuple(writes + also))


def _denied_program(argv: Sequence[str]) -> str | None:
    """Why this program (with these arguments) changes something, or None."""
    name = program_name(argv[0])
    args = list(argv[1:])
    if name in INTERPRETERS and len(args) >= 2 and args[0] == "-m":
        name, args = program_name(args[1]), args[2:]  # `python -m pip install x` is pip
    if name in DESTRUCTIVE_PROGRAMS:
        return f"`{argv[0]}` changes files, processes or the network"
    if name in SHELLS and any(a in INLINE_CODE_OPTIONS for a in args):
        return f"`{argv[0]} -c` runs inline shell code"
    if name in INTERPRETERS and any(a in INLINE_CODE_OPTIONS for a in args):
        return f"`{argv[0]}` with inline code cannot be audited"
    if name in PACKAGE_MANAGERS and any(a.lower() in MUTATING_VERBS for a in args):
        verb = next(a for a in args if a.lower() in MUTATING_VERBS)
        return f"`{argv[0]} {verb}` changes installed packages or the repository"
    if name == "git":
        subcommand = args[0] if args else ""
        if subcommand not in READ_ONLY_GIT:
            return f"`git {subcommand}` is not a read-only git command" if subcommand else "`git` without a subcommand"
        denied = next((a for a in args if _git_denied(a)), None)
        if denied is not None:
            return f"git option `{denied}` writes files or runs other programs"
    return None


def _git_denied(arg: str) -> bool:
    """A denied git option, also as git's unique-prefix abbreviation (`--outp=x` is `--output`)."""
    if arg.startswith(GIT_DENIED_OPTIONS):
        return True
    name = arg.split("=", 1)[0]
    return name.startswith("--") and len(name) > 2 and any(option.startswith(name) for option in GIT_DENIED_OPTIONS)


def hostile_reason(argv: Sequence[str]) -> str | None:
    """Why a command must never run automatically, or None when it is harmless in form."""
    if not argv:
        return "the command is empty"
    for token in argv:
        if SHELL_SYNTAX.search(token):
            return f"shell syntax in `{token}` (commands run without a shell; chaining, substitution and redirection are refused)"
        for value in _values(token):
            if path_escapes(value):
                return f"`{value}` is an absolute path or leaves the repository with `..`"
    return _denied_program(argv)


def written_paths(argv: Sequence[str]) -> list[str]:
    """Files a command would write: for autopack's checks as their parser reads them (`--output`,
    `--write-baseline`, `--also FORMAT=FILE`, abbreviated or not), for others `--output FILE`
    and `--write-baseline FILE` as written."""
    parsed = parse_autopack(argv) if argv else None
    if parsed is not None:
        return list(parsed.writes)
    found: list[str] = []
    for index, token in enumerate(argv):
        for flag in WRITE_FLAGS:
            if token == flag and index + 1 < len(argv):
                found.append(argv[index + 1])
            elif token.startswith(flag + "="):
                found.append(token.split("=", 1)[1])
    return found


def check_command(
    argv: Sequence[str],
    readonly_commands: Collection[tuple[str, ...]] = (),
) -> Verdict:
    """Classify a command: hostile (never runs), read-only (may run without approval) or neither.
    The allowlist names bare programs (found on PATH or beside autopack); its autopack commands
    are read by autopack's parser, whose writes the caller checks (`written_paths`)."""
    reason = hostile_reason(argv)
    if reason is not None:
        return Verdict(False, True, reason)
    parsed = parse_autopack(argv)
    if parsed is not None and parsed.problem is not None:
        return Verdict(False, parsed.hostile, parsed.problem)
    if parsed is not None or argv[0] == "git":  # _denied_program refused every git command that is not read-only
        return Verdict(True, False, "read-only command on the autopilot allowlist")
    if tuple(argv) in readonly_commands:
        return Verdict(True, False, "configured detector command marked read-only")
    return Verdict(False, False, "not a read-only command on the allowlist")


def protected_prefix(path: str, protected: Sequence[str]) -> str | None:
    """The protected path prefix that covers a repo-relative path, if any."""
    for prefix in protected:
        bare = prefix.strip("/")
        if bare and (path == bare or path.startswith(bare + "/")):
            return prefix
    return None


def inside(path: Path, directory: Path) -> bool:
    return path == directory or path.is_relative_to(directory)


def write_target_reason(root: Path, run_dir: Path, target: str, protected: Sequence[str]) -> str | None:
    """Why writing the repo-relative `target` is not a run-local write, or None when it is.

    The target must not escape lexically, and its resolved path (every existing symlink on the
    way followed) must stay inside the resolved run directory.
    """
    where = protected_prefix(target, protected)
    if path_escapes(target):
        return f"writes `{target}`, an absolute path or one that leaves the repository"
    lexical = Path(os.path.normpath(root / target))
    if not inside(lexical, Path(os.path.normpath(run_dir))):
        if where is not None:
            return f"writes `{target}` under the protected path `{where}`"
        return f"writes `{target}` outside the run directory"
    try:
        resolved = lexical.resolve()
        real_run_dir = run_dir.resolve()
    except (OSError, RuntimeError):
        return f"`{target}` cannot be resolved (a symlink loop?)"
    if not inside(resolved, real_run_dir):
        return f"writes `{target}`, which a symlink leads outside the run directory"
    return None

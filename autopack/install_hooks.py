"""`autopack install-hooks [--force]`: put autopack's native git hooks in the repository's hooks
directory, the one git really runs (`core.hooksPath` and worktrees respected).

The hook scripts are rendered from one template here, so an installed autopack (without the source
tree) can write them; `hooks/pre-commit` and `hooks/pre-push` in the repository are the same
renderings, for `git config core.hooksPath hooks`. A hook that does not carry the autopack marker
belongs to someone else and is only replaced with `--force`, after a backup.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from autopack.findings import ConfigError

MARKER = "# autopack-managed-hook"
BACKUP_SUFFIX = ".pre-autopack"


@dataclass(frozen=True)
class HookSpec:
    name: str
    purpose: str  # one comment line: what the hook checks
    arguments: str  # what follows `autopack check`
    bypass: str  # the git command that skips it once


HOOKS: dict[str, HookSpec] = {
    "pre-commit": HookSpec(
        name="pre-commit",
        purpose="Checks the staged content of the staged files (the index, not the working tree).",
        arguments="check --staged",
        bypass="git commit --no-verify",
    ),
    "pre-push": HookSpec(
        name="pre-push",
        purpose="Runs the full check on every file of the repository before a push.",
        arguments="check --all-files",
        bypass="git push --no-verify",
    ),
}

_TEMPLATE = """\
#!/bin/sh
# autopack native git hook: {name}
# {purpose}
# Set up with `autopack install-hooks`, or with `git config core.hooksPath hooks` in a checkout
# of autopack. Skip it once with `{bypass}` or `AUTOPACK_SKIP=1 git ...`.
{marker}
set -u

hook={name}
if [ "${{AUTOPACK_SKIP:-0}}" = "1" ]; then
    echo "autopack $hook: skipped (AUTOPACK_SKIP=1)" >&2
    exit 0
fi

# autopack on PATH, then the repository's .venv, then a Python that can import it.
top=$(git rev-parse --show-toplevel 2>/dev/null) || top=.
if command -v autopack >/dev/null 2>&1; then
    set -- autopack
elif [ -x "$top/.venv/bin/autopack" ]; then
    set -- "$top/.venv/bin/autopack"
elif [ -x "$top/.venv/Scripts/autopack.exe" ]; then
    set -- "$top/.venv/Scripts/autopack.exe"
elif command -v python3 >/dev/null 2>&1 && python3 -c "import autopack.cli" >/dev/null 2>&1; then
    set -- python3 -m autopack
elif command -v python >/dev/null 2>&1 && python -c "import autopack.cli" >/dev/null 2>&1; then
    set -- python -m autopack
else
    cat >&2 <<EOF
autopack $hook: autopack is not installed, so this hook cannot check anything.
  Install it where you run git:   python3 -m pip install autopack
  (or into the repository's .venv, or with pipx install autopack), then try again.
  Skip the hook once with:        {bypass}   (or AUTOPACK_SKIP=1)
EOF
    exit 1
fi

status=0
"$@" {arguments} || status=$?
if [ "$status" -ne 0 ]; then
    echo "autopack $hook: refused (exit $status). Fix the findings above, or skip once with {bypass}." >&2
fi
exit "$status"
"""


def render(spec: HookSpec) -> str:
    """The hook script for `spec`: POSIX sh, LF line endings, the marker line included."""
    return _TEMPLATE.format(
        name=spec.name, purpose=spec.purpose, arguments=spec.arguments, bypass=spec.bypass, marker=MARKER
    )


class InstallError(Exception):
    """A reason to stop before anything is written."""


def hooks_dir(start: Path) -> Path:
    """The directory git runs hooks from: `git rev-parse --git-path hooks` honours
    `core.hooksPath` and maps a worktree to the shared hooks of its main repository."""
    from autopack.files import run_git

    output = run_git(start, "rev-parse", "--git-path", "hooks")
    if output is None:
        raise ConfigError(f"{start}: not inside a git repository (git rev-parse failed); run it from your repository")
    path = Path(output.decode("utf-8", "surrogateescape").strip())
    return path if path.is_absolute() else (start / path).resolve()


@dataclass(frozen=True)
class Plan:
    spec: HookSpec
    target: Path
    state: str  # "new", "current", "outdated" (ours, older text) or "foreign"


def plan(directory: Path, names: Sequence[str]) -> list[Plan]:
    plans = []
    for name in names:
        target = directory / name
        if not target.exists() and not target.is_symlink():
            state = "new"
        else:
            try:
                existing = target.read_text(encoding="utf-8", errors="replace")
            except OSError:
                existing = ""
            if MARKER not in existing:
                state = "foreign"
            elif existing == render(HOOKS[name]) and os.access(target, os.X_OK):
                state = "current"
            else:
                state = "outdated"
        plans.append(Plan(HOOKS[name], target, state))
    return plans


def install(directory: Path, names: Sequence[str], force: bool) -> list[str]:
    """Install the hooks; all or nothing when a foreign hook blocks. Returns what was done."""
    from autopack.files import write_atomic

    plans = plan(directory, names)
    foreign = [p for p in plans if p.state == "foreign"]
    if foreign and not force:
        listed = ", ".join(str(p.target) for p in foreign)
        raise InstallError(
            f"{listed}: a hook that autopack did not write is already there; nothing was changed. "
            f"Re-run with --force to replace it (the old hook is kept as NAME{BACKUP_SUFFIX}), "
            "or call autopack from it yourself"
        )
    done = []
    for item in plans:
        if item.state == "current":
            done.append(f"{item.target}: already up to date")
            continue
        if item.state == "foreign":
            backup = item.target.with_name(item.target.name + BACKUP_SUFFIX)
            os.replace(item.target, backup)
            done.append(f"{item.target}: replaced; the previous hook was moved to {backup}")
        else:
            done.append(f"{item.target}: {'installed' if item.state == 'new' else 'updated'}")
        write_atomic(item.target, render(item.spec), mode=0o755)
    return done


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="autopack install-hooks",
        description="Install autopack's native git hooks (pre-commit checks the staged content, "
        "pre-push runs the full check) into the hooks directory git uses.",
    )
    parser.add_argument("--force", action="store_true", help="replace hooks that autopack did not write (they are backed up)")
    parser.add_argument(
        "--hook", action="append", choices=sorted(HOOKS), metavar="NAME",
        help="install only this hook (repeatable; default: pre-commit and pre-push)",
    )
    args = parser.parse_args(argv)
    names = sorted(set(args.hook)) if args.hook else list(HOOKS)
    try:
        directory = hooks_dir(Path.cwd())
        directory.mkdir(parents=True, exist_ok=True)
        done = install(directory, names, args.force)
    except InstallError as exc:
        print(f"autopack install-hooks: error: {exc}", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"autopack install-hooks: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"autopack install-hooks: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    for line in done:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

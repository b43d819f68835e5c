"""`autopack install-hooks [--force]`: put autopack's native git hooks in the repository's hooks
directory, the one git really runs (`core.hooksPath` and worktrees respected).

The hook scripts are rendered from one template here, so an installed autopack (without the source
tree) can write them. An installed hook runs the Python that ran `install-hooks` (as pre-commit
records its interpreter), isolated with `-E -P`, so it works from any shell and no file of the
repository can stand in for autopack. `hooks/pre-commit` and `hooks/pre-push` in autopack's own
repository are the renderings without a recorded Python, for `git config core.hooksPath hooks`.
A hook that does not carry the autopack marker belongs to someone else and is only replaced with
`--force`, after a backup.
"""

from __future__ import annotations

import argparse
import os
import shlex
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
    arguments: str  # the autopack command line (shell words)
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
        purpose="Checks what is pushed: the files changed in each pushed ref, at their pushed content.",
        arguments='check --pushed "${1:-origin}"',
        bypass="git push --no-verify",
    ),
}

_TEMPLATE = """\
#!/bin/sh
# autopack native git hook: {name}
# {purpose}
# `autopack install-hooks` writes it with the Python that runs autopack; the copy in autopack's
# repository (for `git config core.hooksPath hooks`) looks for a Python on PATH instead.
# Skip it once with `{bypass}` or `AUTOPACK_SKIP=1 git ...`.
{marker}
set -u

hook={name}
if [ "${{AUTOPACK_SKIP:-0}}" = "1" ]; then
    echo "autopack $hook: skipped (AUTOPACK_SKIP=1)" >&2
    exit 0
fi

python={python}
install={install}

# -E and -P: neither PYTHONPATH nor the repository's own files (a folder named autopack, a
# .venv, a script) can put another program in autopack's place. 127: autopack is not installed.
run='import sys
try:
    from autopack.cli import main
except ImportError:
    sys.exit(127)
sys.exit(main(sys.argv[1:]))'

status=127
if [ -n "$python" ]; then
    if [ -x "$python" ]; then
        "$python" -E -P -c "$run" {arguments}
        status=$?
    fi
else
    for candidate in python3 python; do
        found=$(command -v "$candidate" 2>/dev/null) || continue
        # never a Python the repository ships (a tracked bin/python3 on a PATH it set up)
        if git ls-files --error-unmatch -- "$found" >/dev/null 2>&1; then
            continue
        fi
        "$found" -E -P -c "$run" {arguments}
        status=$?
        if [ "$status" -ne 127 ]; then
            break
        fi
    done
    install="python3 -m pip install '$(cd "$(dirname "$0")/.." && pwd)'"
fi

if [ "$status" -eq 127 ]; then
    cat >&2 <<EOF
autopack $hook: autopack is not installed${{python:+ for $python}}, so this hook cannot check anything.
  Install it:    $install
  (or install autopack with another Python and run \\`autopack install-hooks\\` from it)
  Skip it once:  {bypass}   (or AUTOPACK_SKIP=1)
EOF
    exit 1
fi
if [ "$status" -ne 0 ]; then
    echo "autopack $hook: refused (exit $status). Fix the findings above, or skip once with {bypass}." >&2
fi
exit "$status"
"""


@dataclass(frozen=True)
class Recorded:
    """What an installed hook runs: the Python that ran `install-hooks`, and the command that
    installs this autopack into it again from where it came from."""

    python: str = ""
    install: str = ""


def render(spec: HookSpec, recorded: Recorded = Recorded()) -> str:
    """The hook script for `spec`: POSIX sh, LF line endings, the marker line included. Without
    a recorded Python it is the copy kept in autopack's repository."""
    return _TEMPLATE.format(
        name=spec.name, purpose=spec.purpose, arguments=spec.arguments, bypass=spec.bypass, marker=MARKER,
        python=shlex.quote(recorded.python), install=shlex.quote(recorded.install),
    )


def install_source() -> str:
    """pip's argument that installs this autopack again from where it came from (PEP 610's
    direct_url.json): its checkout (`-e` when editable), a VCS URL at its revision, an archive,
    or `autopack==VERSION` from the package index."""
    import json
    from importlib import metadata

    from autopack import __version__

    try:
        direct = json.loads(metadata.distribution("autopack").read_text("direct_url.json") or "null")
    except (metadata.PackageNotFoundError, ValueError):
        direct = None
    if not isinstance(direct, dict) or not isinstance(direct.get("url"), str):
        return f"autopack=={__version__}"
    url = direct["url"]
    vcs = direct.get("vcs_info")
    if isinstance(vcs, dict):
        revision = vcs.get("requested_revision") or vcs.get("commit_id")
        return shlex.quote(f"{vcs.get('vcs', 'git')}+{url}" + (f"@{revision}" if revision else ""))
    directory = direct.get("dir_info")
    if url.startswith("file://") and isinstance(directory, dict):
        from urllib.parse import unquote, urlparse

        path = shlex.quote(unquote(urlparse(url).path))
        return f"-e {path}" if directory.get("editable") else path
    return shlex.quote(url)


def recorded(start: Path, python: str | None = None) -> Recorded:
    """This process's Python (or `python`); refused when the repository tracks it (a committed
    interpreter is the repository's program, not the user's)."""
    from autopack.files import run_git

    python = sys.executable if python is None else python
    if not python:
        raise ConfigError("cannot tell which Python runs autopack (sys.executable is empty); run `python -m autopack install-hooks`")
    if run_git(start, "ls-files", "--error-unmatch", "--", python) is not None:
        raise ConfigError(
            f"{python}: this Python is a file the repository tracks; install autopack with a Python of "
            "your own and run `autopack install-hooks` with it"
        )
    return Recorded(python, f"{shlex.quote(python)} -m pip install {install_source()}")


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
    state: str  # "new", "current", "outdated" (ours, older text or another Python) or "foreign"


def plan(directory: Path, names: Sequence[str], recording: Recorded) -> list[Plan]:
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
            elif existing == render(HOOKS[name], recording) and os.access(target, os.X_OK):
                state = "current"
            else:
                state = "outdated"
        plans.append(Plan(HOOKS[name], target, state))
    return plans


def install(directory: Path, names: Sequence[str], force: bool, recording: Recorded) -> list[str]:
    """Install the hooks; all or nothing when a foreign hook blocks. Returns what was done."""
    from autopack.files import write_atomic

    plans = plan(directory, names, recording)
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
        write_atomic(item.target, render(item.spec, recording), mode=0o755)
    return done


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autopack install-hooks",
        description="Install autopack's native git hooks (pre-commit checks the staged content, "
        "pre-push what is pushed) into the hooks directory git uses; they run this Python.",
    )
    parser.add_argument("--force", action="store_true", help="replace hooks that autopack did not write (they are backed up)")
    parser.add_argument(
        "--hook", action="append", choices=sorted(HOOKS), metavar="NAME",
        help="install only this hook (repeatable; default: pre-commit and pre-push)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    names = sorted(set(args.hook)) if args.hook else list(HOOKS)
    try:
        directory = hooks_dir(Path.cwd())
        recording = recorded(Path.cwd())
        directory.mkdir(parents=True, exist_ok=True)
        done = install(directory, names, args.force, recording)
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
        print(f"{line} (runs {recording.python})" if not line.endswith("up to date") else line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What a configured command may see of the environment, and whether it may run at all.

Configured commands (doc checks, autopilot detectors) are code from the repository: they get the
variables programs need (`PASS_ENV`, `LC_*`, `AUTOPACK_*`) plus what the configuration names in
`pass-env`, and never the runner's command files (`GITHUB_ENV`, `GITHUB_OUTPUT`, ...), shell
start-up files (`BASH_ENV`, `ENV`), the runner's `ACTIONS_*` or a name that looks like a secret
(docs/security.md). This module is small and imports nothing heavy: the configuration uses it to
refuse a `pass-env` entry that could never be honoured.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

# Passed through when set: what programs need to find themselves, their tools and a temporary
# directory, the locale, and git's own variables (a hook's GIT_INDEX_FILE, GIT_DIR; not
# GIT_CONFIG_* pairs or GIT_ASKPASS, which can carry or fetch credentials).
PASS_ENV = frozenset({
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TERM", "COLORTERM", "NO_COLOR",
    "TMPDIR", "TEMP", "TMP", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR",
    "CI", "GITHUB_ACTIONS", "GITHUB_WORKSPACE", "RUNNER_OS", "RUNNER_ARCH", "RUNNER_TEMP",
    "VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "PYTHONPATH", "PYTHONIOENCODING", "PYTHONUTF8",
    "PYTHONDONTWRITEBYTECODE", "NODE_PATH", "JAVA_HOME", "GOPATH", "GOROOT", "GOCACHE", "CARGO_HOME", "RUSTUP_HOME",
    "GEM_HOME", "GEM_PATH", "SYSTEMROOT", "SYSTEMDRIVE", "COMSPEC", "PATHEXT", "WINDIR", "USERPROFILE", "APPDATA",
    "LOCALAPPDATA", "PROGRAMDATA", "PROGRAMFILES", "NUMBER_OF_PROCESSORS",
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR", "GIT_PREFIX", "GIT_EXEC_PATH", "GIT_CEILING_DIRECTORIES", "GIT_OPTIONAL_LOCKS",
    "GIT_TERMINAL_PROMPT", "GIT_PAGER", "GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
    "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL",
    "GIT_COMMITTER_DATE",
})  # fmt: skip
PASS_ENV_PREFIXES = ("LC_", "AUTOPACK_")
# Never passed, whatever the configuration says: the runner's command files (a command that
# writes them sets variables, outputs or PATH for later steps), shell start-up files, the
# runner's internal tokens, and names that look like secrets.
NEVER_PASSED = frozenset({"GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_STATE", "GITHUB_STEP_SUMMARY", "BASH_ENV", "ENV"})
_SECRET_NAME = re.compile(
    r"TOKEN|SECRET|PASSW|PASSPHRASE|ASKPASS|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY|AUTH(?!OR)|COOKIE|SESSION", re.IGNORECASE
)
NO_COMMANDS_VARIABLE = "AUTOPACK_NO_COMMANDS"
# Set by the read-only autopilot for its scan and its checks: only configured commands that the
# configuration marks `read-only` run; the others wait for a person's approval.
READ_ONLY_COMMANDS_VARIABLE = "AUTOPACK_READ_ONLY_COMMANDS"


def never_passed(name: str) -> bool:
    """True for a variable no configured command ever sees."""
    upper = name.upper()
    return upper in NEVER_PASSED or upper.startswith("ACTIONS_") or _SECRET_NAME.search(name) is not None


def command_environment(base: Mapping[str, str] | None = None, pass_env: Iterable[str] = ()) -> dict[str, str]:
    """The scrubbed environment for a configured command: from `base` (default: this process's),
    the variables of `PASS_ENV` and its prefixes plus the names or `NAME_*` patterns of
    `pass-env`, minus everything `never_passed` refuses."""
    source = os.environ if base is None else base
    patterns = tuple(pass_env)
    return {
        name: value
        for name, value in source.items()
        if not never_passed(name)
        and (
            name.upper() in PASS_ENV
            or name.upper().startswith(PASS_ENV_PREFIXES)
            or any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)
        )
    }


def commands_disabled(environment: Mapping[str, str] | None = None) -> bool:
    """True where configured commands must not run (`AUTOPACK_NO_COMMANDS` set to anything but
    empty or 0): the Action sets it on pull requests from forks and on pull_request_target."""
    value = (os.environ if environment is None else environment).get(NO_COMMANDS_VARIABLE, "")
    return value.strip() not in ("", "0")


def only_read_only_commands(environment: Mapping[str, str] | None = None) -> bool:
    """True where only configured commands marked `read-only` may run (the read-only autopilot)."""
    value = (os.environ if environment is None else environment).get(READ_ONLY_COMMANDS_VARIABLE, "")
    return value.strip() not in ("", "0")


@contextmanager
def variable_set(name: str) -> Iterator[None]:
    """`name=1` in this process's environment for the block (so also in every process started
    from it), then as it was before."""
    previous = os.environ.get(name)
    os.environ[name] = "1"
    try:
        yield
    finally:
        if previous is None:
            del os.environ[name]
        else:
            os.environ[name] = previous


def refused_pass_env(names: Iterable[str]) -> list[str]:
    """The `pass-env` entries that name a variable no configured command may ever see."""
    return [name for name in names if never_passed(name)]


# --- the GitHub Action's decision ---------------------------------------------------------------

PULL_REQUEST_EVENTS = ("pull_request", "pull_request_review", "pull_request_review_comment")


def action_commands_off(setting: str, event_name: str, event_path: str) -> str:
    """Why the Action must not run configured commands on this event ('' when it may).

    `setting` is the `run-commands` input: `true` and `false` decide; `auto` (the default) runs
    them except for code GitHub runs with the base repository's trust: `pull_request_target`, a
    pull request from a fork, and a `workflow_run` started by one. A payload that cannot be read
    on a pull request event counts as a fork's. ValueError for any other setting."""
    if setting == "true":
        return ""
    if setting == "false":
        return "run-commands is false"
    if setting != "auto":
        raise ValueError('run-commands must be "auto", "true" or "false"')
    if event_name == "pull_request_target":
        return "the workflow runs on pull_request_target (the pull request's code with the base repository's trust)"
    if event_name not in (*PULL_REQUEST_EVENTS, "workflow_run"):
        return ""
    import json

    try:
        with open(event_path, encoding="utf-8") as handle:
            event = json.loads(handle.read(64 * 1024 * 1024))
    except (OSError, ValueError, RecursionError):
        event = None
    if event_name == "workflow_run":
        run = event.get("workflow_run") if isinstance(event, dict) else None
        head = _full_name(run, "head_repository")
        if head is not None and head == _full_name(event, "repository"):
            return ""
        return "the workflow_run was started from a fork's pull request (or its payload cannot be read)"
    pull_request = event.get("pull_request") if isinstance(event, dict) else None
    head = _full_name(_get(pull_request, "head"), "repo")
    if head is not None and head == _full_name(_get(pull_request, "base"), "repo"):
        return ""
    return "the pull request comes from a fork (or its payload cannot be read)"


def _get(node: object, key: str) -> object:
    return node.get(key) if isinstance(node, dict) else None


def _full_name(node: object, key: str) -> str | None:
    name = _get(_get(node, key), "full_name")
    return name if isinstance(name, str) and name else None

"""A disposable copy of the working tree, where the autopilot runs configured commands.

Configured commands (custom detectors, doc-drift's doc checks, and the checks that run them) are
code from the repository. The read-only autopilot runs them in a snapshot: `snapshot/<name>` in
the run directory (git ignores it there; the same state gives the same place, so evidence that
prints paths stays byte-identical), holding a copy of every file git lists (tracked, and
untracked but not ignored) as it is in the working tree, and a git repository of its own that
borrows the real one's objects (read-only, through `objects/info/alternates`) and starts from a
copy of its index at the same HEAD, so `git status` and `git ls-files` there answer as they
would in the real tree. Whatever a command writes lands in the copy, which is removed afterwards.
The snapshot is not a sandbox (a command can still name an absolute path): the session also
compares the real working tree's digest before and after, and any change is a critical gap.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path
from typing import Any

from autopack import files
from autopack.autopilot.gitstate import UNBORN, git, git_dir
from autopack.config import Config


# git variables that would point a command in the copy back at the real repository
GIT_LOCATION_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR",
                          "GIT_NAMESPACE", "GIT_ALTERNATE_OBJECT_DIRECTORIES")


class Snapshot:
    """The copy is made on first use of `path` and removed by `remove` (or the `with` block).
    A caller that may use `path` holds the run directory's lock, so no other session uses the
    same place."""

    def __init__(self, root: Path, head: str, holder: Path, run_dir: Path | None = None) -> None:
        self.root = root
        self.head = head
        self.holder = holder  # a directory of the copy's own (the session's: `<run dir>/snapshot`)
        self.run_dir = run_dir
        self._path: Path | None = None

    @property
    def made(self) -> bool:
        return self._path is not None

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *_: object) -> None:
        if self.made:
            self.remove()

    @property
    def path(self) -> Path:
        if self._path is None:
            remove_tree(self.holder)  # left by a killed session
            self._path = make_snapshot(self.root, self.head, self.run_dir, self.holder)
        return self._path

    def env(self, base: dict[str, str]) -> dict[str, str]:
        """`base` for a command in the copy: git finds the copy's repository and never climbs
        out of it to the real one (`GIT_CEILING_DIRECTORIES`), whatever the caller's environment."""
        env = {key: value for key, value in base.items() if key not in GIT_LOCATION_VARIABLES}
        env["GIT_CEILING_DIRECTORIES"] = str(self.holder)
        return env

    def remove(self) -> None:
        remove_tree(self.holder)
        self._path = None


def remove_tree(path: Path) -> None:
    """Remove a directory tree that commands may have left read-only or full of symlinks."""
    if not os.path.lexists(path):
        return
    if path.is_symlink() or not path.is_dir():
        path.unlink()
        return

    def make_writable_and_retry(function: Any, target: str, _error: object) -> None:
        try:
            os.chmod(os.path.dirname(target), stat.S_IRWXU)
            function(target)
        except OSError:
            pass

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=make_writable_and_retry)
    else:
        shutil.rmtree(path, onerror=make_writable_and_retry)


def make_snapshot(root: Path, head: str, run_dir: Path | None, holder: Path) -> Path:
    """Copy the working tree's listed files into `holder/<name of the repository>`."""
    copy = holder / (root.name or "repository")  # the same folder name, for commands that print it
    copy.mkdir(parents=True)
    real_root = root.resolve()
    for relative in files.list_repo_files(root):
        _copy_entry(root / relative, copy / relative, real_root)
    if git_dir(root) is not None:
        _borrow_git(root, copy, head)
    if run_dir is not None and run_dir.is_relative_to(real_root):  # run-local writes reach the run directory
        place = copy / run_dir.relative_to(real_root)
        if not os.path.lexists(place):
            place.parent.mkdir(parents=True, exist_ok=True)
            place.symlink_to(run_dir, target_is_directory=True)
    return copy


def _copy_entry(source: Path, target: Path, real_root: Path) -> None:
    """A regular file with its mode, or a symlink whose target stays inside the repository;
    anything else (a submodule, a FIFO, a link out of the repository) is left out."""
    try:
        info = source.lstat()
    except OSError:
        return  # listed by git but deleted in the working tree
    target.parent.mkdir(parents=True, exist_ok=True)
    if stat.S_ISREG(info.st_mode):
        try:
            shutil.copyfile(source, target, follow_symlinks=False)
            os.chmod(target, stat.S_IMODE(info.st_mode))
        except OSError:
            pass  # unreadable: the copy lacks it, as a command without read access would
    elif stat.S_ISLNK(info.st_mode):
        link = os.readlink(source)
        try:
            inside = source.resolve().is_relative_to(real_root)
        except (OSError, RuntimeError):
            inside = False
        if inside and not os.path.isabs(link):
            target.symlink_to(link)


def _borrow_git(root: Path, copy: Path, head: str) -> None:
    """A repository in the copy with the real one's objects (read-only), index and HEAD."""
    common = git(root, "rev-parse", "--path-format=absolute", "--git-common-dir")
    index = git(root, "rev-parse", "--path-format=absolute", "--git-path", "index")
    if not (common.ok and index.ok) or not git(copy, "init", "-q").ok:
        return
    own = copy / ".git"
    objects = Path(os.fsdecode(common.stdout.strip())) / "objects"
    (own / "objects" / "info" / "alternates").write_bytes(os.fsencode(str(objects)) + b"\n")
    source_index = Path(os.fsdecode(index.stdout.strip()))
    if source_index.is_file():
        shutil.copyfile(source_index, own / "index")
    if head and head != UNBORN:
        (own / "HEAD").write_text(head + "\n", encoding="ascii")


def config_in(copy: Path, root: Path, config: Config) -> Config:
    """The same configuration, read as if the repository were the copy."""
    source = config.source
    if source is not None and source.is_relative_to(root):
        source = copy / source.relative_to(root)
    return Config(copy, source, config.text, config.values, config.raw_sections, config.prefix)

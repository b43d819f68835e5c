"""A cache directory for work that depends only on a file's content (ruff's model).

Entries are named by a key the caller derives from everything the cached result depends on (file
content, autopack's version, the settings that matter), so a stale entry is never read: it is
simply not asked for. The directory is safe to delete at any time. Two runs at once are safe:
every entry is written to a unique temp file and renamed into place. A corrupt or truncated entry
reads as a miss (the caller validates what it loads). A cache that cannot be created or written
(read-only file system, a full disk, a path that leaves the repository) turns caching off for the
run, never the check.

Where: `AUTOPACK_CACHE_DIR` (the user's own environment: any path), else the `cache-dir` setting
(default `.autopack/cache`), which must stay inside the repository: configuration is repository
content, and a symlink or `..` that leads out of the repository is not followed.
`AUTOPACK_NO_CACHE=1` or `--no-cache` turns the cache off.
"""

from __future__ import annotations

import os
from functools import cache

from autopack import __version__, files

TYPE_CHECKING = False  # typing only for type checkers: hooks start lean
if TYPE_CHECKING:
    from typing import Any

    from autopack.config import Config

DEFAULT_DIR = ".autopack/cache"
_GITIGNORE = "# autopack's cache: safe to delete, never to commit\n*\n"
# https://bford.info/cachedir/: backup tools skip a directory holding this file
_CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# autopack's cache directory\n"


def blake2b(data: bytes, digest_size: int) -> Any:
    """A BLAKE2b hash object. CPython's own module, which hashlib re-exports: importing hashlib
    loads OpenSSL first (3-4 ms, a fifth of a hook's start-up) for hashes no cache key uses."""
    try:
        from _blake2 import blake2b as new
    except ImportError:  # an interpreter without that module
        from hashlib import blake2b as new
    return new(data, digest_size=digest_size)


class Store:
    """One cache directory: `load` and `save` whole entries by name; failures are misses."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.writable = True

    def load(self, name: str) -> bytes | None:
        try:
            with open(os.path.join(self.directory, name), "rb") as handle:
                return handle.read()
        except OSError:  # absent, unreadable, a directory: a miss
            return None

    def save(self, name: str, text: str) -> None:
        """Write an entry atomically; the first failure turns writing off for this run."""
        if not self.writable:
            return
        try:
            if not os.path.exists(os.path.join(self.directory, ".gitignore")):
                os.makedirs(self.directory, exist_ok=True)
                files.write_atomic(os.path.join(self.directory, "CACHEDIR.TAG"), _CACHEDIR_TAG, durable=False)
                files.write_atomic(os.path.join(self.directory, ".gitignore"), _GITIGNORE, durable=False)
            files.write_atomic(os.path.join(self.directory, name), text, durable=False)
        except (OSError, ValueError):  # ValueError: text UTF-8 cannot hold (a lone surrogate)
            self.writable = False


def open_store(root: files.StrPath, config: Config, enabled: bool = True) -> Store | None:
    """The run's cache, or None when caching is off or the configured place is not acceptable."""
    if not enabled or os.environ.get("AUTOPACK_NO_CACHE", "") not in ("", "0"):
        return None
    override = os.environ.get("AUTOPACK_CACHE_DIR")
    if override:
        return Store(os.path.abspath(os.path.expanduser(override)))
    configured = config.values.get("cache-dir", DEFAULT_DIR)
    directory = _inside_repository(root, configured)
    return Store(directory) if directory is not None else None


def trusted_store(root: str, config: Config, enabled: bool = True) -> Store | None:
    """The run's cache, unless it is off or git tracks files in it (a cache committed to the
    repository is its content: neither trusted nor rewritten)."""
    store = open_store(root, config, enabled)
    return None if store is None or _holds_tracked_files(store.directory, root) else store


def _holds_tracked_files(directory: str, root: str) -> bool:
    """Whether git tracks files under the cache directory (which ignores itself): committed files
    are the repository's content, not autopack's own. One `git ls-files` of that folder."""
    relative = os.path.relpath(directory, root)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep) or not files.is_git_repo(root):
        return False
    return bool(files.run_git(root, "ls-files", "-z", "--", relative))


def seal(kind: str, body: str) -> str:
    """An entry of `kind`: a first line with the format and a checksum of `body`, so a damaged or
    edited entry reads as a miss. No defence against a forged one (a checksum anyone can compute):
    that is `trusted_store`'s job, or a key nothing committed can know."""
    return f"{kind} {_checksum(body.encode('utf-8', 'surrogatepass'))}\n{body}"


def unseal(raw: bytes | None, kind: str) -> str | None:
    """The body of an entry `seal` wrote for `kind`, or None (absent, damaged, another format)."""
    head, _, body = (raw or b"").partition(b"\n")
    if head != f"{kind} {_checksum(body)}".encode():
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _checksum(data: bytes) -> str:
    """The length, and the bytes read as one integer and hashed: an int's hash is its value modulo
    a prime (`sys.hash_info.modulus`, 2**61 - 1 on 64-bit builds; never salted like a str's), so a
    changed byte changes it. Neither hashlib (OpenSSL) nor zlib's shared library to load, which
    cost a remembered run more than checking its inputs."""
    return f"{len(data)}:{hash(int.from_bytes(data, 'little')):x}"


@cache
def code_signature(*foreign: str) -> str:
    """autopack's version and every source file of the package (a development build changes
    without a new version), and the `__init__.py` of each `foreign` package a verdict also depends
    on (a parser; pip rewrites it on every install or upgrade): by name, size and mtime, read
    without importing them. Plain text, no hash: a caller that compares it whole needs no hashlib."""
    from importlib.machinery import PathFinder

    lines = [f"autopack {__version__}", *_source_lines(os.path.dirname(os.path.abspath(__file__)))]
    for name in foreign:
        spec = PathFinder.find_spec(name)  # sys.path, as a regular install is found
        if spec is None:  # a finder of its own (an editable install): importlib.util and contextlib, only then
            from importlib.util import find_spec

            spec = find_spec(name)
        lines.append(_stat_line(spec.origin) if spec is not None and spec.origin else f"{name} not installed")
    return "\n".join(lines)


def _source_lines(directory: str) -> list[str]:
    """`_stat_line` of every `.py` file under `directory`, in name order (half the cost of
    os.walk, which also descends into `__pycache__`: byte code is not the source)."""
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        return [f"{directory}\0missing"]
    lines = []
    for entry in entries:
        if entry.name.endswith(".py") and entry.is_file():
            lines.append(_stat_line(entry.path))
        elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
            lines.extend(_source_lines(entry.path))
    return lines


def _stat_line(path: str) -> str:
    try:
        status = os.stat(path)
    except OSError:
        return f"{path}\0missing"
    return f"{path}\0{status.st_size}\0{status.st_mtime_ns}"


def _inside_repository(root: files.StrPath, relative: str) -> str | None:
    """`root/relative` when it stays inside the repository with symlinks resolved (the part that
    exists so far), else None: repository configuration must not make autopack write elsewhere."""
    if not relative or os.path.isabs(relative):
        return None
    directory = os.path.join(root, relative)
    real_root = os.path.realpath(root)
    try:
        real = os.path.realpath(directory)
    except (OSError, ValueError):
        return None
    if os.path.commonpath([real, real_root]) != real_root or real == real_root:
        return None
    return directory

"""Which files to look at, and reading them safely.

Files come from `git ls-files` (tracked plus untracked-not-ignored) or a directory walk outside
git. Reading never hangs or crashes: FIFOs and other special files are skipped, symlinks that
leave the repository are not followed, binary files (NUL in the first 8 KiB) are skipped, files
over the size limit are skipped with a note, and non-UTF-8 text is decoded with replacement.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
from collections import namedtuple
from collections.abc import Callable, Iterable

TYPE_CHECKING = False  # typing and pathlib are imported for type checkers only: hooks start lean
if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

    StrPath = str | os.PathLike[str]

BINARY_SNIFF_BYTES = 8192
GIT_TIMEOUT = 60


class SourceFile:
    """A text file read from disk: repo-relative `/` path and decoded text (BOM removed)."""

    __slots__ = ("path", "text", "decode_errors", "_lines")

    def __init__(self, path: str, text: str, decode_errors: bool = False) -> None:
        self.path = path
        self.text = text
        self.decode_errors = decode_errors
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        """Lines without their endings (CRLF and LF alike); index 0 is line 1. Split on first use."""
        if self._lines is None:
            self._lines = [line.removesuffix("\r") for line in self.text.split("\n")]
        return self._lines

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SourceFile) and (self.path, self.text, self.decode_errors) == (
            other.path,
            other.text,
            other.decode_errors,
        )

    def __hash__(self) -> int:
        return hash((self.path, self.text, self.decode_errors))

    def __repr__(self) -> str:
        return f"SourceFile({self.path!r}, <{len(self.text)} characters>)"


class Skipped(namedtuple("Skipped", "path reason notify fix", defaults=("",))):
    """Why a file was not read; `notify` says whether the user should hear about it, and `fix`
    what to do about this reason ('' when the rule's general fix fits)."""

    __slots__ = ()
    path: str
    reason: str
    notify: bool
    fix: str


def find_root_dir(start: StrPath) -> str:
    """git's top level for `start` (found by walking up to `.git`), else `start` itself, as an
    absolute real path. A string, so a hook that never needs a Path does not import pathlib."""
    start = os.path.realpath(start)
    candidate = start
    while True:
        if os.path.exists(os.path.join(candidate, ".git")):
            return candidate
        parent = os.path.dirname(candidate)
        if parent == candidate:
            return start
        candidate = parent


def find_root(start: StrPath) -> Path:
    """`find_root_dir` as a Path."""
    from pathlib import Path

    return Path(find_root_dir(start))


def run_git(
    root: StrPath, *args: str, timeout: float = GIT_TIMEOUT, success: tuple[int, ...] = (0,), stdin: bytes | None = None
) -> bytes | None:
    """Output of a git command fed `stdin` (if given), or None when git is missing, exits with a
    code not in `success`, or times out.

    Spawned with `os.posix_spawnp` and served through pipes with `poll`, not through subprocess:
    importing that (threads, selectors, signals) costs a third of `python -c pass`, and doc
    drift's hook asks git for the file list on every commit. Input is written as git reads it,
    so neither side waits on a full pipe. stderr goes to /dev/null: a failure is None either way."""
    import select
    import time

    out_read, out_write = os.pipe()
    in_read, in_write = os.pipe() if stdin is not None else (None, None)
    actions = [(os.POSIX_SPAWN_DUP2, out_write, 1), (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
    if in_read is not None:
        actions.append((os.POSIX_SPAWN_DUP2, in_read, 0))
    try:
        pid = os.posix_spawnp(
            "git", ["git", "-C", os.fspath(root), *args],
            {**os.environ, "GIT_OPTIONAL_LOCKS": "0"},  # a scan never takes or refreshes the index lock
            file_actions=actions,
        )
    except OSError:  # git is not installed
        for fd in (out_read, in_write):
            if fd is not None:
                os.close(fd)
        return None
    finally:
        for fd in (out_write, in_read):
            if fd is not None:
                os.close(fd)
    output = bytearray()
    pending = memoryview(stdin or b"")
    deadline = time.monotonic() + timeout
    poll = select.poll()
    poll.register(out_read, select.POLLIN)
    if in_write is not None:
        os.set_blocking(in_write, False)
        poll.register(in_write, select.POLLOUT)
    try:
        while events := poll.poll(max(0.0, deadline - time.monotonic()) * 1000):
            for fd, event in events:
                if fd == in_write:
                    try:
                        written = os.write(in_write, pending[: 1 << 16]) if event & select.POLLOUT else len(pending)
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:  # git stopped reading: its exit code tells
                        written = len(pending)
                    pending = pending[written:]
                    if not pending:
                        poll.unregister(in_write)
                        os.close(in_write)
                        in_write = None
                    continue
                chunk = os.read(out_read, 1 << 16)
                if not chunk:  # git closed its output
                    _, status = os.waitpid(pid, 0)
                    return bytes(output) if os.waitstatus_to_exitcode(status) in success else None
                output += chunk
        import signal  # timed out: stop git

        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return None
    finally:
        for fd in (out_read, in_write):
            if fd is not None:
                os.close(fd)


def is_git_repo(root: StrPath) -> bool:
    return os.path.exists(os.path.join(root, ".git"))


def list_repo_files(root: StrPath) -> list[str]:
    """All candidate files, sorted: git's tracked and untracked-not-ignored files, else a walk."""
    output = run_git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard") if is_git_repo(root) else None
    if output is None:
        return _walk(root)
    paths = {p for p in output.decode("utf-8", "surrogateescape").split("\0") if p}
    return sorted(paths)


def _walk(root: StrPath) -> list[str]:
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):  # does not follow symlinked directories
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        base = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if base == "." else f"{base}/"
        found.extend(prefix + name for name in filenames)
    return sorted(found)


def changed_files(root: StrPath, base: str) -> list[str] | None:
    """Files changed since the merge base with `base` (for pull requests), None if git cannot say."""
    # --end-of-options: a base such as `--output=x` is a revision, never an option of git diff
    output = run_git(root, "diff", "--name-only", "-z", "--diff-filter=d", "--end-of-options", f"{base}...HEAD")
    if output is None:
        return None
    return sorted({p for p in output.decode("utf-8", "surrogateescape").split("\0") if p})


class GlobError(ValueError):
    """A glob that cannot be compiled (a bad character class such as `[z-a]`)."""


_ANY_SEGMENTS = "(?:[^/]*/)*?"  # zero or more whole directories, fewest first


def _segment_regex(segment: str) -> str:
    """One path segment's glob (no `/`): `?`, `[...]` and literals, with `*` that never leaves
    the segment. Every star but the last commits to the leftmost place its next piece fits (an
    atomic group): for a chain of stars that choice is always right, and it keeps `*a*a*a*b`
    from trying every way to split a long name."""
    pieces: list[str] = []
    out: list[str] = []
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "*":
            while i + 1 < len(segment) and segment[i + 1] == "*":
                i += 1
            pieces.append("".join(out))
            out = []
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and (end := segment.find("]", i + 2 if segment.startswith(("[!", "[]"), i) else i + 1)) != -1:
            body = segment[i + 1 : end]
            negated = body.startswith("!")
            body = re.sub(r"([\\\[&~|^])", r"\\\1", body[1:] if negated else body)
            out.append(f"(?!/)[{'^' if negated else ''}{body}]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    pieces.append("".join(out))
    if len(pieces) == 1:
        return pieces[0]
    first, *middle, last = pieces
    return first + "".join(f"(?>[^/]*?{piece})" for piece in middle) + f"[^/]*{last}"


def glob_to_regex(pattern: str) -> str:
    """gitignore-like glob: `**` as a whole segment spans directories, `*` stays within one; a
    pattern without `/` matches at any depth; a match on a directory covers everything below it.

    The regex has no nested or competing repetition: each run of whole segments between `**`s
    is placed at the first directory where it fits (an atomic group; the first place is always
    a right one, because the next `**` can absorb what lies between), and stars inside a segment
    do the same, so matching one path costs time linear in the path for each glob."""
    stripped = pattern.strip("/")
    segments = [segment for segment in stripped.split("/") if segment]
    if "/" not in stripped:
        segments.insert(0, "**")
    runs: list[list[str]] = [[]]  # runs of plain segments, separated by `**`
    for segment in segments:
        if segment.strip("*") == "" and len(segment) >= 2:
            if runs[-1] or len(runs) == 1:
                runs.append([])
        else:
            runs[-1].append(_segment_regex(segment))
    lead, *floating = runs
    regex = "/".join(lead)
    for index, run in enumerate(floating):
        separator = "/" if regex else ""
        if not run:  # a trailing `**`: everything below
            return f"{regex}/.*" if regex else ".*"
        ends_in_segments = index + 1 < len(floating)
        tail = "(?=/.)" if ends_in_segments else "(?=/|\\Z)"
        regex += f"{separator}(?>{_ANY_SEGMENTS}{'/'.join(run)}{tail})"
    return regex + "(?:/.*)?"


_GLOB_CHARACTERS = frozenset("*?[")


def compile_globs(patterns: Iterable[str]) -> Callable[[str], bool]:
    """One matcher for many globs, linear in the path count. Globs without wildcards (the default
    excludes: `node_modules`, `.autopack/runs`) are matched as path segments or prefixes, so the
    usual configuration compiles no regex: a hook on one file would spend more on compiling one
    than on its whole check. The other globs share one regex; GlobError names the first glob
    that does not compile."""
    names: set[str] = set()  # `node_modules`: any segment of the path
    prefixes: list[str] = []  # `.autopack/runs`: the path itself or anything below it
    wild: dict[str, str] = {}  # glob -> its regex
    for glob in patterns:
        if not glob.strip():
            continue
        plain = "/".join(segment for segment in glob.split("/") if segment)
        if not plain or not _GLOB_CHARACTERS.isdisjoint(plain):
            wild[glob] = glob_to_regex(glob)
        elif "/" in plain:
            prefixes.append(plain)
        else:
            names.add(plain)
    regex = _one_regex(wild) if wild else None
    folders = tuple(prefix + "/" for prefix in prefixes)  # `x/` starts `x/` and `x/y`: one C call for every prefix

    def matches(path: str) -> bool:
        if names and not names.isdisjoint(path.split("/")):
            return True
        if folders and (path + "/").startswith(folders):
            return True
        return regex is not None and regex.fullmatch(path) is not None

    return matches


def _one_regex(wild: dict[str, str]) -> re.Pattern[str]:
    """The globs' regexes as one, compiled once (compiling costs more than matching a hook's
    paths); when it does not compile, each is compiled alone to name the glob at fault."""
    try:
        return re.compile("|".join(f"(?:{regex})" for regex in wild.values()), re.DOTALL)
    except re.error as together:
        for glob, regex in wild.items():
            try:
                re.compile(regex)
            except re.error as exc:
                raise GlobError(f"{glob!r} is not a valid glob ({exc.msg}); check its [...] character classes") from None
        raise GlobError(f"the globs {', '.join(map(repr, wild))} do not compile together ({together.msg})") from None


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of blocking


@functools.lru_cache(maxsize=8)
def _real_root(root: str) -> str:
    return os.path.realpath(root)


def _read_fd(fd: int, limit: int) -> bytes:
    """At most `limit + 1` bytes (one more than allowed shows the file is too large)."""
    chunks, size = [], 0
    while size <= limit:
        chunk = os.read(fd, limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


class ReadRefused(Exception):
    """Why `read_bounded` gave no bytes; `kind` is missing, not-a-file, outside, too-large or
    unreadable, so a caller can say what to do about it."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


def read_bounded(path: StrPath, limit: int, *, inside: StrPath | None = None) -> bytes:
    """The bytes of a file a user or a repository controls (configuration, baseline, anchor,
    catalog, .gitmodules), read with every guard: at most `limit` bytes (a larger file is refused,
    never cut), a regular file only (a FIFO, a device such as /dev/zero or a directory is refused
    at once, without blocking or reading), and with `inside`, never through a symlink that leads
    out of that directory. ReadRefused says why not."""
    target = os.fspath(path)
    if inside is not None:
        real_inside = _real_root(os.fspath(inside))
        real = os.path.realpath(target)
        if os.path.commonpath([real, real_inside]) != real_inside:
            raise ReadRefused("a symlink leads outside the repository; it is not followed", "outside")
        target = real
    try:
        fd = os.open(target, _OPEN_FLAGS)
    except FileNotFoundError:
        raise ReadRefused("file not found", "missing") from None
    except OSError as exc:
        raise ReadRefused(f"cannot read the file: {exc.strerror or exc}", "unreadable") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise ReadRefused("is a directory, not a file", "not-a-file")
        if not stat.S_ISREG(mode):
            raise ReadRefused("not a regular file (a FIFO, socket or device); it is not read", "not-a-file")
        raw = _read_fd(fd, limit)
    except OSError as exc:
        raise ReadRefused(f"cannot read the file: {exc.strerror or exc}", "unreadable") from None
    finally:
        os.close(fd)
    if len(raw) > limit:
        raise ReadRefused(f"file is over the {limit}-byte limit", "too-large")
    return raw


def read_source(root: StrPath, path: str, max_size: int) -> SourceFile | Skipped:
    """Read one repo-relative file with every guard applied: one open and one fstat in the
    common case (this runs for every file of a scan), symlinks resolved only when met."""
    full = os.path.join(root, path)
    try:
        try:
            fd = os.open(full, _OPEN_FLAGS | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            if exc.errno != errno.ELOOP or not os.path.islink(full):
                raise
            real_root = _real_root(str(root))
            target = os.path.realpath(full)
            if os.path.commonpath([target, real_root]) != real_root:
                return Skipped(path, "symlink to a target outside the repository", notify=False)
            fd = os.open(target, _OPEN_FLAGS)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return Skipped(path, "not a regular file", notify=False)
            raw = _read_fd(fd, max_size)
        finally:
            os.close(fd)
    except OSError as exc:
        return unreadable(root, path, exc)
    return source_from_bytes(path, raw, max_size)


def unreadable(root: StrPath, path: str, exc: OSError) -> Skipped:
    """A file that could not be read: the real reason, and a fix that fits that reason."""
    full = os.path.join(root, path)
    if isinstance(exc, FileNotFoundError) and os.path.islink(full):
        return Skipped(
            path, f"broken symlink: its target {os.readlink(full)} does not exist", True,
            "Point the symlink at a file that exists, or remove the symlink.",
        )
    if isinstance(exc, FileNotFoundError):
        return Skipped(
            path, "the file does not exist (deleted, or a FILE argument that names nothing)", True,
            "Restore it (`git restore PATH`) or record its deletion (`git rm PATH`); name only files that exist.",
        )
    if isinstance(exc, PermissionError):
        return Skipped(
            path, "permission denied: the file is not readable by this user", True,
            "Make it readable for the user running autopack (`chmod u+r PATH`), or exclude it with `extend-exclude`.",
        )
    return Skipped(
        path, f"cannot read the file: {exc.strerror or exc}", True,
        "Make the file readable (check the disk, the mount and the file type), or exclude it with `extend-exclude`.",
    )


def too_large(path: str, max_size: int) -> Skipped:
    return Skipped(
        path, f"the file is over the {max_size:,}-byte size limit (`max-file-size`)", True,
        f"Raise `max-file-size` (now {max_size}) in the autopack configuration to check it, or exclude it with `extend-exclude`.",
    )


def source_from_bytes(path: str, raw: bytes, max_size: int) -> SourceFile | Skipped:
    """The binary and size guards, then decoding: shared by working-tree and staged reads. A
    binary file is skipped quietly whatever its size (a committed executable over the limit is
    no text a check could have read); only text over the limit is a note."""
    if is_binary(raw[:BINARY_SNIFF_BYTES]):
        return Skipped(path, "binary file", notify=False)
    if len(raw) > max_size:
        return too_large(path, max_size)
    return decode_text(path, raw)


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def is_binary(head: bytes) -> bool:
    """Binary content, judged from a file's first bytes: NUL bytes (more than a stray few) or,
    with any NUL, bytes that are not UTF-8. A text file with a stray NUL in a comment is text:
    the programs that read configuration (bash, python-dotenv, INI readers) read on past it, so
    skipping it would let a `DEBUG=1` beside it through. UTF-16 with a byte order mark is text."""
    nul = head.count(0)
    if nul == 0 or head.startswith(_UTF16_BOMS):
        return False
    if nul > 8 + len(head) // 100:
        return True
    try:
        head.replace(b"\0", b"").decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start < len(head) - nul - 3  # a character cut at the end of the sniff is fine
    return False


def staged_files(root: StrPath) -> list[str] | None:
    """Files added, copied, modified or renamed in the index; None when git cannot say."""
    output = run_git(root, "diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR")
    if output is None:
        return None
    return sorted({p for p in output.decode("utf-8", "surrogateescape").split("\0") if p})


class StagedTree:
    """The repository as the commit being made records it (`--staged`): the index's file list and
    each file's staged content — or, with `commit`, as that commit records it (the pre-push hook
    checks pushed commits). Nothing comes from the working tree: a file that is not in the index
    (the commit) does not exist here, whatever lies on disk.

    Content comes from one `git cat-file --batch` process for the whole run (a forked worker
    starts its own), and every path is named `:./path`, so a staged `0:x` is never read as stage
    0 of `x`. Paths with a newline, which the batch protocol cannot carry, go through `git show`.
    """

    def __init__(self, root: StrPath, commit: str = "") -> None:
        self.root = os.fspath(root)
        self.commit = commit  # "" is the index; object names are COMMIT:./path (":./path")
        self.where = f"commit {commit[:12]}" if commit else "the index"
        self._listing: list[str] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._owner = 0

    def listing(self) -> list[str]:
        """Every file in the index, sorted (empty when git cannot say)."""
        if self._listing is None:
            if self.commit:
                output = run_git(self.root, "ls-tree", "-r", "-z", "--name-only", "--full-tree", self.commit)
            else:
                output = run_git(self.root, "ls-files", "-z", "--cached")
            self._listing = sorted({p for p in (output or b"").decode("utf-8", "surrogateescape").split("\0") if p})
        return self._listing

    def read_bytes(self, path: str, limit: int) -> bytes:
        """The staged content of `path`; ReadRefused when the index has no file there (`missing`)
        or it is over `limit` bytes (`too-large`; its content is skipped, never kept)."""
        if "\n" in path:
            blob = run_git(self.root, "show", f"{self.commit}:./{path}")
            if blob is None:
                raise ReadRefused(f"not in {self.where}", "missing")
            if len(blob) > limit:
                raise ReadRefused(f"file is over the {limit}-byte limit", "too-large")
            return blob
        process = self._cat_file()
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(f"{self.commit}:./{path}\n".encode("utf-8", "surrogateescape"))
            process.stdin.flush()
            header = process.stdout.readline().split()
        except OSError:
            header = []
        if len(header) != 3 or header[1] != b"blob":
            raise ReadRefused(f"not in {self.where}", "missing")  # missing, a submodule or a directory
        size = int(header[2])
        if size > limit:
            remaining = size + 1  # skip the content and its newline without keeping it
            while remaining and (chunk := process.stdout.read(min(65536, remaining))):
                remaining -= len(chunk)
            raise ReadRefused(f"file is over the {limit}-byte limit", "too-large")
        blob = process.stdout.read(size)
        process.stdout.read(1)  # the newline after the content
        return blob

    def read(self, path: str, max_size: int) -> SourceFile | Skipped:
        """`read_source`'s result for the staged content of `path`."""
        try:
            return source_from_bytes(path, self.read_bytes(path, max_size), max_size)
        except ReadRefused as refused:
            if refused.kind == "too-large":
                return too_large(path, max_size)
            return Skipped(path, refused.reason, notify=False)

    def _cat_file(self) -> subprocess.Popen[bytes]:
        import subprocess

        if self._process is None or self._owner != os.getpid():
            self._process = subprocess.Popen(
                ["git", "cat-file", "--batch"], cwd=self.root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
            )
            self._owner = os.getpid()
        return self._process

    def close(self) -> None:
        """End the cat-file process (this process's own only)."""
        if self._process is not None and self._owner == os.getpid():
            assert self._process.stdin is not None and self._process.stdout is not None
            try:
                self._process.stdin.close()
            except BrokenPipeError:
                pass  # git already ended (e.g. outside a repository): the error that stopped us is what counts
            self._process.wait()
            self._process.stdout.close()
        self._process = None


class PushedRange(namedtuple("PushedRange", "ref commit paths")):
    """What one ref of a push sends: its commit and the files to check there (None: every file)."""

    __slots__ = ()
    ref: str
    commit: str
    paths: list[str] | None


def pushed_ranges(root: StrPath, remote: str, lines: Iterable[str]) -> list[PushedRange]:
    """git's pre-push lines (`<local ref> <local sha> <remote ref> <remote sha>`) → the commits
    pushed and the files changed in each: against the remote's commit for an update (a force
    push included), against the merge base with the remote's default branch for a new ref (every
    file when there is none); a deleted ref sends nothing to check. Tags are peeled to commits."""
    ranges = []
    for line in lines:
        fields = line.split()
        if len(fields) != 4:
            continue
        local_ref, local, _remote_ref, remote_sha = fields
        if not local.strip("0"):
            continue  # a deletion
        commit = _commit_of(root, local)
        if commit is None:
            continue  # a tag of a tree or a blob: no files to check
        base = _commit_of(root, remote_sha) if remote_sha.strip("0") else None
        if base is None:
            base = _merge_base(root, commit, f"refs/remotes/{remote}/HEAD")
        ranges.append(PushedRange(local_ref, commit, None if base is None else _changed_between(root, base, commit)))
    return ranges


def _commit_of(root: StrPath, name: str) -> str | None:
    """The commit an object name peels to, or None (unknown here, or not a commit)."""
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", name):
        return None
    output = run_git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}")
    return output.decode().strip() if output else None


def _merge_base(root: StrPath, commit: str, ref: str) -> str | None:
    if run_git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", ref) is None:
        return None
    output = run_git(root, "merge-base", "--end-of-options", commit, ref)
    return output.decode().strip() if output else None


def _changed_between(root: StrPath, base: str, commit: str) -> list[str]:
    output = run_git(root, "diff-tree", "-r", "-z", "--name-only", "--no-renames", "--diff-filter=d", base, commit) or b""
    return sorted({p for p in output.decode("utf-8", "surrogateescape").split("\0") if p})


def decode_text(path: str, raw: bytes) -> SourceFile:
    """UTF-8 (BOM removed), or UTF-16 after its byte order mark (Windows tools write
    configuration that way); undecodable bytes become U+FFFD instead of an error."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith(_UTF16_BOMS):
        text = raw.decode("utf-16", errors="replace")
        return SourceFile(path, text, decode_errors="\ufffd" in text)
    try:
        return SourceFile(path, raw.decode("utf-8"))
    except UnicodeDecodeError:
        return SourceFile(path, raw.decode("utf-8", errors="replace"), decode_errors=True)


def _default_mode() -> int:
    """The mode a plain `open()` would give a new file under the current umask."""
    current = os.umask(0o022)
    os.umask(current)
    return 0o666 & ~current


def _new_temp_file(parent: str, name: str) -> tuple[int, str]:
    """A new file beside `name`, created exclusively with mode 0600 and a random name, as
    `tempfile.mkstemp` does; tempfile imports random, shutil and hashlib, which cost a hook that
    writes its cache half a run of `python -c pass`."""
    while True:
        tmp = os.path.join(parent, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), tmp
        except FileExistsError:  # another writer's name: draw again
            continue


def write_atomic(path: StrPath, text: str | bytes, mode: int | None = None, durable: bool = True) -> None:
    """Write through a temp file in the same directory, fsync, rename, and fsync the directory:
    a reader (or a crash) sees the old file or the new one, never half of one. Text is written
    as UTF-8 with its line endings as given; bytes exactly as given (a fix keeps every other byte).
    A target that exists and is not a regular file (`--output /dev/null`, `/dev/stdout`, a named
    pipe) is written to as it is: renaming over it would replace the device with a file.
    `durable=False` skips the fsyncs (for a cache: a reader still never sees half a file, and what
    a crash loses is recomputed)."""
    path = os.fspath(path)
    try:
        special = not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        special = False  # missing (or unreadable: the rename below reports it)
    if special:
        with open(path, "wb") as handle:
            handle.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        return
    parent = os.path.dirname(path) or "."
    try:
        os.makedirs(parent, exist_ok=True)
        fd, tmp = _new_temp_file(parent, os.path.basename(path))
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text if isinstance(text, bytes) else text.encode("utf-8"))
            handle.flush()
            os.fchmod(handle.fileno(), _default_mode() if mode is None else mode)
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if not durable:
        return
    try:
        directory = os.open(parent, os.O_RDONLY)
    except OSError:
        return  # a platform that cannot open directories: the rename is still atomic
    try:
        os.fsync(directory)
    except OSError:
        pass
    finally:
        os.close(directory)


def write_output(path: StrPath, text: str) -> None:
    """Write a report or baseline where the user pointed, destroying nothing: a symlink is written
    through (the link stays, its target gets the text), a device or FIFO (`/dev/stdout`, a pipe)
    is written in place as `write_atomic` does, and a regular or new file is replaced atomically,
    keeping its permissions. A directory raises IsADirectoryError naming `path`."""
    try:
        mode: int | None = os.stat(path).st_mode  # follows a symlink to what it names
    except FileNotFoundError:
        mode = None  # new, or a symlink whose target does not exist yet
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory; name a file to write", str(path))
    regular = mode is not None and stat.S_ISREG(mode)
    if (mode is None or regular) and os.path.islink(path):
        path = os.path.realpath(path)  # the file the link names (a link to a device is opened as it is)
    write_atomic(path, text, mode=stat.S_IMODE(mode) if regular else None)

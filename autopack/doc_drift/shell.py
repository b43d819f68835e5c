"""Paths in shell commands: the input words of a shell code block or inline code that name
repository paths (APR203 judges them), without the paths the commands themselves create."""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterator

from autopack.lazy import lazy_pattern

_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", ";;", "|&"})
# Commands whose arguments are (or may be) created by the command itself.
_CREATORS = frozenset({"mkdir", "touch", "cp", "mv", "ln", "rsync", "install", "tee", "wget", "curl", "tar", "unzip", "rm", "rmdir", "scp"})
_GIT_CREATORS = frozenset({"clone", "init", "worktree", "mv", "rm", "submodule"})
# Git commands whose words name branches, remotes and tags (`git checkout -b docs/fix-typo`):
# only what follows `--` is a path.
_GIT_REFS = frozenset({"checkout", "switch", "branch", "push", "pull", "fetch", "merge", "rebase", "tag", "cherry-pick", "revert", "remote", "reset", "restore", "show", "log", "diff", "blame"})
_WRAPPERS = frozenset({"sudo", "time", "exec", "env", "nohup", "command"})
_OUTPUT_OPTIONS = frozenset({"-o", "--output", "--out", "--outdir", "--out-dir", "--output-dir", "--dest", "--destination", "--target", "--prefix", "-O", "--build-dir", "--cov-report", "-d", "--dist-dir", "--log-file", "--junitxml", "--basetemp"})
_BUILDERS = frozenset({"sphinx-build", "sphinx-autobuild"})
_SPHINX_VALUE_OPTIONS = frozenset({"-b", "-M", "-d", "-j", "-c", "-D", "-A", "-t", "-w", "--builder", "--doctree-dir", "--jobs", "--conf-dir", "--define", "--tag", "--warning-file"})
_EXPRESSION_OPTIONS = frozenset({"-k", "-m", "--grep", "-g", "--filter"})
_REDIRECTS = frozenset({">", ">>", ">|", "&>", "&>>"})
_UNSAFE = lazy_pattern(r"[*?\[\]{}$<>|=`'\"\\:,;()!#%^]|^~")
_LOCATION_SUFFIX = lazy_pattern(r"(?::\d+){1,2}$|::[\w\[\]\-.]+$")


# A command prompt: `$ `, `% ` (zsh), optionally after a virtualenv `(venv) ` and a
# `user@host:~/dir` or `~/dir` or `[user@host dir]`.
_PROMPT = lazy_pattern(r"^[ \t]*(?:\([\w.@ -]+\)[ \t]*)?(?:[\w.-]+@[\w.-]+(?::[^\s$%#]*)?[ \t]*|~[^\s$%#]*[ \t]*|\[[^\]\n]*\][ \t]*)?[$%][ \t]")


def _command_lines(raw: list[str], prompts: bool) -> Iterator[tuple[str, int, int]]:
    """Logical command lines of a shell block with their first and last line offsets: `$ `
    prompts stripped (when any line has one, the others are output and skipped), `\\`
    continuations joined, heredoc bodies skipped."""
    prompted = prompts and any(_PROMPT.match(line) for line in raw)
    heredoc: str | None = None
    pending: tuple[str, int] | None = None
    for offset, line in enumerate(raw):
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        stripped = line.strip()
        if pending is not None:
            text, start = pending
            stripped = text + " " + stripped
        else:
            start = offset
            if prompted:
                prompt = _PROMPT.match(line)
                if not prompt:
                    continue
                stripped = line[prompt.end() :].strip()
        if stripped.endswith("\\"):
            pending = (stripped[:-1], start)
            continue
        pending = None
        marker = re.search(r"<<-?\s*['\"]?(\w+)", stripped)
        if marker:
            heredoc = marker.group(1)
        yield stripped, start, offset
    if pending is not None:
        yield pending[0], pending[1], len(raw) - 1


def _split_words(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError:  # unbalanced quotes: fall back to plain words
        return line.split()


def _segments(words: list[str]) -> Iterator[list[str]]:
    current: list[str] = []
    for word in words:
        if word in _SEPARATORS:
            if current:
                yield current
            current = []
        else:
            current.append(word)
    if current:
        yield current


def _segment_words(segment: list[str]) -> tuple[list[str], list[str]]:
    """The words of one simple command that name inputs (which must exist) and outputs (which the
    command creates or removes: creators' arguments, redirections, output options' values)."""
    while segment and ("=" in segment[0] and not segment[0].startswith("-") or segment[0] in _WRAPPERS):
        segment = segment[1:]
    if not segment:
        return [], []
    program = posixpath.basename(segment[0])
    if program in _CREATORS or (program == "git" and len(segment) > 1 and segment[1] in _GIT_CREATORS):
        return [], [word for word in segment[1:] if not word.startswith("-")]
    if program == "git" and len(segment) > 1 and segment[1] in _GIT_REFS:
        return (segment[segment.index("--") + 1 :] if "--" in segment else []), []
    inputs: list[str] = []
    outputs: list[str] = []
    if program in _BUILDERS or segment[1:3] == ["-m", "sphinx"]:
        # `sphinx-build [options] SOURCEDIR OUTPUTDIR`: what follows the source directory is written
        positional: list[str] = []
        words = iter(segment[3:] if segment[1:3] == ["-m", "sphinx"] else segment[1:])
        for word in words:
            if word in _SPHINX_VALUE_OPTIONS:
                next(words, "")
            elif not word.startswith("-"):
                positional.append(word)
        outputs.extend(positional[1:])
        segment = [word for word in segment if word not in positional[1:]]
    words = iter(segment)
    for word in words:
        if word in _REDIRECTS or word in _OUTPUT_OPTIONS:
            outputs.append(next(words, ""))
        elif word in _EXPRESSION_OPTIONS:
            next(words, "")  # `pytest -k "api/v1"`: an expression, not a path
        elif word.startswith("-"):
            option, sep, value = word.partition("=")
            if sep:
                (outputs if option in _OUTPUT_OPTIONS else inputs).append(value)
        else:
            inputs.append(word)
    return inputs, outputs


def _clean_word(word: str) -> str:
    # prose punctuation after a path: `see src/a.py, src/b.py.` (not `..`)
    trimmed = word.rstrip(",;:")
    if trimmed.endswith(".") and not trimmed.endswith(".."):
        trimmed = trimmed[:-1]
    if "/" in trimmed:
        word = trimmed
    word = _LOCATION_SUFFIX.sub("", word)
    return word[2:] if word.startswith("./") else word


def _under(word: str, created: list[str]) -> bool:
    return any(word == path or word.startswith(path.rstrip("/") + "/") for path in created)


def shell_paths(block: str, prompts: bool = True) -> Iterator[tuple[str, int, str]]:
    """Path-like input words of shell commands, each with the offset of the line (in `block`)
    holding it and the directory an earlier `cd` moved to. Paths an earlier command of the block
    created (`mkdir -p build/out`, `> out/log.txt`) are not reported."""
    if "/" not in block:
        return  # no word with a slash: nothing to check (most inline code)
    raw = block.split("\n")
    created: list[str] = []
    cwd = ""
    for line, start, end in _command_lines(raw, prompts):
        if "/" not in line and "cd" not in line:
            continue
        for segment in _segments(_split_words(line)):
            inputs, outputs = _segment_words(segment)
            created.extend(_clean_word(word) for word in outputs if word)
            for word in map(_clean_word, inputs):
                if "/" in word.strip("/") and not word.startswith("/") and not _UNSAFE.search(word) and "//" not in word:
                    if not _under(word, created):
                        yield word, next((i for i in range(start, end + 1) if word in raw[i]), start), cwd
            if inputs[:1] == ["cd"]:
                target = inputs[1] if len(inputs) > 1 else ""
                unknown = not target or target.startswith(("/", "~", "-", "$"))
                cwd = "" if unknown else posixpath.normpath(posixpath.join(cwd, _clean_word(target)))

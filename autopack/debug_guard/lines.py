"""Line readers: the formats read by careful line patterns, and the fallback of the parsed ones.

Each reader turns a file's lines into `Hit`s through the shared classifiers of `verdicts`, so a
`DEBUG=1` means the same in a dotenv file, a Dockerfile, a shell script or a YAML file that does
not parse. Comments are removed before matching; values must be literal.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, Sequence

from autopack.debug_guard.verdicts import (
    COMMAND_WORDS,
    RULE_FRAMEWORK,
    TOOLBAR_MODULES,
    IndexedLines,
    Verdict,
    classify_command,
    classify_setting,
    deploy_flag_spans,
    lazy,
    toolbar_module,
    unquote,
)

TYPE_CHECKING = False  # typing is imported for type checkers only: the hook starts lean
if TYPE_CHECKING:
    from typing import Any

# Sections of a mixed file that describe another environment are not production.
NON_PRODUCTION_SECTIONS = frozenset(
    {"development", "dev", "local", "test", "testing", "staging", "stage", "qa", "uat", "sandbox", "preview"}
    | {"when@dev", "when@test", "when@local", "when@staging"}  # Symfony's per-environment sections
)
HASH = ("#",)
INI_COMMENTS = ("#", ";")
SLASH = ("//",)
HASH_OR_SLASH = ("#", "//")


class Hit(namedtuple("Hit", "line column verdict")):
    """A verdict at a place (1-based line and column)."""

    __slots__ = ()
    line: int
    column: int
    verdict: Verdict


def code_part(line: str, markers: tuple[str, ...]) -> str:
    """The line without its comment; a marker counts at the start or after whitespace, outside quotes."""
    stripped = line.lstrip()
    if not stripped or stripped.startswith(markers):
        return ""
    if not any(marker in line for marker in markers):
        return line
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif line.startswith(markers, index) and line[index - 1].isspace():
            return line[:index]
    return line


def setting_hit(path: Sequence[str], value: str, line: int, column: int) -> Hit | None:
    verdict = classify_setting(path, value)
    return Hit(line, column, verdict) if verdict is not None else None


def scan_value(raw: str) -> str:
    """A dotenv value: a quoted string up to its closing quote, else the whole rest of the line
    (as docker and python-dotenv read it: `DEBUG=1 enables` is not `1`)."""
    raw = raw.strip()
    if raw[:1] in ("'", '"'):
        end = raw.find(raw[0], 1)
        return raw[: end + 1] if end > 0 else raw
    return raw


# A literal value that can decide a rule, at the end of a line or before a delimiter.
_DECIDING_VALUE = lazy(
    r"""(?:^|[\s:=>,(\[{"'])["']?(?:true|1|yes|on|development|dev|local|stdout|stderr|always)["']?(?=[\s,;)}\]#]|$)""",
    re.IGNORECASE,
)
# Words that make a file worth parsing even without a deciding value (modules, word values, secrets).
ALWAYS_PARSE = ("debug_toolbar", "debugtoolbar", "debugpy", "ptvsd", "devtools", "xdebug", "gin_mode", "(debug=", "autoreload", "settings_module", "app_settings")
WINDOW = 4  # a nested key (`spring:` / `devtools:` / `restart:` / `enabled: true`) or `name:` then `value:`


def worth_parsing(lines: IndexedLines) -> bool:
    """Whether a parsed file may hold a finding: a keyword line with a deciding value on it or on
    the next few lines, a command, or a debugger/toolbar module. Saves parsing (and importing
    yaml) for the common clean file."""
    search = _DECIDING_VALUE.search
    if any(
        search(line) and not line.lstrip().startswith(("#", "//"))
        for i in lines.with_words()
        for line in lines[i : i + WINDOW]
    ):
        return True
    return lines.mentions_command or lines.mentions(ALWAYS_PARSE)


def without_block_comments(lines: IndexedLines) -> IndexedLines:
    """The lines with `/* ... */` comments (also over several lines) blanked, for the C-like
    formats (JavaScript, PHP, HCL, JSON with comments); quotes on a line are respected, so
    `"src/**/*.js"` is not a comment. The same object when there is no `/*` at all."""
    if "/*" not in lines.lowered:
        return lines
    out: list[str] = []
    in_comment = False
    for line in lines:
        if not in_comment and "/*" not in line:
            out.append(line)
            continue
        chars = list(line)
        quote = ""
        index = 0
        while index < len(chars):
            char = chars[index]
            if in_comment:
                if line.startswith("*/", index):
                    chars[index] = chars[index + 1] = " "
                    in_comment = False
                    index += 2
                    continue
                chars[index] = " "
            elif quote:
                if char == "\\":
                    index += 1
                elif char == quote:
                    quote = ""
            elif char in "\"'`":
                quote = char
            elif line.startswith("//", index):
                break
            elif line.startswith("/*", index):
                chars[index] = chars[index + 1] = " "
                in_comment = True
                index += 2
                continue
            index += 1
        out.append("".join(chars))
    return IndexedLines(out)


_RUBY_BLOCK_COMMENT = lazy(r"^=begin\b.*?(?:^=end\b[^\n]*|\Z)", re.MULTILINE | re.DOTALL)


def without_ruby_block_comments(lines: IndexedLines) -> IndexedLines:
    """The lines with Ruby's `=begin` ... `=end` blocks blanked (line count kept)."""
    if "=begin" not in lines.lowered:
        return lines
    text = _RUBY_BLOCK_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), "\n".join(lines))
    return IndexedLines(text.split("\n"))


# Go templates (Helm) and Jinja: `{{- if .Values.debug }}` ... `{{- end }}`, `{% if debug %}` ... `{% endif %}`.
_TEMPLATE_ACTION = lazy(
    r"\{\{-?\s*(?P<go>if|else|end|range|with|define|block)\b(?P<go_rest>[^}\n]{0,400}?)-?\}\}"
    r"|\{%-?\s*(?P<jinja>if|elif|else|endif)\b(?P<jinja_rest>[^%\n]{0,400}?)-?%\}"
)
_DEVELOPMENT_CONDITION = lazy(r"debug|\bdev\b|development|\blocal\b", re.IGNORECASE)


# Template comments, also over several lines: Go/Helm `{{/* */}}`, Jinja `{# #}`, ERB `<%# %>`.
# (start, end pattern): found with one search each, so unclosed openers cost linear time
_TEMPLATE_COMMENTS = ((lazy(r"\{\{-?\s*/\*"), lazy(r"\*/\s*-?\}\}")), (lazy(r"\{#"), lazy(r"#\}")), (lazy(r"<%#"), lazy(r"%>")))


def blank_spans(text: str, start: Any, end: Any) -> str:
    """`text` with every span from a `start` match to the next `end` match blanked (newlines
    kept); linear: an opener without a closer ends the search."""
    pieces, last, position = [], 0, 0
    while True:
        opened = start.search(text, position)
        if not opened:
            break
        closed = end.search(text, opened.end())
        if not closed:
            break
        pieces.append(text[last : opened.start()])
        pieces.append(re.sub(r"[^\n]", " ", text[opened.start() : closed.end()]))
        last = position = closed.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def blank_lines(lines: IndexedLines, skipped: Sequence[bool]) -> IndexedLines:
    """`lines` with the flagged lines emptied (line numbers kept); `lines` itself when nothing
    changes, so its index is reused."""
    if not any(skip and line.strip() for line, skip in zip(lines, skipped)):
        return lines
    return IndexedLines(["" if skip else line for line, skip in zip(lines, skipped)])


def without_template_debug_blocks(lines: IndexedLines) -> IndexedLines:
    """Template sources: comments are blanked, and so are lines inside `if` blocks whose condition
    is about debug or a development environment (the values decide, as with
    `{{ .Values.debug }}`); `else` counts."""
    lowered = lines.lowered
    if "{{" not in lowered and "{%" not in lowered and "{#" not in lowered and "<%#" not in lowered:
        return lines
    if "/*" in lowered or ("{#" in lowered and ("{{" in lowered or "{%" in lowered)) or "<%#" in lowered:
        text = "\n".join(lines)
        uncommented = text
        for start, end in _TEMPLATE_COMMENTS:
            uncommented = blank_spans(uncommented, start, end)
        if uncommented != text:
            lines = IndexedLines(uncommented.split("\n"))
    skipped: list[bool] = []
    go: list[bool] = []  # open Go blocks: whether each skips
    jinja: list[bool] = []
    for line in lines:
        skipping = any(go) or any(jinja)
        if "{" in line:
            for action in _TEMPLATE_ACTION.finditer(line):
                word, stack = (action["go"], go) if action["go"] else (action["jinja"], jinja)
                rest = action["go_rest"] if action["go"] else action["jinja_rest"]
                if word in ("if", "range", "with", "define", "block"):
                    stack.append(word == "if" and bool(_DEVELOPMENT_CONDITION.search(rest or "")))
                elif word in ("else", "elif") and stack:
                    stack[-1] = word == "elif" and bool(_DEVELOPMENT_CONDITION.search(rest or ""))
                    if action["go"] and (rest or "").strip().startswith("if"):  # `{{ else if ... }}`
                        stack[-1] = bool(_DEVELOPMENT_CONDITION.search(rest))
                elif word in ("end", "endif") and stack:
                    stack.pop()
        skipped.append(skipping)
    return blank_lines(lines, skipped)


# --- commands ----------------------------------------------------------------------------------


def logical_lines(lines: Sequence[str]) -> Iterator[tuple[str, list[int]]]:
    """Lines joined across trailing backslashes; with the offset where each physical line starts."""
    text, starts = "", []
    for number, line in enumerate(lines, start=1):
        starts.append(len(text))
        starts.append(number)
        if line.endswith("\\"):
            text += line[:-1] + " "
            continue
        yield text + line, starts
        text, starts = "", []
    if starts:
        yield text, starts


def _place(offset: int, starts: list[int]) -> tuple[int, int]:
    """(line, column) of an offset in a logical line; `starts` alternates offset, line number."""
    line, column = starts[1], offset + 1
    for index in range(0, len(starts), 2):
        if starts[index] <= offset:
            line, column = starts[index + 1], offset - starts[index] + 1
    return line, column


# Keys whose text is prose (`description: "run npm run dev locally"`) or defines a development
# command (`"dev": "next dev"` in scripts, a `debug:` task): what they name is not run in production.
PROSE_KEYS = frozenset(
    "description desc summary help usage notes note readme comment comments message msg title hint info "
    "documentation docs doc text example examples instructions about details caption tooltip changelog "
    "criteria requirements story stories rationale reason explanation question answer prompt cause".split()
)
DEVELOPMENT_COMMAND_KEYS = frozenset({"dev", "develop", "development", "debug", "local", "watch", "test", "tests"})
_KEY_AT_START = lazy(r"""^\s*(?:-\s+)?(?:export\s+)?(?:(?P<q>["'])(?P<quoted>[^"'\n]+)(?P=q)|(?P<key>[A-Za-z_][\w./-]*))\s*[:=]""")
OWNER_LOOKBACK = 200  # lines searched upwards for the key that owns a block scalar's line


def quiet_key(key: str) -> bool:
    """Whether a key's value is prose or a development command (see PROSE_KEYS); camelCase
    and `_`/`-`/`.`/`:` separate the key's words (`acceptanceCriteria`, `devCommand`, `start:dev`)."""
    parts = [part for part in re.split(r"[._/:-]+", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key).lower()) if part]
    return bool(parts) and (parts[-1] in PROSE_KEYS or parts[0] in DEVELOPMENT_COMMAND_KEYS or parts[-1] in DEVELOPMENT_COMMAND_KEYS)


def _quiet_key(match: Any) -> bool:
    return quiet_key(match["quoted"] or match["key"])


def in_quiet_value(lines: Sequence[str], index: int) -> bool:
    """Whether line `index` is (part of) the value of a prose key or a development command key:
    the key on the line itself, else the nearest less-indented line above (a block scalar's key)."""
    line = lines[index]
    match = _KEY_AT_START.match(line)
    if match:
        return _quiet_key(match)
    # a line of the same indentation above (not a key) has the same owner: remembered per file
    known: dict[int, bool] = getattr(lines, "__dict__", {}).setdefault("_quiet_owners", {})
    indent = len(line) - len(line.lstrip())
    result = False
    for above in range(index - 1, max(-1, index - OWNER_LOOKBACK), -1):
        previous = lines[above]
        if not previous.strip():
            continue
        previous_indent = len(previous) - len(previous.lstrip())
        if previous_indent == indent and above in known:
            result = known[above]
            break
        if previous_indent < indent:
            match = _KEY_AT_START.match(previous)
            result = bool(match) and _quiet_key(match)
            break
    known[index] = result
    return result


def command_hits(lines: IndexedLines, markers: tuple[str, ...]) -> Iterator[Hit]:
    """Development servers, debuggers and deploy flags on non-comment (logical) lines; only the
    logical lines around a line that mentions a keyword are looked at, and not the values of
    prose or development-command keys."""
    if not lines.mentions_command:
        return
    done = -1
    for index in lines.with_words(COMMAND_WORDS):
        if index <= done:
            continue
        first = index
        while first > 0 and lines[first - 1].endswith("\\"):
            first -= 1
        done = index
        while done < len(lines) - 1 and lines[done].endswith("\\"):
            done += 1
        if in_quiet_value(lines, first):
            continue
        code = [code_part(line, markers) for line in lines[first : done + 1]]
        for text, starts in logical_lines(code):
            for offset, verdict in classify_command(text):
                line, column = _place(offset, starts)
                yield Hit(line + first, column, verdict)


_WRITTEN_FILE = lazy(r"""(?:>>?|\btee(?:\s+-a)?)\s*["']?(?P<path>[^\s"';&|)]+)""")


def written_files(line: str) -> list[str]:
    """The files a command line writes by redirection or `tee` (`echo DEBUG=1 >> .env.production`),
    repository-relative as written (a leading `./` dropped)."""
    if ">" not in line and "tee" not in line:
        return []
    return [match["path"].removeprefix("./") for match in _WRITTEN_FILE.finditer(line) if not match["path"].startswith(("&", "/dev/"))]


# --- dotenv, shell, Procfile -------------------------------------------------------------------

_DOTENV = lazy(r"^\s*(?:export\s+)?(?P<key>[A-Za-z_][\w.-]*)\s*=\s*(?P<value>.*)$")
_SHELL_ASSIGNMENT = lazy(r"(?:^|(?<=[\s;&|(:]))(?P<key>[A-Za-z_]\w*)=(?P<value>\"[^\"]*\"|'[^']*'|[^\s;&|)]*)")


def dotenv_hits(lines: IndexedLines) -> Iterator[Hit]:
    """`KEY=value` and `export KEY=value` lines (values quoted or not, inline comments removed)."""
    for index in lines.with_words():
        number, line = index + 1, lines[index]
        match = _DOTENV.match(code_part(line, HASH))
        if match:
            hit = setting_hit(match["key"].split("."), scan_value(match["value"]), number, match.start("key") + 1)
            if hit:
                yield hit


def shell_hits(lines: IndexedLines) -> Iterator[Hit]:
    """Shell scripts and Procfiles: `export DEBUG=1`, `DEBUG=1 gunicorn ...` (deploy flags excepted)."""
    for index in lines.with_words():
        number, code = index + 1, code_part(lines[index], HASH)
        if "=" not in code:
            continue
        taken = deploy_flag_spans(code)
        for match in _SHELL_ASSIGNMENT.finditer(code):
            if any(start <= match.start() < end for start, end in taken):
                continue
            hit = setting_hit([match["key"]], match["value"], number, match.start("key") + 1)
            if hit:
                yield hit


_POWERSHELL_ENV = lazy(
    r"""^\s*\$env:(?P<key>[A-Za-z_]\w*)\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s;#]+)"""
    r"""|\[(?:System\.)?Environment\]::SetEnvironmentVariable\(\s*["'](?P<key2>\w+)["']\s*,\s*(?P<value2>"[^"]*"|'[^']*')""",
    re.IGNORECASE,
)
_POWERSHELL_COMMENT = (lazy(r"<#"), lazy(r"#>"))


def powershell_hits(lines: IndexedLines) -> Iterator[Hit]:
    """PowerShell deploy scripts: `$env:KEY = "value"`, `[Environment]::SetEnvironmentVariable(...)`."""
    if "<#" in lines.lowered:
        text = blank_spans("\n".join(lines), *_POWERSHELL_COMMENT)
        lines = IndexedLines(text.split("\n"))
    for index in lines.with_words():
        code = code_part(lines[index], HASH)
        for match in _POWERSHELL_ENV.finditer(code):
            key, value = (match["key"], match["value"]) if match["key"] else (match["key2"], match["value2"])
            hit = setting_hit([key], value, index + 1, match.start() + 1)
            if hit:
                yield hit


_SHELL_IF = lazy(r"^\s*(?:(?i:RUN|CMD|ENTRYPOINT)\s+)?(?P<word>if|elif)\s+(?P<condition>.*?)(?:;[ \t]{0,40}then\b(?P<rest>.*)|$)")
_SHELL_ELSE = lazy(r"^\s*else\b")
_SHELL_FI = lazy(r"^\s*fi\b")
_SHELL_CASE = lazy(r"^\s*+case\s.*\sin\s*$")
_SHELL_ARM = lazy(r"^\s*+\(?(?P<patterns>[^()]*+)\)")
_SHELL_TEST_AND = lazy(r"^\s*(?P<test>(?:\[\[?|test\b)[^&|]*)&&")
# Development modes as scripts name them: `dev`, `devel`, `develop`, `development`, `local`.
_DEVELOPMENT_WORD = r"(?:dev(?:el(?:op(?:ment)?)?)?|local)\b"
_SHELL_DEVELOPMENT = lazy(r"debug|[\"'=\s|(]" + _DEVELOPMENT_WORD, re.IGNORECASE)
_SHELL_PRODUCTION = lazy(r"[\"'=\s|(](?:prod|production)\b", re.IGNORECASE)
_SHELL_NEGATED = lazy(r"!=|(?:^|\s)!\s|(?:^|\s)-z\s")


def _branch_skips(condition: str) -> tuple[bool, bool]:
    """(skip the `then` branch, skip the `else` branch) of a shell condition: a debug or
    development test leaves its branch to the environment; a production test its `else`."""
    negated = bool(_SHELL_NEGATED.search(condition))
    if _SHELL_DEVELOPMENT.search(condition):
        return not negated, negated
    if _SHELL_PRODUCTION.search(condition):
        return negated, not negated
    return False, False


def without_shell_debug_branches(lines: IndexedLines) -> IndexedLines:
    """Shell scripts (entrypoints, start scripts): branches that run only in debug or development
    (`if [ "$DEBUG" = 1 ]; then ...`, `case $APP_ENV in dev) ...`, `[ "$DEBUG" ] && ...`) are
    blanked; the environment decides, as with `${DEBUG:-0}`."""
    if not ("if" in lines.lowered or "case" in lines.lowered or "&&" in lines.lowered):
        return lines
    skipped: list[bool] = []
    blocks: list[list[bool]] = []  # per open if: [skipping now, skip else]
    cases: list[bool] = []  # per open case: skipping the current arm
    for line in lines:
        code = code_part(line, HASH)
        skipping = any(block[0] for block in blocks) or any(cases)
        opened = _SHELL_IF.match(code)
        if opened:
            skip_then, skip_else = _branch_skips(opened["condition"])
            if opened["word"] == "if":
                single_line = bool(opened["rest"]) and re.search(r"\bfi\b", opened["rest"])
                if single_line:  # `if ...; then a; else b; fi` on one line: either branch may be the development one
                    skipping = skipping or skip_then or (skip_else and re.search(r"\belse\b", opened["rest"]) is not None)
                else:
                    blocks.append([skip_then, skip_else])
            elif blocks:
                blocks[-1] = [skip_then, skip_else]
        elif _SHELL_ELSE.match(code) and blocks:
            blocks[-1] = [blocks[-1][1], blocks[-1][1]]
        elif _SHELL_FI.match(code) and blocks:
            blocks.pop()
        elif _SHELL_CASE.match(code):
            cases.append(False)
        elif cases and code.strip().startswith("esac"):
            cases.pop()
        elif cases and _SHELL_ARM.match(code) and not code.lstrip().startswith(("[", "$", "\"", "'")):
            arm = _SHELL_ARM.match(code)
            cases[-1] = bool(arm and re.search(r"(?:^|[|\s])(?:debug\w*|" + _DEVELOPMENT_WORD + ")", arm["patterns"], re.IGNORECASE))
            skipping = any(block[0] for block in blocks) or any(cases)
        else:
            test = _SHELL_TEST_AND.match(code)
            if test and _branch_skips(test["test"])[0]:
                skipping = True
        if cases and code.rstrip().endswith(";;") and not _SHELL_ARM.match(code):
            cases[-1] = False
        skipped.append(skipping)
    return blank_lines(lines, skipped)


# --- Dockerfile --------------------------------------------------------------------------------

_INSTRUCTION = lazy(r"^\s*(?P<instruction>[A-Za-z]+)\s+(?P<rest>.*)$")
_ENV_PAIR = lazy(r"(?<![\w.-])(?P<key>[A-Za-z_][\w.-]*)=(?P<value>\"(?:[^\"\\]|\\.)*\"|'[^']*'|(?:[^\s\\]|\\.)*)")


def dockerfile_settings(lines: Sequence[str]) -> Iterator[tuple[str, str, int, int]]:
    """(key, raw value, line, column) of `ENV KEY=value ...` (several pairs, continued lines) and
    the legacy `ENV KEY value`."""
    in_env = False
    for number, line in enumerate(lines, start=1):
        code = code_part(line, HASH)
        body = code
        if not in_env:
            match = _INSTRUCTION.match(code)
            if not match or match["instruction"].upper() != "ENV":
                continue
            body = match["rest"]
            legacy = re.match(r"(?P<key>[A-Za-z_][\w.-]*)\s+(?P<value>[^=\s].*?)\s*\\?$", body)
            if legacy and "=" not in legacy["key"] and not _ENV_PAIR.match(body):
                yield legacy["key"], legacy["value"], number, match.start("rest") + 1
                in_env = code.rstrip().endswith("\\")
                continue
        offset = len(code) - len(body)
        for pair in _ENV_PAIR.finditer(body):
            yield pair["key"], pair["value"], number, offset + pair.start() + 1
        in_env = code.rstrip().endswith("\\")


def dockerfile_hits(lines: Sequence[str]) -> Iterator[Hit]:
    """The image's `ENV` settings, judged like any other setting."""
    for key, value, number, column in dockerfile_settings(lines):
        hit = setting_hit([key], value, number, column)
        if hit:
            yield hit


_FROM = lazy(r"^\s*FROM\s+(?:--\S+\s+)*(?P<base>\S+)(?:\s+AS\s+(?P<name>\S+))?", re.IGNORECASE)
# Build stages for development (`FROM node AS dev`, `AS debug`, `AS test`) are not what runs in production.
DEVELOPMENT_STAGE_PARTS = frozenset({"dev", "development", "local", "test", "testing", "debug", "debugger"})


def dockerfile_development_stages(lines: Sequence[str]) -> list[tuple[int, int]]:
    """Line ranges (1-based, inclusive) of a Dockerfile's development stages, unless a later
    stage builds `FROM` one of them (then its settings are inherited)."""
    stages: list[tuple[str, str, int]] = []  # (name, base, first line)
    for number, line in enumerate(lines, start=1):
        if "from" in line.lower():
            match = _FROM.match(line)
            if match:
                stages.append(((match["name"] or "").lower(), match["base"].lower(), number))
    bases = {base for _, base, _ in stages}
    ranges = []
    for index, (name, _, first) in enumerate(stages):
        if name and name not in bases and not DEVELOPMENT_STAGE_PARTS.isdisjoint(re.split(r"[-_.]", name)):
            last = stages[index + 1][2] - 1 if index + 1 < len(stages) else len(lines)
            ranges.append((first, last))
    return ranges


# --- key/value lines (YAML fallback, JSON fallback, TOML, INI, HCL, generic) ---------------------

_NAME_VALUE_INLINE = lazy(
    r"[\"']?name[\"']?\s*[:=]\s*[\"'](?P<key>[\w.-]+)[\"']\s*,\s*[\"']?value[\"']?\s*[:=]\s*(?P<value>\"[^\"]*\"|'[^']*'|[\w.]+)",
    re.IGNORECASE,
)


class _Pairing:
    """Kubernetes/ECS env entries written as `name:` then `value:` on separate lines."""

    def __init__(self) -> None:
        self.name = ""
        self.column = -1

    def feed(self, key: str, value: str, line: int, column: int) -> Hit | None:
        lowered = key.lower()
        if lowered == "name":
            self.name, self.column = unquote(value), column
            return None
        if lowered == "value" and self.name and column == self.column:
            name, self.name = self.name, ""
            return setting_hit([name], value, line, column)
        return None


def inline_name_value_hits(code: str, number: int) -> Iterator[Hit]:
    for match in _NAME_VALUE_INLINE.finditer(code):
        hit = setting_hit([match["key"]], match["value"], number, match.start("key") + 1)
        if hit:
            yield hit


_YAML_PAIR = lazy(r"""^(?P<lead>\s*(?:-\s+)?)(?P<q>["']?)(?P<key>[^\s"'#{}\[\],:](?:[^"'#{}\[\],:]*[^\s"'#{}\[\],:])?)(?P=q)\s*:(?:\s+(?P<value>(?:.*\S)?))?\s*$""")
_BLOCK_SCALAR = lazy(r"^[|>][-+0-9]*\s*$")
_YAML_ITEM = lazy(r"""^\s*-\s+(?P<q>["']?)(?P<key>[A-Za-z_][\w.-]*)=(?P<value>[^"'\s]*)(?P=q)\s*$""")
_FLOW_PAIR = lazy(r"""(?P<q>["']?)(?<![\w.-])(?P<key>[A-Za-z_][\w.-]*)(?P=q)\s*+(?P<sep>[:=])\s*(?P<value>"[^"]*"|'[^']*'|[^,}\]\s"']+)""")


def yaml_line_hits(lines: Sequence[str]) -> Iterator[Hit]:
    """YAML that does not parse (e.g. a Helm template): `key: value` with its indentation path,
    `- KEY=value` list items, flow mappings, and `name:`/`value:` env entries."""
    stack: list[tuple[int, str]] = []
    pairing = _Pairing()
    block = -1  # indentation of the key whose block scalar (`key: |`) is being read, else -1
    for number, line in enumerate(lines, start=1):
        if block >= 0:
            if not line.strip() or len(line) - len(line.lstrip()) > block:
                continue  # text of a block scalar, not settings (as the parser reads it)
            block = -1
        code = code_part(line, HASH)
        if not code.strip():
            continue
        item = _YAML_ITEM.match(code)
        if item:
            hit = setting_hit([item["key"]], item["value"], number, item.start("key") + 1)
            if hit:
                yield hit
            continue
        match = _YAML_PAIR.match(code)
        if not match:
            continue
        indent = len(match["lead"])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        key, value = match["key"].strip(), match["value"] or ""
        if _BLOCK_SCALAR.match(value):
            block = len(code) - len(code.lstrip())
            continue
        path = [k for _, k in stack] + [key]
        if not value:
            stack.append((indent, key))
            continue
        if not NON_PRODUCTION_SECTIONS.isdisjoint(k.lower() for k in path[:-1]):
            continue
        if value[:1] in "{[":
            for pair in _FLOW_PAIR.finditer(value):
                hit = setting_hit([*path, pair["key"]], pair["value"], number, match.start("value") + pair.start("key") + 1)
                if hit:
                    yield hit
            continue
        hit = pairing.feed(key, value, number, match.start("key") + 1) or setting_hit(path, value, number, match.start("key") + 1)
        if hit:
            yield hit


_JSON_PAIR = lazy(r"""["'](?P<key>[^"'\\]+)["']\s*:\s*(?P<value>"[^"]*"|'[^']*'|[\w.]+)""")


def json_line_hits(lines: Sequence[str]) -> Iterator[Hit]:
    """JSON that does not parse (JSON5, comments, trailing commas): `"key": value` pairs."""
    pairing = _Pairing()
    for number, line in enumerate(lines, start=1):
        code = code_part(line, SLASH)
        yield from inline_name_value_hits(code, number)
        for match in _JSON_PAIR.finditer(code):
            hit = pairing.feed(match["key"], match["value"], number, match.start("key")) or setting_hit(
                [match["key"]], match["value"], number, match.start("key")
            )
            if hit:
                yield hit


_SECTION = lazy(r"^\s*+\[++\s*+(?P<name>[^\]\[\s](?:[^\]]*[^\]\s])?)\s*\]+\s*$")
_TOML_PAIR = lazy(r"""(?P<key>(?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]+|"[^"]+"|'[^']+')\s*+=\s*(?P<value>"[^"]*"|'[^']*'|[\w.:-]+)""")
_INI_PAIR = lazy(r"^\s*+(?P<key>[^=:\s\[;#!](?:[^=:]*[^=:\s])?)\s*[=:]\s*(?P<value>(?:.*\S)?)\s*$")
# systemd `Environment="DEBUG=1" "X=2"`, supervisord `environment=DEBUG="1",X="2"`
_ENVIRONMENT_PAIR = lazy(r"[\"']?(?<!\w)(?P<key>[A-Za-z_]\w*)=(?P<value>\"[^\"]*\"|'[^']*'|[^\s,\"']*)")
_PHP_FPM_KEY = lazy(r"php_(?:admin_)?(?:flag|value)\[(?P<name>[\w.]+)\]$")
_TOOLBAR_TOKEN = lazy(r"(?<![\w.])(?P<module>" + "|".join(TOOLBAR_MODULES) + r")(?![\w])")


def _section_path(name: str) -> list[str]:
    return [part.strip().strip("\"'") for part in name.split(".") if part.strip()]


INLINE_DEPTH = 8  # inline tables deeper than this are judged by their first keys (keeps hostile lines linear)
_BARE_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


def _key_before(code: str, index: int) -> str:
    """The key of `key = ` right before `index` (bare or quoted), else ""; walks back over the
    key only (no copies of the line), so a line of many brackets stays linear."""
    end = index
    while end and code[end - 1] in " \t":
        end -= 1
    if not end or code[end - 1] != "=":
        return ""
    end -= 1
    while end and code[end - 1] in " \t":
        end -= 1
    if end and code[end - 1] in "\"'":
        start = code.rfind(code[end - 1], max(0, end - 200), end - 1)
        return code[start:end] if start >= 0 else ""
    start = end
    while start and end - start < 200 and code[start - 1] in _BARE_KEY_CHARS:
        start -= 1
    return code[start:end]


def _inline_nesting(code: str) -> Callable[[int], list[str]]:
    """For a line with inline tables (`app = { debug = true }`, `a = [{ b = { c = 1 } }]`): the key
    path of the tables open at a position. One pass over the line, then a bisection per pair."""
    positions: list[int] = [0]
    paths: list[list[str]] = [[]]
    stack: list[list[str]] = []
    quote = ""
    for index, char in enumerate(code):
        if quote:
            if char == quote:
                quote = ""
            continue
        if char in "\"'":
            quote = char
        elif char in "{[":
            stack.append(_section_path(_key_before(code, index)))
        elif char in "}]" and stack:
            stack.pop()
        else:
            continue
        positions.append(index)
        paths.append([part for keys in stack[:INLINE_DEPTH] for part in keys])
    return lambda position: paths[bisect_right(positions, position) - 1]


def toml_line_hits(lines: Sequence[str], markers: tuple[str, ...] = HASH) -> Iterator[tuple[list[str] | None, Hit]]:
    """TOML and HCL lines: `key = value` (also inline tables) under their `[table]`; yields the
    key path with each hit (None for name/value entries) so the parsed document can confirm it."""
    table: list[str] = []
    pairing = _Pairing()
    in_string = ""
    for number, line in enumerate(lines, start=1):
        if in_string:
            if in_string in line:
                in_string = ""
            continue
        code = code_part(line, markers)
        for fence in ('"""', "'''"):
            if code.count(fence) % 2:
                in_string = fence
        section = _SECTION.match(code)
        if section:
            table = _section_path(section["name"])
            continue
        for hit in inline_name_value_hits(code, number):
            yield None, hit
        nesting = _inline_nesting(code) if "{" in code else None
        for match in _TOML_PAIR.finditer(code):
            inline = nesting(match.start()) if nesting else []
            path = [*table, *inline, *_section_path(match["key"])]
            paired = pairing.feed(match["key"], match["value"], number, match.start("key") + 1)
            if paired:
                yield None, paired
            hit = setting_hit(path, match["value"], number, match.start("key") + 1)
            if hit:
                yield path, hit


def ini_line_hits(lines: Sequence[str]) -> Iterator[tuple[list[str] | None, Hit]]:
    """INI, properties, php.ini, systemd/supervisord: `key = value` / `key: value` under
    `[section]`, `Environment=` pair lists, and debug toolbars named in includes."""
    section: list[str] = []
    for number, line in enumerate(lines, start=1):
        code = code_part(line, INI_COMMENTS)
        if not code.strip() or code.lstrip().startswith("!"):
            continue
        header = _SECTION.match(code)
        if header:
            section = [header["name"]]
            continue
        for toolbar in _TOOLBAR_TOKEN.finditer(code):
            yield [toolbar["module"]], Hit(number, toolbar.start() + 1, toolbar_module(toolbar["module"]))
        match = _INI_PAIR.match(code)
        if not match:
            continue
        key = match["key"]
        if key.lower() == "environment":
            for pair in _ENVIRONMENT_PAIR.finditer(match["value"]):
                hit = setting_hit([pair["key"]], pair["value"], number, match.start("value") + 1)
                if hit:
                    yield [key], hit
            continue
        php_fpm = _PHP_FPM_KEY.match(key)  # php-fpm pools: php_admin_flag[display_errors] = on
        path = [php_fpm["name"]] if php_fpm else [*section, *key.split(".")]
        hit = setting_hit(path, match["value"], number, match.start("key") + 1)
        if hit:
            yield (None if php_fpm else path), hit


def generic_hits(lines: IndexedLines) -> Iterator[Hit]:
    """Files of no known format: dotenv-style and YAML-style assignments only. The YAML-style
    reader walks every line (for the key paths), so it runs only where a YAML file would be parsed."""
    yield from dotenv_hits(lines)
    if worth_parsing(lines):
        yield from yaml_line_hits(lines)


# --- Ruby, PHP, XML, JavaScript ----------------------------------------------------------------

_LITERAL = r"(?P<value>(?i:true)|1|[\"'](?i:true|1|yes|on|development|dev|local)[\"']|[\"']?(?i:on|always)[\"']?)"


def _pattern_hits(lines: IndexedLines, markers: tuple[str, ...], patterns: Iterable[Any]) -> Iterator[Hit]:
    for index in lines.with_words():
        number, code = index + 1, code_part(lines[index], markers)
        if not code:
            continue
        for pattern in patterns:
            for match in pattern.finditer(code):
                hit = setting_hit(re.split(r"[.:]+", match["key"]), match["value"], number, match.start("key") + 1)
                if hit:
                    yield hit


PYTHON_PATTERNS = (lazy(r"^\s*(?P<key>[A-Za-z_]\w*)\s*(?::\s*[\w\[\]., |]+)?=\s*" + _LITERAL + r"\s*$"),)
RUBY_PATTERNS = (
    lazy(r"^\s*(?P<key>(?:[\w:]+\.)*\w+)\s*=\s*" + _LITERAL + r"\s*$"),
    lazy(r"ENV\[\s*[\"'](?P<key>\w+)[\"']\s*\]\s*(?:\|\|)?=\s*" + _LITERAL),
    lazy(r"^\s*set\s+:(?P<key>\w+)\s*,\s*" + _LITERAL),
)
PHP_PATTERNS = (
    lazy(r"\bdefine\(\s*[\"'](?P<key>\w+)[\"']\s*,\s*" + _LITERAL + r"\s*\)", re.IGNORECASE),
    lazy(r"\bini_set\(\s*[\"'](?P<key>[\w.]+)[\"']\s*,\s*" + _LITERAL + r"\s*\)", re.IGNORECASE),
    lazy(r"\bputenv\(\s*[\"'](?P<key>\w+)=(?P<value>\w+)[\"']\s*\)", re.IGNORECASE),
    lazy(r"\[\s*[\"'](?P<key>[\w.]+)[\"']\s*\]\s*=\s*" + _LITERAL + r"\s*;"),
    lazy(r"[\"'](?P<key>[\w.]+)[\"']\s*=>\s*" + _LITERAL + r"\s*(?=[,\]\)]|$)"),  # also several pairs on one line
    lazy(r"^\s*php_(?:flag|value)\s+(?P<key>[\w.]+)\s+(?P<value>\w+)", re.IGNORECASE),
)
ELIXIR_PATTERNS = (lazy(r"(?:^|[\s,\[(])(?P<key>[a-z_]\w*):\s+(?P<value>true)\b"),)
JS_PATTERNS = (
    lazy(r"^\s*(?:(?:export\s+)?(?:const|let|var)\s+)?[\"']?(?P<key>[A-Za-z_$][\w$]*)[\"']?\s*[:=]\s*" + _LITERAL + r"\s*[,;]?\s*$"),
    lazy(r"process\.env(?:\.|\[\s*[\"'])(?P<key>\w+)(?:[\"']\s*\])?\s*=\s*" + _LITERAL),
    # pairs of an object written on one line: `app: { debugMode: true }`, `{ port: 80, debug: true }`
    lazy(r"[{,]\s*[\"']?(?P<key>[A-Za-z_$][\w$]*)[\"']?\s*:\s*" + _LITERAL + r"\s*(?=[,}])"),
)
XML_PATTERNS = (
    lazy(r"<(?:add|environmentVariable|env|variable|property|setting)\b[^>]*?\b(?:key|name)\s*=\s*[\"'](?P<key>[^\"']+)[\"'][^>]*?\bvalue\s*=\s*(?P<value>\"[^\"]*\"|'[^']*')", re.IGNORECASE),
    lazy(r"<(?P<key>[\w.-]+)>\s*(?P<value>true|1)\s*</(?P=key)>", re.IGNORECASE),
)
# ASP.NET switches written as attributes: (pattern, key shown, production value)
XML_SWITCHES = (
    (lazy(r"<compilation\b[^>]*?\bdebug\s*=\s*[\"'](?:true|1)[\"']", re.IGNORECASE), '<compilation debug="true">', 'debug="false"'),
    (lazy(r"<customErrors\b[^>]*?\bmode\s*=\s*[\"']Off[\"']", re.IGNORECASE), '<customErrors mode="Off">', 'mode="RemoteOnly"'),
    (lazy(r"<httpErrors\b[^>]*?\berrorMode\s*=\s*[\"']Detailed[\"']", re.IGNORECASE), '<httpErrors errorMode="Detailed">', 'errorMode="DetailedLocalOnly"'),
)


def python_line_hits(lines: IndexedLines) -> Iterator[Hit]:
    """Python that does not parse: module-level `DEBUG = True` style assignments."""
    return _pattern_hits(lines, HASH, PYTHON_PATTERNS)


def ruby_hits(lines: IndexedLines) -> Iterator[Hit]:
    """Rails environment files: `config.consider_all_requests_local = true`, `ENV["DEBUG"] = "1"`."""
    return _pattern_hits(without_ruby_block_comments(lines), HASH, RUBY_PATTERNS)


def php_hits(lines: IndexedLines) -> Iterator[Hit]:
    """`define('WP_DEBUG', true)`, `ini_set('display_errors', '1')`, `'debug' => true`."""
    return _pattern_hits(without_environment_blocks(lines), HASH_OR_SLASH, PHP_PATTERNS)


def elixir_hits(lines: IndexedLines) -> Iterator[Hit]:
    """Phoenix `config/prod.exs`: `debug_errors: true`, `code_reloader: true`."""
    return _pattern_hits(lines, HASH, ELIXIR_PATTERNS)


def js_hits(lines: IndexedLines) -> Iterator[Hit]:
    """`debug: true` in exported config objects, `process.env.NODE_ENV = 'development'`."""
    return _pattern_hits(without_environment_blocks(lines), SLASH, JS_PATTERNS)


# `if (getenv('WP_ENV') === 'development') {`, `if (process.env.DEBUG_MODE) {`: the environment decides.
_ENVIRONMENT_IF = lazy(
    r"""\bif\s*\((?=[^{};\n]{0,300}?(?:getenv|\benv\s*\(|\$_ENV|\$_SERVER|\bWP_ENV\b|WP_ENVIRONMENT_TYPE|wp_get_environment_type|\bAPP_ENV\b|process\.env|import\.meta\.env|["'](?:development|dev|local|staging|test)["']))[^{};\n]{0,300}\)\s*\{""",
    re.IGNORECASE,
)


def without_environment_blocks(lines: IndexedLines) -> IndexedLines:
    """PHP and JavaScript: the bodies of `if` blocks whose condition reads the environment or
    names a development environment are blanked (line count kept; an `else` branch stays)."""
    lowered = lines.lowered
    if "if" not in lowered or not ("env" in lowered or "development" in lowered or "local" in lowered or "_server" in lowered):
        return lines
    text = "\n".join(lines)
    blanked: list[tuple[int, int]] = []
    position = 0
    while True:
        match = _ENVIRONMENT_IF.search(text, position)
        if not match:
            break
        depth, index, quote = 1, match.end(), ""
        while index < len(text) and depth:
            char = text[index]
            if quote:
                if char == "\\":
                    index += 1
                elif char == quote or char == "\n":
                    quote = ""
            elif char in "\"'`":
                quote = char
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            index += 1
        blanked.append((match.end(), index - 1))
        position = index
    if not blanked:
        return lines
    pieces, last = [], 0
    for start, end in blanked:
        pieces.append(text[last:start])
        pieces.append(re.sub(r"[^\n]", " ", text[start:end]))
        last = end
    pieces.append(text[last:])
    return IndexedLines("".join(pieces).split("\n"))


def xml_hits(lines: Sequence[str]) -> Iterator[Hit]:
    """web.config and friends; XML comments (also multi-line) are removed first."""
    text = "\n".join(lines)
    text = re.sub(r"<!--.*?-->", lambda m: re.sub(r"[^\n]", " ", m.group()), text, flags=re.DOTALL)
    code_lines = IndexedLines(text.split("\n"))
    yield from _pattern_hits(code_lines, (), XML_PATTERNS)
    for number, line in enumerate(code_lines, start=1):
        for pattern, shown, safe in XML_SWITCHES:
            for match in pattern.finditer(line):
                yield Hit(
                    number,
                    match.start() + 1,
                    Verdict(
                        RULE_FRAMEWORK,
                        f"`{shown}`: detailed errors and debug builds are enabled in production",
                        f"Set `{safe}` in production configuration (or move this to a Debug transform).",
                    ),
                )

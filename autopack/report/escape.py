"""Text from a repository (paths, keys, values, command output) shown safely in every channel.

Content a check quotes is untrusted: a file may be named `::warning title=x::y.env`, a YAML key may
hold a newline followed by `::error ::boom`, a heading may hold raw HTML. Every reporter (and the
autopilot's summary) passes such text through one of these helpers:

- `one_line`: control, separator and invisible characters (newlines, escape sequences, bidi
  overrides) shown as `\\n`, `\\x1b`, `\\u202e`; undecodable bytes of a file name (surrogate escapes)
  as `\\xff`. The result never spans two lines and never encodes badly.
- `log_line`: `one_line`, then made inert for the GitHub Actions runner, which runs a line as a
  workflow command when it starts with `::` after leading white space, or when it contains `##[`
  anywhere (the legacy form). A line that would start with `::` gets a `\\` in front; `##[`
  becomes `##[\\`, the runner's own way of defusing its markers.
- `workflow_data` / `workflow_property`: the value of a workflow command, encoded per GitHub's
  rules (`%`, CR and LF in data; also `:` and `,` in properties).
- `json_document` / `uri_path`: a non-UTF-8 file name in JSON (`\\xff`) and in a SARIF URI
  (`%FF`), so those outputs stay valid UTF-8 and the finding is not lost.
- `markdown_cell`: text for a Markdown table cell: one line, and every character that means
  something inside a GitHub-flavoured table cell (HTML, entities, links, images, emphasis, code,
  strikethrough, math, the column bar) backslash-escaped, so content shows as the text it is.
"""

from __future__ import annotations

from autopack.lazy import lazy_pattern  # compiled on first use: a clean hook run shows nothing

_SURROGATE_ESCAPES = range(0xDC80, 0xDD00)  # how surrogateescape carries undecodable bytes
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# `_` inside a word (snake_case) cannot open emphasis in GitHub-flavoured Markdown: kept as is.
_MARKDOWN_SPECIAL = lazy_pattern(r"([\\`*\[\]<>!&|~$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


def _shown(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code in _SURROGATE_ESCAPES:
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def one_line(text: str) -> str:
    """`text` on one line: every character that is not printable (str.isprintable: controls,
    line and paragraph separators, format characters, surrogates, spaces other than ' ') escaped."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _shown(c) for c in text)


def inert(line: str) -> str:
    """A line (already one line) that the Actions runner shows as text and never runs."""
    if "##[" in line:
        line = line.replace("##[", "##[\\")
    if line.lstrip().startswith("::"):
        line = "\\" + line
    return line


def log_line(text: str) -> str:
    """Untrusted text as one inert line of log output."""
    return inert(one_line(text))


def workflow_data(value: str) -> str:
    """The message part of a workflow command (`::error ...::DATA`)."""
    return one_line_keeping_breaks(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(value: str) -> str:
    """A property value of a workflow command (`file=`, `title=`): data rules plus `:` and `,`."""
    return workflow_data(value).replace(":", "%3A").replace(",", "%2C")


def one_line_keeping_breaks(text: str) -> str:
    """`one_line` for each line, keeping the line breaks themselves (GitHub encodes those)."""
    return "\n".join(one_line(part) for part in text.replace("\r\n", "\n").split("\n"))


_UNDECODABLE = lazy_pattern("[\udc80-\udcff]")


def json_document(text: str) -> str:
    """A JSON document (from json.dumps with ensure_ascii=False) whose strings may hold the
    undecodable bytes of a file name (surrogate escapes): each shown as the text `\\xff`, so the
    document can be written as UTF-8 and the finding is not lost."""
    return _UNDECODABLE.sub(lambda m: "\\" + _shown(m.group()), text)


def uri_path(path: str) -> str:
    """A path for a SARIF `uri`: undecodable bytes percent-encoded (`%FF`), which keeps the exact
    name for any consumer that decodes the URI."""
    return _UNDECODABLE.sub(lambda m: f"%{ord(m.group()) - 0xDC00:02X}", path)


def markdown_cell(text: str) -> str:
    """Text for one cell of a GitHub-flavoured Markdown table, shown literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(text))

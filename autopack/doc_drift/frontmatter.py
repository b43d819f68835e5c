"""Front matter: the block at the top of a page (`---` YAML, `+++` TOML) that site generators
read for a page's URL (`slug`, `url`, `permalink`, `id`, `aliases`). Read line by line for the
few top-level keys that decide URLs, never by a YAML loader: a page is untrusted input, and a
key reader is linear in the text whatever the page holds (anchors, tags, bombs are just text)."""

from __future__ import annotations

from typing import Any

from autopack.lazy import lazy_pattern

# The keys that decide where a page is served (Hugo, Docusaurus, Jekyll, MkDocs plugins).
URL_KEYS = frozenset({"slug", "url", "permalink", "id", "aliases", "redirect_from", "categories", "category", "headless"})
MAX_LINES = 400  # a front matter is a few dozen lines; a longer block is read no further

_KEY = lazy_pattern(r"([A-Za-z_][\w-]*)[ \t]*[:=][ \t]*(.*)")
_ITEM = lazy_pattern(r"[ \t]+-[ \t]+(.*)")


def split(text: str) -> tuple[dict[str, Any] | None, str]:
    """The URL keys of the front matter (None when the page has none) and the text with the
    front matter blanked (its lines kept as empty lines, so line numbers stay)."""
    if not text.startswith(("---", "+++")):
        return None, text
    fence = text[:3]
    lines = text.split("\n")
    if lines[0].strip() != fence:
        return None, text
    closers = ("---", "...") if fence == "---" else ("+++",)
    for index in range(1, min(len(lines), MAX_LINES)):
        if lines[index].strip() in closers:
            return _keys(lines[1:index]), "\n" * index + "\n" + "\n".join(lines[index + 1 :])
    return None, text


def _keys(lines: list[str]) -> dict[str, Any]:
    """`key: value` / `key = "value"` at the top level, and `key:` followed by `- item` lines or
    `[a, b]` for lists; quotes removed. Anything else (nested tables, multi-line strings) is
    skipped: none of it decides a URL."""
    found: dict[str, Any] = {}
    current: list[str] | None = None
    for line in lines:
        item = _ITEM.fullmatch(line) if current is not None else None
        if item:
            current.append(_unquote(item.group(1)))  # type: ignore[union-attr]
            continue
        current = None
        match = _KEY.fullmatch(line.rstrip())
        if not match or match.group(1).lower() not in URL_KEYS:
            continue
        key, value = match.group(1).lower(), match.group(2).strip()
        if not value:
            current = found[key] = []
        elif value.startswith("[") and value.endswith("]"):
            found[key] = [_unquote(part) for part in value[1:-1].split(",") if part.strip()]
        else:
            found[key] = _unquote(value)
    return found


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    hash_at = value.find(" #")  # a YAML comment after a plain value
    return value[:hash_at].rstrip() if hash_at >= 0 else value

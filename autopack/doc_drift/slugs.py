"""Heading anchors: the slugs GitHub and Python-Markdown (MkDocs) give a heading, numbered for
duplicates the way each does."""

from __future__ import annotations

import re
import unicodedata

def github_slug(text: str) -> str:
    """GitHub's heading anchor: lowercase; letters, marks, digits, `_` and `-` kept (unicode
    included); every space becomes `-`; everything else removed."""
    out = []
    for char in text.lower():
        if char == " ":
            out.append("-")
        elif char == "-" or unicodedata.category(char)[0] in "LMN" or unicodedata.category(char) == "Pc":
            out.append(char)
    return "".join(out)


class Slugger:
    """Numbers duplicate slugs like GitHub: `intro`, `intro-1`, `intro-2`."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def slug(self, text: str) -> str:
        base = result = github_slug(text)
        while result in self.seen:
            self.seen[base] += 1
            result = f"{base}-{self.seen[base]}"
        self.seen[result] = 0
        return result



def toc_slug(text: str, ascii_only: bool = True) -> str:
    """Python-Markdown's `toc` slug (MkDocs): accents folded to ASCII (unless `ascii_only` is
    off, as pymdownx's unicode slugs do), characters other than word characters, spaces and `-`
    removed, runs of spaces and `-` collapsed into one `-`."""
    if ascii_only:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


class TocSlugger:
    """Numbers duplicate slugs like Python-Markdown: `intro`, `intro_1`, `intro_2`."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def slug(self, text: str) -> str:
        result = base = toc_slug(text)
        count = 0
        while result in self.seen or not result:
            count += 1
            result = f"{base}_{count}"
        self.seen.add(result)
        return result


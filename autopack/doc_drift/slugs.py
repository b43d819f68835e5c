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


_NUMBERED = re.compile(r"(.*)_([0-9]+)")


class TocSlugger:
    """Numbers duplicate slugs like Python-Markdown's `unique()`: `intro`, `intro_1`, `intro_2`;
    a taken `v_2` becomes `v_3`. It remembers where each search got to (every number it passed
    is taken for good), so n equal headings cost n steps, not n²/2."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.next_number: dict[tuple[str, int], int] = {}  # (stem, first number tried) -> next free candidate

    def slug(self, text: str) -> str:
        result = toc_slug(text)
        if result in self.seen or not result:
            numbered = _NUMBERED.fullmatch(result)
            stem, first = (numbered.group(1), int(numbered.group(2)) + 1) if numbered else (result, 1)
            number = self.next_number.get((stem, first), first)
            while f"{stem}_{number}" in self.seen:
                number += 1
            self.next_number[stem, first] = number + 1
            result = f"{stem}_{number}"
        self.seen.add(result)
        return result

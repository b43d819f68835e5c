#!/usr/bin/env python3
"""Markdown parsers a user could pick, side by side with cmark-gfm (GitHub's own renderer): how
often each agrees with it on a document's relative links and images, its headings and its code
spans (taken from each parser's HTML, raw HTML kept), how fast each is (parse + render +
extract, CPU seconds), and on how many files it crashed.

It fetches nothing: pass folders of git checkouts (e.g. the wild corpus under /work/wild); it
reads up to 4,000 of their tracked `.md` files (a fixed random sample). The parsers live in a
venv of their own, which git ignores:
    python -m venv bench/.venv
    bench/.venv/bin/pip install markdown-it-py cmarkgfm pyromark markdown-it-pyrs
    bench/.venv/bin/python bench/markdown_parsers_bench.py /path/to/checkouts/*
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")  # external links: out of doc drift's scope
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
Facts = dict[str, list[str]]


class Extract(HTMLParser):
    """Relative link and image targets, heading texts and code texts of a rendered document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.headings: list[str] = []
        self.code: list[str] = []
        self.heading: list[str] | None = None
        self.code_text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        target = values.get("href") if tag == "a" else values.get("src") if tag == "img" else None
        if target is not None and not SCHEME.match(target):
            self.links.append(unquote(target))
        if tag in HEADINGS:
            self.heading = []
        elif tag == "code":
            self.code_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in HEADINGS and self.heading is not None:
            self.headings.append("".join(self.heading).strip())
            self.heading = None
        elif tag == "code" and self.code_text is not None:
            self.code.append("".join(self.code_text))
            self.code_text = None

    def handle_data(self, data: str) -> None:
        for collecting in (self.heading, self.code_text):
            if collecting is not None:
                collecting.append(data)


def facts(html: str) -> Facts:
    extract = Extract()
    extract.feed(html)
    extract.close()
    return {"links": sorted(extract.links), "headings": extract.headings, "code": sorted(extract.code)}


def renderers() -> dict[str, Callable[[str], str]]:
    import cmarkgfm
    import markdown_it_pyrs
    import pyromark
    from cmarkgfm.cmark import Options
    from markdown_it import MarkdownIt

    python_parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    rust_parser = markdown_it_pyrs.MarkdownIt("commonmark").enable("table")
    gfm = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH | pyromark.Options.ENABLE_TASKLISTS | pyromark.Options.ENABLE_FOOTNOTES
    return {
        "cmark-gfm": lambda text: cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE),
        "markdown-it-py": python_parser.render,
        "markdown-it-pyrs": rust_parser.render,
        "pyromark": lambda text: pyromark.html(text, options=gfm),
    }


def sample(roots: list[Path], limit: int) -> list[str]:
    paths = []
    for root in roots:
        listed = subprocess.run(["git", "ls-files", "*.md"], cwd=root, capture_output=True, text=True, check=False).stdout.split()
        paths.extend(root / path for path in listed if "node_modules" not in path)
    random.Random(1).shuffle(paths)
    texts = []
    for path in paths[:limit]:
        try:
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", nargs="+", type=Path, help="git checkouts to take Markdown files from")
    parser.add_argument("--limit", type=int, default=4000, help="documents sampled (default 4000)")
    args = parser.parse_args()
    texts = sample(args.roots, args.limit)
    print(f"{len(texts)} documents, {sum(len(t.encode()) for t in texts) / 1e6:.1f} MB from {len(args.roots)} checkouts")
    results: dict[str, list[Facts | None]] = {}
    for name, render in renderers().items():
        start, crashed, found = time.process_time(), 0, []
        for text in texts:
            try:
                found.append(facts(render(text)))
            except BaseException:  # noqa: BLE001 - a Rust panic arrives as a BaseException
                crashed += 1
                found.append(None)
        results[name] = found
        print(f"{name:<18} {time.process_time() - start:7.2f} CPU s (parse, render, extract); crashed on {crashed} documents")
    reference = results["cmark-gfm"]
    for name, found in results.items():
        if name == "cmark-gfm":
            continue
        pairs = [(mine, theirs) for mine, theirs in zip(found, reference) if mine is not None and theirs is not None]
        shares = {key: sum(m[key] == t[key] for m, t in pairs) / len(pairs) for key in ("links", "headings", "code")}
        whole = sum(m == t for m, t in pairs) / len(pairs)
        print(f"{name:<18} agrees with cmark-gfm on links {shares['links']:.2%}, headings {shares['headings']:.2%}, "
              f"code spans {shares['code']:.2%}, all three {whole:.2%} of documents")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

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

import os, sys, time, subprocess, random
from html.parser import HTMLParser
import cmarkgfm, pyromark, markdown_it_pyrs
from cmarkgfm.cmark import Options
from markdown_it import MarkdownIt

class Extract(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.heads, self.codes, self.cur, self.incode = [], [], [], None, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href") is not None: self.links.append(a["href"])
        if tag == "img" and a.get("src") is not None: self.links.append(a["src"])
        if tag in ("h1","h2","h3","h4","h5","h6"): self.cur = []
        if tag == "code": self.incode = []
    def handle_endtag(self, tag):
        if tag in ("h1","h2","h3","h4","h5","h6") and self.cur is not None:
            self.heads.append("".join(self.cur).strip()); self.cur = None
        if tag == "code" and self.incode is not None:
            self.codes.append("".join(self.incode)); self.incode = None
    def handle_data(self, d):
        if self.cur is not None: self.cur.append(d)
        if self.incode is not None: self.incode.append(d)

def facts(html):
    e = Extract()
    try: e.feed(html); e.close()
    except Exception: pass
    return {"links": sorted(e.links), "headings": e.heads, "code": sorted(e.codes)}

from urllib.parse import unquote
import re
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")
def norm(f):
    return {"links": sorted(unquote(x) for x in f["links"] if not SCHEME.match(x)), "headings": f["headings"], "code": f["code"]}

py = MarkdownIt("commonmark", {"html": True}).enable("table")
rs = markdown_it_pyrs.MarkdownIt("commonmark").enable("table")
PARSERS = {
    "cmarkgfm": lambda t: cmarkgfm.github_flavored_markdown_to_html(t, options=Options.CMARK_OPT_UNSAFE),
    "markdown-it-py": py.render,
    "markdown-it-pyrs": rs.render,
    "pyromark": lambda t: pyromark.html(t, options=pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH | pyromark.Options.ENABLE_TASKLISTS | pyromark.Options.ENABLE_FOOTNOTES),
}
roots = sys.argv[1:]
paths = []
for root in roots:
    out = subprocess.run(["git", "ls-files", "*.md"], cwd=root, capture_output=True, text=True).stdout.split()
    paths += [os.path.join(root, p) for p in out if "node_modules" not in p]
random.Random(1).shuffle(paths)
paths = paths[:4000]
texts = []
for p in paths:
    try:
        texts.append(open(p, encoding="utf-8", errors="replace").read())
    except OSError:
        pass
size = sum(len(t.encode()) for t in texts) / 1e6
print(f"{len(texts)} files, {size:.1f} MB from {len(roots)} trees")
results = {}
crashes = {}
def safe(fn, x, name):
    try:
        return norm(facts(fn(x)))
    except BaseException as exc:
        crashes[name] = crashes.get(name, 0) + 1
        return None
for name, fn in PARSERS.items():
    t = time.process_time()
    results[name] = [safe(fn, x, name) for x in texts]
    print(f"{name:<18} parse+render+extract {time.process_time() - t:6.2f} CPU s; crashed on {crashes.get(name, 0)} files", flush=True)
ref = results["cmarkgfm"]
for name in PARSERS:
    if name == "cmarkgfm": continue
    agree = {k: 0 for k in ("links", "headings", "code")}
    whole = 0
    for a, b in zip(results[name], ref):
        if a is None or b is None:
            continue
        same = True
        for k in agree:
            if a[k] == b[k]: agree[k] += 1
            else: same = False
        whole += same
    n = len(texts)
    print(f"{name:<18} documents agreeing with cmark-gfm: links {agree['links']/n:.2%}, headings {agree['headings']/n:.2%}, code spans {agree['code']/n:.2%}, all three {whole/n:.2%}")

"""`autopack doc-drift --explain`: which documentation site system was detected for which
documents, what is resolved how, and what is not judged and why (a custom link render hook,
URL rewrites, build-time hooks, links out of a site). Read-only; prints, never fails on
findings (exit 0; 2 for a configuration error)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path


def explain_main(argv: Sequence[str] | None = None) -> int:
    from autopack import files
    from autopack.config import load_config
    from autopack.doc_drift import SETTINGS
    from autopack.doc_drift.builtin import check_documents
    from autopack.engine import CheckContext
    from autopack.findings import ConfigError

    parser = argparse.ArgumentParser(
        prog="autopack doc-drift --explain",
        description="Say which documentation site system judges which documents, and what is not judged and why.",
    )
    parser.add_argument("--config", type=Path, metavar="FILE", help="configuration file (default: .autopack.toml or pyproject.toml)")
    args = parser.parse_args(argv)
    root = files.find_root(Path.cwd())
    try:
        config = load_config(root, args.config)
    except ConfigError as exc:
        print(f"autopack doc-drift: error: {exc}", file=sys.stderr)
        return 2
    context = CheckContext(root=root, config=config, settings=config.section("doc-drift", SETTINGS), files=[])
    findings, repo = check_documents(context)
    for skip in context.skipped:
        if skip.notify:
            print(f"note: {skip.path}: {skip.reason}")
    if repo is None:
        print("No Markdown documents to check (see `docs-globs` and `fixture-globs`).")
        return 0
    for line in repo.sites.explain():
        print(line)
    documents = [path for path, document in repo.documents.items() if document is not None]
    per_site = Counter(site.config if (site := repo.sites.site_for(path)) else "" for path in documents)
    print()
    for config_path, count in sorted(per_site.items()):
        where = f"pages of the site {config_path}" if config_path else "outside any site (GitHub's rules)"
        print(f"{count} document(s) {where}")
    machine_made = sum(1 for path in documents if repo.documents[path].machine_made)  # type: ignore[union-attr]
    if machine_made:
        print(f"{machine_made} document(s) say a tool writes them (\"DO NOT EDIT\"): not judged; their source is")
    print(f"{len(findings)} finding(s); run `autopack doc-drift --all-files` to see them")
    return 0

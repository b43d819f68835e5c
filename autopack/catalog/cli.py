"""`autopack catalog validate | show | route TIER | snapshot`.

`validate` (also: no subcommand, or FILE arguments) is the hook with every common flag. The
other subcommands answer questions about routing; like the router they fall back to the seed
catalog (with a warning on stderr) unless `--no-seed` is given.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from autopack import engine, files
from autopack.catalog.hook import SETTINGS, catalog_files
from autopack.catalog.loader import CatalogError, load_catalog_or_seed, load_model_catalog, logger
from autopack.catalog.model import (
    ESCALATION_ORDER,
    SAFETY_PROFILES,
    ModelCatalogEntry,
    NoCandidateError,
    decimal_text,
    routing_snapshot,
    select_model,
)
from autopack.config import load_config
from autopack.files import find_root
from autopack.findings import ConfigError

QUERIES = ("show", "route", "snapshot")
PROG = "autopack catalog"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in QUERIES:
        return query(args[0], args[1:])
    if args and args[0] == "validate":
        args = args[1:]
    elif args and not args[0].startswith("-") and not os.path.lexists(args[0]):
        from autopack.cli import did_you_mean

        print(
            f"{PROG}: error: unknown subcommand {args[0]!r}{did_you_mean(args[0], ('validate', *QUERIES))}; "
            "choose validate, show, route TIER or snapshot (FILE arguments must exist)",
            file=sys.stderr,
        )
        return 2
    return engine.run(
        ["catalog"],
        args,
        prog=f"{PROG} validate",
        description="Validate the model catalog. Other subcommands: show, route TIER [--profile strict], snapshot.",
    )


def _parser(command: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"{PROG} {command}")
    parser.add_argument("--config", type=Path, metavar="FILE", help="autopack configuration file")
    parser.add_argument("--no-seed", action="store_true", help="fail instead of falling back to the built-in seed catalog")
    if command == "show":
        parser.add_argument("--format", choices=("text", "json"), default="text")
    elif command == "route":
        parser.add_argument("tier", metavar="TIER", help=f"tier to route, e.g. {', '.join(ESCALATION_ORDER)}")
        parser.add_argument("--profile", choices=SAFETY_PROFILES, default="normal", help="safety profile (default: normal)")
    else:
        parser.add_argument("--output", type=Path, metavar="FILE", help="write the snapshot to FILE (atomically)")
    return parser


class _StderrWarnings(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        print(f"{PROG}: warning: {record.getMessage()}", file=sys.stderr)


def _load(args: argparse.Namespace) -> list[ModelCatalogEntry]:
    root = find_root(Path.cwd())
    config = load_config(root, args.config)
    settings = config.section("catalog", SETTINGS)
    models, pricing = catalog_files(root, settings)
    options = {"required_tiers": settings["required-tiers"], "max_size": config.values["max-file-size"]}
    if args.no_seed:
        return load_model_catalog(models.path, pricing.path, **options)
    handler = _StderrWarnings(logging.WARNING)
    logger.addHandler(handler)
    try:
        return load_catalog_or_seed(models.path, pricing.path, **options)
    finally:
        logger.removeHandler(handler)


def query(command: str, argv: Sequence[str]) -> int:
    args = _parser(command).parse_args(argv)
    try:
        catalog = _load(args)
    except ConfigError as exc:
        print(f"{PROG} {command}: error: {exc}", file=sys.stderr)
        return 2
    except CatalogError as exc:
        for finding in exc.findings:
            print(f"{PROG} {command}: error: {finding.path}:{finding.line or 1}:{finding.column or 1}: "
                  f"{finding.rule_id} {finding.message}", file=sys.stderr)
        return 1
    if command == "route":
        try:
            print(select_model(catalog, args.tier, args.profile).model_id)
        except NoCandidateError as exc:
            print(f"{PROG} route: error: {exc}", file=sys.stderr)
            return 1
        return 0
    if command == "snapshot":
        text = routing_snapshot(catalog) + "\n"
        if args.output:
            try:
                files.write_output(args.output, text)
            except OSError as exc:
                print(f"{PROG} snapshot: error: cannot write {exc.filename or args.output}: {exc.strerror or exc}", file=sys.stderr)
                return 2
        else:
            sys.stdout.write(text)
        return 0
    sys.stdout.write(show(catalog, args.format))
    return 0


def show(catalog: Sequence[ModelCatalogEntry], fmt: str) -> str:
    """The catalog as a table (`*` marks each tier's route under the normal profile) or JSON."""
    if fmt == "json":
        import json

        return json.dumps([entry.to_json() for entry in catalog], indent=2, sort_keys=True) + "\n"
    routes = {(select_model(catalog, tier).model_id, tier) for tier in {entry.tier for entry in catalog}}
    header = ("", "tier", "model", "provider", "input/1k", "output/1k", "max_tokens", "context_chars", "strict-safe")
    rows = [header] + [
        (
            "*" if (e.model_id, e.tier) in routes else "",
            e.tier,
            e.model_id,
            e.provider,
            decimal_text(e.cost_per_1k_input),
            decimal_text(e.cost_per_1k_output),
            str(e.max_tokens),
            str(e.max_context_chars),
            "yes" if e.safety_compatible else "no",
        )
        for e in catalog
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines) + "\n"

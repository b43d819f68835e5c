"""A catalog's verdict remembered: a run that reads the same catalog texts, with the same settings
and the same code, as an earlier run answers with that run's findings (none for a clean catalog)
without validating again.

Importing the YAML parser alone costs about two runs of `python -c pass`, more than a clean hook
run may cost in all; a catalog that has not changed since it was last validated (a commit that
touches only `pyproject.toml`, `pre-commit run --all-files` again) needs none of it. The entry
holds everything the verdict depends on, the two texts included, and is compared whole (no hash
to collide): a changed byte is a miss, never a stale verdict. Findings follow as JSON, read only
when there are any, and are remembered only when JSON gives them back unchanged, so a remembered
run reports byte for byte what the validation reported.

The entry holds the repository's absolute path and the installed code's file sizes and mtimes,
which no committed file can know, so it is read without asking git; it is written only where git
tracks nothing (`cache.trusted_store`).
"""

from __future__ import annotations

from autopack.cache import code_signature, open_store, seal, trusted_store, unseal
from autopack.findings import Finding

TYPE_CHECKING = False  # typing only for type checkers: the hook starts lean
if TYPE_CHECKING:
    from autopack.engine import CheckContext

FORMAT = "autopack-catalog-verdict 3"
ENTRY = "catalog"
# What the verdict reads besides autopack's own code: the parser, and the validator that explains
# (and, for what the packaged schemas do not spell out, judges) a document.
_FOREIGN_CODE = ("yaml", "jsonschema")


def inputs_key(context: CheckContext, texts: list[str]) -> str:
    """Everything a verdict depends on: the catalog texts as read, autopack's and its parsers'
    code, the repository's place, the settings and the global configuration. repr, one line: the
    same inputs give the same text (surrogates escaped), any other difference is a miss."""
    material = [code_signature(*_FOREIGN_CODE), context.root_dir, context.settings, context.config.values, texts]
    return f"{material!r}\n"


def recall(context: CheckContext, key: str) -> list[Finding] | None:
    """The findings of an earlier run with these exact inputs ([] when it found the catalog clean), or None."""
    store = open_store(context.root_dir, context.config, context.use_cache)
    body = unseal(store.load(ENTRY), FORMAT) if store is not None else None
    if body is None or not body.startswith(key):
        return None
    stored = body[len(key):]
    if not stored:
        return []
    import json

    try:
        return [Finding.from_list(item) for item in json.loads(stored)]
    except (TypeError, ValueError, RecursionError):  # another shape: validate again
        return None


def remember(context: CheckContext, key: str, findings: list[Finding]) -> None:
    store = trusted_store(context.root_dir, context.config, context.use_cache)
    if store is None:
        return
    stored = ""
    if findings:
        import json

        items = [finding.to_list() for finding in findings]
        try:
            stored = json.dumps(items, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError):  # a value JSON cannot hold: validate every time
            return
        if json.loads(stored) != items:  # a tuple or a number key would come back changed
            return
    store.save(ENTRY, seal(FORMAT, key + stored))

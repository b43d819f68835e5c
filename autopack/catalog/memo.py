"""A clean catalog remembered: a run that reads the same catalog texts, with the same settings and
the same code, as an earlier clean run answers "clean" without validating again.

Importing the YAML parser alone costs about two runs of `python -c pass`, more than a clean hook
run may cost in all; a catalog that has not changed since it last passed (a commit that touches
only `pyproject.toml`, `pre-commit run --all-files` again) needs none of it. The entry holds
everything the verdict depends on, the two texts included, and is compared whole (no hash to
import or to collide): a changed byte is a miss, never a stale "clean". Only clean verdicts are
remembered: a catalog with findings is validated every time, so its findings always come from
the validation itself.

The entry holds the repository's absolute path and the installed code's file sizes and mtimes,
which no committed file can know, so it is read without asking git; it is written only where git
tracks nothing (`cache.trusted_store`).
"""

from __future__ import annotations

from autopack.cache import code_signature, open_store, trusted_store

TYPE_CHECKING = False  # typing only for type checkers: the hook starts lean
if TYPE_CHECKING:
    from autopack.engine import CheckContext

FORMAT = "autopack-catalog-clean 2"
ENTRY = "catalog-clean"
# What the verdict reads besides autopack's own code: the parser, and the validator that explains
# (and, for what the packaged schemas do not spell out, judges) a document.
_FOREIGN_CODE = ("yaml", "jsonschema")


def clean_entry(context: CheckContext, texts: list[str]) -> str:
    """Everything a clean verdict depends on: the catalog texts as read, autopack's and its
    parsers' code, the repository's place, the settings and the global configuration. repr, not
    JSON: the same inputs give the same text (surrogates escaped), any other difference is a miss."""
    material = [code_signature(*_FOREIGN_CODE), context.root_dir, context.settings, context.config.values, texts]
    return f"{FORMAT}\n{material!r}\n"


def remembered_clean(context: CheckContext, entry: str) -> bool:
    """Whether an earlier run found these exact inputs clean."""
    store = open_store(context.root_dir, context.config, context.use_cache)
    return store is not None and store.load(ENTRY) == entry.encode("utf-8")


def remember_clean(context: CheckContext, entry: str) -> None:
    store = trusted_store(context.root_dir, context.config, context.use_cache)
    if store is not None:
        store.save(ENTRY, entry)

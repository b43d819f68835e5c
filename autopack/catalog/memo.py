"""A clean catalog remembered: a run that reads the same catalog texts, with the same settings and
the same code, as an earlier clean run answers "clean" without validating again.

Importing the YAML parser alone costs about two runs of `python -c pass`, more than a clean hook
run may cost in all; a catalog that has not changed since it last passed (a commit that touches
only `pyproject.toml`, `pre-commit run --all-files` again) needs none of it. The entry is one
line: a hash of everything the verdict depends on, the two texts included, so a changed byte is a
miss, never a stale "clean". Only clean verdicts are remembered: a catalog with findings is
validated every time, so its findings always come from the validation itself.

The key holds the repository's absolute path and the installed code's stat signature, which no
committed file can know, so an entry is read without asking git; it is written only where git
tracks nothing (`cache.trusted_store`).
"""

from __future__ import annotations

import hashlib

from autopack.cache import code_signature, open_store, trusted_store

TYPE_CHECKING = False  # typing only for type checkers: the hook starts lean
if TYPE_CHECKING:
    from autopack.engine import CheckContext

FORMAT = "autopack-catalog-clean 1"
ENTRY = "catalog-clean"
# What the verdict reads besides autopack's own code: the parser, and the validator that explains
# (and, for what the packaged schemas do not spell out, judges) a document.
_FOREIGN_CODE = ("yaml", "jsonschema")


def clean_key(context: CheckContext, texts: list[str]) -> str:
    """Everything a clean verdict depends on: the catalog texts as read, autopack's and its
    parsers' code, the repository's place, the settings and the global configuration."""
    # repr, not JSON: the same inputs give the same text, and any other difference is only a miss
    material = repr([FORMAT, code_signature(*_FOREIGN_CODE), context.root_dir, context.settings, context.config.values, texts])
    return hashlib.blake2b(material.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _line(key: str) -> str:
    return f"{FORMAT} {key}\n"


def remembered_clean(context: CheckContext, key: str) -> bool:
    """Whether an earlier run found these exact inputs clean."""
    store = open_store(context.root_dir, context.config, context.use_cache)
    return store is not None and store.load(ENTRY) == _line(key).encode()


def remember_clean(context: CheckContext, key: str) -> None:
    store = trusted_store(context.root_dir, context.config, context.use_cache)
    if store is not None:
        store.save(ENTRY, _line(key))

"""The catalog's rules and the files they judge: what the hook needs before it validates, or
instead of validating (a catalog remembered clean, `memo`), without the validator's imports."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable

from autopack.findings import Rule, Severity

TYPE_CHECKING = False  # typing only for type checkers: the hook starts lean
if TYPE_CHECKING:
    from autopack.files import StrPath

DOC = "catalog.md"

FILE_UNUSABLE = Rule(
    id="APC300",
    name="catalog-file-unusable",
    severity=Severity.ERROR,
    summary="A catalog file is missing, unreadable, not valid YAML, or refused (alias bomb, too large).",
    fix="Create the file or fix the YAML at the position shown (run `autopack catalog validate`).",
    doc=DOC,
)
SCHEMA_VIOLATION = Rule(
    id="APC301",
    name="catalog-schema-violation",
    severity=Severity.ERROR,
    summary="A value in the catalog files does not match the catalog's JSON Schema.",
    fix="Give the value the type and shape docs/catalog.md describes for that key.",
    doc=DOC,
)
DUPLICATE_KEY = Rule(
    id="APC302",
    name="catalog-duplicate-key",
    severity=Severity.ERROR,
    summary="A YAML mapping repeats a key; YAML silently keeps only the last value.",
    fix="Remove or rename one of the two keys so each appears once.",
    doc=DOC,
)
MISSING_TIER = Rule(
    id="APC303",
    name="catalog-missing-tier",
    severity=Severity.ERROR,
    summary="A required tier (by default haiku, sonnet, opus) has no model.",
    fix="Add `<tier>: <model-id>` under model_aliases, or a models: entry with `tier: <tier>`.",
    doc=DOC,
)
UNPRICED_MODEL = Rule(
    id="APC304",
    name="catalog-model-unpriced",
    severity=Severity.ERROR,
    summary="A catalog model has no price (error), or a priced model is never named (warning).",
    fix="Price every model under its provider section in pricing.yaml; drop prices of models you no longer use.",
    doc=DOC,
)
INVALID_PRICE = Rule(
    id="APC305",
    name="catalog-invalid-price",
    severity=Severity.ERROR,
    summary="A price is negative or not finite (error), or output is cheaper than input (warning).",
    fix="Write prices as finite numbers >= 0 in USD per 1,000 tokens.",
    doc=DOC,
)
ALIAS_INCONSISTENT = Rule(
    id="APC306",
    name="catalog-alias-inconsistent",
    severity=Severity.ERROR,
    summary="An alias is also a model id, points to another alias, or contradicts its model's tier.",
    fix="Give each name one meaning: rename the alias, point it at a model id, or fix the tier.",
    doc=DOC,
)
RULES: tuple[Rule, ...] = (
    FILE_UNUSABLE,
    SCHEMA_VIOLATION,
    DUPLICATE_KEY,
    MISSING_TIER,
    UNPRICED_MODEL,
    INVALID_PRICE,
    ALIAS_INCONSISTENT,
)


class CatalogFile(namedtuple("CatalogFile", "path display schema")):
    """A file to validate: where it is, how findings name it, which schema applies."""

    __slots__ = ()
    path: StrPath
    display: str
    schema: str  # "models" or "pricing"


TextReader = Callable[[CatalogFile], str]  # the file's text, or raises YamlProblem

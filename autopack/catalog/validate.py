"""Validation of the two catalog files: each against its JSON Schema, then across files.

One pass gives both the findings (for the hook) and the catalog entries (for the router), so
the library accepts exactly what the hook passes. yaml and jsonschema are imported only when a
validation actually runs.
"""

from __future__ import annotations

import math
from collections import namedtuple
from collections.abc import Iterable, Sequence
from decimal import Decimal

from autopack.catalog.defaults import DEFAULT_MAX_CONTEXT_CHARS, DEFAULT_MAX_TOKENS, ESCALATION_ORDER
from autopack.catalog.rules import (
    ALIAS_INCONSISTENT, DUPLICATE_KEY, FILE_UNUSABLE, INVALID_PRICE, MISSING_TIER, SCHEMA_VIOLATION, UNPRICED_MODEL, CatalogFile, TextReader,
)
from autopack.collector import collector_paused
from autopack.findings import Finding, Rule, Severity
from autopack.schema import json_path, load_schema, schema_problems
from autopack.yamldoc import (
    JsonPath,
    Position,
    YamlDocument,
    YamlProblem,
    parse,
    read_text,
)

TYPE_CHECKING = False  # typing, pathlib and the routing model for type checkers only: the hook starts lean
if TYPE_CHECKING:
    from typing import Any

    from autopack.catalog.model import ModelCatalogEntry

DEFAULT_MAX_SIZE = 2 * 1024 * 1024
PRICE_FIELDS = ("input_per_1k", "output_per_1k")
NON_PROVIDER_KEYS = frozenset({"cost_calculation", "budgets", "optimization", "reporting"})


class Validation:
    """What validating the two files found, and the routable entries they give. The entries are
    built on first use: the hook needs only the findings, and never imports the routing model."""

    def __init__(
        self, findings: list[Finding], unusable: dict[str, str], catalog: Catalog | None = None, tier_names: set[str] | None = None
    ) -> None:
        self.findings = findings
        self.unusable = unusable  # display path → kind (missing, unreadable, invalid)
        self._catalog, self._tier_names = catalog, tier_names or set()  # None: nothing to build entries from
        self._entries: list[ModelCatalogEntry] | None = None

    @property
    def entries(self) -> list[ModelCatalogEntry]:
        if self._entries is None:
            self._entries = build_entries(self._catalog, self._tier_names) if self._catalog is not None else []
        return self._entries

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


# --- schema ---------------------------------------------------------------------------------


def catalog_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of the `models` or `pricing` file, shipped as package data."""
    return load_schema(__package__, _schema_resource(name))


def _schema_resource(name: str) -> str:
    return f"schemas/{name}.schema.json"


def schema_findings(document: YamlDocument, file: CatalogFile) -> list[Finding]:
    """Every schema error at `file:line:col` with the JSON path of the offending value."""
    return [
        SCHEMA_VIOLATION.finding(
            file.display,
            problem.message,
            line=problem.line,
            column=problem.column,
            line_text=document.line_text(problem.line),
            data={"json_path": json_path(problem.path), "validator": problem.keyword},
        )
        for problem in schema_problems(document, __package__, _schema_resource(file.schema))
        # negative prices are APC305's
        if not (problem.keyword == "minimum" and problem.path and problem.path[-1] in PRICE_FIELDS)
    ]


def duplicate_findings(document: YamlDocument, file: CatalogFile) -> list[Finding]:
    return [
        DUPLICATE_KEY.finding(
            file.display,
            f"duplicate key {dup.key!r} in {json_path(dup.mapping_path)} (first at line {dup.first.line}); "
            "YAML keeps only this last value",
            line=dup.position.line,
            column=dup.position.column,
            line_text=document.line_text(dup.position.line),
        )
        for dup in document.duplicates
    ]


# --- reading the catalog --------------------------------------------------------------------


class Price(namedtuple("Price", "model_id provider path input output has_price_field", defaults=(True,))):
    """One priced entry; `has_price_field` False: an entry with neither price key (APC301 reports it)."""

    __slots__ = ()
    model_id: str
    provider: str
    path: JsonPath
    input: Decimal | None
    output: Decimal | None
    has_price_field: bool


class Catalog:
    """What the two files say, read tolerantly (wrong types were reported by the schema)."""

    def __init__(self, aliases: dict[str, str] | None = None, specs: dict[str, dict[str, Any]] | None = None, complete: bool = True) -> None:
        self.aliases = aliases if aliases is not None else {}
        self.specs = specs if specs is not None else {}
        self.prices: dict[str, Price] = {}  # a model priced twice: its first entry
        self.price_entries: list[Price] = []  # every priced entry, for APC305
        # False when model_aliases or models is there but not a mapping (APC301 says so): which
        # models are named and which tiers exist is then unknown, so APC303 and the unnamed-price
        # warning would only repeat that one error many times.
        self.complete = complete

    def is_model_id(self, name: str) -> bool:
        """Whether an alias target names a model rather than another alias: it is no alias, or
        it is also a models: entry or priced, or it is an alias of itself (`gpt-4o: gpt-4o`)."""
        return (
            name not in self.aliases or name in self.specs or name in self.prices or self.aliases[name] == name
        )


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def read_models(document: YamlDocument) -> Catalog:
    top = _mapping(document.value)
    aliases = {
        name: target.strip()
        for name, target in _mapping(top.get("model_aliases")).items()
        # a target with a space inside is APC301's (schema pattern `^\S+$`), not also an unpriced model
        if not name.startswith("x-") and isinstance(target, str) and target.strip() and len(target.split()) == 1
    }
    specs = {
        model_id: spec or {}
        for model_id, spec in _mapping(top.get("models")).items()
        if not model_id.startswith("x-") and (spec is None or isinstance(spec, dict))  # x-: the user's
    }
    complete = all(top.get(key) is None or isinstance(top[key], dict) for key in ("model_aliases", "models"))
    return Catalog(aliases=aliases, specs=specs, complete=complete)


def is_provider_section(name: str, section: Any) -> bool:
    """A top-level mapping, not a known non-provider key nor `x-`, with a priced entry."""
    if name in NON_PROVIDER_KEYS or name.startswith("x-") or not isinstance(section, dict):
        return False
    return any(
        isinstance(entry, dict) and any(f in entry for f in PRICE_FIELDS) and not key.startswith("x-")
        for key, entry in section.items()
    )


def read_price_entries(document: YamlDocument) -> list[Price]:
    """Every model entry of every provider section, in file order (a model may be priced in two
    sections: each entry's prices are checked, the first is the model's price)."""
    entries: list[Price] = []
    for provider, section in _mapping(document.value).items():
        if not is_provider_section(provider, section):
            continue
        for model_id, entry in section.items():
            if model_id.startswith("x-"):  # the user's own key, as at the top level
                continue
            path = (provider, model_id)
            if not isinstance(entry, dict):  # `model: 0.005`, `model:` (APC301): there, but no prices
                entries.append(Price(model_id, provider, path, None, None, has_price_field=False))
                continue
            amounts = [
                document.decimal((*path, name)) if _is_number(entry.get(name)) else None for name in PRICE_FIELDS
            ]
            entries.append(Price(model_id, provider, path, amounts[0], amounts[1], any(f in entry for f in PRICE_FIELDS)))
    return entries


def read_prices(document: YamlDocument) -> dict[str, Price]:
    prices: dict[str, Price] = {}
    for price in read_price_entries(document):
        prices.setdefault(price.model_id, price)
    return prices


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _usable(amount: Decimal | None) -> bool:
    return amount is not None and amount.is_finite() and amount >= 0


# --- the checks -----------------------------------------------------------------------------


class _Reporter:
    """Builds findings at positions of one document."""

    def __init__(self, document: YamlDocument, file: CatalogFile, findings: list[Finding]) -> None:
        self.document, self.file, self.findings = document, file, findings

    def add(self, rule: Rule, path: JsonPath, message: str, *, key: bool = False, severity: Severity | None = None,
            fix: str | None = None, line_text: str | None = None) -> None:
        position = self.document.position(path, key=key) if path else Position(1, 1)
        self.findings.append(
            rule.finding(
                self.file.display,
                message,
                line=position.line,
                column=position.column,
                line_text=line_text if line_text is not None else self.document.line_text(position.line),
                fix=fix,
                severity=severity,
            )
        )


def price_findings(report: _Reporter, prices: Iterable[Price]) -> None:
    """APC305: finite and >= 0 (error); output cheaper than input (warning)."""
    for price in prices:
        for name, amount in zip(PRICE_FIELDS, (price.input, price.output)):
            if amount is None:
                continue
            if not amount.is_finite():
                written = report.document.node_at((*price.path, name)).value
                report.add(INVALID_PRICE, (*price.path, name), f"{price.model_id}: {name} is {written}, not a finite number")
            elif amount < 0:
                report.add(INVALID_PRICE, (*price.path, name), f"{price.model_id}: {name} is negative ({amount})")
        # An output price of 0 is a model without output tokens (embeddings, moderation), not a swap.
        if _usable(price.input) and _usable(price.output) and 0 < price.output < price.input:  # type: ignore[operator]
            report.add(
                INVALID_PRICE,
                (*price.path, "output_per_1k"),
                f"{price.model_id}: output_per_1k {price.output} is lower than input_per_1k {price.input}",
                severity=Severity.WARNING,
                fix="Check the two prices are not swapped; providers charge more for output than for input.",
            )


def _tier_of_spec(spec: dict[str, Any]) -> str | None:
    tier = spec.get("tier")
    return tier if isinstance(tier, str) and tier.strip() else None


def model_tiers(catalog: Catalog, tier_names: set[str]) -> dict[str, list[str]]:
    """Each named model's tiers: its models: entry's tier, else every tier alias targeting it."""
    tiers: dict[str, list[str]] = {}
    for model_id, spec in catalog.specs.items():
        tier = _tier_of_spec(spec)
        if tier:
            tiers[model_id] = [tier]
    for alias, target in catalog.aliases.items():
        if alias in tier_names and _tier_of_spec(catalog.specs.get(target, {})) is None:
            tiers.setdefault(target, [])
            if alias not in tiers[target]:
                tiers[target].append(alias)
    return tiers


def models_findings(report: _Reporter, catalog: Catalog, model_ids: set[str], tier_names: set[str], required: Sequence[str]) -> None:
    """APC303 (required tiers) and APC306 (alias consistency) in models.yaml."""
    present = {tier for tiers in model_tiers(catalog, tier_names).values() for tier in tiers}
    # A tier alias that points at a model of another tier is APC306's, below; the tier is not
    # also reported missing.
    present |= {alias for alias, target in catalog.aliases.items() if alias in tier_names and _tier_of_spec(catalog.specs.get(target, {}))}
    for tier in required if catalog.complete else ():
        if tier not in present:
            report.add(
                MISSING_TIER,
                ("model_aliases",) if "model_aliases" in _mapping(report.document.value) else (),
                f"required tier {tier!r} has no model",
                key=True,
                fix=f"Add `{tier}: <model-id>` under model_aliases (or a models: entry with `tier: {tier}`).",
                line_text=f"missing tier {tier}",
            )
    for alias, target in catalog.aliases.items():
        alias_path = ("model_aliases", alias)
        if alias in model_ids and alias != target:
            report.add(
                ALIAS_INCONSISTENT,
                alias_path,
                f"alias {alias!r} is also a model id; a name must mean one thing",
                key=True,
                fix="Rename the alias (or drop it and use the model id).",
            )
        if not catalog.is_model_id(target):
            report.add(
                ALIAS_INCONSISTENT,
                alias_path,
                f"alias {alias!r} points to another alias {target!r}, not to a model id",
                fix=f"Point {alias!r} at the model id {catalog.aliases[target]!r}.",
            )
        spec_tier = _tier_of_spec(catalog.specs.get(target, {}))
        if alias in tier_names and spec_tier is not None and spec_tier != alias:
            report.add(
                ALIAS_INCONSISTENT,
                alias_path,
                f"tier alias {alias!r} points to {target!r}, whose models: entry has tier {spec_tier!r}",
                fix=f"Point {alias!r} at a {alias} model, or set `tier: {alias}` in the models: entry of {target!r}.",
            )


def _named_models(catalog: Catalog) -> dict[str, JsonPath]:
    """Every model id models.yaml names, with where it is first named (alias targets that are
    themselves aliases are not model ids: APC306 reports them)."""
    named: dict[str, JsonPath] = {}
    for alias, target in catalog.aliases.items():
        if catalog.is_model_id(target):
            named.setdefault(target, ("model_aliases", alias))
    for model_id in catalog.specs:
        named.setdefault(model_id, ("models", model_id))
    return named


def pricing_cross_findings(models: _Reporter, pricing: _Reporter, catalog: Catalog) -> None:
    """APC304 both ways: every named model priced (error), every priced model named (warning)."""
    named = _named_models(catalog)
    dropped_prices = _priced_behind_duplicates(pricing.document)
    for model_id, path in named.items():
        if model_id not in catalog.prices and model_id not in dropped_prices:
            models.add(
                UNPRICED_MODEL,
                path,
                f"model {model_id!r} has no price in {pricing.file.display}",
                key=path[0] == "models",
                fix=f"Add {model_id!r} with input_per_1k and output_per_1k under its provider section in {pricing.file.display}.",
            )
    written = _names_behind_duplicates(models.document)
    for model_id, price in catalog.prices.items():
        if model_id not in named and model_id not in written and price.has_price_field and catalog.complete:
            pricing.add(
                UNPRICED_MODEL,
                price.path,
                f"model {model_id!r} is priced but no alias or models: entry in {models.file.display} names it",
                key=True,
                severity=Severity.WARNING,
                fix=f"Name it in {models.file.display} (an alias or a models: entry), or delete its price.",
            )


def _names_behind_duplicates(document: YamlDocument) -> set[str]:
    """Model ids written in models.yaml where a duplicate key (APC302) made YAML drop them: an
    earlier `haiku: <model>` or `models:` entry, or a whole earlier `model_aliases:` table. The
    model is named in the file, so the repeated key is the one finding, not also an unnamed price."""
    if not document.duplicates:
        return set()
    from yaml import MappingNode, ScalarNode

    names: set[str] = set()
    root = document.root
    for key_node, value_node in root.value if isinstance(root, MappingNode) else ():
        if isinstance(value_node, MappingNode) and key_node.value in ("model_aliases", "models"):
            for entry_key, entry_value in value_node.value:
                if key_node.value == "models":
                    names.add(entry_key.value)
                elif isinstance(entry_value, ScalarNode):
                    names.add(entry_value.value.strip())
    return names


def _priced_behind_duplicates(document: YamlDocument) -> set[str]:
    """Model ids priced in pricing.yaml only inside a provider section that a repeated top-level
    key (APC302) made YAML drop: the repeated key is the finding, not also unpriced models."""
    if not document.duplicates:
        return set()
    from yaml import MappingNode

    names: set[str] = set()
    root = document.root
    for key_node, value_node in root.value if isinstance(root, MappingNode) else ():
        name = key_node.value
        if name in NON_PROVIDER_KEYS or name.startswith("x-") or not isinstance(value_node, MappingNode):
            continue
        for entry_key, entry_value in value_node.value:
            if isinstance(entry_value, MappingNode) and any(k.value in PRICE_FIELDS for k, _ in entry_value.value):
                names.add(entry_key.value)
    return names


def build_entries(catalog: Catalog, tier_names: set[str]) -> list[ModelCatalogEntry]:
    """One entry per (model, tier) for every model that has a tier and usable prices."""
    from autopack.catalog.model import ModelCatalogEntry, infer_provider, sort_catalog

    entries = []
    for model_id, tiers in model_tiers(catalog, tier_names).items():
        price = catalog.prices.get(model_id)
        if price is None or not (_usable(price.input) and _usable(price.output)):
            continue
        spec = catalog.specs.get(model_id, {})
        provider = spec.get("provider")
        for tier in tiers:
            entries.append(
                ModelCatalogEntry(
                    model_id=model_id,
                    provider=provider if isinstance(provider, str) and provider else price.provider or infer_provider(model_id),
                    tier=tier,
                    max_tokens=_positive_int(spec.get("max_tokens"), DEFAULT_MAX_TOKENS),
                    max_context_chars=_positive_int(spec.get("max_context_chars"), DEFAULT_MAX_CONTEXT_CHARS),
                    cost_per_1k_input=price.input,  # type: ignore[arg-type]
                    cost_per_1k_output=price.output,  # type: ignore[arg-type]
                    safety_compatible=spec.get("safety_compatible", True) is not False,
                )
            )
    return sort_catalog(entries)


def _positive_int(value: Any, default: int) -> int:
    if _is_number(value) and math.isfinite(value) and value >= 1 and int(value) == value:
        return int(value)
    return default


# --- the whole validation -------------------------------------------------------------------


def _load(file: CatalogFile, reader: TextReader, findings: list[Finding], unusable: dict[str, str]) -> YamlDocument | None:
    try:
        document = parse(reader(file))
    except YamlProblem as problem:
        unusable[file.display] = problem.kind
        position = problem.position or Position(1, 1)
        findings.append(
            FILE_UNUSABLE.finding(
                file.display,
                problem.message,
                line=position.line,
                column=position.column,
                line_text=problem.message,
                fix=_unusable_fix(problem, file),
            )
        )
        return None
    findings.extend(duplicate_findings(document, file))
    findings.extend(schema_findings(document, file))
    return document


def _unusable_fix(problem: YamlProblem, file: CatalogFile) -> str:
    if problem.kind == "missing":
        return f"Create {file.display} (see docs/catalog.md), or set `{file.schema}-path` in [tool.autopack.catalog]."
    if problem.kind == "unreadable":
        return f"Make {file.display} a readable regular file under max-file-size."
    return "Fix the YAML at the position shown; check indentation, quotes and brackets."


def _mapping_document(document: YamlDocument | None) -> YamlDocument | None:
    return document if document is not None and isinstance(document.value, dict) else None


def validate_catalog(
    models: CatalogFile,
    pricing: CatalogFile,
    *,
    required_tiers: Sequence[str] = ESCALATION_ORDER,
    max_size: int = DEFAULT_MAX_SIZE,
    reader: TextReader | None = None,
) -> Validation:
    """Validate both files and build the catalog entries from what they say. `reader` replaces
    reading the files from disk (the hook reads through the runner, which can read the index)."""
    with collector_paused():  # parsing allocates many objects and frees none
        return _validate(models, pricing, required_tiers, reader or (lambda file: read_text(file.path, max_size)))


def _validate(models: CatalogFile, pricing: CatalogFile, required_tiers: Sequence[str], reader: TextReader) -> Validation:
    findings: list[Finding] = []
    unusable: dict[str, str] = {}
    # A file whose top level is not a mapping was reported by the schema; reading it for the
    # cross-file rules would only repeat that error as missing tiers and unnamed prices.
    models_doc = _mapping_document(_load(models, reader, findings, unusable))
    pricing_doc = _mapping_document(_load(pricing, reader, findings, unusable))
    catalog = read_models(models_doc) if models_doc else Catalog()
    if pricing_doc:
        catalog.price_entries = read_price_entries(pricing_doc)
        catalog.prices = {}
        for price in catalog.price_entries:
            catalog.prices.setdefault(price.model_id, price)
        price_findings(_Reporter(pricing_doc, pricing, findings), catalog.price_entries)
    tier_names = {*ESCALATION_ORDER, *required_tiers, *filter(None, map(_tier_of_spec, catalog.specs.values()))}
    if models_doc:
        model_ids = set(_named_models(catalog)) | set(catalog.prices)
        models_findings(_Reporter(models_doc, models, findings), catalog, model_ids, tier_names, required_tiers)
        if pricing_doc:
            pricing_cross_findings(_Reporter(models_doc, models, findings), _Reporter(pricing_doc, pricing, findings), catalog)
            return Validation(findings, unusable, catalog, tier_names)
    return Validation(findings, unusable)

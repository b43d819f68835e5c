"""The syntax-tree half of the parallelism lint: a file that mentions a configured name is parsed
with `ast` (never imported) and every call is judged against the file's bindings; with APP403 on,
the project's own pool subclasses are found here too.

Only `autopack.parallel.lint` imports this module, and only when a file needs parsing: most hook
runs never pay for `ast`.
"""

from __future__ import annotations

import ast
import warnings
from collections import namedtuple
from collections.abc import Iterable, Sequence
from operator import attrgetter

from autopack.engine import CheckContext
from autopack.files import SourceFile
from autopack.findings import Finding, Rule
from autopack.parallel.lint import (
    EXECUTORS,
    INTERNAL_API,
    MP_MODULES,
    MP_POOLS,
    MP_STAR_EXPORTS,
    PARALLEL_WITHOUT_ANCHOR,
    RAW_POOL,
    SHOWN_SOURCE_CHARS,
    WORKER_KEYWORDS,
    Lint,
)

TYPE_CHECKING = False  # typing is imported for type checkers only
if TYPE_CHECKING:
    from typing import Any


def scan_file(lint: Lint, source: SourceFile, owned: bool, pools: bool) -> list[Finding]:
    """Findings of one file that mentions a configured name (APP400 when it does not parse)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes etc. are another tool's business
            tree = ast.parse(source.text, filename=source.path)
    except SyntaxError as exc:
        return [lint.unparsable(source, exc.msg, exc.lineno, exc.offset)]
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, absurd nesting
        return [lint.unparsable(source, str(exc) or type(exc).__name__, None, None)]
    try:
        return FileScan(lint, source, tree, owned, pools).run()
    except RecursionError:  # an expression nested deeper than Python's own tools can walk
        return [lint.unparsable(source, "nested too deeply to check", None, None)]


def _provably_one(node: ast.expr) -> bool:
    """`1` written as a number literal (`1`, `(1)`, `+1`, `0x1`, `1.0`); a bool or any
    expression (`int("1")`, `2 - 1`) is not."""
    return _literal_int(node) == 1


def _literal_int(node: ast.expr) -> int | None:
    """A number literal with a whole value (`4`, `0x10`, `1.0`), as an int; else None."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


class Bound(namedtuple("Bound", "target keywords")):
    """What a `functools.partial` alias already carries."""

    __slots__ = ()
    target: str
    keywords: tuple[ast.keyword, ...]


class Scope:
    """Module-wide bindings, flow-insensitive: imports and simple assignments anywhere in the file."""

    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}  # local name → configured name
        self.partials: dict[str, Bound] = {}
        self.shadowed: set[str] = set()  # configured names rebound to something else
        self.functools: set[str] = set()  # names of the functools module
        self.partial_names: set[str] = set()  # names of functools.partial
        self.pool_classes: dict[str, str] = {}  # local name → executor/pool kind
        self.pool_names: dict[str, str] = {}  # local name → how to show it (`BoundedPool`, a subclass)
        self.pool_partials: dict[str, str] = {}  # `partial(Pool, processes=8)` names → kind (judged where made)
        self.not_pools: set[str] = set()  # names also assigned something else: unknown, so not judged
        self.project_modules: dict[str, tuple[str, int]] = {}  # `import app.pools as p` → (module, level)
        self.mp_roots: set[str] = set()  # names of multiprocessing modules/contexts
        self.own_executors: set[str] = set()  # `ThreadPoolExecutor` imported from elsewhere or defined here
        self.from_autopack: set[str] = set()  # entry points imported from the autopack package
        self.autopack_modules: set[str] = set()  # `import autopack.parallel as orch`, `from autopack import parallel`


class FileScan:
    """One parsed file: bindings first, then every call judged against them."""

    def __init__(self, lint: Lint, source: SourceFile, tree: ast.Module, owned: bool, pools: bool) -> None:
        self.lint = lint
        self.source = source
        self.tree = tree
        self.owned_names: set[str] = set(lint.internals) if owned else set()  # grows with definitions
        self.pools = pools
        self.scope = Scope()
        self.findings: list[Finding] = []
        self.handled: set[int] = set()  # ids of nodes already judged (partial targets, alias values)
        self.call_pools: dict[int, tuple[str, str]] = {}  # ids of calls of a parameter whose default is a pool class → (kind, shown)
        self.definitions: dict[str, list[bool]] = {}  # entry point defined here → whether each definition takes an anchor

    # -- reporting ------------------------------------------------------------------------------

    def report(self, rule: Rule, node: ast.expr | ast.alias, message: str, data: dict[str, Any] | None = None) -> None:
        lines = self.source.lines
        text = lines[node.lineno - 1] if 0 < node.lineno <= len(lines) else ""
        column = len(text.encode("utf-8", "surrogatepass")[: node.col_offset].decode("utf-8", "replace")) + 1
        self.findings.append(
            rule.finding(self.source.path, message, line=node.lineno, column=column, line_text=text, data=data)
        )

    def shown(self, node: ast.expr) -> str:
        """The expression as the user wrote it, from its source positions (no recursion, so any
        depth is fine; ast offsets count UTF-8 bytes), whitespace collapsed, cut to a readable length."""
        lines = self.source.lines
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        if not 0 <= first <= last < len(lines) or node.end_col_offset is None:
            return "this expression"  # positions that do not map onto our lines (a lone CR)
        pieces = [line.encode("utf-8", "surrogatepass") for line in lines[first : last + 1]]
        pieces[-1] = pieces[-1][: node.end_col_offset]
        pieces[0] = pieces[0][node.col_offset :]
        text = " ".join(b" ".join(pieces).decode("utf-8", "replace").split())
        return text if len(text) <= SHOWN_SOURCE_CHARS else text[: SHOWN_SOURCE_CHARS - 3] + "..."

    # -- the walk -------------------------------------------------------------------------------

    def bind(self) -> tuple[list[ast.Call], list[ast.Attribute]]:
        """Every binding of the file (imports, pool subclasses, assignments, pool-class parameter
        defaults); the calls and internal-name references to judge."""
        imports: list[ast.Import | ast.ImportFrom] = []
        assigns: list[ast.Assign | ast.AnnAssign | ast.NamedExpr] = []
        classes: list[ast.ClassDef] = []
        functions: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda] = []
        calls: list[ast.Call] = []
        references: list[ast.Attribute] = []
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imports.append(node)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
                assigns.append(node)
            elif isinstance(node, ast.Call):
                calls.append(node)
            elif isinstance(node, ast.Attribute) and node.attr in self.lint.internals:
                references.append(node)
            elif isinstance(node, ast.ClassDef):
                if node.name in EXECUTORS:
                    self.scope.own_executors.add(node.name)  # a wrapper class of the same name
                else:
                    classes.append(node)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                functions.append(node)
                if not isinstance(node, ast.Lambda) and node.name in self.lint.internals:
                    self.owned_names.add(node.name)  # the module that defines a runner owns it
                if not isinstance(node, ast.Lambda) and node.name in self.lint.entry_points:
                    self.definitions.setdefault(node.name, []).append(takes_anchor(node))
        by_position = attrgetter("lineno", "col_offset")
        for statement in sorted(imports, key=by_position):
            self.bind_import(statement)
        for definition in sorted(classes, key=by_position):
            self.bind_pool_subclass(definition)
        for statement in sorted(assigns, key=by_position):
            self.bind_assignment(statement)
        for name in self.scope.not_pools:
            self.scope.pool_classes.pop(name, None)
            self.scope.pool_partials.pop(name, None)
        for function in functions:
            self.bind_pool_parameters(function)
        return sorted(calls, key=by_position), references

    def run(self) -> list[Finding]:
        calls, references = self.bind()
        for call in calls:
            self.judge_call(call)
        for reference in references:
            if id(reference) not in self.handled and reference.attr not in self.owned_names:
                self.report(
                    INTERNAL_API,
                    reference,
                    f"`{self.shown(reference)}` hands out the private unchecked runner outside {self.lint.owner}",
                    {"name": reference.attr, "use": "reference"},
                )
        return self.findings

    # -- bindings -------------------------------------------------------------------------------

    def bind_import(self, statement: ast.Import | ast.ImportFrom) -> None:
        scope = self.scope
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                local = alias.asname or alias.name.partition(".")[0]
                if alias.name == "functools":
                    scope.functools.add(local)
                if alias.name in MP_MODULES:
                    scope.mp_roots.add(local)
                elif _in_autopack(alias.name):
                    scope.autopack_modules.add(local)
                elif alias.asname and not alias.name.startswith(("concurrent", "multiprocessing")):
                    scope.project_modules[local] = (alias.name, 0)  # import myapp.pools as pools
            return
        module = statement.module or ""
        for alias in statement.names:
            local = alias.asname or alias.name
            if alias.name == "*" and module in MP_STAR_EXPORTS:  # from multiprocessing import *
                for name in MP_STAR_EXPORTS[module]:
                    if name in MP_POOLS:
                        scope.pool_classes.setdefault(name, MP_POOLS[name])
                    else:
                        scope.mp_roots.add(name)
            if _in_autopack(module) and statement.level == 0:
                (scope.from_autopack if alias.name in self.lint.entry_points else scope.autopack_modules).add(local)
            if alias.name in self.lint.names:
                scope.aliases[local] = alias.name
                if alias.name in self.lint.internals and alias.name not in self.owned_names:
                    self.report(
                        INTERNAL_API,
                        alias,
                        f"imports the private unchecked runner `{alias.name}` outside {self.lint.owner}",
                        {"name": alias.name, "use": "import"},
                    )
            elif local in self.lint.names:
                scope.shadowed.add(local)
            if module == "functools" and alias.name == "partial":
                scope.partial_names.add(local)
            if module.startswith("concurrent.futures") and alias.name in EXECUTORS:
                scope.pool_classes[local] = alias.name
            elif local in EXECUTORS and alias.name != "*":  # from myapp.pools import ThreadPoolExecutor
                scope.own_executors.add(local)
            elif self.pools and self.lint.project is not None and alias.name != "*" and not module.startswith(MP_MODULES):
                kind = self.lint.project.subclass(self.source.path, module, statement.level, alias.name)
                if kind is not None:  # from myapp.pools import BoundedPool (a ThreadPoolExecutor subclass)
                    scope.pool_classes[local] = kind
                    scope.pool_names[local] = f"`{alias.name}` (a `{kind}` subclass)"
            if module in MP_MODULES and alias.name in MP_POOLS:
                scope.pool_classes[local] = MP_POOLS[alias.name]
            if module == "multiprocessing" and alias.name in ("pool", "get_context"):
                scope.mp_roots.add(local)

    def bind_assignment(self, statement: ast.Assign | ast.AnnAssign | ast.NamedExpr) -> None:
        """`run = f`, `a = b = f`, `run, other = f, g`, `(run := f)`: each name bound to its value."""
        if statement.value is None:
            return
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        for target in targets:
            if isinstance(target, ast.Name):
                self.bind_name(target.id, statement.value)
            elif (
                isinstance(target, (ast.Tuple, ast.List))
                and isinstance(statement.value, (ast.Tuple, ast.List))
                and len(target.elts) == len(statement.value.elts)
            ):
                for element, value in zip(target.elts, statement.value.elts):
                    if isinstance(element, ast.Name):
                        self.bind_name(element.id, value)

    def bind_name(self, local: str, value: ast.expr) -> None:
        target = self.resolve(value)
        bound = self.partial_of(value)
        if target is not None:
            self.scope.aliases[local] = target
            self.handled.add(id(value))
        elif bound is not None:
            self.scope.partials[local] = bound
        elif isinstance(value, ast.Call) and self.is_mp_rooted(value):
            self.scope.mp_roots.add(local)  # ctx = multiprocessing.get_context("spawn")
        elif self.pools:
            self.bind_pool_name(local, value)

    def bind_pool_name(self, local: str, value: ast.expr) -> None:
        """`executor_cls = ThreadPoolExecutor` (also `A if x else B` of two pools): the name is a
        pool class; `make = partial(ProcessPoolExecutor, ...)` a pool factory. A name also assigned
        anything else is not judged (which value a call sees is unknown)."""
        kind = self.pool_class_of(value)
        partial_kind = self.pool_partial_of(value)
        if kind is not None:
            self.scope.pool_classes[local] = kind
            self.scope.pool_names[local] = f"`{local}` (`{kind}`)"
        elif partial_kind is not None and isinstance(value, ast.Call):
            carried = self.pool_workers(partial_kind, _keywords(value), value.args[1:]) is not None
            (self.scope.pool_partials if carried else self.scope.pool_classes)[local] = partial_kind
            self.scope.pool_names[local] = f"`{local}` (`partial({partial_kind}, ...)`)"
        else:
            self.scope.not_pools.add(local)

    def pool_class_of(self, value: ast.expr) -> str | None:
        """The pool kind of a class reference (not a call): `ThreadPoolExecutor`, `cf.ProcessPoolExecutor`,
        a subclass, or a conditional whose branches are all pool classes."""
        if isinstance(value, ast.IfExp):
            kinds = {self.pool_class_of(value.body), self.pool_class_of(value.orelse)}
            return None if None in kinds else sorted(kinds)[0]  # type: ignore[type-var]
        if isinstance(value, (ast.Name, ast.Attribute)):
            return self.pool_kind(value)
        return None

    def pool_partial_of(self, value: ast.expr) -> str | None:
        """`functools.partial(ThreadPoolExecutor, ...)` → the pool kind."""
        if isinstance(value, ast.Call) and value.args and self.is_partial(value.func):
            return self.pool_class_of(value.args[0])
        return None

    def bind_pool_subclass(self, definition: ast.ClassDef) -> None:
        """`class BoundedPool(ThreadPoolExecutor)`: a pool too (also a subclass of such a subclass)."""
        for base in definition.bases:
            kind = self.pool_class_of(base)
            if kind is not None:
                self.scope.pool_classes[definition.name] = kind
                self.scope.pool_names[definition.name] = f"`{definition.name}` (a `{kind}` subclass)"
                return

    def bind_pool_parameters(self, function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        """`def run(tasks, executor_cls=ThreadPoolExecutor): executor_cls(max_workers=8)`: calls of
        the parameter in the function are pools (bound per function, not module-wide)."""
        arguments = function.args
        positional = [*arguments.posonlyargs, *arguments.args]
        pairs = [*zip(positional[len(positional) - len(arguments.defaults) :], arguments.defaults), *zip(arguments.kwonlyargs, arguments.kw_defaults)]
        parameters = {arg.arg: kind for arg, default in pairs if default is not None and (kind := self.pool_class_of(default))}
        if not parameters:
            return
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in parameters:
                kind = parameters[node.func.id]
                self.call_pools[id(node)] = (kind, f"`{node.func.id}` (default `{kind}`)")

    def partial_of(self, node: ast.expr) -> Bound | None:
        """`functools.partial(<configured name>, ...)` → what it binds."""
        if isinstance(node, ast.Call) and node.args and self.is_partial(node.func):
            target = self.resolve(node.args[0])
            if target is not None:
                return Bound(target, tuple(_keywords(node)))
        return None

    def resolve(self, node: ast.expr) -> str | None:
        """The configured name an expression refers to, if any."""
        names = self.lint.names
        if isinstance(node, ast.NamedExpr):  # (run := execute_parallel)(...)
            node = node.value
        if isinstance(node, ast.Name):
            if node.id in self.scope.aliases:
                return self.scope.aliases[node.id]
            return node.id if node.id in names and node.id not in self.scope.shadowed else None
        if isinstance(node, ast.Attribute):
            return node.attr if node.attr in names else None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in names
        ):
            return node.args[1].value
        return None

    def is_partial(self, func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self.scope.partial_names
        return (
            isinstance(func, ast.Attribute)
            and func.attr == "partial"
            and isinstance(func.value, ast.Name)
            and func.value.id in self.scope.functools
        )

    def is_mp_rooted(self, node: ast.expr) -> bool:
        """A multiprocessing module, submodule or context (`mp`, `multiprocessing.pool`, `ctx`,
        `mp.get_context("spawn")`)."""
        while isinstance(node, (ast.Attribute, ast.Call)):
            node = node.value if isinstance(node, ast.Attribute) else node.func
        return isinstance(node, ast.Name) and node.id in self.scope.mp_roots

    # -- judging calls --------------------------------------------------------------------------

    def judge_call(self, call: ast.Call) -> None:
        made = self.partial_of(call)
        if made is not None:
            self.handled.add(id(call.args[0]))
            self.judge_target(call, made.target, made.keywords, f"partial({self.shown(call.args[0])}, ...)", call.args[1:], call.args[0])
            return
        bound = (
            self.scope.partials.get(call.func.id) if isinstance(call.func, ast.Name) else self.partial_of(call.func)
        )
        if bound is not None:
            self.judge_partial_call(call, self.shown(call.func), bound)
            return
        target = self.resolve(call.func)
        if target is not None:
            self.handled.add(id(call.func))
            func = call.func.target if isinstance(call.func, ast.NamedExpr) else call.func  # (run := f)(...)
            self.judge_target(call, target, _keywords(call), f"{self.shown(func)}(...)", call.args, call.func)
            return
        if self.pools:
            self.judge_pool_call(call)

    def judge_target(
        self, call: ast.Call, target: str, keywords: Sequence[ast.keyword], shown: str, args: Sequence[ast.expr], callee: ast.expr
    ) -> None:
        if target in self.lint.internals:
            if target not in self.owned_names:
                self.report(
                    INTERNAL_API,
                    call,
                    f"`{shown}` calls the private unchecked runner `{target}` outside {self.lint.owner}",
                    {"name": target, "use": "call"},
                )
            return
        if target not in self.lint.entry_points or _has_anchor_or_forwarding(keywords) or _passes_an_anchor(args):
            return
        workers = _workers_keyword(keywords)
        if workers is None:
            if target in self.lint.serial:
                return
            why = f"with the default workers of `{target}` (not provably 1)"
        elif _provably_one(workers.value):
            return
        else:
            why = f"with {workers.arg}={self.shown(workers.value)}"
        self.report_missing_anchor(call, shown, why, keywords, target, callee)

    def judge_partial_call(self, call: ast.Call, name: str, bound: Bound) -> None:
        """The partial itself was judged where it was made; a call adds only its own workers."""
        if bound.target not in self.lint.entry_points:
            return
        keywords = _keywords(call)
        if _has_anchor_or_forwarding(bound.keywords) or _has_anchor_or_forwarding(keywords) or _passes_an_anchor(call.args):
            return
        workers = _workers_keyword(keywords)
        if workers is not None and not _provably_one(workers.value):
            why = f"with {workers.arg}={self.shown(workers.value)}"
            self.report_missing_anchor(call, f"{name}(...)", why, [*bound.keywords, *keywords], bound.target)

    def report_missing_anchor(
        self, call: ast.Call, shown: str, why: str, keywords: Sequence[ast.keyword], target: str, callee: ast.expr | None = None
    ) -> None:
        if not self.from_autopack(callee) and self.projects_own(target):
            return
        explicit_none = any(k.arg == "anchor" for k in keywords)
        missing = "anchor=None, which is no anchor" if explicit_none else "no anchor"
        self.report(PARALLEL_WITHOUT_ANCHOR, call, f"`{shown}` runs {why} and {missing}", {"entry_point": target})

    def from_autopack(self, callee: ast.expr | None) -> bool:
        """`execute_parallel` imported from autopack, or called on an autopack module (`orch.execute_parallel`)."""
        if isinstance(callee, ast.Name):
            return callee.id in self.scope.from_autopack
        while isinstance(callee, ast.Attribute):
            callee = callee.value
        return isinstance(callee, ast.Name) and callee.id in self.scope.autopack_modules

    def projects_own(self, target: str) -> bool:
        """The name is the project's own function, not a policy-checked entry point: this file's
        definitions of it (else the project's) all take no anchor, so no call of it could pass
        one (an agent framework's `self.execute_parallel(tasks, max_workers=8)`). A definition
        with `anchor` or `**kwargs` keeps every call judged."""
        definitions = self.definitions.get(target)
        if definitions is None and self.lint.context is not None:
            if self.lint.definitions is None:
                self.lint.definitions = ProjectDefinitions(self.lint, self.lint.context)
            definitions = self.lint.definitions.of(target)
        return bool(definitions) and not any(definitions)

    def pool_kind(self, func: ast.expr) -> str | None:
        if isinstance(func, ast.Name):
            if func.id in self.scope.pool_classes:
                return self.scope.pool_classes[func.id]
            return func.id if func.id in EXECUTORS and func.id not in self.scope.own_executors else None
        if isinstance(func, ast.Attribute):
            if func.attr in EXECUTORS:
                return func.attr
            if func.attr in MP_POOLS and self.is_mp_rooted(func.value):
                return MP_POOLS[func.attr]
            if isinstance(func.value, ast.Name) and func.value.id in self.scope.project_modules and self.lint.project is not None:
                module, level = self.scope.project_modules[func.value.id]  # pools.BoundedPool(...)
                return self.lint.project.subclass(self.source.path, module, level, func.attr)
        return None

    def judge_pool_call(self, call: ast.Call) -> None:
        """A pool made by this call: a pool class (also through a name, a parameter default or a
        subclass), a `functools.partial` of one that carries its workers, or a call of such a
        partial that adds its own."""
        func = call.func
        made = self.pool_partial_of(call)
        if made is not None:
            if self.pool_workers(made, _keywords(call), call.args[1:]) is not None:
                self.judge_pool(call, made, _keywords(call), call.args[1:], f"`partial({self.shown(call.args[0])}, ...)`")
            return
        if isinstance(func, ast.Name) and func.id in self.scope.pool_partials:
            kind = self.scope.pool_partials[func.id]
            if self.pool_workers(kind, _keywords(call), call.args) is not None:  # the partial's own workers were judged
                self.judge_pool(call, kind, _keywords(call), call.args, self.scope.pool_names.get(func.id, f"`{func.id}`"))
            return
        if id(call) in self.call_pools:
            kind, shown = self.call_pools[id(call)]
            self.judge_pool(call, kind, _keywords(call), call.args, shown)
            return
        kind = self.pool_kind(func)
        if kind is not None:
            shown = self.scope.pool_names.get(func.id, f"`{kind}`") if isinstance(func, ast.Name) else f"`{kind}`"
            if isinstance(func, ast.Attribute) and func.attr not in EXECUTORS and func.attr not in MP_POOLS:
                shown = f"`{func.attr}` (a `{kind}` subclass)"
            self.judge_pool(call, kind, _keywords(call), call.args, shown)

    @staticmethod
    def pool_workers(kind: str, keywords: Sequence[ast.keyword], args: Sequence[ast.expr]) -> ast.expr | None:
        """The worker count given to a pool: the `max_workers`/`processes` keyword or the first
        positional argument; None when not given."""
        keyword = "max_workers" if kind in EXECUTORS else "processes"
        return next((k.value for k in keywords if k.arg == keyword), args[0] if args else None)

    def judge_pool(self, call: ast.Call, kind: str, keywords: Sequence[ast.keyword], args: Sequence[ast.expr], shown: str) -> None:
        keyword = "max_workers" if kind in EXECUTORS else "processes"
        if any(k.arg is None for k in keywords) or any(isinstance(a, ast.Starred) for a in args[:1]):
            return
        given = self.pool_workers(kind, keywords, args)
        if given is None:
            why = f"the default {keyword} (from the CPU count)"
        else:
            count = _literal_int(given)
            if count is not None and count <= 1:
                return
            why = f"{keyword}={self.shown(given)}"
        self.report(
            RAW_POOL,
            call,
            f"raw {shown} with {why} bypasses the parallelism policy",
            {"pool": kind},
        )


def _keywords(call: ast.Call) -> list[ast.keyword]:
    """The call's keywords, with `**{"workers": 8}` and `**dict(workers=8)` written out: a dict
    the call spells out carries exactly its keys. Any other `**` stays (it may carry anything)."""
    keywords: list[ast.keyword] = []
    for keyword in call.keywords:
        value = keyword.value
        if keyword.arg is not None:
            keywords.append(keyword)
        elif isinstance(value, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys):
            keywords.extend(ast.keyword(arg=k.value, value=v) for k, v in zip(value.keys, value.values))  # type: ignore[union-attr]
        elif (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "dict"
            and not value.args
        ):
            keywords.extend(value.keywords)  # its own `**` stay `**`
        else:
            keywords.append(keyword)
    return keywords


def _passes_an_anchor(args: Sequence[ast.expr]) -> bool:
    """A positional argument after the tasks that is plainly an anchor (`anchor`, `self.anchor`,
    `ANCHOR_PATH`, `load_anchor(...)`): an orchestrator's own `execute_parallel_runs(runs, anchor)`
    has one. `anchor` must be a whole word of the name (`anchored_tasks` is not one)."""
    for arg in args[1:]:
        node = arg.func if isinstance(arg, ast.Call) else arg
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
        if "anchor" in name.lower().split("_"):
            return True
    return False


def _has_anchor_or_forwarding(keywords: Iterable[ast.keyword]) -> bool:
    """An anchor other than a literal None, or `**kwargs` that may carry one (they cannot when
    `anchor=` is written out too: Python refuses a keyword given twice)."""
    keywords = list(keywords)
    explicit = [k for k in keywords if k.arg == "anchor"]
    if explicit:
        return any(not _is_none(k.value) for k in explicit)
    return any(k.arg is None for k in keywords)


def _workers_keyword(keywords: Iterable[ast.keyword]) -> ast.keyword | None:
    return next((k for k in keywords if k.arg in WORKER_KEYWORDS), None)


def _in_autopack(module: str) -> bool:
    return module == "autopack" or module.startswith("autopack.")


def takes_anchor(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A parameter named `anchor`, or `**kwargs` that may receive one."""
    arguments = function.args
    named = (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
    return arguments.kwarg is not None or any(argument.arg == "anchor" for argument in named)


class ProjectDefinitions:
    """Where the project defines functions or methods named like an entry point, found on demand
    (only for a call about to be reported): each Python file that holds `def <name>` is parsed once."""

    def __init__(self, lint: Lint, context: CheckContext) -> None:
        self.lint = lint
        self.context = context
        self.found: dict[str, list[bool]] | None = None

    def of(self, name: str) -> list[bool]:
        """Whether each of the project's definitions of `name` takes an anchor."""
        if self.found is None:
            self.found = {}
            for path in self.context.repo_files():
                if path.endswith(".py"):
                    self._scan(path)
        return self.found.get(name, [])

    def _scan(self, path: str) -> None:
        assert self.found is not None
        source = self.context.read(path)
        if source is None or not any(f"def {name}" in source.text for name in self.lint.entry_points):
            return
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(source.text, filename=path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in self.lint.entry_points:
                self.found.setdefault(node.name, []).append(takes_anchor(node))


class ProjectPools:
    """Subclasses of the standard pools defined in the project's own modules, found on demand:
    `from myapp.pools import BoundedPool` parses `myapp/pools.py` (once) and looks for
    `class BoundedPool(ThreadPoolExecutor)`, following that module's own imports in turn."""

    def __init__(self, lint: Lint, context: CheckContext) -> None:
        self.lint = lint
        self.context = context
        self.classes: dict[str, dict[str, str]] = {}  # module file → its pool subclasses (name → kind)
        self.modules: dict[str, list[str]] = {}  # dotted module → the project's files for it
        self._python_files: list[str] | None = None

    def subclass(self, importer: str, module: str, level: int, name: str) -> str | None:
        """The pool kind of `name` imported from `module` (relative `level` dots) by `importer`,
        when the project defines it as a pool subclass; else None."""
        for path in self.module_files(importer, module, level):
            kind = self.file_classes(path).get(name)
            if kind is not None:
                return kind
        return None

    def module_files(self, importer: str, module: str, level: int) -> list[str]:
        relative = module.replace(".", "/")
        if level:  # from .pools import X / from ..core.pools import X
            base = importer.rpartition("/")[0]
            for _ in range(level - 1):
                base = base.rpartition("/")[0]
            stem = "/".join(part for part in (base, relative) if part)
            return [f"{stem}.py", f"{stem}/__init__.py"]
        if module not in self.modules:
            if self._python_files is None:
                self._python_files = [path for path in self.context.repo_files() if path.endswith(".py")]
            self.modules[module] = [
                path
                for path in self._python_files
                for ending in (f"{relative}.py", f"{relative}/__init__.py")
                if path.endswith(ending) and (len(path) == len(ending) or path[-len(ending) - 1] == "/")
            ]  # `src/myapp/pools.py` is module `myapp.pools`: the match starts at a directory
        return self.modules[module]

    def file_classes(self, path: str) -> dict[str, str]:
        if path in self.classes:
            return self.classes[path]
        self.classes[path] = {}  # a cycle of imports ends here
        source = self.context.read(path)  # on demand: the run's files are read one at a time
        if source is None or "Pool" not in source.text:
            return {}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(source.text, filename=path)
            scan = FileScan(self.lint, source, tree, owned=False, pools=True)
            scan.bind()
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return {}
        defined = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
        imported = {name for name in scan.scope.pool_names if name not in defined}  # re-exported subclasses
        self.classes[path] = {name: scan.scope.pool_classes[name] for name in defined | imported if name in scan.scope.pool_classes}
        return self.classes[path]

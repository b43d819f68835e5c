"""Things made on first use, so a hook pays only for what its run needs: package exports
(PEP 562), so importing a hook's module does not pay for the library code beside it, and
regular expressions, so importing a module does not compile patterns its run never uses."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping

TYPE_CHECKING = False  # typing is imported for type checkers only: hooks start lean
if TYPE_CHECKING:
    from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` that imports `package.<exports[name]>` on first use of `name`."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return __getattr__


class LazyPattern:
    """A regular expression compiled on first use. A hook call reads one file of one format, so
    compiling every format's patterns at import would be most of its start-up time. After the
    first use, the pattern's methods are plain attributes (no lookup through `__getattr__`)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)  # copy, pickle and friends probe for these
        value = getattr(re.compile(*self._source), name)
        setattr(self, name, value)
        return value


def lazy_pattern(pattern: str, flags: int = 0) -> Any:
    """A `re.Pattern` in all but type, compiled when first used."""
    return LazyPattern(pattern, flags)

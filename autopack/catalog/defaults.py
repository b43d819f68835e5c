"""Tier order and per-model defaults, shared by the validator (which the hook runs) and the model
(which routing uses), so the hook does not import the routing code to learn them."""

from __future__ import annotations

ESCALATION_ORDER: tuple[str, ...] = ("haiku", "sonnet", "opus")
DEFAULT_MAX_TOKENS = 8192
DEFAULT_MAX_CONTEXT_CHARS = 200_000

"""Why a change was made, as stored with its history event and read in the reader's language.

Every write runs in a ``pghistory.context`` that records the acting account and, when there is one,
the reason. A reason is one of two things:

- text a person typed (the operator's reason, a note on a proposal): stored as typed under
  ``reason`` and shown as typed, in whatever language it was written;
- a reason the platform gives itself (an import, the demo data): stored as a :class:`Reason`, a code
  under ``reason_code`` and its parameters under ``reason_params``, and rendered with
  :data:`MESSAGES` in the reader's language when someone reads the history. Never store translated
  text in the history: it would read in the language of whoever happened to make the change.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

import pghistory
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from udp.core.params import MessageParams

MESSAGES: dict[str, Promise] = {
    "demo_data": _("Demo data loaded"),
    "import": _("Import of %(name)s (batch %(id)s)"),
    "account_approved": _("Account approved after moderation"),
    "withdrawal_notice": _("Notice of withdrawal from a CMO (Art. 46.2)"),
    "withdrawal_cancelled": _("Withdrawal no. %(id)s cancelled by the holder"),
    "withdrawal_effective": _("Withdrawal no. %(id)s took effect (Art. 46.2)"),
    "withdrawal_obligation_overdue": _("An obligation after withdrawal no. %(id)s is overdue"),
    "conflict_detected": _("Conflict found by the platform's checks"),
    "conflict_gone": _("The platform's checks no longer find this conflict"),
    "monitoring_reconciled": _("Monitoring reconciled against the usage report for %(period)s"),
}

#: Reasons written as plain English before they were codes; the history is append-only, so they stay.
LEGACY_CODES = {"demo data": "demo_data", "account approved": "account_approved"}


class Reason:
    """A reason the platform states itself: a code of :data:`MESSAGES` and its parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown reason code {code!r}")
        self.code = code
        self.params = params

    def __str__(self) -> str:
        """The reason in the active language (for a note shown elsewhere than the history)."""
        return _render(self.code, self.params)

    def __repr__(self) -> str:
        return f"Reason({self.code!r}, **{self.params!r})"


#: What an action accepts as its reason: typed text, or a reason the platform states.
ReasonLike = str | Reason


def context(reason: ReasonLike | None) -> dict[str, Any]:
    """The history-context entries for ``reason``: typed text as typed, a :class:`Reason` as a code."""
    if isinstance(reason, Reason):
        return {"reason_code": reason.code, "reason_params": reason.params}
    return {"reason": (reason or "").strip() or None}


def is_given(reason: ReasonLike | None) -> bool:
    return isinstance(reason, Reason) or bool((reason or "").strip())


@contextlib.contextmanager
def audited(
    by: AbstractBaseUser | AnonymousUser | None,
    reason: ReasonLike | None = None,
    *,
    reason_required: bool = False,
) -> Iterator[None]:
    """Run a write in one transaction whose history records who (``by``) and why (``reason``).

    Every action wraps its writes in this, and nothing else opens a history context. ``reason`` is
    text a person typed (kept as typed) or a :class:`Reason` the platform states (kept as a code, read
    in each reader's language). ``reason_required``: the caller's rule says this person must give one
    (the operator, for every change to somebody else's entry); without it the write is refused.
    """
    if reason_required and not is_given(reason):
        raise ValidationError({"reason": gettext("The operator must give a reason for every change.")})
    user = by.pk if by is not None and by.is_authenticated else None
    with transaction.atomic(), pghistory.context(user=user, **context(reason)):
        yield


def reason_text(ctx: Mapping[str, Any] | None) -> str | None:
    """The reason recorded in a history context, in the active language; typed text as typed."""
    if not ctx:
        return None
    parts = []
    code = ctx.get("reason_code")
    if isinstance(code, str) and code in MESSAGES:
        params = ctx.get("reason_params")
        parts.append(_render(code, params if isinstance(params, dict) else {}))
    typed = ctx.get("reason")
    if isinstance(typed, str) and typed.strip():
        legacy = LEGACY_CODES.get(typed.strip())
        parts.append(str(MESSAGES[legacy]) if legacy else typed.strip())
    return "; ".join(parts) or None


def _render(code: str, params: Mapping[str, Any]) -> str:
    return str(MESSAGES[code]) % MessageParams(params)

"""What an API key may do: the scopes, and which scope each API operation needs.

A key acts as its owner (the owner's object-level rights, never more) and, on top of that, only
within the scopes it was issued with. Each API view declares, per operation, the scope a key must
have::

    class WorkViewSet(...):
        required_scopes = {"list": Scope.REGISTERS_READ, "create": Scope.WORKS_WRITE, ...}

The keys of ``required_scopes`` are viewset actions (``list``, ``retrieve``, ``create``, a custom
``@action``) or, for a plain ``APIView``, lower-case HTTP methods (``get``, ``post``). A value of
``None`` closes the operation to keys on purpose (issuing keys, for example). An operation that is not
declared at all is refused to keys as well (default deny), and an operation that changes something
needs a ``:write`` scope. People signed in with a session or a token are not affected.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS


class Scope(models.TextChoices):
    REGISTERS_READ = "registers:read", _("Read the registers (as much as the key's owner may see)")
    WORKS_WRITE = "works:write", _("Register and change works")
    HOLDERS_WRITE = "holders:write", _("Change entries in the register of rightsholders")
    IMPORTS_WRITE = "imports:write", _("Bulk imports (CWR, CSV, XLSX)")
    USAGE_WRITE = "usage:write", _("Report usage")
    USAGE_READ = "usage:read", _("Read usage reports (as much as the key's owner may see)")
    DOCUMENTS_WRITE = "documents:write", _("Request documents (extracts from the registers)")
    MANDATES_WRITE = (
        "mandates:write",
        _("Mandates and withdrawals: give notice, cancel, report obligations done"),
    )
    ACCREDITATION_WRITE = (
        "accreditation:write",
        _("Accreditation: apply, check, schedule, decide, appeal, suspend, revoke, terminate"),
    )
    PUBLICATIONS_WRITE = "publications:write", _("Publish what the law asks a CMO to publish")
    LICENSING_WRITE = (
        "licensing:write",
        _("Licensing: tariffs and minimum rates, declare a use, request, sign or refuse an agreement"),
    )
    FINANCE_READ = "finance:read", _("Read invoices, payments, bank statements and accounting periods")
    FINANCE_WRITE = (
        "finance:write",
        _("Record payments, import bank statements, allocate receipts, close accounting periods"),
    )
    INFO_WRITE = "info:write", _("Requests for information of the authorized body: ask, answer")
    MONITORING_WRITE = (
        "monitoring:write",
        _("Monitoring: push detections (a provider), confirm or dispute reconciliations (a user)"),
    )
    MATCHING_WRITE = "matching:write", _("Identify usage: confirm the work of usage lines (a CMO)")
    DISTRIBUTION_READ = (
        "distribution:read",
        _("Read distribution runs and statements (as much as the key's owner may see)"),
    )
    DISTRIBUTION_WRITE = "distribution:write", _("Distribution runs: calculate, approve (a CMO)")

    @property
    def is_write(self) -> bool:
        return self.value.endswith(":write")


#: The usual declaration of a view that only reads the registers.
READ_REGISTERS: dict[str, Scope | None] = {"list": Scope.REGISTERS_READ, "retrieve": Scope.REGISTERS_READ}


class Undeclared(Exception):
    """The view does not say which scope this operation needs: keys are refused."""


def operation_name(view: Any, method: str) -> str:
    """The name an operation has in ``required_scopes``: the viewset action, else the HTTP method."""
    action = getattr(view, "action", None)
    if action and action != "metadata":
        return str(action)
    method = method.lower()
    return "get" if method == "head" else method


def required_scope(view: Any, method: str) -> Scope | None:
    """The scope a key needs for ``method`` on ``view``; ``None`` if the operation is closed to keys.

    Raises :class:`Undeclared` when the view does not declare the operation, and when an operation
    that changes something is declared with a read scope (a mistake in the declaration).
    """
    declared: dict[str, Scope | None] | None = getattr(view, "required_scopes", None)
    name = operation_name(view, method)
    if declared is None or name not in declared:
        raise Undeclared(name)
    scope = declared[name]
    if scope is not None and method.upper() not in SAFE_METHODS and not Scope(scope).is_write:
        raise Undeclared(name)
    return None if scope is None else Scope(scope)

"""Who sees which invoices, payments, bank statements and accounting periods (404 for missing and forbidden
alike). The user sees its own invoices and payments; a CMO's staff their CMO's, and they alone write; the
authorized body and the operator read everything."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.http import Http404

from licensing.models import AccountingPeriod, BankStatement, Invoice, Payment
from udp.accounts import roles
from udp.accounts.roles import Actor


def invoices_visible_to(user: Actor) -> QuerySet[Invoice]:
    invoices = Invoice.objects.select_related("cmo", "licence__contract", "licence__licensee__party")
    if roles.is_official(user):
        return invoices
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return invoices.filter(cmo_id=user.cmo_id)
    if roles.is_licensee(user) and user.licensee_id is not None:
        return invoices.filter(licence__licensee_id=user.licensee_id)
    return invoices.none()


def get_invoice_for_user(user: Actor, pk: int, *, write: bool = False) -> Invoice:
    invoices = invoices_editable_by(user) if write else invoices_visible_to(user)
    try:
        return invoices.get(pk=pk)
    except Invoice.DoesNotExist:
        raise Http404 from None


def invoices_editable_by(user: Actor) -> QuerySet[Invoice]:
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return invoices_visible_to(user).filter(cmo_id=user.cmo_id)
    return Invoice.objects.none()


def payments_visible_to(user: Actor) -> QuerySet[Payment]:
    payments = Payment.objects.select_related("cmo", "invoice", "licensee__party")
    if roles.is_official(user):
        return payments
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return payments.filter(cmo_id=user.cmo_id)
    if roles.is_licensee(user) and user.licensee_id is not None:
        return payments.filter(licensee_id=user.licensee_id)
    return payments.none()


def receipts_allocatable_by(user: Actor) -> QuerySet[Payment]:
    """The CMO's receipts with something left to allocate."""
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return payments_visible_to(user).filter(cmo_id=user.cmo_id, applied__lt=F("amount"))
    return Payment.objects.none()


def get_payment_for_user(user: Actor, pk: int, *, write: bool = False) -> Payment:
    payments = receipts_allocatable_by(user) if write else payments_visible_to(user)
    try:
        return payments.get(pk=pk)
    except Payment.DoesNotExist:
        raise Http404 from None


def statements_visible_to(user: Actor) -> QuerySet[BankStatement]:
    statements = BankStatement.objects.select_related("cmo")
    if roles.is_official(user):
        return statements
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return statements.filter(cmo_id=user.cmo_id)
    return statements.none()


def get_statement_for_user(user: Actor, pk: int) -> BankStatement:
    try:
        return statements_visible_to(user).get(pk=pk)
    except BankStatement.DoesNotExist:
        raise Http404 from None


def periods_visible_to(user: Actor) -> QuerySet[AccountingPeriod]:
    periods = AccountingPeriod.objects.select_related("cmo", "closed_by")
    if roles.is_official(user):
        return periods
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return periods.filter(cmo_id=user.cmo_id)
    return periods.none()

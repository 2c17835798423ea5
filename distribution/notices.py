"""The notices of distribution runs, through the notification centre: staff told a run awaits their
approval or was corrected; holders told their statement is ready, or withdrawn by a correction.
Parameters are data (names, dates, amounts)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from distribution.models import RemunerationClaim, Route, Run, RunRequest, Statement, Withholding
from distribution.payouts.formats import return_reason_text
from distribution.schedule import started_by_platform
from licensing import ledger
from licensing.models import SourceKind
from registers.models import CMO, Conflict, Party
from udp.accounts import roles
from udp.accounts.models import User
from udp.core.params import CODED as CODED_PARAMS
from udp.money import from_tiyn
from udp.notices.actions import notify
from udp.notices.kinds import Kind, register
from udp.notices.models import Notice

SUBJECT = _("A distribution of remuneration on the platform")
TO_APPROVE = "distribution_run_to_approve"
TO_CHECK = "distribution_run_to_check"
USAGE_CLAIM_ACCEPTED = "usage_claim_accepted"
USAGE_CLAIM_ACCEPTED_LATE = "usage_claim_accepted_late"
USAGE_CLAIM_REFUSED = "usage_claim_refused"
STATEMENT_READY = "distribution_statement_ready"
STATEMENT_WITHDRAWN = "distribution_statement_withdrawn"
CORRECTED = "distribution_run_corrected"
CLAIM_FILED = "remuneration_claim_filed"
CLAIM_ACCEPTED = "remuneration_claim_accepted"
CLAIM_REFUSED = "remuneration_claim_refused"
HELD_RELEASED = "held_money_released"
NOT_CALCULATED = "distribution_run_not_calculated"
PAYMENT_RETURNED = "distribution_payment_returned"
PAYMENT_RETURNED_BECAUSE = "distribution_payment_returned_because"


def register_kinds() -> None:
    register(
        Kind(
            USAGE_CLAIM_ACCEPTED,
            _(
                "%(cmo)s accepted your claim: the use of “%(title)s” in %(start)s – %(end)s counts for your work "
                "“%(work)s” in that period's distribution."
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            USAGE_CLAIM_ACCEPTED_LATE,
            _(
                "%(cmo)s accepted your claim: the use of “%(title)s” in %(start)s – %(end)s is your work "
                "“%(work)s”. That period's distribution was approved before, so ask %(cmo)s to correct it for the "
                "use to be paid."
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            USAGE_CLAIM_REFUSED,
            _("%(cmo)s refused your claim of the use of “%(title)s” in %(start)s – %(end)s: %(reason)s"),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            TO_CHECK,
            _(
                "The platform calculated the distribution run of %(cmo)s for area %(area)s, %(start)s – %(end)s: "
                "%(pool)s tenge, with the deductions of your last run. Check them and calculate it again; another "
                "member of staff then approves it."
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            PAYMENT_RETURNED,
            _(
                "The bank returned your payment of %(amount)s tenge from %(cmo)s to the account ending %(account)s. "
                "The money stays owed to you, with no time limit; give other bank details in your entry and it "
                "is paid there with the next payment file."
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            PAYMENT_RETURNED_BECAUSE,
            _(
                "The bank returned your payment of %(amount)s tenge from %(cmo)s to the account ending %(account)s: "
                "%(return_reason)s. The money stays owed to you, with no time limit; give other bank details in your "
                "entry and it is paid there with the next payment file."
            ),
            subject=SUBJECT,
        )
    )
    CODED_PARAMS["return_reason"] = return_reason_text
    register(
        Kind(
            NOT_CALCULATED,
            _(
                "The distribution run of %(cmo)s for area %(area)s, %(start)s – %(end)s, was not calculated: its "
                "calculation stopped %(attempts)s times without finishing. Ask for it again, and tell the "
                "operator if it stops again."
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            TO_APPROVE,
            _(
                "%(started_by)s calculated the distribution run of %(cmo)s for area %(area)s, %(start)s – %(end)s: "
                "%(pool)s tenge. Check it and approve it."
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            STATEMENT_READY,
            _(
                "Your statement from %(cmo)s for %(start)s – %(end)s is ready: %(net)s tenge after deductions. "
                "It shows where your works were used."
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            CORRECTED,
            _(
                "%(by)s corrected the distribution run of %(cmo)s for area %(area)s, %(start)s – %(end)s: it is "
                "reversed and cancelled. Reason: %(reason)s"
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            STATEMENT_WITHDRAWN,
            _(
                "%(cmo)s corrected its distribution run for %(start)s – %(end)s, so your statement of it is "
                "withdrawn and nothing of it will be paid. A new statement follows when the CMO runs the "
                "period again."
            ),
            subject=SUBJECT,
        )
    )


def register_claim_kinds() -> None:
    register(
        Kind(
            CLAIM_FILED,
            _(
                "%(holder)s claims the remuneration your CMO kept for them: %(amount)s tenge. "
                "Answer by %(due)s."
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            CLAIM_ACCEPTED,
            _(
                "%(cmo)s accepted your claim of %(amount)s tenge. It is paid with the CMO's next payment file, "
                "to the bank account in your profile."
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(CLAIM_REFUSED, _("%(cmo)s refused your claim of %(amount)s tenge: %(reason)s"), subject=SUBJECT)
    )
    register(
        Kind(
            HELD_RELEASED,
            _(
                "A conflict over your works is settled: the %(amount)s tenge %(cmo)s held for you while it was "
                "open can now be claimed."
            ),
            subject=SUBJECT,
        )
    )


#: The holders now on record for the works whose money approved runs held for a conflict (its work, or, for
#: competing claims on holders, the works of its parties): the settlement may have put some on record. The held
#: money of approved runs is in the ledger under each holder and work (:data:`distribution.payouts.posting.HELD_PARTS`),
#: found by the work's index, not by reading every run's allocations.
HELD_FOR = """
SELECT DISTINCT c.party_id
  FROM registers_workcontributor c
 WHERE c.work_id IN (
       SELECT e.work_id
         FROM licensing_entry e
         JOIN licensing_transaction t ON t.id = e.transaction_id AND t.source_kind = %(run_source)s
        WHERE e.account_id = %(undistributed)s AND e.party_id IS NOT NULL AND e.work_id IS NOT NULL
          AND (e.work_id = %(work)s
               OR e.work_id IN (SELECT wc.work_id FROM registers_workcontributor wc
                                 WHERE wc.party_id = ANY(%(parties)s))))
"""


def tell_holders_held_released(sender: object, conflict: Conflict, **kwargs: object) -> int:
    """On a conflict's resolution (:data:`registers.signals.conflict_resolved`): each account of a holder now on
    record for a work whose money it held and who may now claim some of it, with the amount per CMO."""
    from distribution.remuneration import claimable

    with connection.cursor() as cursor:
        cursor.execute(
            HELD_FOR,
            {
                "work": conflict.work_id,
                "parties": list(conflict.parties.values_list("pk", flat=True)),
                "run_source": SourceKind.RUN,
                "undistributed": ledger.account_ids(ledger.UNDISTRIBUTED)[ledger.UNDISTRIBUTED],
            },
        )
        party_ids = [row[0] for row in cursor.fetchall()]
    link = reverse("distribution_portal:kept")
    told = 0
    for party in Party.objects.filter(pk__in=party_ids).order_by("pk"):
        released: dict[int, int] = {}
        for kept in claimable(party):
            if kept.route == Route.HELD_CONFLICT:
                released[kept.cmo_id] = released.get(kept.cmo_id, 0) + kept.amount_tiyn
        if not released:
            continue
        names = dict(CMO.objects.filter(pk__in=released).values_list("pk", "short_name"))
        for account in User.objects.filter(party_id=party.pk, is_active=True).order_by("pk"):
            for cmo_id, amount in sorted(released.items()):
                notify(
                    account,
                    HELD_RELEASED,
                    {"cmo": names[cmo_id], "amount": str(from_tiyn(amount))},
                    link=link,
                )
                told += 1
    return told


def tell_staff_claim_filed(claim_id: int) -> int:
    """Every member of the claimed CMO's staff: a holder claims kept money, with the date to answer by."""
    claim = RemunerationClaim.objects.select_related("party").get(pk=claim_id)
    params = {
        "holder": str(claim.party), "amount": str(from_tiyn(claim.total_tiyn)), "due": claim.answer_due.isoformat(),
    }  # fmt: skip
    link = reverse("distribution_cmo:remuneration_claim", args=[claim.pk])
    told = 0
    for account in User.objects.filter(cmo_id=claim.cmo_id, is_active=True).order_by("pk"):
        if roles.is_cmo_staff(account):
            notify(account, CLAIM_FILED, params, link=link)
            told += 1
    return told


def tell_holder_claim_decided(claim_id: int) -> int:
    """Each account of the claiming holder: the CMO's answer (the reason, when refused)."""
    claim = RemunerationClaim.objects.select_related("cmo").get(pk=claim_id)
    link = reverse("distribution_portal:remuneration_claim", args=[claim.pk])
    params = {"cmo": claim.cmo.short_name, "amount": str(from_tiyn(claim.total_tiyn)), "reason": claim.reason}
    code = CLAIM_REFUSED if claim.reason else CLAIM_ACCEPTED
    told = 0
    for account in User.objects.filter(party_id=claim.party_id, is_active=True).order_by("pk"):
        notify(account, code, params, link=link)
        told += 1
    return told


def _period(run: Run) -> dict[str, str]:
    return {"start": run.period_start.isoformat(), "end": run.period_end.isoformat()}


def tell_holders_statements_withdrawn(run_id: int) -> int:
    """Each account of a holder with a statement in the corrected (cancelled) run: it is withdrawn (once)."""
    run = Run.objects.select_related("cmo").get(pk=run_id)
    parties = Statement.objects.filter(run=run).values("party_id")
    link = reverse("distribution_portal:statements")
    told = 0
    for account in User.objects.filter(party_id__in=parties, is_active=True).order_by("pk"):
        params = {"cmo": run.cmo.short_name, **_period(run)}
        if Notice.objects.filter(recipient=account, code=STATEMENT_WITHDRAWN, params=params).exists():
            continue
        notify(account, STATEMENT_WITHDRAWN, params, link=link)
        told += 1
    return told


def tell_staff_run_awaits_approval(run: Run) -> int:
    """Every other member of the run's CMO's staff: the run awaits their approval."""
    run = Run.objects.select_related("cmo", "area", "started_by").get(pk=run.pk)
    params = {
        "cmo": run.cmo.short_name, "area": str(run.area.item), "started_by": str(run.started_by),
        "pool": str(from_tiyn(run.pool_tiyn)), **_period(run),
    }  # fmt: skip
    link = reverse("distribution_cmo:run", args=[run.pk])
    kind = TO_CHECK if started_by_platform(run.started_by) else TO_APPROVE
    told = 0
    for account in User.objects.filter(cmo_id=run.cmo_id, is_active=True).exclude(pk=run.started_by_id):
        if roles.is_cmo_staff(account):
            notify(account, kind, params, link=link)
            told += 1
    return told


def tell_staff_run_not_calculated(request: RunRequest) -> int:
    """The staff member who asked for the run (and, when the platform asked, every member of the CMO's
    staff): its calculation was given up after the worker was lost again and again."""
    request = RunRequest.objects.select_related("cmo", "area", "requested_by").get(pk=request.pk)
    params = {
        "cmo": request.cmo.short_name, "area": str(request.area.item), "attempts": request.attempts,
        "start": request.period_start.isoformat(), "end": request.period_end.isoformat(),
    }  # fmt: skip
    link = reverse("distribution_cmo:run_request", args=[request.pk])
    asked = request.requested_by
    accounts = (
        [asked]
        if roles.is_cmo_staff(asked) and asked.cmo_id == request.cmo_id and asked.is_active
        else [a for a in User.objects.filter(cmo_id=request.cmo_id, is_active=True).order_by("pk")
              if roles.is_cmo_staff(a)]
    )  # fmt: skip
    for account in accounts:
        notify(account, NOT_CALCULATED, params, link=link)
    return len(accounts)


def tell_staff_run_corrected(run: Run, *, by: User, reason: str) -> int:
    """Every other member of the run's CMO's staff: the run was corrected, by whom and why."""
    run = Run.objects.select_related("cmo", "area").get(pk=run.pk)
    params = {
        "cmo": run.cmo.short_name,
        "area": str(run.area.item),
        "by": str(by),
        "reason": reason,
        **_period(run),
    }
    link = reverse("distribution_cmo:run", args=[run.pk])
    told = 0
    for account in User.objects.filter(cmo_id=run.cmo_id, is_active=True).exclude(pk=by.pk).order_by("pk"):
        if roles.is_cmo_staff(account):
            notify(account, CORRECTED, params, link=link)
            told += 1
    return told


def tell_holders_statements_ready(run_id: int) -> int:
    """Each account of a holder with a statement in the approved run: it is ready (once)."""
    run = Run.objects.select_related("cmo").get(pk=run_id)
    # what the holder is paid: the net after deductions, less the tax withheld (as the statement's "to be paid")
    nets = dict(
        Withholding.objects.filter(run=run, party__isnull=False)
        .values_list("party_id")
        .annotate(payable=Sum("payable_tiyn"))
    )
    statements = dict(Statement.objects.filter(run=run).values_list("party_id", "pk"))
    told = 0
    accounts = User.objects.filter(party_id__in=list(statements), is_active=True).order_by("pk")
    for account in accounts:
        assert account.party_id is not None
        statement = statements[account.party_id]
        link = reverse("distribution_portal:statement", args=[statement])
        if Notice.objects.filter(recipient=account, code=STATEMENT_READY, link=link).exists():
            continue
        params = {
            "cmo": run.cmo.short_name,
            "net": str(from_tiyn(nets.get(account.party_id, 0))),
            **_period(run),
        }
        notify(account, STATEMENT_READY, params, link=link)
        told += 1
    return told


def tell_holders_returned(line_ids: list[int]) -> int:
    """Each account of a holder whose transfer the bank returned: the money is owed still, and goes to the
    next account they give (once per transfer)."""
    from distribution.models import PaymentLine

    told = 0
    lines = PaymentLine.objects.filter(pk__in=line_ids, status="returned").select_related("batch__cmo")
    for line in lines.order_by("pk"):
        params = {
            "amount": str(from_tiyn(line.amount_tiyn)), "cmo": line.batch.cmo.short_name,
            "account": line.iban[-4:], "transfer": line.end_to_end_id,
        }  # fmt: skip
        kind = PAYMENT_RETURNED
        if line.return_reason:  # the bank's reason, kept as its code and written in the holder's language
            kind, params["return_reason"] = PAYMENT_RETURNED_BECAUSE, line.return_reason
        link = reverse("edit:party", args=[line.party_id]) if line.party_id else ""
        for account in User.objects.filter(party_id=line.party_id, is_active=True).order_by("pk"):
            if Notice.objects.filter(
                recipient=account, code__in=[PAYMENT_RETURNED, PAYMENT_RETURNED_BECAUSE],
                params__transfer=line.end_to_end_id,
            ).exists():  # fmt: skip
                continue
            notify(account, kind, params, link=link)
            told += 1
    return told


def tell_holder_usage_claim_decided(claim_id: int, *, late: bool = False) -> int:
    """The holder's accounts: their claim of unmatched usage was accepted (and whether the month's run was
    approved before) or refused, and why."""
    from distribution.models import ClaimStatus, UsageClaim

    claim = UsageClaim.objects.select_related("key__cmo", "work").get(pk=claim_id)
    if claim.status == ClaimStatus.PENDING:
        return 0
    key = claim.key
    params = {
        "cmo": key.cmo.short_name, "title": key.title or "—", "start": key.period.isoformat(),
        "end": ((key.period.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)).isoformat(),
        "work": claim.work.title if claim.work else "—", "reason": claim.reason, "claim": claim.pk,
    }  # fmt: skip
    if claim.status == ClaimStatus.REFUSED:
        kind = USAGE_CLAIM_REFUSED
    else:
        kind = USAGE_CLAIM_ACCEPTED_LATE if late else USAGE_CLAIM_ACCEPTED
    link = reverse("distribution_portal:unmatched")
    told = 0
    for account in User.objects.filter(party_id=claim.party_id, is_active=True).order_by("pk"):
        if Notice.objects.filter(recipient=account, code=kind, params__claim=claim.pk).exists():
            continue
        notify(account, kind, params, link=link)
        told += 1
    return told

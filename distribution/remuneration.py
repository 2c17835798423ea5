"""Claims of remuneration (Art. 46.2; A46.2-claim, A44.5-unclaimed-forever): a holder demands the money a
CMO kept for them under the distributions made, and the CMO answers.

What is claimable (:func:`claimable`), from the CMO's approved runs:

- the holder's own money kept because the CMO did not represent them (route ``not_represented``: no mandate
  with an unaccredited CMO, say);
- their part of a work's money kept because no holder was on record (route ``no_holder``), for a work they
  are on record for now. A run keeps that money as one payee, its deductions taken pro rata like any other's,
  and its posting keeps each work's part of the net under the work (:data:`distribution.payouts.posting.KEPT_PARTS`).
  The holder claims that part × their share of the right type the engine pays in the run's area (the first of
  :data:`~registers.public_selectors.AREA_RIGHT_TYPES` the work has shares of) / 100, rounded down; the rest
  stays kept for the work's other holders. In area 5 money is kept by side (producers, performers: a side
  with nobody on record): of each side kept, the holder claims the side's part of the work's kept money (by
  the side's gross in the run) × their part of that side's shares now on record, as the engine splits a side;
  a performer claims nothing of the producers' half, nor a producer of the performers'.

- their part of a work's money held by a conflict (route ``held_conflict``), once no open conflict holds the
  work, for a work they are on record for now: the run kept each holder's held money under the work
  (:data:`distribution.payouts.posting.HELD_PARTS`), and the settlement decides who holds what, so the work's
  held money is claimed by the shares on record after it (of the right type the run paid, side by side in
  area 5, each side by its part of the shares now on record), rounded down; a holder the settlement put on
  record claims as well, one it took off claims nothing. The CMO answers in view of how the conflict was
  settled: it accepts, or refuses saying why, and the money stays kept.

less what the holder's earlier claims (pending or accepted) already asked for, line by line (run, work and
route). Kept money never expires. Money held by a conflict still open, withdrawn works and money routed to a
foreign society are not claimable.

The CMO answers within :data:`ANSWER_WORKING_DAYS` working days of the filing. The law sets no term for
the answer; this is the platform's service term, shown to both sides, after which the claim is overdue.

Accepting (:func:`decide_remuneration_claim`) settles the claim in the ledger at once, one transaction
posted once per claim: Dr *undistributed* (each line, as the run had kept it: the holder's, or the work's)
= the total; Cr *holders payable* = the total less tax; Cr *tax payable* = the tax at the holder's rate on
the day (:func:`distribution.tax.rate_for`, rounded half up once). The next payment file pays it
(:mod:`distribution.payouts`).

Once answered, the claim has a PDF (:func:`claim_document`): the holder, the CMO, what was claimed line by
line, the answer (accepted: the tax withheld and what is paid; refused: the reason), issued the first time it is
opened in a language and the same document every time after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from distribution.engine import PHONOGRAM_AREAS
from distribution.models import DemandStatus, RemunerationClaim, RemunerationClaimLine, Route, Run, RunStatus
from distribution.tax import rate_for
from licensing import ledger
from licensing.models import Entry, SourceKind
from registers.claims import conflicts_visible_to
from registers.conflicts import held_works_sql
from registers.models import CMO, Conflict, ConflictStatus, Party, Work
from registers.public_selectors import AREA_RIGHT_TYPES
from udp.accounts import roles
from udp.accounts.models import User
from udp.audit import audited
from udp.core import clock
from udp.core.workdays import add_working_days
from udp.documents.actions import issue_once
from udp.documents.models import IssuedDocument

#: The platform's term for a CMO's answer to a claim, in working days from the filing.
ANSWER_WORKING_DAYS = 15

CLAIMABLE = f"""
WITH area_types AS (
    SELECT item, string_to_array(types, ',') AS types
      FROM unnest(%(items)s::integer[], %(types)s::text[]) AS t(item, types)
), asked AS (
    SELECT l.run_id, l.work_id, l.route, sum(l.amount_tiyn) AS amount
      FROM distribution_remunerationclaimline l
      JOIN distribution_remunerationclaim c ON c.id = l.claim_id
     WHERE c.party_id = %(party)s AND c.status IN ('pending', 'accepted')
     GROUP BY l.run_id, l.work_id, l.route
), kept AS (
    SELECT r.cmo_id, p.run_id, NULL::bigint AS work_id, p.route, p.net_tiyn AS amount
      FROM distribution_payee p JOIN distribution_run r ON r.id = p.run_id
     WHERE r.status = 'approved' AND p.party_id = %(party)s AND p.net_tiyn > 0
       AND p.route = 'not_represented'
    UNION ALL
    -- held by a conflict, once no open conflict holds the work: the work's held money (each holder's part the
    -- run kept under the work) by the shares now on record, of the right type the run paid, side by side
    SELECT r.cmo_id, r.id, h.work_id, 'held_conflict', share.amount
      FROM (SELECT t.source_id AS run_id, e.work_id, -sum(e.amount_tiyn) AS net
              FROM licensing_entry e
              JOIN licensing_transaction t ON t.id = e.transaction_id AND t.source_kind = %(run_source)s
             WHERE e.account_id = %(undistributed)s AND e.party_id IS NOT NULL AND e.work_id IS NOT NULL
               AND e.work_id IN (SELECT c.work_id FROM registers_workcontributor c WHERE c.party_id = %(party)s)
             GROUP BY t.source_id, e.work_id) h
      JOIN distribution_run r ON r.id = h.run_id
      CROSS JOIN LATERAL (
          SELECT sum(floor(h.net * k.gross * mine.percent / (k.total * mine.whole)))::bigint AS amount
            FROM (SELECT al.side, al.right_type, sum(al.gross_tiyn) AS gross, sum(sum(al.gross_tiyn)) OVER () AS total
                    FROM distribution_allocation al
                   WHERE al.run_id = r.id AND al.work_id = h.work_id AND al.route = 'held_conflict'
                   GROUP BY al.side, al.right_type) k
            CROSS JOIN LATERAL (
                SELECT sum(s.percent) FILTER (WHERE c.party_id = %(party)s) AS percent, sum(s.percent) AS whole
                  FROM registers_share s JOIN registers_workcontributor c ON c.id = s.contributor_id
                 WHERE s.work_id = h.work_id AND s.right_type = k.right_type
                   AND (k.side = '' OR CASE WHEN c.role = 'PRD' THEN 'producers' ELSE 'performers' END = k.side)
            ) mine
           WHERE mine.percent > 0 AND k.total > 0
          HAVING count(*) > 0
      ) share
     WHERE r.status = 'approved' AND share.amount > 0
       AND h.work_id NOT IN ({held_works_sql("r.area_id")})
    UNION ALL
    SELECT r.cmo_id, r.id, e.work_id, 'no_holder', share.amount
      FROM licensing_entry e
      JOIN licensing_transaction t ON t.id = e.transaction_id AND t.source_kind = %(run_source)s
      JOIN distribution_run r ON r.id = t.source_id
      JOIN registers_area a ON a.id = r.area_id
      JOIN area_types at ON at.item = a.item
      CROSS JOIN LATERAL (
          SELECT s.right_type FROM registers_share s
           WHERE s.work_id = e.work_id AND s.right_type = ANY(at.types)
           ORDER BY array_position(at.types, s.right_type::text) LIMIT 1
      ) rt
      CROSS JOIN LATERAL (
          -- outside the phonogram areas: the holder's share of the work's right type, of 100
          SELECT floor(-e.amount_tiyn * sum(s.percent) / 100)::bigint AS amount
            FROM registers_share s JOIN registers_workcontributor c ON c.id = s.contributor_id
           WHERE NOT a.item = ANY(%(phonogram)s)
             AND s.work_id = e.work_id AND s.right_type = rt.right_type AND c.party_id = %(party)s
          HAVING sum(s.percent) > 0
          UNION ALL
          -- in them, side by side (producers, performers) for each side the run kept: the side's part of the
          -- work's kept money (by the side's gross) times the holder's part of that side's shares now on record
          SELECT sum(floor(-e.amount_tiyn::numeric * k.gross * mine.percent / (k.total * mine.whole)))::bigint
            FROM (SELECT al.side, sum(al.gross_tiyn) AS gross, sum(sum(al.gross_tiyn)) OVER () AS total
                    FROM distribution_allocation al
                   WHERE al.run_id = r.id AND al.work_id = e.work_id AND al.party_id IS NULL
                     AND al.route = 'no_holder'
                   GROUP BY al.side) k
            CROSS JOIN LATERAL (
                SELECT sum(s.percent) FILTER (WHERE c.party_id = %(party)s) AS percent, sum(s.percent) AS whole
                  FROM registers_share s JOIN registers_workcontributor c ON c.id = s.contributor_id
                 WHERE s.work_id = e.work_id AND s.right_type = rt.right_type
                   AND CASE WHEN c.role = 'PRD' THEN 'producers' ELSE 'performers' END = k.side
            ) mine
           WHERE a.item = ANY(%(phonogram)s) AND mine.percent > 0 AND k.total > 0
          HAVING count(*) > 0
      ) share
     WHERE e.work_id IN (SELECT c.work_id FROM registers_workcontributor c WHERE c.party_id = %(party)s)
       AND e.account_id = %(undistributed)s AND e.party_id IS NULL AND e.amount_tiyn < 0
       AND r.status = 'approved' AND share.amount > 0
)
SELECT k.cmo_id, k.run_id, k.work_id, k.route, (k.amount - coalesce(a.amount, 0))::bigint
  FROM kept k
  LEFT JOIN asked a ON a.run_id = k.run_id AND a.work_id IS NOT DISTINCT FROM k.work_id AND a.route = k.route
 WHERE k.amount - coalesce(a.amount, 0) > 0 AND (%(cmo)s::bigint IS NULL OR k.cmo_id = %(cmo)s)
 ORDER BY k.cmo_id, k.run_id, k.work_id NULLS FIRST
"""

SETTLE = """
SELECT %(tx)s AS transaction_id, %(account_undistributed)s AS account_id, l.amount_tiyn,
       NULL::bigint AS licence_id, NULL::bigint AS area_id, NULL::date AS usage_start,
       CASE WHEN l.work_id IS NULL THEN %(party)s::bigint END AS party_id, l.work_id
  FROM distribution_remunerationclaimline l WHERE l.claim_id = %(claim)s
UNION ALL
SELECT %(tx)s, %(account_holders_payable)s, -%(payable)s::bigint, NULL, NULL, NULL, %(party)s, NULL
UNION ALL
SELECT %(tx)s, %(account_tax_payable)s, -%(tax)s::bigint, NULL, NULL, NULL, %(party)s, NULL
"""


@dataclass(frozen=True)
class Kept:
    """Money a run of ``cmo_id`` kept that the holder may claim (``work_id``: their part of a work's money
    kept with no holder on record, or held by a conflict since settled; ``None``: their own money kept)."""

    cmo_id: int
    run_id: int
    work_id: int | None
    route: str
    amount_tiyn: int


def claimable(party: Party, cmo: CMO | None = None) -> list[Kept]:
    """What ``party`` may claim now, from ``cmo``'s runs (or every CMO's), one query."""
    items = sorted(AREA_RIGHT_TYPES)
    with connection.cursor() as cursor:
        cursor.execute(
            CLAIMABLE,
            {
                "party": party.pk, "cmo": cmo.pk if cmo else None, "items": items, "phonogram": sorted(PHONOGRAM_AREAS),
                "types": [",".join(AREA_RIGHT_TYPES[item]) for item in items],
                "run_source": SourceKind.RUN, "undistributed": ledger.account_ids(ledger.UNDISTRIBUTED)[ledger.UNDISTRIBUTED],
            },
        )  # fmt: skip
        return [Kept(*row) for row in cursor.fetchall()]


def kept_by_cmo(party: Party) -> dict[int, int]:
    """The total ``party`` may claim at each CMO, in tiyn."""
    totals: dict[int, int] = {}
    for kept in claimable(party):
        totals[kept.cmo_id] = totals.get(kept.cmo_id, 0) + kept.amount_tiyn
    return totals


@dataclass
class KeptAt:
    """What one CMO keeps for the holder: lines to claim, and money accrued to be paid."""

    cmo: CMO
    lines: list[tuple[Kept, Run, Work | None]] = field(default_factory=list)
    total_tiyn: int = 0
    owed_tiyn: int = 0
    pending: RemunerationClaim | None = None


def kept_for(party_id: int) -> list[KeptAt]:
    """Per CMO: the money the holder may claim (by run and work) and the money accrued to be paid to them."""
    party = Party.objects.get(pk=party_id)
    lines = claimable(party)
    runs = Run.objects.select_related("area").in_bulk({k.run_id for k in lines})
    works = Work.objects.in_bulk({k.work_id for k in lines if k.work_id})
    owed = dict(
        Entry.objects.filter(party_id=party_id, account__code=ledger.HOLDERS_PAYABLE)
        .values_list("transaction__cmo_id")
        .annotate(balance=Sum("amount_tiyn"))
    )
    pending = {
        c.cmo_id: c for c in RemunerationClaim.objects.filter(party_id=party_id, status=DemandStatus.PENDING)
    }
    cmo_ids = {k.cmo_id for k in lines} | {c for c, balance in owed.items() if balance < 0} | set(pending)
    cmos = CMO.objects.select_related("party").in_bulk(cmo_ids)
    result: dict[int, KeptAt] = {pk: KeptAt(cmo=cmos[pk]) for pk in sorted(cmo_ids)}
    for kept in lines:
        at = result[kept.cmo_id]
        at.lines.append((kept, runs[kept.run_id], works.get(kept.work_id) if kept.work_id else None))
        at.total_tiyn += kept.amount_tiyn
    for pk, balance in owed.items():
        if pk in result and balance < 0:
            result[pk].owed_tiyn = -balance
    for pk, claim in pending.items():
        result[pk].pending = claim
    return list(result.values())


def settlements(user: Any, lines: Iterable[RemunerationClaimLine]) -> dict[int, list[Conflict]]:
    """For the lines of money a conflict held: how the conflicts over their works were settled (latest first),
    by work, those ``user`` may see (:func:`registers.claims.conflicts_visible_to`), one query."""
    held = {line.work_id for line in lines if line.route == Route.HELD_CONFLICT and line.work_id}
    found: dict[int, list[Conflict]] = {}
    if not held:
        return found
    resolved = conflicts_visible_to(user).filter(work_id__in=held, status=ConflictStatus.RESOLVED)
    for conflict in resolved.order_by("-resolved_at", "-pk"):
        found.setdefault(conflict.work_id, []).append(conflict)  # type: ignore[arg-type]
    return found


def kept_reasons() -> dict[str, str]:
    """Why each line of kept money was kept, in the reader's language, as the holder and the CMO read it once
    it may be claimed: money a conflict held is claimable only after the conflict was settled."""
    reasons = {route.value: str(route.label) for route in Route}
    return {**reasons, Route.HELD_CONFLICT.value: _("Held by a conflict, since settled")}


def answer_due(filed_on: dt.date) -> dt.date:
    return add_working_days(filed_on, ANSWER_WORKING_DAYS)


def is_overdue(claim: RemunerationClaim, today: dt.date | None = None) -> bool:
    return claim.status == DemandStatus.PENDING and (today or clock.today()) > claim.answer_due


def file_remuneration_claim(party: Party, cmo: CMO, *, note: str = "", by: User) -> RemunerationClaim:
    """The holder ``party`` (signed in as ``by``) demands what ``cmo`` kept for them; the CMO's staff are told."""
    if not (roles.is_holder(by) and by.party_id == party.pk):
        raise PermissionError(_("a holder claims only their own remuneration"))
    with transaction.atomic():
        # one claim at a time per holder and CMO, even when filed twice at once
        Party.objects.select_for_update().filter(pk=party.pk).first()
        if RemunerationClaim.objects.filter(party=party, cmo=cmo, status=DemandStatus.PENDING).exists():
            raise ValidationError(_("You have already claimed from this CMO; it has not answered yet."))
        lines = claimable(party, cmo)
        if not lines:
            raise ValidationError(_("This CMO keeps no money for you to claim."))
        now = clock.now()
        with audited(by):
            claim = RemunerationClaim.objects.create(
                party=party, cmo=cmo, note=note.strip(), total_tiyn=sum(k.amount_tiyn for k in lines),
                answer_due=answer_due(clock.today()), filed_by=by, filed_at=now,
            )  # fmt: skip
            RemunerationClaimLine.objects.bulk_create(
                RemunerationClaimLine(
                    claim=claim, run_id=k.run_id, work_id=k.work_id, route=k.route, amount_tiyn=k.amount_tiyn
                )
                for k in lines
            )
        from distribution.notices import tell_staff_claim_filed

        tell_staff_claim_filed(claim.pk)  # stored with the claim; the e-mails leave once it commits
    return claim


def tax_on(claim: RemunerationClaim, day: dt.date) -> int:
    party = claim.party
    rate = rate_for(party.kind, party.resident, day)
    if rate is None:
        raise ValidationError(
            _("No tax rate is in force today for this holder; the claim cannot be paid yet.")
        )
    return int((Decimal(claim.total_tiyn) * rate.percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def decide_remuneration_claim(
    claim: RemunerationClaim, *, accept: bool, reason: str = "", by: User
) -> RemunerationClaim:
    """The CMO's answer. Accepting settles the claim in the ledger once (see the module); refusing says why."""
    if not (roles.is_cmo_staff(by) and by.cmo_id == claim.cmo_id):
        raise PermissionError(_("only the staff of the CMO claimed from decide a claim"))
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Say why you refuse the claim.")})
    with transaction.atomic():
        claim = RemunerationClaim.objects.select_for_update().select_related("party", "cmo").get(pk=claim.pk)
        if claim.status != DemandStatus.PENDING:
            raise ValidationError(_("This claim has already been decided."))
        # a run corrected (reversed, so cancelled) since the filing no longer keeps what the claim asks for
        if accept and claim.lines.exclude(run__status=RunStatus.APPROVED).exists():
            raise ValidationError(
                _(
                    "A distribution run this claim draws on was corrected after the claim was filed, so the "
                    "money it asks for is no longer kept. Refuse the claim, saying so; the holder may claim "
                    "again."
                )
            )
        with audited(by, reason.strip() or None):
            today = clock.today()
            if accept:
                claim.tax_tiyn = tax_on(claim, today)
                ledger.post_select(
                    claim.cmo, today, "remuneration_claim", {"claim": claim.pk},
                    (SourceKind.REMUNERATION_CLAIM, claim.pk), by,
                    select=SETTLE,
                    params={"claim": claim.pk, "party": claim.party_id, "payable": claim.payable_tiyn,
                            "tax": claim.tax_tiyn},
                    accounts=(ledger.UNDISTRIBUTED, ledger.HOLDERS_PAYABLE, ledger.TAX_PAYABLE),
                )  # fmt: skip
            claim.status = DemandStatus.ACCEPTED if accept else DemandStatus.REFUSED
            claim.reason = "" if accept else reason.strip()
            claim.decided_by, claim.decided_at = by, clock.now()
            claim.save(update_fields=["status", "reason", "tax_tiyn", "decided_by", "decided_at"])
        from distribution.notices import tell_holder_claim_decided

        tell_holder_claim_decided(claim.pk)
    return claim


def claim_data(claim: RemunerationClaim, language: str) -> dict[str, Any]:
    """What the answer's PDF shows, in ``language``."""
    from distribution.statements import _money

    lines = claim.lines.select_related("run__area", "work").order_by("run_id", "work_id")
    with translation.override(language):
        reasons = kept_reasons()
        return {
            "claim": {
                "id": claim.pk, "status": str(DemandStatus(claim.status).label),
                "accepted": claim.status == DemandStatus.ACCEPTED, "filed_on": timezone.localdate(claim.filed_at),
                "answered_on": timezone.localdate(claim.decided_at) if claim.decided_at else None, "reason": claim.reason,
                "note": claim.note,
            },
            "holder": {"name": claim.party.name},
            "cmo": {"name": claim.cmo.party.name, "short_name": claim.cmo.short_name},
            "lines": [
                {
                    "area": str(line.run.area), "start": line.run.period_start, "end": line.run.period_end,
                    "work": f"{line.work.title} (№ {line.work_id})" if line.work else "",
                    "route": reasons[line.route], "amount": _money(line.amount_tiyn),
                }
                for line in lines
            ],
            "totals": {
                "claimed": _money(claim.total_tiyn), "tax": _money(claim.tax_tiyn),
                "to_pay": _money(claim.total_tiyn - claim.tax_tiyn),
            },
        }  # fmt: skip


def claim_document(claim: RemunerationClaim, *, by: Any, language: str) -> IssuedDocument:
    """The answer's PDF in ``language``: issued the first time it is opened in that language, the same document
    after. Only an answered claim has one (``ValueError`` for a claim still waiting)."""
    from distribution.documents import CLAIM

    if claim.status == DemandStatus.PENDING:
        raise ValueError("a claim still waiting for its answer has no PDF")
    return issue_once(
        CLAIM, claim, by=by, language=language, data=lambda: claim_data(claim, language),
        public_label=f"{claim.cmo.short_name} · {timezone.localdate(claim.filed_at):%Y-%m-%d}",
    )  # fmt: skip

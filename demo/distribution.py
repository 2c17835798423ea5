"""The demo's distribution: KazAK's run for area 1 of the third quarter of 2026, calculated by its staff and
approved by its admin (so the statements are published), its first payment file, and the bank's statement of it
(camt.053: the file paid, one holder's transfer returned, account closed).

The run's pool (18 450.00 tenge) is given to it, spread over KazAK's members' musical works by a fixed
pattern of plays, so that ``holder@demo.udp.kz`` has a statement and its PDF, and the staff see a run, its
payees and a payment file. One song in it has no holder on record when the run is calculated; the demo holder
is put on record for it afterwards and claims what KazAK kept for it, and KazAK accepts the claim. Another, one of
the demo holder's own, is held by an open conflict when the run is calculated, so its money is held; the expert
organization settles the conflict afterwards, its holders are told, and the demo holder's held money waits in
"Money kept for you" to be claimed. Idempotent: a run of that quarter already there is left as it is.

Before that, the radio station's first usage report to KazAK is read and matched (:func:`_radio_usage`), so
KazAK's staff have usage to identify on their review page; and KazAK's year 2025 for the foreign societies it
represents is distributed and remitted (:func:`_foreign_year`): an annual run with a remittance per society, one
paid, one returned by the bank.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from demo import bank
from demo.world import make_kz_iban
from distribution.calculating import approve
from distribution.models import PaymentBatch, Run
from distribution.payouts.actions import create_batch, import_statement
from distribution.remuneration import decide_remuneration_claim, file_remuneration_claim
from distribution.runs import start_run
from registers.answers import resolve_conflict
from registers.conflicts import record_conflict
from registers.models import CMO, Area, BankAccount, Conflict, ConflictKind, Share, Work, WorkContributor
from udp.accounts.models import Role, User

QUARTER = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
POOL_TIYN = 1_845_000
WORKS = 40
#: The year of the annual run for foreign societies, its fourth quarter's run, that run's pool and songs.
FOREIGN_YEAR = 2025
FOREIGN_QUARTER = (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
FOREIGN_POOL_TIYN = 24_630_000
FOREIGN_SONGS = 24
#: Tenge per unit of each agreement's currency, as the staff enter them.
RATES = {"EUR": Decimal("601.25"), "GBP": Decimal("688.40"), "USD": Decimal("518.75")}


def build(cmos: dict[str, CMO], summary: Any) -> None:
    _radio_usage(cmos["KazAK"], summary)
    cmo, area = cmos["KazAK"], Area.objects.get(item=1)
    staff = User.objects.filter(cmo=cmo, role=Role.CMO_STAFF).order_by("pk").first()
    admin = User.objects.filter(cmo=cmo, role=Role.CMO_ADMIN).order_by("pk").first()
    if staff is None or admin is None:
        return
    _foreign_year(cmo, area, staff, admin, summary)
    if Run.objects.filter(cmo=cmo, area=area, period_start=QUARTER[0], period_end=QUARTER[1]).exists():
        return
    members = Work.objects.filter(
        kind="musical", shares__right_type="PR", contributors__party__mandates__cmo=cmo,
        contributors__party__mandates__area=area,
    )  # fmt: skip
    demo_holder = User.objects.filter(email="holder@demo.udp.kz").values_list("party_id", flat=True).first()
    own = list(
        members.filter(contributors__party_id=demo_holder or 0).values_list("pk", flat=True).distinct()[:5]
    )
    others = list(members.exclude(pk__in=own).values_list("pk", flat=True).distinct().order_by("pk")[:WORKS])
    rng = random.Random(2026)
    weights = {pk: rng.randint(1, 60) for pk in sorted({*own, *others})}
    if not weights:
        return
    # a song no holder was on record for when the quarter was distributed: its money is kept for its holder
    unheld = Work.objects.create(kind="musical", title="Дала әуені (demo)", language="kk")
    weights[unheld.pk] = 30
    operator = User.objects.filter(role=Role.OPERATOR).order_by("pk").first()
    conflict = _conflict_on(Work.objects.get(pk=own[0]), operator) if own and operator else None
    run = start_run(
        cmo, area, *QUARTER, by=staff, weights=weights, pool_tiyn=POOL_TIYN, costs_percent=Decimal("15"),
        funds_percent=Decimal("5"),
    )  # fmt: skip
    approve(run, by=admin)
    summary.add("distribution runs")
    if not cmo.party.bank_accounts.exists():  # the account KazAK pays from
        BankAccount.objects.create(
            party=cmo.party, iban=make_kz_iban(rng), bank_name="Halyk Bank", bic="HSBKKZKX"
        )
    try:
        batch = create_batch(cmo, by=staff, execution_date=dt.date(2026, 10, 15))
        summary.add("payment files")
    except ValidationError:  # nobody with bank details to pay, or no account of the CMO's to pay from
        pass
    else:
        _bank_statement(cmo, batch, staff, demo_holder, summary)
    holder = User.objects.filter(email="holder@demo.udp.kz", party__isnull=False).first()
    if holder is not None:
        _claim_answered(cmo, unheld, holder, staff, summary)
    if conflict is not None and operator is not None:
        # settled after the run: the money it held is released to its holders, who are told
        resolve_conflict(
            conflict, by=operator, resolution="Үлестер құжатпен расталды / Доли подтверждены документом."
        )
        summary.add("money released by a settled conflict")


def _foreign_year(cmo: CMO, area: Area, staff: User, admin: User, summary: Any) -> None:
    """KazAK's year 2025 for the foreign societies it represents in area 1: the fourth quarter's run over their
    members' songs (their money routed to the societies, kept until the annual run), then the annual run,
    calculated by the staff at the National Bank's rates and approved by the admin. GEMA's remittance is paid;
    PRS's transfer came back (the society's account closed) and is owed again; ASCAP's and SACEM's wait to be
    sent. Idempotent: an annual run of 2025 already there is left as it is."""
    from distribution.foreign import (
        approve_foreign_run,
        record_remittance_paid,
        record_remittance_returned,
        start_foreign_run,
    )
    from distribution.models import ForeignRun
    from registers.models import ReciprocalArea
    from udp.core import clock

    if ForeignRun.objects.filter(cmo=cmo, year=FOREIGN_YEAR).exists():
        return
    societies = ReciprocalArea.objects.filter(cmo=cmo, area=area, status="active").values_list("society_id")
    songs = list(
        Work.objects.filter(
            kind="musical", contributors__party__society_memberships__area=area,
            contributors__party__society_memberships__society__in=societies,
        ).values_list("pk", flat=True).distinct().order_by("pk")[:FOREIGN_SONGS]
    )  # fmt: skip
    if not songs:
        return
    rng = random.Random(2025)
    run = start_run(
        cmo, area, *FOREIGN_QUARTER, by=staff, weights={pk: rng.randint(1, 40) for pk in songs},
        pool_tiyn=FOREIGN_POOL_TIYN, costs_percent=Decimal("15"), funds_percent=Decimal("5"),
    )  # fmt: skip
    approve(run, by=admin)
    summary.add("distribution runs")
    year = start_foreign_run(cmo, FOREIGN_YEAR, by=staff, rates=RATES)
    approve_foreign_run(year, by=admin)
    summary.add("annual runs for foreign societies")
    today = clock.today()
    for remittance in year.remittances.select_related("society"):
        name = remittance.society.short_name
        if name in ("GEMA", "PRS"):
            record_remittance_paid(
                remittance, paid_on=today, reference=f"MT103 {name}-{FOREIGN_YEAR}", by=staff
            )
        if name == "PRS":
            record_remittance_returned(
                remittance, returned_on=today, reference=f"RTN {name}-{FOREIGN_YEAR}",
                reason="Beneficiary account closed / Алушының шоты жабылған", by=staff,
            )  # fmt: skip


def _bank_statement(
    cmo: CMO, batch: PaymentBatch, staff: User, demo_holder: int | None, summary: Any
) -> None:
    """The bank's statement of KazAK's account for the days after the file: the file booked as one debit, the
    bank's charge, and one holder's transfer (not the demo holder's) sent back by their bank, account closed."""
    lines = list(batch.lines.order_by("pk").values_list("end_to_end_id", "amount_tiyn", "party_id"))
    back = next((line for line in lines if line[2] != demo_holder), None)
    entries = [
        bank.Entry(
            dt.date(2026, 10, 15), credit=False, transactions=[(ref, amount) for ref, amount, _ in lines]
        ),
        bank.Entry(dt.date(2026, 10, 15), credit=False, amount_tiyn=150_000, family=("CCRD", "CHRG")),
    ]
    if back is not None:
        entries.append(
            bank.Entry(
                dt.date(2026, 10, 19), credit=True, transactions=[back[:2]], family=("RCDT", "RRTN"),
                return_reason="AC04",
            )
        )  # fmt: skip
    iban = (
        BankAccount.objects.filter(party_id=cmo.party_id, is_primary=True)
        .values_list("iban", flat=True)
        .first()
    )
    data = bank.statement(iban or "", "HSBK-2026-10-19", dt.datetime(2026, 10, 20, 6, 0), entries)
    import_statement(by=staff, cmo=cmo, file=io.BytesIO(data), filename="HSBK-2026-10-19.xml")
    summary.add("bank statements of payouts")


def _radio_usage(cmo: CMO, summary: Any) -> None:
    """The radio station's first report to KazAK, sent and read as any report is (a CSV file, the first month
    of its licence), then matched: four recordings by their ISRC, one by its title and performer as the
    station wrote them, and two songs nobody registered, which wait on KazAK's review page to be identified
    (and for their holders to claim them). Idempotent: a report of the licence already there is left as it is."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from distribution import matching
    from licensing.models import Licence, LicenceStatus, UsageReport
    from licensing.usage import ingest
    from licensing.usage.rows import COLUMNS

    user = User.objects.filter(email="user@demo.udp.kz").first()
    licensee = user.licensee if user is not None else None
    licence = Licence.objects.filter(
        licensee=licensee, cmo=cmo, kind="licence", status=LicenceStatus.IN_FORCE
    ).first() if licensee is not None else None  # fmt: skip
    if user is None or licence is None or UsageReport.objects.filter(licence=licence).exists():
        return
    rows = []
    recordings = Work.objects.filter(kind="recording", isrc__isnull=False).order_by("pk")[:5]
    for n, rec in enumerate(recordings):
        performer = rec.contributors.filter(role="PER").select_related("party").first()
        name = performer.party.name_lat or performer.party.name_kk if performer else ""
        if n < 4:
            rows.append(["", rec.isrc or "", "", rec.title, name, str(3 + n), "215", "Radio Dala 101.4 FM"])
        elif name:  # no ISRC: the title in capitals, the performer in Latin letters
            rows.append(["", "", "", rec.title.upper(), name, "2", "190", "Radio Dala 101.4 FM"])
    rows.append(["", "", "", "Түнгі қала", "Белгісіз әнші", "5", "200", "Radio Dala 101.4 FM"])
    rows.append(["", "", "", "Summer in Almaty", "DJ Nobody", "1", "180", "Radio Dala 101.4 FM"])
    text = "\n".join(",".join(f'"{v}"' for v in row) for row in [list(COLUMNS), *rows]) + "\n"
    first = licence.starts_on
    last = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    report = ingest.start_report(
        user, licence, SimpleUploadedFile("radio-dala-usage.csv", text.encode()), period_start=first,
        period_end=last, queue=False,
    )  # fmt: skip
    ingest.run_report(report.pk)
    summary.add("usage reports")
    matching.refresh_work_keys()
    matching.match_due(matching.months(first, last))


def _conflict_on(work: Work, by: User) -> Conflict:
    """An open conflict on one of the demo holder's songs when the quarter is distributed: claims on it above
    100 % (the run holds its money)."""
    params = {"title": work.title, "total": "120", "right_type": "PR"}
    conflict, _ = record_conflict(
        kind=ConflictKind.OVER_CLAIM, key=f"demo-over-claim-{work.pk}", params=params, by=by, work_id=work.pk,
        right_type="PR", parties=set(work.contributors.values_list("party_id", flat=True)),
    )  # fmt: skip
    return conflict


def _claim_answered(cmo: CMO, work: Work, holder: User, staff: User, summary: Any) -> None:
    """The demo holder is put on record for the unheld song after the run, claims the money KazAK kept for
    it, and KazAK's staff accept the claim: a claim with its answer (and the answer's PDF) to look at."""
    party = holder.party
    assert party is not None
    contributor = WorkContributor.objects.create(work=work, party=party, role="CA", sequence=0)
    Share.objects.create(work=work, contributor=contributor, right_type="PR", percent=Decimal("100"))
    try:
        claim = file_remuneration_claim(party, cmo, note="Дала әуені — менің әнім.", by=holder)
        decide_remuneration_claim(claim, accept=True, by=staff)
    except ValidationError:  # nothing kept to claim, or no tax rate in force today for the holder
        return
    summary.add("answered claims")

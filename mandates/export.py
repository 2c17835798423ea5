"""A holder's own data, whole, at any time: their entry, works and shares, mandates, requests and
withdrawals, as CSV files and a CWR file in one ZIP.

The works file has the columns of the platform's import template, so the holder (or another
system) can read it back; the CWR file carries the musical works in CWR 2.1. Everything in it is the
holder's own, confidential data included: it is only ever built for the holder themselves (and the
operator acting for them), through :func:`mandates.access` on the view.
"""

from __future__ import annotations

import io
import zipfile

from mandates.models import MandateRequest, Withdrawal
from mandates.rights import works_of
from registers import tabular
from registers.cwr.writer import works_for_export, write_works
from registers.models import Mandate, Party
from udp.core import clock
from udp.core.spreadsheets import csv_bytes

HOLDER_COLUMNS = [
    "id", "kind", "name_kk", "name_ru", "name_lat", "iin", "bin", "ipi_base_number", "ipi_name_numbers",
    "isni", "pseudonyms", "birth_date", "death_date", "citizenship", "resident", "address", "email",
    "phone", "bank_accounts",
]  # fmt: skip
MANDATE_COLUMNS = [
    "contract_number", "cmo", "area_item", "area_code", "in_force_from", "ends_on", "status", "concluded_on",
]  # fmt: skip
REQUEST_COLUMNS = [
    "id",
    "cmo",
    "areas",
    "status",
    "requested_at",
    "answered_at",
    "refusal_ground",
    "contract",
]
WITHDRAWAL_COLUMNS = [
    "id", "cmo", "area_item", "scope", "works", "status", "received_on", "effective_on",
]  # fmt: skip


def _date(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else ""


def holder_rows(party: Party) -> list[list[object]]:
    return [
        [
            party.pk, party.kind, party.name_kk, party.name_ru, party.name_lat, party.iin or "", party.bin or "",
            party.ipi_base_number, "|".join(str(n) for n in party.ipi_names.all()), party.isni or "",
            "|".join(str(p) for p in party.pseudonyms.all()), _date(party.birth_date), _date(party.death_date),
            party.citizenship, "" if party.resident is None else str(party.resident).lower(), party.address,
            party.email, party.phone, "|".join(a.iban for a in party.bank_accounts.all()),
        ]
    ]  # fmt: skip


def mandate_rows(party: Party) -> list[list[object]]:
    mandates = (
        Mandate.objects.filter(holder=party)
        .select_related("contract", "cmo", "area")
        .order_by("area__item", "valid_from")
    )
    return [
        [
            m.contract.number, m.cmo.short_name, m.area.item, m.area.code, _date(m.valid_from), _date(m.ends_on),
            m.status, _date(m.contract.concluded_on),
        ]
        for m in mandates
    ]  # fmt: skip


def request_rows(party: Party) -> list[list[object]]:
    requests = (
        MandateRequest.objects.filter(holder=party)
        .select_related("cmo", "contract")
        .prefetch_related("areas")
        .order_by("requested_at")
    )
    return [
        [
            r.pk, r.cmo.short_name, "|".join(str(a.item) for a in r.areas.all()), r.status,
            r.requested_at.isoformat(), r.decided_at.isoformat() if r.decided_at else "", r.refusal_ground,
            r.contract.number if r.contract else "",
        ]
        for r in requests
    ]  # fmt: skip


def withdrawal_rows(party: Party) -> list[list[object]]:
    withdrawals = (
        Withdrawal.objects.filter(holder=party)
        .select_related("cmo", "area")
        .prefetch_related("works")
        .order_by("received_on", "pk")
    )
    return [
        [
            w.pk, w.cmo.short_name, w.area.item, w.scope, "|".join(str(work.pk) for work in w.works.all()),
            w.status, _date(w.received_on), _date(w.effective_on),
        ]
        for w in withdrawals
    ]  # fmt: skip


def filename(party: Party) -> str:
    return f"udp-my-data-{party.pk}-{clock.today():%Y%m%d}.zip"


def holder_data_zip(party: Party) -> bytes:
    """The ZIP a holder downloads: holder.csv, works.csv, mandates.csv, requests.csv, withdrawals.csv, works.V21."""
    works = works_of(party)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("holder.csv", csv_bytes(HOLDER_COLUMNS, holder_rows(party)))
        archive.writestr("works.csv", tabular.write_csv(tabular.export_rows(works)))
        archive.writestr("mandates.csv", csv_bytes(MANDATE_COLUMNS, mandate_rows(party)))
        archive.writestr("requests.csv", csv_bytes(REQUEST_COLUMNS, request_rows(party)))
        archive.writestr("withdrawals.csv", csv_bytes(WITHDRAWAL_COLUMNS, withdrawal_rows(party)))
        archive.writestr("works.V21", write_works(works_for_export(works.filter(kind="musical"))))
    return buffer.getvalue()

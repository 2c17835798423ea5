"""Foreign societies leave the register of CMOs and become reciprocal partners.

Every CMO entered as a foreign society becomes a :class:`ForeignSociety` (its CISAC code, country,
name and website). Its reciprocal agreements name it as the foreign society (one row per area);
its "mandates" from foreign holders become the holders' memberships of the society; the parties
and works it registered stay, without the registering CMO; then the CMO's row goes. A foreign
"CMO" with staff accounts, imports, licences or mandate requests cannot be moved this way: the
migration stops and says so.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations


def _society(apps: Any, cmo: Any) -> Any:
    ForeignSociety = apps.get_model("registers", "ForeignSociety")
    code = (cmo.cisac_code or "").strip().zfill(3) if (cmo.cisac_code or "").strip() else ""
    if not re.fullmatch(r"[0-9]{3}", code):
        raise RuntimeError(
            f"The foreign society {cmo.short_name} has no CISAC code: enter it in the register of CMOs first."
        )
    party = cmo.party
    name = party.name_lat or party.name_ru or party.name_kk or cmo.short_name
    society, _ = ForeignSociety.objects.get_or_create(
        cisac_code=code,
        defaults={"name": name, "short_name": cmo.short_name, "country": cmo.country.upper(), "website": cmo.website},
    )
    return society


def _refuse_if_used(apps: Any, cmo: Any) -> None:
    User = apps.get_model("accounts", "User")
    ImportBatch = apps.get_model("registers", "ImportBatch")
    Contract = apps.get_model("registers", "Contract")
    used = {
        "staff accounts": User.objects.filter(cmo=cmo).exists(),
        "imports": ImportBatch.objects.filter(cmo=cmo).exists(),
        "licences": Contract.objects.filter(cmo=cmo, kind__in=["licence", "remuneration"]).exists(),
    }
    found = [what for what, yes in used.items() if yes]
    if found:
        raise RuntimeError(f"The foreign society {cmo.short_name} has {', '.join(found)}: move them first.")


def _reciprocal(apps: Any, cmo: Any, society: Any) -> None:
    Contract = apps.get_model("registers", "Contract")
    ReciprocalArea = apps.get_model("registers", "ReciprocalArea")
    as_first = Contract.objects.filter(kind="reciprocal", cmo=cmo)
    for contract in as_first:
        if contract.counterparty_cmo_id is None:
            raise RuntimeError(f"The reciprocal agreement {contract.number} has no domestic party.")
        contract.cmo_id = contract.counterparty_cmo_id
    for contract in [*as_first, *Contract.objects.filter(kind="reciprocal", counterparty_cmo=cmo)]:
        contract.counterparty_cmo = None
        contract.foreign_society = society
        contract.save(update_fields=["cmo", "counterparty_cmo", "foreign_society"])
        for area in contract.areas.all():
            taken = ReciprocalArea.objects.filter(society=society, area=area, status="active").exists()
            ReciprocalArea.objects.create(
                contract=contract, society=society, cmo_id=contract.cmo_id, area=area,
                valid_from=contract.valid_from, valid_until=contract.valid_until,
                status="active" if contract.status == "active" and not taken else "ended",
            )  # fmt: skip


def _memberships(apps: Any, cmo: Any, society: Any) -> None:
    Contract = apps.get_model("registers", "Contract")
    Mandate = apps.get_model("registers", "Mandate")
    SocietyMembership = apps.get_model("registers", "SocietyMembership")
    for mandate in Mandate.objects.filter(cmo=cmo):
        SocietyMembership.objects.get_or_create(
            party_id=mandate.holder_id, society=society, area_id=mandate.area_id,
            defaults={"since": mandate.valid_from, "until": mandate.ends_on, "source": "cmo"},
        )  # fmt: skip
    Mandate.objects.filter(cmo=cmo).delete()
    Contract.objects.filter(cmo=cmo, kind="mandate").delete()


def forward(apps: Any, schema_editor: Any) -> None:
    CMO = apps.get_model("registers", "CMO")
    Party = apps.get_model("registers", "Party")
    Work = apps.get_model("registers", "Work")
    for cmo in CMO.objects.filter(is_foreign=True).select_related("party"):
        _refuse_if_used(apps, cmo)
        society = _society(apps, cmo)
        _reciprocal(apps, cmo, society)
        _memberships(apps, cmo, society)
        Party.objects.filter(registered_by_cmo=cmo).update(registered_by_cmo=None)
        Work.objects.filter(registered_by_cmo=cmo).update(registered_by_cmo=None)
        cmo.area_links.all().delete()
        cmo.representatives.all().delete()
        cmo.branches.all().delete()
        cmo.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registers", "0013_foreign_societies_reciprocal_areas_conflict_evidence"),
        ("accounts", "0005_api_key_scope_documents_write"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

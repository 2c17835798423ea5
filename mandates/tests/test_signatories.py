"""Who may sign for a CMO is on record: its admin enters the people (IIN, position, basis, period)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mandates import actions
from mandates.tests.request_helpers import accepted, sign
from tests import factories as f
from tests.personas import Personas
from udp.documents.models import Signatory


def test_the_cmo_admin_enters_a_signatory_on_the_page_and_they_then_sign(personas: Personas) -> None:
    p = personas
    iin = f.make_iin()
    admin = f.signed_in(p.cmo_admin)
    response = admin.post(
        "/mandates/signatories/",
        {
            "account": p.cmo_staff.pk,
            "iin": iin,
            "position": "Deputy director",
            "basis": "Power of attorney 5",
        },
    )
    assert response.status_code == 302
    row = Signatory.objects.get()
    assert row.entity_bin == p.cmo.party.bin and row.iin == iin and row.account == p.cmo_staff
    made = sign(accepted(p.holder, p.cmo, p.cmo_staff, 7), p.cmo_staff)
    assert made.cmo_signature is not None and made.cmo_signature.signer_iin == iin
    assert made.cmo_signature.signatory == row
    # staff read the list; only the admin adds
    page = f.signed_in(p.cmo_staff).get("/mandates/signatories/").content.decode()
    assert "Deputy director" in page and "Add a signatory" not in page


def test_a_signatory_is_one_of_the_cmos_own_accounts_with_a_valid_iin(personas: Personas) -> None:
    p = personas
    with pytest.raises(ValidationError):
        actions.enter_cmo_signatory(
            by=p.cmo_admin, account=p.other_cmo_staff, iin=f.make_iin(), position="x", basis="y"
        )
    with pytest.raises(ValidationError):
        actions.enter_cmo_signatory(
            by=p.cmo_admin, account=p.cmo_staff, iin="123456789012", position="x", basis="y"
        )
    with pytest.raises(PermissionError):
        actions.enter_cmo_signatory(
            by=p.cmo_staff, account=p.cmo_staff, iin=f.make_iin(), position="x", basis="y"
        )
    assert not Signatory.objects.exists()
    assert f.signed_in(p.holder).get("/mandates/signatories/").status_code == 403

"""A holder asks a CMO for management; the CMO accepts or refuses; both sign; the mandate comes into force.

The personas: the holder has KAZ manage area 1; the other holder has QAZ manage area 1. KAZ works in
areas 1 and 7, QAZ in 1 and 5.
"""

from __future__ import annotations

import html
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from mandates import actions
from mandates.documents import agreement_languages
from mandates.models import MandateRequest, RefusalGround, RequestStatus
from mandates.tests.request_helpers import accepted, area, make_signatory, requested, sign
from registers.claims import conflict_text, conflicts_visible_to
from registers.models import Contract, Mandate
from registers.models.claims import Conflict, ConflictKind
from registers.models.contracts import ContractStatus, MandateStatus
from tests import factories as f
from tests.personas import Personas
from udp.accounts.models import Role
from udp.documents.models import Signature
from udp.documents.signing import AccountSigner
from udp.notices.models import Notice


@pytest.fixture
def signatories(personas: Personas) -> None:
    make_signatory(personas.cmo_admin, personas.cmo)
    make_signatory(personas.other_cmo_staff, personas.other_cmo)


def pdf_text(request: Any) -> str:
    request.refresh_from_db()
    with request.document.file.open("rb") as fh:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(fh.read())).pages)


def test_a_request_accepted_and_signed_by_both_puts_the_mandate_in_force(
    personas: Personas, signatories: None
) -> None:
    p = personas
    made = requested(p.holder, p.other_cmo, 5)
    assert made.status == RequestStatus.REQUESTED
    assert Notice.objects.filter(recipient=p.other_cmo_staff, code="mandate_requested").exists()

    made = actions.accept_request(made, by=p.other_cmo_staff)
    assert made.status == RequestStatus.AWAITING_SIGNATURES
    assert made.contract is not None and made.contract.status == ContractStatus.DRAFT
    assert made.contract.number.startswith("MAN-")
    assert made.document is not None and made.document.kind == "mandate_agreement"
    assert not Mandate.objects.filter(holder=p.holder_party, area__item=5).exists()

    made = sign(made, p.holder)
    assert made.status == RequestStatus.AWAITING_SIGNATURES
    assert Notice.objects.filter(recipient=p.other_cmo_staff, code="mandate_signed_by_other").exists()
    made = sign(made, p.other_cmo_staff)

    assert made.status == RequestStatus.IN_FORCE
    assert made.contract is not None and made.document is not None
    contract = Contract.objects.get(pk=made.contract.pk)
    assert contract.status == ContractStatus.ACTIVE and contract.kind == "mandate"
    mandate = Mandate.objects.get(holder=p.holder_party, area__item=5, status=MandateStatus.ACTIVE)
    assert mandate.cmo == p.other_cmo and mandate.contract == contract
    cmo_signature = made.cmo_signature
    assert cmo_signature is not None
    assert cmo_signature.on_behalf_bin == p.other_cmo.party.bin
    assert cmo_signature.sha256 == made.document.sha256
    holder_signature = made.holder_signature
    assert holder_signature is not None
    assert holder_signature.signer_iin == p.holder_party.iin and holder_signature.on_behalf_bin == ""
    assert Notice.objects.filter(recipient=p.holder, code="mandate_in_force").exists()


def test_only_a_signatory_on_record_signs_for_the_cmo(personas: Personas, signatories: None) -> None:
    made = accepted(personas.holder, personas.cmo, personas.cmo_staff, 7)
    with pytest.raises(ValidationError, match="not on record"):
        sign(made, personas.cmo_staff)  # staff, but not entered as a signatory of KAZ
    assert sign(made, personas.cmo_admin).cmo_signature_id is not None


def test_a_signature_confirms_the_documents_hash(personas: Personas, signatories: None) -> None:
    made = accepted(personas.holder, personas.cmo, personas.cmo_staff, 7)
    with pytest.raises(ValidationError, match="changed"):
        actions.sign_agreement(made, by=personas.holder, confirmed_sha256="0" * 64)
    assert not Signature.objects.exists()


def test_a_stranger_cannot_sign(personas: Personas, signatories: None) -> None:
    made = accepted(personas.holder, personas.cmo, personas.cmo_staff, 7)
    with pytest.raises(PermissionError):
        sign(made, personas.other_holder)


def test_the_agreement_reads_in_the_holders_language_with_kazakh_and_russian(personas: Personas) -> None:
    made = accepted(personas.holder, personas.cmo, personas.cmo_staff, 7)
    assert made.language == "kk" and made.document is not None and made.document.language == "kk"
    assert agreement_languages("kk") == ["kk", "ru"]
    text = pdf_text(made)
    assert (
        made.contract is not None and text.count(made.contract.number) >= 3
    )  # the facts, and each text's heading
    # the Kazakh text names the holder in Kazakh, then the Russian text in Russian
    kazakh, russian = text.find("Айгүл Серікова"), text.find("Айгуль Серикова")
    assert 0 <= kazakh < russian


def test_an_english_holder_gets_english_then_kazakh_and_russian(personas: Personas) -> None:
    personas.holder.language = "en"
    personas.holder.save()
    made = accepted(personas.holder, personas.cmo, personas.cmo_staff, 7)
    assert agreement_languages("en") == ["en", "kk", "ru"]
    text = pdf_text(made)
    english, kazakh, russian = (
        text.rfind("Aigul Serikova"),
        text.find("Айгүл Серікова"),
        text.find("Айгуль Серикова"),
    )
    assert 0 <= english < kazakh < russian
    assert "Art. 43.4" in text


@pytest.mark.statute("A43.4-one-cmo")
def test_a_second_cmo_for_the_same_area_is_refused_and_recorded_as_a_conflict(personas: Personas) -> None:
    p = personas
    with pytest.raises(actions.MandateRefused, match="KAZ already manages area 1") as refused:
        requested(p.holder, p.other_cmo, 1)
    assert not MandateRequest.objects.filter(holder=p.holder_party, cmo=p.other_cmo).exists()
    conflict = refused.value.conflict
    assert conflict is not None and conflict.kind == ConflictKind.OVERLAPPING_MANDATES
    assert set(conflict.parties.values_list("pk", flat=True)) == {
        p.holder_party.pk, p.cmo.party_id, p.other_cmo.party_id,
    }  # fmt: skip
    assert "QAZ" in conflict_text(conflict) and "KAZ" in conflict_text(conflict)
    for who in (p.holder, p.cmo_staff, p.other_cmo_staff, p.regulator):
        assert conflicts_visible_to(who).filter(pk=conflict.pk).exists(), who
    assert not conflicts_visible_to(p.other_holder).filter(pk=conflict.pk).exists()
    # asked again: the same conflict, not a second one
    with pytest.raises(actions.MandateRefused):
        requested(p.holder, p.other_cmo, 1)
    assert Conflict.objects.filter(kind=ConflictKind.OVERLAPPING_MANDATES).count() == 1
    assert (
        Mandate.objects.filter(holder=p.holder_party, area__item=1, status=MandateStatus.ACTIVE).count() == 1
    )


@pytest.mark.statute("A43.4-one-cmo")
def test_the_database_refuses_a_second_active_mandate(personas: Personas) -> None:
    from django.db import IntegrityError, transaction

    existing = Mandate.objects.get(holder=personas.holder_party, area__item=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mandate.objects.create(
            contract=existing.contract, holder=personas.holder_party, cmo=personas.other_cmo, area=area(1),
            valid_from=existing.valid_from,
        )  # fmt: skip


@pytest.mark.statute("A43.4-one-cmo")
def test_an_agreement_cannot_come_into_force_over_another_cmos_mandate(
    personas: Personas, signatories: None
) -> None:
    p = personas
    holder = f.make_account("third@example.kz", Role.HOLDER, party=f.make_person())
    first = accepted(holder, p.cmo, p.cmo_staff, 1)
    second = accepted(holder, p.other_cmo, p.other_cmo_staff, 1)
    sign(sign(first, holder), p.cmo_admin)
    sign(second, holder)
    with pytest.raises(actions.MandateRefused, match="KAZ already manages"):
        sign(second, p.other_cmo_staff)
    second.refresh_from_db()
    assert second.status == RequestStatus.REFUSED and second.refusal_ground == RefusalGround.ALREADY_MANAGED
    assert second.contract is not None and second.contract.status == ContractStatus.TERMINATED
    assert Mandate.objects.filter(holder=holder.party, area__item=1).count() == 1
    assert Conflict.objects.filter(kind=ConflictKind.OVERLAPPING_MANDATES, parties=p.other_cmo.party).exists()


@pytest.mark.statute("A44.1-must-accept")
def test_a_refusal_needs_a_ground_and_the_authorized_body_sees_it(personas: Personas) -> None:
    p = personas
    made = requested(p.holder, p.cmo, 7)
    with pytest.raises(ValidationError):
        actions.refuse_request(made, by=p.cmo_staff, ground="", note="no")
    with pytest.raises(ValidationError):
        actions.refuse_request(made, by=p.cmo_staff, ground=RefusalGround.INCOMPLETE, note="  ")
    made.refresh_from_db()
    assert made.status == RequestStatus.REQUESTED
    made = actions.refuse_request(
        made, by=p.cmo_staff, ground=RefusalGround.INCOMPLETE, note="Send your IPI."
    )
    assert made.status == RequestStatus.REFUSED and made.refusal_ground == "incomplete"
    assert Notice.objects.filter(recipient=p.regulator, code="mandate_refused_regulator").exists()
    assert Notice.objects.filter(recipient=p.holder, code="mandate_refused").exists()


def test_only_the_addressed_cmo_answers(personas: Personas) -> None:
    made = requested(personas.holder, personas.cmo, 7)
    with pytest.raises(PermissionError):
        actions.accept_request(made, by=personas.other_cmo_staff)
    with pytest.raises(PermissionError):
        actions.refuse_request(made, by=personas.other_cmo_staff, ground="incomplete", note="x")


def test_the_holder_cancels_an_unanswered_request_only(personas: Personas) -> None:
    made = requested(personas.holder, personas.cmo, 7)
    assert actions.cancel_request(made, by=personas.holder).status == RequestStatus.CANCELLED
    made = accepted(personas.holder, personas.cmo, personas.cmo_staff, 7)
    with pytest.raises(ValidationError):
        actions.cancel_request(made, by=personas.holder)


def test_bad_requests_are_refused_and_change_nothing(personas: Personas) -> None:
    p = personas
    with pytest.raises(ValidationError, match="already manages this area for you"):
        requested(p.holder, p.cmo, 1)
    requested(p.holder, p.cmo, 7)
    with pytest.raises(ValidationError, match="already have an open request"):
        requested(p.holder, p.cmo, 7)
    with pytest.raises(PermissionError):
        requested(p.cmo_staff, p.cmo, 7)
    assert MandateRequest.objects.count() == 1


class CmsSigner(AccountSigner):
    """Stands in for an NCALayer adapter: the same protocol, another method, a CMS signature as evidence."""

    method = "ncalayer"

    def sign(self, document: Any, **kwargs: Any) -> Signature:
        if not kwargs.get("evidence"):
            raise ValidationError("a CMS signature is required")
        return super().sign(document, **kwargs)


def test_the_signer_named_in_the_settings_signs(personas: Personas, signatories: None, settings: Any) -> None:
    settings.UDP_DOCUMENT_SIGNER = "mandates.tests.test_requests.CmsSigner"
    made = accepted(personas.holder, personas.cmo, personas.cmo_staff, 7)
    assert made.document is not None
    with pytest.raises(ValidationError, match="CMS"):
        actions.sign_agreement(made, by=personas.holder, confirmed_sha256=made.document.sha256)
    made = actions.sign_agreement(
        made, by=personas.holder, confirmed_sha256=made.document.sha256, evidence="MIIB…"
    )
    assert made.holder_signature is not None
    assert made.holder_signature.method == "ncalayer" and made.holder_signature.evidence == "MIIB…"


def test_the_agreement_s_verification_page_says_it_no_longer_stands_once_its_mandate_is_withdrawn(
    personas: Personas, signatories: None
) -> None:
    from urllib.parse import urlparse

    from django.test import Client

    from mandates import withdrawing

    p = personas
    p.other_cmo.areas.add(area(7))
    made = sign(sign(actions.accept_request(requested(p.holder, p.other_cmo, 5, 7), by=p.other_cmo_staff), p.holder),
                p.other_cmo_staff)  # fmt: skip
    assert made.status == RequestStatus.IN_FORCE and made.document is not None
    verify = urlparse(made.document.verification_url).path
    page = Client().get(verify).content.decode()
    assert 'id="document-standing-ok"' in page and 'id="document-standing"' not in page
    # two works of area 7 taken out of the CMO's management: a part no longer stands, the works counted, not named
    songs = [
        f.make_work(p.holder, (p.holder_party, "CA", {"MR": Decimal("100")}), title=title, public=True)
        for title in ("Бірінші ән", "Екінші ән")
    ]
    works = withdrawing.file_withdrawal(by=p.holder, cmo=p.other_cmo, area=area(7), works=songs)
    assert 'id="document-standing-ok"' in Client().get(verify).content.decode()  # not yet effective
    assert withdrawing.apply_withdrawal(works.pk, today=works.effective_on)
    client = Client()
    client.cookies["django_language"] = "en"
    page = html.unescape(client.get(verify).content.decode())
    day = works.effective_on.strftime("%-d %b %Y")
    assert "Part of this document no longer stands." in page and 'id="document-standing-ok"' not in page
    assert (
        f"The holder took works out of the CMO's management under the agreement: 2 works of area 7 from {day}."
        in page
    )
    assert "Бірінші ән" not in page
    russian = Client()
    russian.cookies["django_language"] = "ru"
    assert f"2 произведения сферы 7 с {works.effective_on:%d.%m.%Y}" in russian.get(verify).content.decode()
    notice = withdrawing.file_withdrawal(by=p.holder, cmo=p.other_cmo, area=area(5))
    assert withdrawing.apply_withdrawal(notice.pk, today=notice.effective_on)
    page = client.get(verify).content.decode()
    day = notice.effective_on.strftime("%-d %b %Y")
    assert "Part of this document no longer stands." in page
    assert f"The holder withdrew these areas from the agreement: area 5 from {day}." in page
    assert "2 works of area 7" in page
    last = withdrawing.file_withdrawal(by=p.holder, cmo=p.other_cmo, area=area(7))
    assert withdrawing.apply_withdrawal(last.pk, today=last.effective_on)
    page = client.get(verify).content.decode()
    assert "This document no longer stands." in page and "Every mandate under the agreement has ended" in page
    # public facts only: neither the holder's name nor the reason is on the page
    assert p.holder_party.name not in page

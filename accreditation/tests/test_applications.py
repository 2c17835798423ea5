"""An application for accreditation from the CMO's first step to the certificate, the refusal and its appeal,
the commission's 30 working days, the public list, and certificates from before the platform."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader
from rest_framework.test import APIClient

from accreditation import applying, selectors
from accreditation.models import (
    Accreditation,
    AppealStatus,
    Application,
    ApplicationStatus,
    Certificate,
    Requirement,
    Suspension,
    SuspensionGround,
)
from accreditation.sanctions import decide_suspension
from registers.models import Area
from tests import factories as f
from tests.personas import Personas
from udp.accounts.models import Role
from udp.documents.models import IssuedDocument
from udp.notices.models import Notice

pytestmark = pytest.mark.usefixtures("english")

PDF = b"%PDF-1.4\n%%EOF\n"
ANNOUNCED = dt.date(2026, 12, 10)
#: 30 working days after 10 December 2026: over Independence Day (16 Dec), New Year (1 Jan and the day
#: off moved to Monday 4 Jan) and Orthodox Christmas (7 Jan).
EARLIEST = dt.date(2027, 1, 27)


def area(item: int) -> Area:
    return Area.objects.get(item=item)


def upload(name: str = "charter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def charter(db: Any) -> Requirement:
    return Requirement.objects.create(code="charter", title_kk="Жарғы", title_ru="Устав", title_en="Charter")


@pytest.fixture
def admin(personas: Personas) -> Any:
    return personas.cmo_admin


def submitted(admin: Any, charter: Requirement, *items: int) -> Application:
    made = applying.start_application(by=admin, areas=[area(i) for i in items or (1, 7)])
    applying.attach_document(made, by=admin, file=upload(), requirement=charter)
    return applying.submit_application(made, by=admin)


def concluded(p: Personas, charter: Requirement, clock: Any, *items: int) -> Application:
    clock.travel_to(ANNOUNCED)
    made = submitted(p.cmo_admin, charter, *items)
    applying.check_application(made, by=p.operator, complete=True)
    applying.announce_meeting(by=p.regulator, meets_on=EARLIEST, applications=[made])
    clock.travel_to(EARLIEST)
    applying.record_conclusion(
        made, by=p.regulator, text="Meets the requirements.", recommended=list(made.areas.all())
    )
    made.refresh_from_db()
    return made


def pdf_text(document: IssuedDocument) -> str:
    with document.file.open("rb") as fh:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(fh.read())).pages)


@pytest.mark.statute("A46-2.application")
def test_an_application_needs_every_required_document_and_a_complete_check(
    personas: Personas, charter: Requirement
) -> None:
    p = personas
    made = applying.start_application(by=p.cmo_admin, areas=[area(1)])
    with pytest.raises(ValidationError, match="Charter"):
        applying.submit_application(made, by=p.cmo_admin)
    applying.attach_document(made, by=p.cmo_admin, file=upload(), requirement=charter)
    # the authorized body adds a requirement: it counts for applications not yet submitted
    Requirement.objects.create(code="audit", title_kk="Аудит", title_ru="Аудит", title_en="Audit report")
    with pytest.raises(ValidationError, match="Audit report"):
        applying.submit_application(made, by=p.cmo_admin)
    applying.attach_document(
        made, by=p.cmo_admin, file=upload("audit.pdf"), requirement=Requirement.objects.get(code="audit")
    )
    applying.submit_application(made, by=p.cmo_admin)
    assert Notice.objects.filter(recipient=p.operator, code="accreditation_submitted").exists()
    # the expert organization returns it: the CMO completes it and submits again
    with pytest.raises(ValidationError):
        applying.check_application(made, by=p.operator, complete=False)  # what is missing must be said
    applying.check_application(made, by=p.operator, complete=False, note="The charter is not certified.")
    made.refresh_from_db()
    assert made.status == ApplicationStatus.INCOMPLETE
    assert Notice.objects.filter(recipient=p.cmo_admin, code="accreditation_incomplete").exists()
    applying.attach_document(made, by=p.cmo_admin, file=upload("charter-certified.pdf"), requirement=charter)
    applying.submit_application(made, by=p.cmo_admin)
    applying.check_application(made, by=p.operator, complete=True)
    made.refresh_from_db()
    assert made.status == ApplicationStatus.COMPLETE
    # nobody else takes these steps
    with pytest.raises(PermissionError):
        applying.start_application(by=p.cmo_staff, areas=[area(1)])
    with pytest.raises(PermissionError):
        applying.check_application(made, by=p.regulator, complete=True)


@pytest.mark.statute("A46-2.notice-30wd")
def test_the_meeting_is_refused_less_than_30_working_days_after_its_announcement(
    personas: Personas, charter: Requirement, clock: Any
) -> None:
    p = personas
    clock.travel_to(ANNOUNCED)
    made = submitted(p.cmo_admin, charter, 1)
    applying.check_application(made, by=p.operator, complete=True)
    # 30 calendar days, or 30 working days counted without the holidays, are not enough
    for too_early in (
        ANNOUNCED + dt.timedelta(days=30),
        dt.date(2027, 1, 21),
        EARLIEST - dt.timedelta(days=1),
    ):
        with pytest.raises(ValidationError, match="30 working days"):
            applying.announce_meeting(by=p.regulator, meets_on=too_early, applications=[made])
    meeting = applying.announce_meeting(
        by=p.regulator, meets_on=EARLIEST, applications=[made], place="Astana"
    )
    assert (meeting.announced_on, meeting.meets_on) == (ANNOUNCED, EARLIEST)
    # the announcement is public at once
    page = Client().get("/accreditation/meetings/").content.decode()
    assert "Astana" in page and "KAZ" in page
    assert APIClient().get("/api/accreditation/meetings/").json()["results"][0]["meets_on"] == "2027-01-27"


@pytest.mark.statute("A46-2.notice-30wd")
def test_the_30_working_days_run_over_nauryz(personas: Personas, charter: Requirement, clock: Any) -> None:
    p = personas
    clock.travel_to(dt.date(2027, 2, 15))
    made = submitted(p.cmo_admin, charter, 1)
    applying.check_application(made, by=p.operator, complete=True)
    # 8 March, 15 March and Nauryz (21–23 March, with 24 March the day off moved from the Sunday) do not count
    assert applying.earliest_meeting(dt.date(2027, 2, 15)) == dt.date(2027, 4, 5)
    with pytest.raises(ValidationError):
        applying.announce_meeting(by=p.regulator, meets_on=dt.date(2027, 4, 2), applications=[made])
    applying.announce_meeting(by=p.regulator, meets_on=dt.date(2027, 4, 5), applications=[made])


@pytest.mark.statute("A46-1.per-area")
def test_the_decision_is_area_by_area_and_the_certificate_has_a_line_per_granted_area(
    personas: Personas, charter: Requirement, clock: Any
) -> None:
    p = personas
    made = concluded(p, charter, clock, 1, 5, 7)
    outcomes = [
        applying.AreaOutcome(area(1), True, valid_from=EARLIEST, valid_until=dt.date(2032, 1, 26)),
        applying.AreaOutcome(area(5), True, valid_from=EARLIEST, valid_until=dt.date(2030, 1, 26)),
        applying.AreaOutcome(area(7), False, reasons="No members in this area."),
    ]
    with pytest.raises(ValidationError, match="each area"):
        applying.decide_application(made, by=p.regulator, outcomes=outcomes[:2])
    with pytest.raises(ValidationError, match="reasons"):
        applying.decide_application(
            made, by=p.regulator, outcomes=[*outcomes[:2], applying.AreaOutcome(area(7), False)]
        )
    applying.decide_application(made, by=p.regulator, outcomes=outcomes)
    certificate = Certificate.objects.get()
    assert certificate.number == "ACC-0000001"
    lines = {
        line.area.item: (line.valid_from, line.valid_until)
        for line in certificate.lines.select_related("area")
    }
    assert lines == {1: (EARLIEST, dt.date(2032, 1, 26)), 5: (EARLIEST, dt.date(2030, 1, 26))}
    assert selectors.is_accredited(p.cmo.pk, area(1).pk, EARLIEST)
    assert not selectors.is_accredited(p.cmo.pk, area(7).pk, EARLIEST)
    assert Notice.objects.filter(recipient=p.cmo_admin, code="accreditation_decided").exists()


def test_the_certificate_reads_back_in_kazakh_russian_and_english(
    personas: Personas, charter: Requirement, clock: Any
) -> None:
    p = personas
    p.cmo_admin.language = "en"
    p.cmo_admin.save()
    made = concluded(p, charter, clock, 1)
    applying.decide_application(
        made,
        by=p.regulator,
        outcomes=[applying.AreaOutcome(area(1), True, valid_from=EARLIEST, valid_until=dt.date(2032, 1, 26))],
    )
    certificate = Certificate.objects.get()
    assert certificate.document is not None
    text = pdf_text(certificate.document)
    assert "ACC-0000001" in text
    assert "Certificate of accreditation" in text and "is accredited by the authorized body" in text
    assert "Аккредиттеу туралы куәлік" in text
    assert "Свидетельство об аккредитации" in text
    assert "/verify/" in text  # the link anyone can open; the QR code carries it
    verify = Client().get(f"/verify/{certificate.document.token}/")
    assert verify.status_code == 200
    assert Client().get(f"/accreditation/certificates/{certificate.pk}/pdf/").status_code == 200


@pytest.mark.statute("A46-2.appeal")
def test_a_refusal_is_appealed_and_decided_on_the_platform(
    personas: Personas, charter: Requirement, clock: Any
) -> None:
    p = personas
    made = concluded(p, charter, clock, 7)
    (refusal,) = applying.decide_application(
        made,
        by=p.regulator,
        outcomes=[applying.AreaOutcome(area(7), False, reasons="No members in this area.")],
    )
    assert not Certificate.objects.exists()
    with pytest.raises(PermissionError):
        applying.file_appeal(refusal, by=p.other_cmo_staff, grounds="x")
    # the page: the CMO's admin appeals with its grounds
    admin = f.signed_in(p.cmo_admin)
    assert "Appeal this refusal" in admin.get(f"/accreditation/applications/{made.pk}/").content.decode()
    admin.post(
        f"/accreditation/decisions/{refusal.pk}/appeal/",
        {f"appeal{refusal.pk}-grounds": "We have 120 members."},
    )
    appeal = refusal.appeals.get()
    assert appeal.status == AppealStatus.FILED
    assert Notice.objects.filter(recipient=p.regulator, code="accreditation_appealed").exists()
    with pytest.raises(ValidationError, match="already under appeal"):
        applying.file_appeal(refusal, by=p.cmo_admin, grounds="again")
    # upheld: the CMO may appeal again with new grounds; granted: a certificate for the area
    applying.decide_appeal(appeal, by=p.regulator, grant=False, answer="No evidence of members.")
    second = applying.file_appeal(refusal, by=p.cmo_admin, grounds="The member list is attached.")
    regulator = f.signed_in(p.regulator)
    regulator.post(f"/accreditation/appeals/{second.pk}/decide/", {
        f"answer{refusal.pk}-grant": "grant", f"answer{refusal.pk}-answer": "The list proves it.",
        f"answer{refusal.pk}-valid_from": "2027-02-01", f"answer{refusal.pk}-valid_until": "2030-01-31",
    })  # fmt: skip
    second.refresh_from_db()
    assert second.status == AppealStatus.GRANTED
    line = Accreditation.objects.get()
    assert (line.cmo, line.area.item, line.valid_from) == (p.cmo, 7, dt.date(2027, 2, 1))
    assert Notice.objects.filter(recipient=p.cmo_admin, code="accreditation_appeal_decided").count() == 2


@pytest.mark.statute("A46-2.public-list")
def test_the_public_list_shows_accredited_cmos_by_area_with_status_and_term(
    personas: Personas, charter: Requirement, clock: Any
) -> None:
    p = personas
    made = concluded(p, charter, clock, 1)
    applying.decide_application(
        made,
        by=p.regulator,
        outcomes=[applying.AreaOutcome(area(1), True, valid_from=EARLIEST, valid_until=dt.date(2032, 1, 26))],
    )
    page = Client().get("/accreditation/").content.decode()
    assert 'data-cmo="KAZ" data-status="in_force"' in page and "ACC-0000001" in page
    api = APIClient().get("/api/accreditation/accredited/").json()["results"]
    assert [(r["cmo"], r["area"], r["status"]) for r in api] == [("KAZ", 1, "in_force")]
    cmo_page = Client().get(f"/cmos/{p.cmo.pk}/").content.decode()
    assert 'id="accreditation"' in cmo_page and 'data-status="in_force"' in cmo_page
    assert "Not accredited." in Client().get(f"/cmos/{p.other_cmo.pk}/").content.decode()
    # a suspension decided by the authorized body shows on the list at once
    line = Accreditation.objects.get()
    suspension = Suspension.objects.create(accreditation=line, ground=SuspensionGround.FALSE_INFORMATION)
    decide_suspension(suspension, by=p.regulator, note="Knowingly false figures.")
    page = Client().get("/accreditation/").content.decode()
    assert 'data-cmo="KAZ" data-status="suspended"' in page
    assert APIClient().get("/api/accreditation/accredited/").json()["results"][0]["status"] == "suspended"
    assert 'data-status="suspended"' in Client().get(f"/cmos/{p.cmo.pk}/").content.decode()


def test_the_operator_enters_a_certificate_issued_before_the_platform(personas: Personas) -> None:
    p = personas
    operator = f.signed_in(p.operator)
    response = operator.post("/accreditation/certificates/enter/", {
        "cmo": p.other_cmo.pk, "number": "АК-15/2022", "issued_on": "2022-03-01",
        "lines": "1 2022-03-01 2027-02-28\n5 2022-03-01 2027-02-28", "scan": upload("certificate.pdf"),
    })  # fmt: skip
    assert response.status_code == 302
    certificate = Certificate.objects.get(number="АК-15/2022")
    assert certificate.source == "pre_platform" and certificate.source_document
    assert sorted(certificate.lines.values_list("area__item", flat=True)) == [1, 5]
    assert "АК-15/2022" in Client().get("/accreditation/").content.decode()
    # a malformed line is named, nothing is entered
    bad = operator.post("/accreditation/certificates/enter/", {
        "cmo": p.cmo.pk, "number": "X-1", "issued_on": "2022-03-01", "lines": "1 2022-03-01\n", "scan": upload("c.pdf"),
    })  # fmt: skip
    assert "Line 1" in bad.content.decode() and not Certificate.objects.filter(number="X-1").exists()
    assert f.signed_in(p.regulator).get("/accreditation/certificates/enter/").status_code == 403


def test_nobody_reads_or_acts_on_another_cmos_application(personas: Personas, charter: Requirement) -> None:
    p = personas
    made = submitted(p.cmo_admin, charter, 1)
    draft = applying.start_application(by=p.cmo_admin, areas=[area(7)])
    url = f"/accreditation/applications/{made.pk}/"
    assert f.signed_in(p.cmo_staff).get(url).status_code == 200
    assert f.signed_in(p.other_cmo_staff).get(url).status_code == 404
    other_admin = f.make_account("admin@qaz.kz", Role.CMO_ADMIN, cmo=p.other_cmo)
    assert f.signed_in(other_admin).post(f"{url}submit/").status_code == 404
    assert f.signed_in(p.holder).get(url).status_code == 403
    assert f.signed_in(p.licensee).get("/accreditation/applications/").status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    no_mfa = f.make_account("no-mfa@kaz.kz", Role.CMO_ADMIN, cmo=p.cmo, mfa=False)
    assert f.signed_in(no_mfa).get(url).status_code != 200
    # a draft stays with its CMO until submitted; the officials see the submitted one
    assert f.signed_in(p.operator).get(f"/accreditation/applications/{draft.pk}/").status_code == 404
    assert f.signed_in(p.regulator).get(url).status_code == 200
    # the API answers the same
    api = APIClient()
    api.force_authenticate(p.other_cmo_staff)
    assert api.get(f"/api/accreditation/applications/{made.pk}/").status_code == 404
    assert api.get("/api/accreditation/applications/").json()["count"] == 0
    api.force_authenticate(other_admin)
    assert api.post(f"/api/accreditation/applications/{made.pk}/withdraw/").status_code == 404
    api.force_authenticate(p.cmo_staff)
    assert api.post("/api/accreditation/applications/", {"areas": [1]}, format="json").status_code == 403


def test_the_whole_path_through_the_api(personas: Personas, charter: Requirement, clock: Any) -> None:
    p = personas
    clock.travel_to(ANNOUNCED)
    cmo, operator, regulator = APIClient(), APIClient(), APIClient()
    cmo.force_authenticate(p.cmo_admin)
    operator.force_authenticate(p.operator)
    regulator.force_authenticate(p.regulator)
    made = cmo.post("/api/accreditation/applications/", {"areas": [1, 7]}, format="json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["missing_requirements"] == ["charter"]
    assert cmo.post(f"/api/accreditation/applications/{pk}/submit/").status_code == 400
    attached = cmo.post(f"/api/accreditation/applications/{pk}/attach/", {"requirement": "charter", "file": upload()},
                        format="multipart")  # fmt: skip
    assert attached.status_code == 200 and attached.json()["missing_requirements"] == []
    assert cmo.post(f"/api/accreditation/applications/{pk}/submit/").json()["status"] == "submitted"
    assert (
        operator.post(
            f"/api/accreditation/applications/{pk}/check/", {"complete": True}, format="json"
        ).status_code
        == 200
    )
    early = regulator.post(
        "/api/accreditation/meetings/", {"meets_on": "2027-01-26", "applications": [pk]}, format="json"
    )
    assert early.status_code == 400 and "meets_on" in early.json()
    meeting = regulator.post(
        "/api/accreditation/meetings/", {"meets_on": "2027-01-27", "applications": [pk]}, format="json"
    )
    assert meeting.status_code == 201
    clock.travel_to(EARLIEST)
    concluded = regulator.post(f"/api/accreditation/applications/{pk}/conclusion/", {"text": "Fine.", "recommended": [1]},
                               format="json")  # fmt: skip
    assert concluded.json()["status"] == "concluded"
    decided = regulator.post(f"/api/accreditation/applications/{pk}/decide/", {"areas": [
        {"area": 1, "grant": True, "valid_from": "2027-01-27", "valid_until": "2032-01-26"},
        {"area": 7, "grant": False, "reasons": "Not recommended."},
    ]}, format="json")  # fmt: skip
    assert decided.status_code == 200, decided.content
    assert decided.json()["certificates"] == ["ACC-0000001"]
    refusal = next(d for d in decided.json()["decisions"] if d["area"] == 7)
    appealed = cmo.post(
        f"/api/accreditation/decisions/{refusal['id']}/appeal/", {"grounds": "We do."}, format="json"
    )
    assert appealed.status_code == 201
    answer = regulator.post(f"/api/accreditation/appeals/{appealed.json()['id']}/decide/",
                            {"grant": False, "answer": "Not shown."}, format="json")  # fmt: skip
    assert answer.json()["status"] == "upheld"
    certificates = APIClient().get("/api/accreditation/certificates/").json()["results"]
    assert certificates[0]["number"] == "ACC-0000001" and certificates[0]["verification"]


def test_the_certificate_s_verification_page_names_an_area_revoked_and_then_the_whole(
    personas: Personas, charter: Requirement, clock: Any
) -> None:
    """Anyone checking the certificate by its link learns that an area of it was revoked (part of it no longer
    stands), and, once every area is, that none of it stands."""
    from accreditation import sanctions

    p = personas
    made = concluded(p, charter, clock, 1, 5)
    applying.decide_application(
        made,
        by=p.regulator,
        outcomes=[
            applying.AreaOutcome(area(1), True, valid_from=EARLIEST, valid_until=dt.date(2032, 1, 26)),
            applying.AreaOutcome(area(5), True, valid_from=EARLIEST, valid_until=dt.date(2030, 1, 26)),
        ],
    )
    certificate = Certificate.objects.get()
    assert certificate.document is not None
    url = f"/verify/{certificate.document.token}/"
    reader = Client()
    reader.cookies["django_language"] = "en"
    page = reader.get(url).content.decode()
    assert 'id="document-standing-ok"' in page and 'id="document-standing"' not in page
    lines = {line.area.item: line for line in certificate.lines.select_related("area")}
    sanctions.revoke(lines[5], by=p.regulator, ground="false_documents", reasons="Forged charter.")
    page = reader.get(url).content.decode()
    assert "Part of this document no longer stands." in page
    today = clock.today().strftime("%-d %b %Y")
    assert f"The accreditation is no longer in force in: area 5: terminated from {today}." in page
    assert "Forged charter." not in page  # the reasons are the decision's, published apart
    sanctions.revoke(lines[1], by=p.regulator, ground="false_documents", reasons="Forged charter.")
    page = reader.get(url).content.decode()
    assert "This document no longer stands." in page
    assert f"area 1: terminated from {today}; area 5: terminated from {today}" in page

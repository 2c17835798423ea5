"""A CMO's staff run a quarter's distribution on the pages: start it (a worker calculates it), read it, and
another member of staff approves it; the holders' statements are published and each holder is told."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from distribution.models import Payee, RequestStatus, Run, RunRequest, Statement
from distribution.notices import STATEMENT_READY, TO_APPROVE
from distribution.tests.run_world import RunWorld, make_run_world
from tests import factories as f
from udp.notices.models import Notice

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def world(personas: Any) -> RunWorld:
    return make_run_world(personas)


def _start(client: Any, world: RunWorld, capture: Any, **data: Any) -> Any:
    form = {"area": world.area.pk, "quarter": "2026-1", "costs_percent": "15", "funds_percent": "5", **data}
    with capture(execute=True):
        return client.post("/cmo/distribution/runs/new/", form)


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
@pytest.mark.statute("A46.1.2-pro-rata")
def test_staff_start_a_quarter_a_worker_calculates_it_and_another_member_approves_it(
    personas: Any, world: RunWorld, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    """Pool 3 000 tenge; Dala used 3 times (the holder's), Kok once (25 / 75): 2 250 and 750 tenge → the
    holder 2 250 + 187.50 = 2 437.50, Bolat 562.50. A fifth deducted from each: 487.50 and 112.50;
    costs are three quarters (365.625 and 84.375: the tie of halves goes to the first holder by id)."""
    staff = f.signed_in(personas.cmo_staff)
    answer = _start(staff, world, django_capture_on_commit_callbacks)
    asked = RunRequest.objects.get()
    assert answer.status_code == 302 and answer.url == f"/cmo/distribution/runs/requests/{asked.pk}/"
    assert asked.status == RequestStatus.DONE and asked.run is not None
    run = asked.run
    page = staff.get(answer.url, follow=True)
    assert page.redirect_chain[-1][0] == f"/cmo/distribution/runs/{run.pk}/"
    html = page.content.decode()
    assert "3,000.00 tenge" in html and "450.00 tenge (15 %)" in html and "150.00 tenge (5 %)" in html
    assert 'id="approve"' not in html and "does not approve it" in html  # the starter is told why
    nets = {p.party_id: p.net_tiyn for p in Payee.objects.filter(run=run)}
    assert nets == {personas.holder_party.pk: 195_000, world.co_holder.pk: 45_000}
    holder_row = Payee.objects.get(run=run, party=personas.holder_party)
    assert (holder_row.costs_tiyn, holder_row.funds_tiyn) == (36_563, 12_187)
    assert Notice.objects.filter(code=TO_APPROVE, recipient=personas.cmo_admin).count() == 1
    assert not Notice.objects.filter(code=TO_APPROVE, recipient=personas.cmo_staff).exists()
    assert not Notice.objects.filter(code=TO_APPROVE, recipient=personas.other_cmo_staff).exists()

    refused = staff.post(f"/cmo/distribution/runs/{run.pk}/approve/")
    assert refused.status_code == 400 and Run.objects.get().status == "calculated"

    admin = f.signed_in(personas.cmo_admin)
    assert 'id="approve"' in admin.get(f"/cmo/distribution/runs/{run.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        approved = admin.post(f"/cmo/distribution/runs/{run.pk}/approve/")
    assert approved.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.approved_by, run.started_by) == (
        "approved",
        personas.cmo_admin,
        personas.cmo_staff,
    )
    assert set(Statement.objects.filter(run=run).values_list("party_id", flat=True)) == {
        personas.holder_party.pk, world.co_holder.pk,
    }  # fmt: skip
    told = Notice.objects.get(code=STATEMENT_READY, recipient=personas.holder)
    # what the statement says is to be paid: 1 950.00 net, less the resident's 10 % income tax (195.00)
    assert told.params["net"] == "1755.00" and told.link.startswith("/portal/distribution/statements/")
    with translation.override("en"):
        assert "1,755.00 tenge" in told.message
    assert not Notice.objects.filter(code=STATEMENT_READY, recipient=personas.other_holder).exists()
    listed = staff.get("/cmo/distribution/runs/").content.decode()
    assert "Approved" in listed and str(personas.cmo_admin) in listed


@pytest.mark.django_db
@pytest.mark.statute("A46.1.2-cap20")
def test_deductions_above_a_fifth_are_refused_on_the_form_with_the_cap_explained(
    personas: Any, world: RunWorld, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    staff = f.signed_in(personas.cmo_staff)
    form = staff.get("/cmo/distribution/runs/new/").content.decode()
    assert "20 % of the total collected" in form and 'value="2026-1"' in form
    answer = _start(staff, world, django_capture_on_commit_callbacks, costs_percent="15", funds_percent="6")
    assert answer.status_code == 400
    assert "may not exceed 20 % of the total collected" in answer.content.decode()
    assert not RunRequest.objects.exists()


@pytest.mark.django_db
def test_a_run_with_nothing_collected_says_why_it_was_not_calculated(
    personas: Any, world: RunWorld, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    staff = f.signed_in(personas.cmo_staff)
    answer = _start(staff, world, django_capture_on_commit_callbacks, quarter="2025-4")
    asked = RunRequest.objects.get()
    assert asked.status == RequestStatus.FAILED and asked.error_code == "empty_pool"
    page = staff.get(answer.url).content.decode()
    assert "Nothing was collected for this area and period" in page and not Run.objects.exists()


@pytest.mark.django_db
def test_recalculating_makes_the_one_who_asked_the_starter_and_the_same_run(
    personas: Any, world: RunWorld, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    _start(f.signed_in(personas.cmo_staff), world, django_capture_on_commit_callbacks)
    run = Run.objects.get()
    admin = f.signed_in(personas.cmo_admin)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            f"/cmo/distribution/runs/{run.pk}/recalculate/", {"costs_percent": "10", "funds_percent": "0"}
        )
    again = Run.objects.get()
    assert again.pk == run.pk and again.started_by == personas.cmo_admin
    assert (again.costs_tiyn, again.funds_tiyn) == (30_000, 0)
    page = admin.get(f"/cmo/distribution/runs/{run.pk}/").content.decode()
    assert 'id="approve"' not in page
    assert (
        'id="approve"'
        in f.signed_in(personas.cmo_staff).get(f"/cmo/distribution/runs/{run.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_payees_are_searched_by_the_holder_s_name(
    personas: Any, world: RunWorld, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    staff = f.signed_in(personas.cmo_staff)
    _start(staff, world, django_capture_on_commit_callbacks)
    run = Run.objects.get()
    page = staff.get(f"/cmo/distribution/runs/{run.pk}/", {"q": "Bolat"}).content.decode()
    payees = page.split('id="payees"')[1].split("</table>")[0]
    assert "Bolat Bekov" in payees and "Aigul Serikova" not in payees


@pytest.mark.django_db
def test_only_the_cmo_s_own_staff_reach_its_runs(
    personas: Any, world: RunWorld, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    from udp.accounts.models import Role

    _start(f.signed_in(personas.cmo_staff), world, django_capture_on_commit_callbacks)
    run = Run.objects.get()
    url = f"/cmo/distribution/runs/{run.pk}/"
    assert f.signed_in(personas.other_cmo_staff).get(url).status_code == 404
    assert f.signed_in(personas.other_cmo_staff).post(url + "approve/").status_code == 404
    assert f.signed_in(personas.holder).get(url).status_code == 403
    from django.test import Client

    assert Client().get(url).status_code == 302
    without_mfa = f.make_account("nomfa@kaz.kz", Role.CMO_STAFF, cmo=personas.cmo, mfa=False)
    answer = f.signed_in(without_mfa).post(url + "approve/")
    assert answer.status_code == 302 and Run.objects.get().status == "calculated"


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
def test_the_cmo_s_administrator_corrects_an_approved_run_with_a_reason_and_its_holders_are_told(
    personas: Any, world: RunWorld, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    """Approved and not yet paid: the administrator reverses it, saying why. The ledger takes back what the run
    gave, the run is cancelled, each holder with a statement is told it is withdrawn (once), and the quarter
    can be started again. Nobody else may: a member of staff is refused, another CMO finds no such run."""
    from urllib.parse import urlparse

    from django.test import Client
    from django.urls import reverse

    from distribution.notices import CORRECTED, STATEMENT_WITHDRAWN
    from licensing import ledger
    from licensing.models import SourceKind, Transaction
    from udp.accounts.models import Role

    staff, admin = f.signed_in(personas.cmo_staff), f.signed_in(personas.cmo_admin)
    _start(staff, world, django_capture_on_commit_callbacks)
    run = Run.objects.get()
    before = ledger.balances(personas.cmo, by=("account", "party"))
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/cmo/distribution/runs/{run.pk}/approve/")
    assert ledger.balances(personas.cmo, by=("account", "party")) != before
    url = f"/cmo/distribution/runs/{run.pk}/"
    statement = Statement.objects.get(run=run, party=personas.holder_party)
    pdf = f.signed_in(personas.holder).get(reverse("distribution_portal:statement_pdf", args=[statement.pk]))
    verify = urlparse(pdf["X-Document-Verification"]).path
    assert 'id="document-standing-ok"' in Client().get(verify).content.decode()
    assert 'id="correct"' not in staff.get(url).content.decode()
    assert 'id="correct"' in admin.get(url).content.decode()
    assert staff.post(url + "correct/", {"reason": "Wrong pool"}).status_code == 403
    assert f.signed_in(personas.other_cmo_staff).post(url + "correct/", {"reason": "x"}).status_code == 404
    assert f.signed_in(personas.holder).post(url + "correct/", {"reason": "x"}).status_code == 403
    assert Client().post(url + "correct/", {"reason": "x"}).status_code == 302
    without_mfa = f.make_account("nomfa-admin@kaz.kz", Role.CMO_ADMIN, cmo=personas.cmo, mfa=False)
    assert f.signed_in(without_mfa).post(url + "correct/", {"reason": "x"}).status_code == 302
    no_reason = admin.post(url + "correct/", {"reason": "  "})
    assert no_reason.status_code == 400 and "Say why the run is corrected." in no_reason.content.decode()
    run.refresh_from_db()
    assert run.status == "approved"

    with django_capture_on_commit_callbacks(execute=True):
        done = admin.post(url + "correct/", {"reason": "The pool missed a licence's payment"}, follow=True)
    assert done.redirect_chain[-1][0] == url and 'data-status="cancelled"' in done.content.decode()
    run.refresh_from_db()
    assert run.status == "cancelled"
    nonzero = [row for row in ledger.balances(personas.cmo, by=("account", "party")) if row["balance"]]
    assert nonzero == [row for row in before if row["balance"]]  # what the run gave is taken back
    correction = Transaction.objects.get(source_kind=SourceKind.RUN_REVERSAL, source_id=run.pk)
    assert correction.memo_params == {"run": run.pk, "reason": "The pool missed a licence's payment"}
    staff_told = Notice.objects.filter(code=CORRECTED)
    assert set(staff_told.values_list("recipient", flat=True)) == {personas.cmo_staff.pk, without_mfa.pk}
    with translation.override("en"):
        message = staff_told.get(recipient=personas.cmo_staff).message
    assert str(personas.cmo_admin) in message and "Reason: The pool missed a licence's payment" in message
    told = Notice.objects.filter(code=STATEMENT_WITHDRAWN)
    assert set(told.values_list("recipient", flat=True)) == {personas.holder.pk}
    with translation.override("en"):
        assert "your statement of it is withdrawn" in told.get().message
    # the statement's PDF, checked by its link, says it is withdrawn, and for which CMO and quarter (in the
    # reader's language, its days as the language writes them)
    short = personas.cmo.short_name
    for language, text, period in (
        ("en", "The statement is withdrawn: its distribution run was corrected", "1 Jan 2026 – 31 Mar 2026"),
        ("kk", "Есеп-үзінді кері қайтарып алынды", "01.01.2026 – 31.03.2026"),
        ("ru", "Выписка отозвана", "01.01.2026 – 31.03.2026"),
    ):
        client = Client()
        client.cookies["django_language"] = language
        page = client.get(verify).content.decode()
        assert 'id="document-standing"' in page and text in page, language
        assert f"{short} · {period}" in page and "2026-01-01" not in page, language
    token = verify.rstrip("/").rsplit("/", 1)[-1]
    facts = Client().get(f"/api/documents/verify/{token}/", HTTP_ACCEPT_LANGUAGE="kk").json()
    assert facts["issued_for"] == f"{short} · 01.01.2026 – 31.03.2026"
    standing = Client().get(f"/api/documents/verify/{token}/", HTTP_ACCEPT_LANGUAGE="en").json()["standing"]
    assert standing["text"].startswith("The statement is withdrawn") and standing["whole"] is True
    assert standing["since"] == correction.posted_on.isoformat()
    assert (
        f.signed_in(personas.holder)
        .get(reverse("distribution_portal:statement", args=[statement.pk]))
        .status_code
        == 404
    )
    from distribution.notices import tell_holders_statements_withdrawn

    assert tell_holders_statements_withdrawn(run.pk) == 0  # told once
    assert admin.post(url + "correct/", {"reason": "again"}).status_code == 403
    _start(staff, world, django_capture_on_commit_callbacks)
    assert Run.objects.exclude(pk=run.pk).get().status == "calculated"

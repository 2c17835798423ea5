"""notify(): stored as a code and parameters, read in each reader's language, e-mailed after commit in the
recipient's; each account sees and marks only its own notices, on the page and in the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from tests import factories as f
from udp.notices import kinds
from udp.notices.actions import notify
from udp.notices.models import Notice

IMPORT_PARAMS = {"id": 7, "name": "works.csv", "created": 3, "updated": 1, "rejected": 2}


def client_in(language: str, user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    f.login(client, user)
    return client


def api(user: Any, language: str = "en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user)
    return client


def test_a_notice_is_stored_as_its_code_and_parameters_never_as_text(personas: Any) -> None:
    with translation.override("ru"):
        notice = notify(personas.holder, "import_partial", IMPORT_PARAMS, link="/imports/7/")

    stored = Notice.objects.values("code", "params", "link").get(pk=notice.pk)
    assert stored == {"code": "import_partial", "params": IMPORT_PARAMS, "link": "/imports/7/"}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Import of works.csv: the good lines were imported (works created: 3, updated: 1, not imported: 2)."),
        ("ru", "Импорт works.csv: правильные строки импортированы (создано произведений: 3, обновлено: 1, "
               "не импортировано: 2)."),
        ("kk", "works.csv импорты: дұрыс жолдар импортталды (құрылған туындылар: 3, жаңартылғаны: 1, "
               "импортталмағаны: 2)."),
    ],
)  # fmt: skip
def test_each_reader_reads_the_same_notice_in_their_own_language(
    personas: Any, language: str, expected: str
) -> None:
    notify(personas.holder, "import_partial", IMPORT_PARAMS, link="/imports/7/")

    page = client_in(language, personas.holder).get("/notices/").content.decode()
    assert expected in page
    with translation.override(language):
        assert (
            api(personas.holder, language)
            .get("/api/notices/")
            .json()["results"][0]["message"]
            .startswith(expected.split(":")[0])
        )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "KAZ accepted your claim of 1,322.67 tenge."),
        ("ru", "KAZ приняла ваше требование на 1\xa0322,67 тенге."),
        ("kk", "KAZ сіздің 1\xa0322,67 теңгелік талабыңызды қабылдады."),
    ],
)  # fmt: skip
def test_an_amount_stored_as_data_reads_as_each_reader_writes_numbers(
    personas: Any, language: str, expected: str
) -> None:
    notice = notify(personas.holder, "remuneration_claim_accepted", {"cmo": "KAZ", "amount": "1322.67"})
    assert Notice.objects.get(pk=notice.pk).params["amount"] == "1322.67"
    with translation.override(language):
        assert notice.message.startswith(expected)
    # numbers with no decimals, and text, are put in as they are
    assert kinds.render("%(n)s / %(id)s / %(x)s", {"n": 3, "id": "LIC-2026-00001", "x": "1.5.2"}) == (
        "3 / LIC-2026-00001 / 1.5.2"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Aliya claims the remuneration your CMO kept for them: 19.49 tenge. Answer by 24 Dec 2026."),
        ("ru", "Aliya требует вознаграждение, сохранённое для него вашей ОКУП: 19,49 тенге. Ответьте до 24.12.2026."),
        ("kk", "Aliya сіздің ҚҰБҰ өзі үшін сақтаған сыйақыны талап етеді: 19,49 теңге. 24.12.2026 дейін жауап беріңіз."),
    ],
)  # fmt: skip
def test_a_day_stored_as_data_reads_as_each_reader_writes_days(
    personas: Any, language: str, expected: str
) -> None:
    params = {"holder": "Aliya", "amount": "19.49", "due": "2026-12-24"}
    notice = notify(personas.cmo_staff, "remuneration_claim_filed", params)
    assert Notice.objects.get(pk=notice.pk).params["due"] == "2026-12-24"
    with translation.override(language):
        assert notice.message == expected
    # a text in a day's shape that is no day is put in as it is
    assert kinds.render("%(d)s", {"d": "2026-13-45"}) == "2026-13-45"


def test_the_email_goes_only_after_commit_in_the_recipients_language(
    personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    personas.holder.language = "kk"
    personas.holder.save(update_fields=["language"])
    with translation.override("ru"), django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(personas.holder, "import_done", IMPORT_PARAMS, link="/imports/7/")
        assert mail.outbox == []  # not before the commit
    assert len(callbacks) == 1
    (message,) = mail.outbox
    assert message.to == [personas.holder.email]
    assert message.subject == "works.csv импорты аяқталды"
    assert "works.csv импорты: барлық жол импортталды" in message.body
    assert settings.SITE_URL.rstrip("/") + "/imports/7/" in message.body
    assert message.body.rstrip().splitlines()[-1] == settings.SITE_URL
    assert "Импорт" not in message.body  # nothing in the sender's Russian


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_nothing_and_keeps_nothing() -> None:
    from udp.accounts.models import Role

    user = f.make_account("rolled@example.kz", Role.HOLDER)
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user, "import_done", IMPORT_PARAMS)
        raise RuntimeError("the action failed")

    assert mail.outbox == [] and not Notice.objects.exists()
    notify(user, "import_done", IMPORT_PARAMS)  # outside any transaction: sent at once
    assert len(mail.outbox) == 1


def test_a_kind_not_emailed_is_only_shown(personas: Any, django_capture_on_commit_callbacks: Any) -> None:
    kind = kinds.Kind("test_shown_only", kinds.KINDS["import_done"].message)
    kinds.KINDS[kind.code] = kind
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notify(personas.holder, kind.code, IMPORT_PARAMS)
    finally:
        del kinds.KINDS[kind.code]
    assert mail.outbox == [] and Notice.objects.filter(code="test_shown_only").exists()


def test_an_unknown_kind_or_an_outside_link_is_refused(personas: Any) -> None:
    with pytest.raises(ValueError):
        notify(personas.holder, "no_such_kind", {})
    with pytest.raises(ValueError):
        notify(personas.holder, "import_done", IMPORT_PARAMS, link="https://evil.example/")
    assert not Notice.objects.exists()


def test_the_bell_counts_the_unread_and_mark_read_and_mark_all_read_clear_it(personas: Any) -> None:
    first = notify(personas.holder, "import_done", IMPORT_PARAMS, link="/imports/7/")
    notify(personas.holder, "import_failed", IMPORT_PARAMS)
    notify(personas.other_holder, "import_done", IMPORT_PARAMS)
    client = client_in("en", personas.holder)

    assert 'id="notices-unread">2<' in client.get("/notices/").content.decode()
    response = client.post(f"/notices/{first.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/imports/7/"
    assert 'id="notices-unread">1<' in client.get("/notices/").content.decode()
    client.post("/notices/read-all/")
    page = client.get("/notices/").content.decode()
    assert 'id="notices-unread"' not in page and "notices-bell" in page
    assert Notice.objects.filter(recipient=personas.other_holder, read_at=None).count() == 1


def test_another_account_neither_sees_nor_marks_someone_elses_notice(personas: Any) -> None:
    mine = notify(personas.holder, "import_done", {**IMPORT_PARAMS, "name": "private-catalogue.csv"})
    intruder_page = client_in("en", personas.other_holder)
    intruder_api = api(personas.other_holder)

    assert "private-catalogue" not in intruder_page.get("/notices/").content.decode()
    assert intruder_page.post(f"/notices/{mine.pk}/read/").status_code == 404
    assert intruder_api.get("/api/notices/").json()["results"] == []
    assert intruder_api.get(f"/api/notices/{mine.pk}/").status_code == 404
    assert intruder_api.post(f"/api/notices/{mine.pk}/read/").status_code == 404
    assert intruder_api.post("/api/notices/read-all/").json() == {"marked": 0}
    operator_api = api(personas.operator)  # not even the operator reads another account's notices
    assert operator_api.get(f"/api/notices/{mine.pk}/").status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None


def test_the_api_lists_the_unread_and_marks_them_read(personas: Any) -> None:
    first = notify(personas.holder, "import_done", IMPORT_PARAMS, link="/imports/7/")
    second = notify(personas.holder, "import_failed", IMPORT_PARAMS)
    client = api(personas.holder)

    assert [n["id"] for n in client.get("/api/notices/?unread=1").json()["results"]] == [second.pk, first.pk]
    read = client.post(f"/api/notices/{first.pk}/read/").json()
    assert read["unread"] is False and read["read_at"]
    assert [n["id"] for n in client.get("/api/notices/?unread=1").json()["results"]] == [second.pk]
    assert client.post("/api/notices/read-all/").json() == {"marked": 1}
    assert client.get("/api/notices/?unread=1").json()["results"] == []
    assert len(client.get("/api/notices/").json()["results"]) == 2


def test_anonymous_visitors_have_no_notices(db: Any) -> None:
    assert Client().get("/notices/").status_code == 302
    assert APIClient().get("/api/notices/").status_code in (401, 403)
    assert APIClient().post("/api/notices/read-all/").status_code in (401, 403)


def test_api_keys_are_refused_on_notices(personas: Any) -> None:
    from udp.accounts.actions import issue_api_key
    from udp.accounts.scopes import Scope

    _row, key = issue_api_key(by=personas.holder, name="robot", scopes=list(Scope.values))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.get("/api/notices/").status_code == 403


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_page_and_the_endpoint_run_a_fixed_number_of_queries(
    personas: Any, django_assert_max_num_queries: Any, count: int
) -> None:
    Notice.objects.bulk_create(
        Notice(recipient=personas.holder, code="import_done", params=IMPORT_PARAMS, link=f"/imports/{i}/")
        for i in range(count)
    )
    page_client = client_in("en", personas.holder)
    api_client = api(personas.holder)
    page_client.get("/notices/")  # the session, the language: warmed up
    api_client.get("/api/notices/")

    with django_assert_max_num_queries(8):
        assert page_client.get("/notices/").status_code == 200
    with django_assert_max_num_queries(3):
        assert api_client.get("/api/notices/").status_code == 200

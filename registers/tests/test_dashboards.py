"""The operator's and the authorized body's charts: right figures, constant queries, readable at 360 px."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registers.access import member_parties
from registers.dashboards import activity_chart, area_figures, cmos_with_figures, queues_chart, week_starts
from registers.models import Area, ImportBatch, Work, WorkContributor
from tests import factories as f
from tests.personas import mandate_to
from udp.accounts.models import Moderation, Role, User


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def members_the_slow_way(cmo: Any) -> tuple[int, int]:
    members = member_parties(cmo)
    works = Work.objects.filter(registered_by_cmo=cmo) | Work.objects.filter(
        pk__in=WorkContributor.objects.filter(party__in=members).values("work_id")
    )
    return members.count(), works.distinct().count()


def test_members_and_works_per_cmo_are_counted_as_the_access_rules_count_them(personas: Any) -> None:
    p = personas
    f.make_work(p.operator, (p.holder_party, "CA", {"PR": Decimal("100")}), reason="paper register")
    f.make_work(p.operator, (p.other_party, "CA", {"PR": Decimal("100")}), reason="paper register")
    f.make_work(
        p.operator,
        (p.holder_party, "C", {"PR": Decimal("50")}),
        (p.other_party, "A", {"PR": Decimal("50")}),
        reason="paper register",
    )
    entered = f.make_person(registered_by_cmo=p.cmo)
    mandate_to(entered, p.cmo, area_item=7)  # entered by the CMO and mandated: counted once

    counted = {cmo.pk: (cmo.members, cmo.works) for cmo in cmos_with_figures()}  # type: ignore[attr-defined]

    assert counted[p.cmo.pk] == members_the_slow_way(p.cmo) == (2, 2)
    assert counted[p.other_cmo.pk] == members_the_slow_way(p.other_cmo) == (1, 2)
    areas = {row.area.item: (row.members, row.works) for row in area_figures()}
    assert areas[1] == (2, 3) and areas[7] == (1, 0) and areas[5] == (0, 0)
    assert set(areas) == set(Area.objects.filter(in_force=True).values_list("item", flat=True))


def test_the_authorized_bodys_overview_makes_the_same_queries_for_two_cmos_or_eight(personas: Any) -> None:
    client = f.login(Client(), personas.regulator)
    before = queries(client, "/regulator/")
    for n in range(6):
        cmo = f.make_cmo(f"C{n}", areas=(1, 2))
        member = f.make_person(registered_by_cmo=cmo)
        mandate_to(member, cmo, area_item=2)
        f.make_work(personas.operator, (member, "CA", {"PR": Decimal("100")}), reason="paper register")

    after = queries(client, "/regulator/")

    assert after == before
    page = client.get("/regulator/").content.decode()
    assert "Members and their works per CMO" in page and page.count('role="img"') == 2
    assert '<th scope="row">C5</th>' in page  # the figures' table


def weeks_ago(n: int, today: dt.date) -> dt.datetime:
    monday = today - dt.timedelta(days=today.weekday())
    return timezone.make_aware(dt.datetime.combine(monday - dt.timedelta(weeks=n), dt.time(10, 0)))


def test_sign_ups_and_imports_are_counted_in_their_week(personas: Any) -> None:
    today = timezone.localdate()
    for n, age in enumerate((0, 0, 3, 11, 12)):  # the last one is older than the twelve weeks shown
        user = User.objects.create_user(f"new{n}@example.kz", f.PASSWORD, moderation=Moderation.PENDING)
        User.objects.filter(pk=user.pk).update(date_joined=weeks_ago(age, today))
    batch = ImportBatch.objects.create(
        uploaded_by=personas.holder, format="csv", filename="w.csv", file="x.csv"
    )
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=weeks_ago(1, today), status="failed")
    User.objects.filter(role__in=[Role.HOLDER, Role.LICENSEE]).exclude(email__startswith="new").update(
        date_joined=weeks_ago(20, today)
    )

    chart = activity_chart(today)

    signups, imports = (list(s.values) for s in chart.series)
    assert signups == [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 2]
    assert imports == [0] * 10 + [1, 0]
    assert len(chart.labels) == 12 and week_starts(today)[-1].weekday() == 0
    queues = dict(zip(queues_chart(today).labels, queues_chart(today).series[0].values, strict=True))
    assert queues["Accounts awaiting moderation"] == 5 and queues["Imports failed in the last 12 weeks"] == 1


def test_the_operator_console_makes_the_same_queries_however_much_is_waiting(personas: Any) -> None:
    client = f.login(Client(), personas.operator)
    before = queries(client, "/operator/")
    for n in range(10):
        User.objects.create_user(f"wait{n}@example.kz", f.PASSWORD, moderation=Moderation.PENDING)
        ImportBatch.objects.create(uploaded_by=personas.holder, format="csv", filename="w.csv", file="x.csv")

    after = queries(client, "/operator/")

    assert after == before
    page = client.get("/operator/").content.decode()
    assert "Sign-ups and imports per week" in page and "Queues" in page and page.count('role="img"') == 2


def test_the_charts_read_in_kazakh(personas: Any, settings: Any, tmp_path: Any) -> None:
    from tests.translation_audit import compile_pending

    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, compile_pending(tmp_path / "pending")]
    client = f.login(Client(), personas.operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"

    page = client.get("/operator/").content.decode()

    assert "Апта сайынғы тіркелулер мен импорттар" in page and "Кезектер" in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_charts_fit_a_360_px_phone(live_server: Any, browser: Any) -> None:
    from tests.browser.test_journey import ARTIFACTS
    from tests.personas import make_personas

    p = make_personas()
    for n in range(3):
        User.objects.create_user(f"phone{n}@example.kz", f.PASSWORD, moderation=Moderation.PENDING)
    f.make_work(p.operator, (p.holder_party, "CA", {"PR": Decimal("100")}), reason="paper register")
    ARTIFACTS.mkdir(exist_ok=True)
    for who, path in ((p.operator, "/operator/"), (p.regulator, "/regulator/")):
        client = f.login(Client(), who)
        context = browser.new_context(locale="ru-RU", viewport={"width": 360, "height": 740})
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
        page = context.new_page()
        page.goto(live_server.url + path)
        charts = page.locator("figure.chart svg")
        assert charts.count() == 2
        for i in range(2):
            box = charts.nth(i).bounding_box()
            assert box is not None and 250 < box["width"] <= 360
        page.click("figure.chart summary")  # the figures as a table, opened: it scrolls within its card
        wide = page.evaluate(
            "[...document.querySelectorAll('figure.chart, figure.chart svg, figure.chart details')]"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth).map(e => e.tagName)"
        )
        assert wide == [], wide
        if path == "/operator/":  # (the authorized body's CMO table is not ours to fit)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(ARTIFACTS / f"charts-{path.strip('/')}-360.png"), full_page=True)
        context.close()

"""Every write records who and why through one helper, :func:`udp.audit.audited`."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pghistory.models
import pytest
from django.core.exceptions import ValidationError

from registers import actions
from tests import factories as f
from tests.personas import Personas
from udp.audit import audited

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("udp", "registers", "accreditation", "licensing", "distribution", "reporting", "demo")


def test_only_udp_audit_opens_a_history_context() -> None:
    opened = re.compile(r"pghistory\.context\(")
    offenders = [
        str(path.relative_to(ROOT))
        for package in SOURCES
        for path in (ROOT / package).rglob("*.py")
        if not {"migrations", "tests"} & set(path.parts)
        and path != ROOT / "udp" / "audit.py"
        and opened.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
def test_audited_records_the_acting_account_and_the_reason(personas: Personas) -> None:
    with audited(personas.operator, "checked against the passport"):
        party = f.make_person(name_ru="Аудит Тест")
    context = pghistory.models.Context.objects.order_by("-created_at").first()
    assert context is not None
    assert context.metadata["user"] == personas.operator.pk
    assert context.metadata["reason"] == "checked against the passport"
    assert party.pk


@pytest.mark.django_db
def test_the_operator_is_refused_a_change_without_a_reason(personas: Personas) -> None:
    party = f.make_person(name_ru="Без Причины")
    with pytest.raises(ValidationError, match="reason"):
        actions.update_party(party, by=personas.operator, name_lat="No Reason")
    party.refresh_from_db()
    assert party.name_lat != "No Reason"


@pytest.mark.django_db
def test_a_new_co_author_and_the_work_are_written_together_or_not_at_all(personas: Personas) -> None:
    """A work page naming an unknown co-author enters them in the same transaction as the work."""
    from registers.models import Party

    before = Party.objects.count()
    bad = actions.NewCoauthorInput(
        names={"name_ru": "Новый Соавтор"}, role="CA", shares={"PR": Decimal("30")}
    )
    with pytest.raises(ValidationError):  # the shares sum to 30 %, not 100 %: nothing is written
        actions.save_work(None, by=personas.holder, title="Половина песни", contributors=[bad])
    assert Party.objects.count() == before
    mine = actions.ContributorInput(party=personas.holder_party, role="CA", shares={"PR": Decimal("50")})
    coauthor = actions.NewCoauthorInput(
        names={"name_ru": "Новый Соавтор"}, role="CA", shares={"PR": Decimal("50")}
    )
    saved = actions.save_work(None, by=personas.holder, title="Песня вдвоём", contributors=[mine, coauthor])
    names = sorted(saved.work.contributors.values_list("party__name_ru", flat=True))
    assert "Новый Соавтор" in names
    assert Party.objects.get(name_ru="Новый Соавтор").verified is False

"""Builders for register entries and the personas every permission test uses.

Identifiers are generated valid (check digits computed), so tests exercise the real validators.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client

from registers.actions import ContributorInput, register_work
from registers.models import CMO, Area, Licensee, Party, PartyKind, UserCategory, Work
from udp import identifiers
from udp.accounts.models import Moderation, User

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def next_serial() -> int:
    return next(_counter)


def make_iin(birth: dt.date = dt.date(1980, 5, 17), male: bool = True) -> str:
    century = (birth.year - 1800) // 100 * 2 + (1 if male else 2)
    while True:
        stem = f"{birth:%y%m%d}{century}{next_serial() % 10000:04d}"
        iin = identifiers.kz_number_with_check(stem)
        if iin:
            return iin


def make_bin(year: int = 2005, month: int = 3) -> str:
    while True:
        stem = f"{year % 100:02d}{month:02d}40{next_serial() % 100000:05d}"
        value = identifiers.kz_number_with_check(stem)
        if value:
            return value


def make_iswc() -> str:
    return identifiers.iswc_with_check(f"{next_serial() + 100000000:09d}")


def make_ipi() -> str:
    return identifiers.ipi_name_number_with_check(f"{next_serial() + 500000000:09d}")


def make_person(**fields: Any) -> Party:
    n = next_serial()
    defaults: dict[str, Any] = {
        "kind": PartyKind.PERSON,
        "name_ru": f"Автор Тестов {n}",
        "name_lat": f"Avtor Testov {n}",
        "iin": make_iin(),
        "birth_date": dt.date(1980, 5, 17),
        "citizenship": "KZ",
        "resident": True,
    }
    defaults.update(fields)
    if "birth_date" in fields and "iin" not in fields and fields["birth_date"]:
        defaults["iin"] = make_iin(fields["birth_date"])
    return Party.objects.create(**defaults)


def make_entity(**fields: Any) -> Party:
    n = next_serial()
    defaults: dict[str, Any] = {
        "kind": PartyKind.ENTITY,
        "name_ru": f"ТОО Издатель {n}",
        "name_lat": f"Publisher {n} LLP",
        "bin": make_bin(),
    }
    defaults.update(fields)
    return Party.objects.create(**defaults)


def make_cmo(short_name: str, *, areas: tuple[int, ...] = (1,), **fields: Any) -> CMO:
    party = make_entity(name_ru=f"ОКУП {short_name}", name_lat=f"{short_name} CMO")
    cmo = CMO.objects.create(party=party, short_name=short_name, **fields)
    for item in areas:
        cmo.area_links.create(area=Area.objects.get(item=item))
    return cmo


def make_account(email: str, role: str, *, mfa: bool | None = None, **fields: Any) -> User:
    user = User.objects.create_user(email, PASSWORD, role=role, moderation=Moderation.APPROVED, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if mfa if mfa is not None else user.needs_mfa:
        activate_totp(user)
    return user


TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def activate_totp(user: User) -> Authenticator:
    from allauth.mfa.totp.internal.auth import TOTP

    return TOTP.activate(user, TOTP_SECRET).instance


def totp_code() -> str:
    return totp_code_for(TOTP_SECRET)


#: A code with less than this many seconds of its period left is not handed out: the next one is waited for,
#: so that the code is still the current one when the server checks it (a browser's fill and submit can take
#: seconds on a loaded machine, and the server accepts the current period's code only).
TOTP_MARGIN = 5


def totp_code_for(secret: str) -> str:
    """The code an authenticator app shows now for ``secret`` (the next one, near the end of a period)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left < TOTP_MARGIN:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


def make_licensee(**fields: Any) -> Licensee:
    party = make_entity(name_ru="ТОО Радио Тест", name_lat="Radio Test LLP")
    return Licensee.objects.create(party=party, category=UserCategory.objects.get(code="radio"), **fields)


def make_work(by: Any, *contributors: tuple[Party, str, dict[str, Decimal]], **fields: Any) -> Work:
    fields.setdefault("title", f"Test work {next_serial()}")
    return register_work(
        by=by,
        contributors=[
            ContributorInput(party=p, role=role, shares=shares) for p, role, shares in contributors
        ],
        **fields,
    )


def login(client: Any, user: User) -> Any:
    """Sign ``client`` in as ``user``, as the login form would: with the second factor where it has one."""
    import time

    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    client.force_login(user)
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        session = client.session
        now = time.time()
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": now, "email": user.email},
            {"method": "mfa", "at": now, "type": "totp"},
        ]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()
    return client


def signed_in(user: User, *, language: str | None = "en") -> Client:
    """A test client signed in as ``user`` (see :func:`login`); with ``language``, pages answer in it
    (messages are checked in the English source)."""
    client = Client(headers={"accept-language": language}) if language else Client()
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    login(client, user)
    return client


def streamed(response: Any) -> bytes:
    """The whole body of a streamed download (a test client's response to a file export)."""
    return b"".join(response.streaming_content)


def problems_of(batch: Any) -> list[dict[str, Any]]:
    """The kept problems of an import batch, as dicts, with each reason in the active language."""
    return [
        {
            "line": p.line,
            "record": p.record,
            "field": p.field,
            "level": p.level,
            "code": p.code,
            "reason": p.reason,
        }
        for p in batch.problems.all()
    ]

"""Shared steps of the request tests: signatories for the personas' CMOs, and a request taken to any stage."""

from __future__ import annotations

import datetime as dt

from mandates import actions
from mandates.models import MandateRequest
from registers.models import CMO, Area
from tests import factories as f
from udp.accounts.models import User
from udp.documents.models import Signatory
from udp.documents.signing import enter_signatory


def make_signatory(account: User, cmo: CMO) -> Signatory:
    bin_ = cmo.party.bin
    assert bin_, "the CMO's entity has a BIN"
    return enter_signatory(
        by=None, entity_bin=bin_, entity_name=cmo.party.name, account=account, iin=f.make_iin(),
        position="Director", basis="Charter", valid_from=dt.date(2020, 1, 1),
    )  # fmt: skip


def area(item: int) -> Area:
    return Area.objects.get(item=item)


def requested(holder: User, cmo: CMO, *items: int) -> MandateRequest:
    return actions.request_mandate(by=holder, cmo=cmo, areas=[area(i) for i in items])


def accepted(holder: User, cmo: CMO, staff: User, *items: int) -> MandateRequest:
    return actions.accept_request(requested(holder, cmo, *items), by=staff)


def sign(request: MandateRequest, account: User) -> MandateRequest:
    request.refresh_from_db()
    assert request.document is not None
    return actions.sign_agreement(request, by=account, confirmed_sha256=request.document.sha256)

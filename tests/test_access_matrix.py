"""Persona × endpoint: who reaches what, for every page and every API operation.

The endpoints are enumerated, not listed: every route of the URL resolver and every operation of
the OpenAPI schema. Each must match a rule below (the test fails on an endpoint no rule covers), and
each rule names the principals that may reach it; everybody else must be refused (401, 403, 404,
405, or sent to sign in / set up the second factor). Ten principals: anonymous, two holders, a music
user, staff of two CMOs, a CMO administrator, the authorized body, the operator, and CMO staff who
signed in with a password but never set up the second factor. Path parameters are filled with
objects of the holder (or the holder's CMO), so "may reach" means "may reach the holder's object".

The figures (size, unexpected allows and denies) are printed and written to
``tests/artifacts/access-matrix.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Set as AbstractSet
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from registers.actions import ContributorInput, change_work
from registers.answers import answer
from registers.models import Contract, ImportBatch
from tests import factories as f
from udp.accounts.actions import issue_api_key
from udp.accounts.models import Moderation, Role, User
from udp.notices.actions import notify

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

ANON, HOLDER, HOLDER2, LICENSEE = "anonymous", "holder", "holder2", "licensee"
STAFF, STAFF2, ADMIN, REGULATOR, OPERATOR, NOMFA = (
    "cmo_staff", "other_cmo_staff", "cmo_admin", "regulator", "operator", "staff_without_2fa",
)  # fmt: skip
ALL = frozenset({ANON, HOLDER, HOLDER2, LICENSEE, STAFF, STAFF2, ADMIN, REGULATOR, OPERATOR, NOMFA})
PUBLIC = ALL - {NOMFA}  # a signed-in account without its second factor reaches nothing but sign-in pages
SIGNED = PUBLIC - {ANON}
HOLDERS = frozenset({HOLDER, HOLDER2})
CMOS = frozenset({STAFF, STAFF2, ADMIN})
EDITORS = HOLDERS | CMOS | {OPERATOR}
CLAIMS = EDITORS | {REGULATOR}
#: The holder's own objects: the holder, the holder's CMO (KAZ) and the operator.
OWN = frozenset({HOLDER, STAFF, ADMIN, OPERATOR})
ANY = None  # library pages (allauth, the admin login): only "no server error" is checked

#: (method, route pattern) -> who may reach it. Patterns are the resolver's routes / the schema's paths.
PAGE_RULES: dict[str, AbstractSet[str] | None] = {
    "": PUBLIC, "works/": PUBLIC, "works/<int:pk>/": PUBLIC, "holders/": PUBLIC, "holders/<int:pk>/": PUBLIC,
    "cmos/": PUBLIC, "cmos/<int:pk>/": PUBLIC, "users/": PUBLIC, "users/<int:pk>/": PUBLIC,
    "glossary/": PUBLIC, "help/": PUBLIC,
    "healthz": ALL, "i18n/setlang/": ALL,
    "home/": SIGNED,
    "portal/": HOLDERS,
    "cmo/": CMOS, "cmo/members/": CMOS, "cmo/works/": CMOS, "cmo/profile/": {ADMIN},  # the CMO's public data: its administrator
    "space/": {LICENSEE}, "space/locations/new/": {LICENSEE}, "space/locations/<int:pk>/": {LICENSEE},
    "space/locations/<int:pk>/remove/": frozenset(),  # POST only
    "regulator/": {REGULATOR}, "regulator/registers/": {REGULATOR}, "regulator/parties/<int:pk>/": {REGULATOR},
    "operator/cmos/": {OPERATOR}, "operator/cmos/new/": {OPERATOR}, "operator/cmos/<int:pk>/": {OPERATOR},
    "operator/": {OPERATOR}, "operator/accounts/": {OPERATOR}, "operator/accounts/new/": {OPERATOR},
    "operator/accounts/<int:pk>/approve/": frozenset(), "operator/accounts/<int:pk>/reject/": frozenset(),
    "operator/registers/": {OPERATOR}, "operator/parties/<int:pk>/": {OPERATOR},
    "operator/confidential-log/": {OPERATOR},
    "imports/": EDITORS, "imports/new/": EDITORS, "imports/template.<str:fmt>": EDITORS,
    "imports/export.<str:fmt>": EDITORS,
    "imports/<int:pk>/": {HOLDER, OPERATOR}, "imports/<int:pk>/problems.csv": {HOLDER, OPERATOR},
    "imports/<int:pk>/ack/": frozenset(),  # a CSV import has no acknowledgement
    "imports/<int:pk>/progress/": {HOLDER, OPERATOR},
    "notices/": SIGNED, "notices/<int:pk>/read/": frozenset(), "notices/read-all/": frozenset(),  # POST only
    "history/<str:kind>/<int:pk>/": OWN | {REGULATOR},
    "claims/": CLAIMS,
    "claims/proposals/<int:pk>/": {HOLDER, HOLDER2, STAFF2, OPERATOR, REGULATOR},
    "claims/conflicts/<int:pk>/": {HOLDER, HOLDER2, STAFF, STAFF2, ADMIN, OPERATOR, REGULATOR},
    "claims/conflicts/": CLAIMS,
    "claims/conflicts/<int:pk>/evidence/<int:evidence_pk>/": frozenset(),  # no such evidence
    "cmo/reciprocal/": CMOS, "cmo/reciprocal/new/": {ADMIN}, "cmo/reciprocal/memberships/new/": CMOS,
    "cmo/reciprocal/<int:pk>/": CMOS,  # an agreement of KAZ with QAZ: both CMOs' staff read it
    "cmo/reciprocal/<int:pk>/copy/": frozenset(),  # no copy placed yet
    "regulator/reciprocal/": {REGULATOR},
    "operator/societies/": {OPERATOR}, "operator/societies/new/": {OPERATOR},
    "operator/societies/<int:pk>/": {OPERATOR},
    "entries/works/new/": EDITORS, "entries/work/<int:pk>/": OWN,
    "entries/parties/new/": CMOS | {OPERATOR}, "entries/parties/lookup/": EDITORS,
    "entries/party/<int:pk>/": OWN,
    "accounts/api-keys/": SIGNED, "accounts/api-keys/<int:pk>/revoke/": frozenset(),  # revoke: POST only
    "accounts/pending/": ALL - {ANON},
    "extracts/works/<int:pk>/": frozenset(), "extracts/holders/<int:pk>/": frozenset(),  # POST only
    "verify/<str:token>/": PUBLIC,  # the token is the key; anyone holding the document has it
    "documents/<int:pk>/pdf/": {HOLDER, OPERATOR},  # the one who asked for it, and the operator
    # withdrawal (Art. 46.2): the holder's own notice, the CMO it is addressed to, the officials
    "withdrawals/": HOLDERS | CMOS | {REGULATOR, OPERATOR}, "withdrawals/new/": HOLDERS,
    "withdrawals/repertoire/": CMOS, "withdrawals/<int:pk>/": {HOLDER, STAFF, ADMIN, REGULATOR, OPERATOR},
    "withdrawals/<int:pk>/cancel/": frozenset(), "withdrawals/obligations/<int:pk>/done/": frozenset(),  # POST only
    "portal/rights/": HOLDERS, "portal/rights/my-data.zip": HOLDERS,
    # requests for management: the holder's request to QAZ (accepted, awaiting signatures); the paper
    # mandate KAZ entered for the holder
    "mandates/": CLAIMS, "mandates/new/": HOLDERS, "mandates/<int:pk>/": {HOLDER, STAFF2, REGULATOR, OPERATOR},
    "mandates/<int:pk>/agreement.pdf": {HOLDER, STAFF2, OPERATOR},  # it holds the holder's IIN
    "mandates/<int:pk>/cancel/": frozenset(), "mandates/<int:pk>/accept/": frozenset(),  # POST only
    "mandates/<int:pk>/refuse/": frozenset(), "mandates/<int:pk>/sign/": frozenset(),
    "mandates/signatories/": CMOS | {LICENSEE},  # the matrix's holders are persons: they sign for themselves
    "mandates/signatories/<int:pk>/end/": frozenset(),  # POST only
    "mandates/paper/": CLAIMS, "mandates/paper/new/": CMOS, "mandates/paper/bulk/": CMOS,
    "mandates/paper/<int:pk>/": {HOLDER, STAFF, ADMIN, REGULATOR, OPERATOR},
    "mandates/paper/<int:pk>/scan/": {HOLDER, STAFF, ADMIN, REGULATOR, OPERATOR},
    "mandates/paper/<int:pk>/confirm/": frozenset(), "mandates/paper/<int:pk>/dispute/": frozenset(),
    # accreditation, sanctions: the public register; KAZ's line in area 1 for its accounts and the officials;
    # a drafted suspension for the officials only; every decision is a POST
    "accreditation/sanctions/": PUBLIC, "accreditation/sanctions/regulator/": {REGULATOR, OPERATOR},
    "accreditation/sanctions/own/": CMOS,
    "accreditation/sanctions/lines/<int:pk>/": {STAFF, ADMIN, REGULATOR, OPERATOR},
    "accreditation/sanctions/lines/<int:pk>/suspend/": frozenset(), "accreditation/sanctions/lines/<int:pk>/revoke/": frozenset(),
    "accreditation/sanctions/lines/<int:pk>/terminate/": frozenset(), "accreditation/sanctions/lines/<int:pk>/return/": frozenset(),
    "accreditation/sanctions/suspensions/<int:pk>/": {REGULATOR, OPERATOR},
    "accreditation/sanctions/suspensions/<int:pk>/decide/": frozenset(),
    "accreditation/sanctions/suspensions/<int:pk>/dismiss/": frozenset(),
    # accreditation, applications: KAZ's submitted application; the public list and meetings; the
    # certificate from before the platform has no PDF; the other steps are POST only
    "accreditation/": PUBLIC, "accreditation/meetings/": PUBLIC,
    "accreditation/certificates/<int:pk>/pdf/": frozenset(),
    "accreditation/applications/": CMOS | {REGULATOR, OPERATOR}, "accreditation/applications/new/": {ADMIN},
    "accreditation/applications/<int:pk>/": {STAFF, ADMIN, REGULATOR, OPERATOR},
    "accreditation/applications/<int:pk>/attach/": frozenset(), "accreditation/applications/<int:pk>/submit/": frozenset(),
    "accreditation/applications/<int:pk>/withdraw/": frozenset(), "accreditation/applications/<int:pk>/check/": frozenset(),
    "accreditation/applications/<int:pk>/conclusion/": frozenset(),
    "accreditation/applications/<int:pk>/decide/": frozenset(), "accreditation/decisions/<int:pk>/appeal/": frozenset(),
    "accreditation/appeals/<int:pk>/decide/": frozenset(), "accreditation/requirements/<int:pk>/toggle/": frozenset(),
    "accreditation/meetings/new/": {REGULATOR}, "accreditation/requirements/": {REGULATOR},
    "accreditation/certificates/enter/": {OPERATOR},
    # accreditation, publications: KAZ's and QAZ's records and missed deadlines for their accounts and the
    # officials; the CMO's administrator publishes and notifies; the expert organization keeps the calendar
    "publications/": CMOS | {REGULATOR, OPERATOR}, "publications/new/": {ADMIN},
    "publications/meetings/new/": {ADMIN}, "publications/calendar/": {OPERATOR},
    "publications/calendar/<int:pk>/remove/": frozenset(),
    # licensing: KAZ's published tariff (public), its draft (KAZ's staff), the music user's declaration and its
    # agreement with KAZ awaiting the user's signature (the parties and the officials read it)
    "tariffs/": PUBLIC, "tariffs/mine/": CMOS, "tariffs/new/": CMOS, "tariffs/<int:pk>/": {ADMIN, STAFF},
    "tariffs/<int:pk>/edit/": {ADMIN, STAFF},
    "tariffs/<int:pk>/publish/": frozenset(), "tariffs/<int:pk>/withdraw/": frozenset(),  # POST only
    "licences/": CMOS | {LICENSEE, REGULATOR, OPERATOR}, "licences/get/": {LICENSEE},
    "licences/get/<int:pk>/": {LICENSEE}, "licences/get/<int:pk>/request/": frozenset(),
    "licences/<int:pk>/": {LICENSEE, STAFF, ADMIN, REGULATOR, OPERATOR},
    "licences/<int:pk>/agreement.pdf": {LICENSEE, STAFF, ADMIN, REGULATOR, OPERATOR},
    "licences/<int:pk>/sign/": frozenset(), "licences/<int:pk>/refuse/": frozenset(),
    "licences/<int:pk>/cancel/": frozenset(),
    "minimum-rates/": PUBLIC, "contracts/": PUBLIC,
    "licensing/minimum-rates/new/": {REGULATOR}, "licensing/minimum-rates/<int:pk>/end/": frozenset(),
    "licensing/index/": {REGULATOR, OPERATOR}, "licensing/phonograms/": CMOS | {REGULATOR, OPERATOR},
    "licensing/countersigning/": {ADMIN},
    # usage reports: the music user's licence with KAZ and a report under it; the user sends and reads, KAZ's
    # accounts and the officials read
    "space/usage/": {LICENSEE}, "space/usage/licences/<int:licence_pk>/new/": {LICENSEE},
    "space/usage/template.<str:fmt>": {LICENSEE},
    "space/usage/<int:pk>/": {LICENSEE, STAFF, ADMIN, REGULATOR, OPERATOR},
    "space/usage/<int:pk>/progress/": {LICENSEE, STAFF, ADMIN, REGULATOR, OPERATOR},
    "cmo/usage/": CMOS | {REGULATOR, OPERATOR}, "cmo/usage/<int:pk>/": {STAFF, ADMIN, REGULATOR, OPERATOR},
    "cmo/distribution/review/": CMOS, "cmo/distribution/claims/": CMOS,
    "cmo/distribution/claims/<int:pk>/decide/": frozenset(),
    "portal/distribution/unmatched/": HOLDERS, "portal/distribution/unmatched/<int:pk>/claim/": frozenset(),
    "cmo/distribution/review/<int:pk>/confirm/": frozenset(), "cmo/distribution/review/<int:pk>/unmatched/": frozenset(),
    # distribution runs: KAZ's approved run of Q1 2026 for its staff; the holder's statement of it
    "cmo/distribution/runs/": CMOS, "cmo/distribution/runs/new/": CMOS,
    "cmo/distribution/runs/requests/<int:pk>/": {STAFF, ADMIN}, "cmo/distribution/runs/<int:pk>/": {STAFF, ADMIN},
    "cmo/distribution/runs/<int:pk>/recalculate/": frozenset(), "cmo/distribution/runs/<int:pk>/approve/": frozenset(),
    "cmo/distribution/runs/<int:pk>/correct/": frozenset(),
    "operator/distribution/runs/": {OPERATOR}, "operator/distribution/runs/<int:pk>/": {OPERATOR},
    "cmo/distribution/statements/": CMOS | {OPERATOR}, "cmo/distribution/statements/<int:pk>/": {STAFF, ADMIN, OPERATOR},
    "cmo/distribution/statements/<int:pk>/pdf/": {STAFF, ADMIN, OPERATOR},
    "portal/distribution/statements/": HOLDERS, "portal/distribution/statements/<int:pk>/": {HOLDER},
    "portal/distribution/statements/<int:pk>/pdf/": {HOLDER},
    # claims of remuneration (Art. 46.2): none in the fixture; filing and answering are POST only
    "portal/distribution/kept/": HOLDERS, "portal/distribution/kept/<int:cmo_id>/claim/": frozenset(),
    "portal/distribution/remuneration-claims/<int:pk>/": frozenset(),
    "portal/distribution/remuneration-claims/<int:pk>/pdf/": frozenset(),
    "cmo/distribution/remuneration-claims/": CMOS | {OPERATOR},
    "cmo/distribution/remuneration-claims/<int:pk>/": frozenset(),
    "cmo/distribution/remuneration-claims/<int:pk>/decide/": frozenset(),
    "cmo/distribution/remuneration-claims/<int:pk>/pdf/": frozenset(),
    # payouts: a CMO's own staff only (bank details); no payment file or statement in the fixture
    "cmo/distribution/payouts/": CMOS, "cmo/distribution/payouts/statements/": CMOS,
    "cmo/distribution/payouts/<int:pk>/": frozenset(), "cmo/distribution/payouts/<int:pk>/file/": frozenset(),
    "cmo/distribution/payouts/<int:pk>/cancel/": frozenset(),
    "cmo/distribution/payouts/statements/<int:pk>/": frozenset(),
    # annual runs for foreign societies and money with no use: a CMO's own staff; no annual run in the fixture
    "cmo/distribution/foreign/": CMOS, "cmo/distribution/foreign/<int:pk>/": frozenset(),
    "cmo/distribution/foreign/<int:pk>/rates/": frozenset(), "cmo/distribution/foreign/<int:pk>/approve/": frozenset(),
    "cmo/distribution/foreign/remittances/<int:pk>/": frozenset(),
    "cmo/distribution/foreign/remittances/<int:pk>/export.<str:fmt>": frozenset(),
    "cmo/distribution/release/": CMOS,
    # finance: KAZ's invoice to the music user, an unallocated receipt and a bank statement of KAZ; the user
    # reads its invoices, KAZ's staff work on theirs, the officials read the overview
    "space/invoices/": {LICENSEE}, "space/invoices/<int:pk>/pdf/": {LICENSEE},
    "cmo/finance/": CMOS, "cmo/finance/invoices/<int:pk>/": {STAFF, ADMIN},
    "cmo/finance/invoices/<int:pk>/pdf/": {STAFF, ADMIN}, "cmo/finance/payments/": CMOS,
    "cmo/finance/payments/new/": CMOS, "cmo/finance/statements/": CMOS,
    "cmo/finance/statements/<int:pk>/": {STAFF, ADMIN}, "cmo/finance/receipts/": CMOS,
    "cmo/finance/receipts/<int:pk>/allocate/": frozenset(),  # POST only
    "cmo/finance/periods/": CMOS, "regulator/finance/": {REGULATOR, OPERATOR},
    # licensing, requests for information (Art. 48-2.2): the authorized body asks the music user, who answers
    "regulator/info-requests/": {REGULATOR}, "regulator/info-requests/new/": {REGULATOR},
    "regulator/info-requests/<int:pk>/": {REGULATOR},
    "space/info-requests/": {LICENSEE}, "space/info-requests/<int:pk>/": {LICENSEE},
    # licensing, monitoring: the music user's reconciliation under a licence of KAZ (flagged); answers are POST
    "space/monitoring/": {LICENSEE}, "space/monitoring/<int:pk>/": {LICENSEE},
    "space/monitoring/lines/<int:pk>/answer/": frozenset(),
    "cmo/monitoring/": CMOS, "cmo/monitoring/<int:pk>/": {STAFF, ADMIN},
    "regulator/monitoring/": {REGULATOR}, "regulator/monitoring/<int:pk>/": {REGULATOR},
    "operator/monitoring/providers/": {OPERATOR}, "operator/monitoring/providers/<int:pk>/": {OPERATOR},
    "operator/monitoring/providers/<int:pk>/key/": frozenset(), "operator/monitoring/providers/<int:pk>/toggle/": frozenset(),
}  # fmt: skip

API_RULES: dict[str, AbstractSet[str] | None] = {
    "GET /api/areas/": PUBLIC, "GET /api/areas/{id}/": PUBLIC,
    "GET /api/user-categories/": PUBLIC, "GET /api/user-categories/{code}/": PUBLIC,
    # open by design (throttled); the answer for bad credentials is 400/401; a session that skipped
    # its second factor is refused on every /api/ path, this one included
    "POST /api/auth/token/": PUBLIC,
    # the verification page for machines: the token is the key, as on the page
    "GET /api/documents/verify/{token}/": PUBLIC, "POST /api/documents/verify/{token}/": PUBLIC,
    "GET /api/cmos/": PUBLIC, "GET /api/cmos/{id}/": PUBLIC,
    "GET /api/works/": PUBLIC, "GET /api/works/{id}/": PUBLIC,
    "POST /api/works/": EDITORS, "PUT /api/works/{id}/": OWN, "PATCH /api/works/{id}/": OWN,
    "GET /api/holders/": PUBLIC, "GET /api/holders/{id}/": PUBLIC,
    "PUT /api/holders/{id}/": OWN, "PATCH /api/holders/{id}/": OWN,
    "GET /api/users/": PUBLIC, "GET /api/users/{id}/": PUBLIC,
    "GET /api/contracts/": PUBLIC, "GET /api/contracts/{number}/": PUBLIC,
    "GET /api/imports/": EDITORS, "POST /api/imports/": EDITORS,
    "GET /api/imports/{id}/": {HOLDER, OPERATOR}, "GET /api/imports/{id}/problems/": {HOLDER, OPERATOR},
    "GET /api/imports/{id}/problems-csv/": {HOLDER, OPERATOR}, "GET /api/imports/{id}/ack/": frozenset(),
    "GET /api/imports/export/{fmt}/": EDITORS, "GET /api/imports/template/{fmt}/": EDITORS,
    "GET /api/console/": SIGNED,  # each account its own console
    "GET /api/notices/": SIGNED, "GET /api/notices/{id}/": {HOLDER},  # each account reads only its own
    "POST /api/notices/{id}/read/": {HOLDER}, "POST /api/notices/read-all/": SIGNED,
    "GET /api/keys/": SIGNED, "POST /api/keys/": SIGNED,
    "GET /api/keys/{id}/": {HOLDER, OPERATOR},
    "POST /api/keys/{id}/revoke/": frozenset(),  # also needs the password (or a fresh re-authentication)
    "GET /api/proposals/": CLAIMS | {LICENSEE}, "GET /api/proposals/{id}/": {HOLDER, HOLDER2, STAFF2, OPERATOR, REGULATOR},
    # only the parties it touches answer (the co-author and the co-author's CMO); the proposer
    # withdraws; the authorized body and the operator read it but do not answer for the parties
    "POST /api/proposals/{id}/accept/": {HOLDER2, STAFF2},
    "POST /api/proposals/{id}/reject/": {HOLDER2, STAFF2},
    "POST /api/proposals/{id}/withdraw/": {HOLDER},
    "GET /api/conflicts/": SIGNED,
    "GET /api/conflicts/{id}/": {HOLDER, HOLDER2, STAFF, STAFF2, ADMIN, OPERATOR, REGULATOR},
    "POST /api/conflicts/{id}/resolve/": {OPERATOR},
    # the conflict's parties (both holders) and their CMOs
    "POST /api/conflicts/{id}/evidence/": {HOLDER, HOLDER2, STAFF, STAFF2, ADMIN},
    "GET /api/foreign-societies/": PUBLIC, "GET /api/foreign-societies/{id}/": PUBLIC,
    "POST /api/foreign-societies/": {OPERATOR},
    "GET /api/reciprocal-agreements/": PUBLIC, "GET /api/reciprocal-agreements/{id}/": PUBLIC,
    "GET /api/reciprocal-agreements/missing/": PUBLIC, "GET /api/reciprocal-agreements/late/": PUBLIC,
    "POST /api/reciprocal-agreements/": {ADMIN, OPERATOR},
    "POST /api/reciprocal-agreements/{id}/copy/": {ADMIN, OPERATOR},
    "POST /api/reciprocal-agreements/{id}/end/": {ADMIN, OPERATOR},
    "POST /api/society-memberships/": CMOS | {OPERATOR},
    "POST /api/works/{id}/extract/": SIGNED, "POST /api/holders/{id}/extract/": SIGNED,
    "GET /api/works/{id}/management/": PUBLIC,
    "GET /api/withdrawals/": SIGNED,  # each sees the notices it may: none, for most
    "GET /api/withdrawals/{id}/": {HOLDER, STAFF, ADMIN, REGULATOR, OPERATOR},
    "POST /api/withdrawals/": HOLDERS, "POST /api/withdrawals/{id}/cancel/": {HOLDER},
    # the notice is still pending: nothing is owed yet (marking done is tested in mandates/tests)
    "POST /api/withdrawals/{id}/obligations/{kind}/done/": frozenset(),
    "GET /api/me/rights/": HOLDERS, "GET /api/me/data/": HOLDERS,
    "GET /api/mandate-requests/": SIGNED, "POST /api/mandate-requests/": HOLDERS,
    "GET /api/mandate-requests/{id}/": {HOLDER, STAFF2, REGULATOR, OPERATOR},
    "GET /api/mandate-requests/{id}/agreement/": {HOLDER, STAFF2, OPERATOR},
    "POST /api/mandate-requests/{id}/cancel/": {HOLDER}, "POST /api/mandate-requests/{id}/accept/": {STAFF2},
    "POST /api/mandate-requests/{id}/refuse/": {STAFF2}, "POST /api/mandate-requests/{id}/sign/": {HOLDER, STAFF2},
    "GET /api/paper-mandates/": SIGNED, "POST /api/paper-mandates/": CMOS, "POST /api/paper-mandates/bulk/": CMOS,
    "GET /api/paper-mandates/{id}/": {HOLDER, STAFF, ADMIN, REGULATOR, OPERATOR},
    "POST /api/paper-mandates/{id}/confirm/": {HOLDER}, "POST /api/paper-mandates/{id}/dispute/": {HOLDER},
    # who signs for KAZ: its accounts read, its admin keeps; every other list is empty
    "GET /api/me/signatories/": SIGNED, "POST /api/me/signatories/": {ADMIN, LICENSEE},  # a company user keeps its own
    "GET /api/me/signatories/{id}/": {STAFF, ADMIN}, "POST /api/me/signatories/{id}/end/": {ADMIN},
    # accreditation, sanctions: KAZ's line in area 1 (a drafted suspension on it), its line in area 7
    # revoked (so terminated); published decisions are public, the officials read the rest, the authorized
    # body decides, KAZ's administrator asks to return a line (400 without a note)
    "GET /api/sanctions/lines/": SIGNED, "GET /api/sanctions/lines/{id}/": {STAFF, ADMIN, REGULATOR, OPERATOR},
    "GET /api/sanctions/lines/{id}/evidence/": {REGULATOR, OPERATOR},
    "POST /api/sanctions/lines/{id}/return/": {ADMIN},
    "GET /api/sanctions/suspensions/": PUBLIC, "GET /api/sanctions/suspensions/{id}/": {REGULATOR, OPERATOR},
    "POST /api/sanctions/suspensions/": {REGULATOR}, "POST /api/sanctions/suspensions/{id}/decide/": {REGULATOR},
    "POST /api/sanctions/suspensions/{id}/dismiss/": {REGULATOR},
    "GET /api/sanctions/revocations/": PUBLIC, "GET /api/sanctions/revocations/{id}/": PUBLIC,
    "POST /api/sanctions/revocations/": {REGULATOR},
    "GET /api/sanctions/terminations/": PUBLIC, "GET /api/sanctions/terminations/{id}/": PUBLIC,
    "POST /api/sanctions/terminations/": {REGULATOR},
    # accreditation, applications: KAZ's submitted application; a refusal in area 7 of its decided one,
    # under appeal; a step's role is checked before its input, so only the one who takes it reaches it
    "GET /api/accreditation/accredited/": PUBLIC,
    "GET /api/accreditation/applications/": SIGNED, "POST /api/accreditation/applications/": {ADMIN},
    "GET /api/accreditation/applications/{id}/": {STAFF, ADMIN, REGULATOR, OPERATOR},
    "POST /api/accreditation/applications/{id}/attach/": {ADMIN},
    "POST /api/accreditation/applications/{id}/submit/": {ADMIN},
    "POST /api/accreditation/applications/{id}/withdraw/": {ADMIN},
    "POST /api/accreditation/applications/{id}/check/": {OPERATOR},
    "POST /api/accreditation/applications/{id}/conclusion/": {REGULATOR},
    "POST /api/accreditation/applications/{id}/decide/": {REGULATOR},
    "POST /api/accreditation/decisions/{id}/appeal/": {ADMIN},
    "POST /api/accreditation/appeals/{id}/decide/": {REGULATOR},
    "GET /api/accreditation/certificates/": PUBLIC, "GET /api/accreditation/certificates/{id}/": PUBLIC,
    "POST /api/accreditation/certificates/": {OPERATOR},
    "GET /api/accreditation/meetings/": PUBLIC, "GET /api/accreditation/meetings/{id}/": PUBLIC,
    "POST /api/accreditation/meetings/": {REGULATOR},
    "GET /api/accreditation/requirements/": PUBLIC, "GET /api/accreditation/requirements/{id}/": PUBLIC,
    "POST /api/accreditation/requirements/": {REGULATOR}, "PATCH /api/accreditation/requirements/{id}/": {REGULATOR},
    "POST /api/accreditation/requirements/{id}/toggle/": {REGULATOR},
    # accreditation, publications: lists answer each account with what it may see; the CMO's administrator
    # publishes and notifies (400 without input); the expert organization moves days
    "GET /api/publications/records/": SIGNED, "POST /api/publications/records/": {ADMIN},
    "GET /api/publications/meetings/": SIGNED, "POST /api/publications/meetings/": {ADMIN},
    "GET /api/publications/flags/": SIGNED,
    "GET /api/calendar-days/": SIGNED, "POST /api/calendar-days/": {OPERATOR},
    "POST /api/calendar-days/remove/": {OPERATOR},
    # licensing: the tariff in the path is KAZ's draft (its staff read and publish it; 400 below no minimum is
    # not a refusal); the agreement is the music user's with KAZ, awaiting the user's signature
    "GET /api/tariffs/": PUBLIC, "GET /api/tariffs/{id}/": {STAFF, ADMIN}, "POST /api/tariffs/": CMOS,
    "POST /api/tariffs/{id}/publish/": {STAFF, ADMIN}, "POST /api/tariffs/{id}/withdraw/": {STAFF, ADMIN},
    "GET /api/minimum-rates/": PUBLIC, "GET /api/minimum-rates/{id}/": PUBLIC, "POST /api/minimum-rates/": {REGULATOR},
    "GET /api/index-values/": PUBLIC, "POST /api/index-values/": {REGULATOR, OPERATOR},
    "POST /api/declarations/": {LICENSEE}, "GET /api/declarations/{id}/": {LICENSEE},
    "GET /api/licences/": SIGNED, "POST /api/licences/": {LICENSEE},
    "GET /api/licences/{id}/": {LICENSEE, STAFF, ADMIN, REGULATOR, OPERATOR},
    "POST /api/licences/{id}/sign/": {LICENSEE, STAFF, ADMIN}, "POST /api/licences/{id}/refuse/": {STAFF, ADMIN},
    "POST /api/licences/{id}/cancel/": {LICENSEE},
    "GET /api/contracts/users/": PUBLIC,
    "GET /api/phonogram-collectors/": PUBLIC, "POST /api/phonogram-collectors/": {ADMIN, OPERATOR},
    # usage reports: each reads what it may (none, for most); the music user sends (400 without input)
    "GET /api/usage-reports/": SIGNED, "POST /api/usage-reports/": {LICENSEE},
    "GET /api/match-review/": SIGNED, "GET /api/match-review/months/": SIGNED,
    "GET /api/match-review/{id}/": frozenset(),  # no key in the fixture
    "POST /api/match-review/{id}/confirm/": frozenset(), "POST /api/match-review/{id}/unmatched/": frozenset(),
    "GET /api/unmatched-usage/": SIGNED, "GET /api/usage-claims/": SIGNED, "GET /api/usage-claims/{id}/": frozenset(),
    "POST /api/usage-claims/": HOLDERS,  # a holder's empty claim is a 400
    "POST /api/usage-claims/{id}/decide/": frozenset(),
    "GET /api/distribution-runs/": SIGNED, "GET /api/distribution-runs/{id}/": {STAFF, ADMIN, OPERATOR},
    "GET /api/distribution-runs/{id}/payees/": {STAFF, ADMIN, OPERATOR},
    "GET /api/distribution-runs/{id}/allocations/": {STAFF, ADMIN, OPERATOR},
    "POST /api/distribution-runs/": CMOS,  # an empty start is a 400 for any CMO's staff
    # the run is approved already: approving or recalculating it again is a 400 for its own staff
    "POST /api/distribution-runs/{id}/approve/": {STAFF, ADMIN},
    "POST /api/distribution-runs/{id}/recalculate/": {STAFF, ADMIN},
    # correcting it: the administrator only (with no reason given, a 400); its staff are refused first
    "POST /api/distribution-runs/{id}/correct/": {ADMIN},
    "GET /api/distribution-run-requests/": SIGNED, "GET /api/distribution-run-requests/{id}/": {STAFF, ADMIN, OPERATOR},
    # claims of remuneration: none in the fixture; a holder's empty claim is a 400
    "GET /api/remuneration-claims/": SIGNED, "GET /api/remuneration-claims/{id}/": frozenset(),
    "GET /api/remuneration-claims/kept/": HOLDERS, "POST /api/remuneration-claims/": HOLDERS,
    "POST /api/remuneration-claims/{id}/decide/": frozenset(), "GET /api/remuneration-claims/{id}/pdf/": frozenset(),
    "GET /api/statements/": SIGNED, "GET /api/statements/{id}/": {HOLDER, STAFF, ADMIN, OPERATOR},
    "GET /api/statements/{id}/pdf/": {HOLDER, STAFF, ADMIN, OPERATOR},
    # payouts: lists answer each account with what it may see (nothing but its CMO's); a CMO's staff write (400:
    # nobody owed money, no file)
    "GET /api/payment-batches/": SIGNED, "POST /api/payment-batches/": CMOS,
    "GET /api/payment-batches/{id}/": frozenset(), "GET /api/payment-batches/{id}/file/": frozenset(),
    "GET /api/payment-batches/{id}/transfers/": frozenset(), "POST /api/payment-batches/{id}/cancel/": frozenset(),
    "GET /api/payout-statements/": SIGNED, "POST /api/payout-statements/": CMOS,
    "GET /api/payout-statements/{id}/": frozenset(), "GET /api/tax-rates/": SIGNED,
    # annual runs for foreign societies: none in the fixture; an empty start is a 400 for any CMO's staff; only
    # a CMO's admin records the general meeting's rule (an empty one is a 400)
    "GET /api/foreign-runs/": SIGNED, "POST /api/foreign-runs/": CMOS, "GET /api/foreign-runs/{id}/": frozenset(),
    "POST /api/foreign-runs/{id}/approve/": frozenset(), "GET /api/remittances/{id}/": frozenset(),
    "GET /api/remittances/{id}/export/": frozenset(), "POST /api/remittances/{id}/paid/": frozenset(),
    "POST /api/remittances/{id}/returned/": frozenset(), "GET /api/release-rules/": SIGNED,
    "POST /api/release-rules/": {ADMIN},
    "GET /api/usage-reports/{id}/": {LICENSEE, STAFF, ADMIN, REGULATOR, OPERATOR},
    # finance: lists answer each account with what it may see; KAZ's staff write (400 without input)
    "GET /api/invoices/": SIGNED, "GET /api/invoices/{id}/": {LICENSEE, STAFF, ADMIN, REGULATOR, OPERATOR},
    "GET /api/invoices/{id}/pdf/": {LICENSEE, STAFF, ADMIN, REGULATOR, OPERATOR},
    "GET /api/payments/": SIGNED, "POST /api/payments/": CMOS,
    "GET /api/payments/{id}/": {STAFF, ADMIN, REGULATOR, OPERATOR}, "POST /api/payments/{id}/allocate/": {STAFF, ADMIN},
    "GET /api/bank-statements/": SIGNED, "POST /api/bank-statements/": CMOS,
    "GET /api/bank-statements/{id}/": {STAFF, ADMIN, REGULATOR, OPERATOR},
    "GET /api/accounting-periods/": SIGNED, "POST /api/accounting-periods/": CMOS,
    # licensing, requests for information: each lists its own; the authorized body asks (a role check before
    # the input), the music user answers
    "GET /api/info-requests/": SIGNED, "POST /api/info-requests/": {REGULATOR},
    "GET /api/info-requests/{id}/": {LICENSEE, REGULATOR}, "POST /api/info-requests/{id}/answer/": {LICENSEE},
    # licensing, monitoring: only a provider's key pushes (no person); the reconciliation of KAZ's licence
    "POST /api/monitoring/detections/": frozenset(),
    "GET /api/monitoring/reconciliations/": SIGNED, "GET /api/monitoring/reconciliations/flags/": SIGNED,
    "GET /api/monitoring/reconciliations/{id}/": {LICENSEE, STAFF, ADMIN, REGULATOR, OPERATOR},
    "POST /api/monitoring/lines/{id}/answer/": {LICENSEE},
    "GET /api/monitoring/providers/": {OPERATOR}, "POST /api/monitoring/providers/": {OPERATOR},
    "GET /api/monitoring/providers/{id}/": {OPERATOR}, "POST /api/monitoring/providers/{id}/sites/": {OPERATOR},
    "POST /api/monitoring/providers/{id}/keys/": {OPERATOR},
}  # fmt: skip
#: For POST on an object, "reach" means passing the object check: the action itself may still refuse
#: (403 "only the expert organization resolves", 400 "no longer open"); those count as reached only
#: when the answer is 400. The answers that count as refusals are listed in :func:`_outcome`.


def _routes() -> list[str]:
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                found.append(prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "")
    return [r for r in found if not r.startswith("api/")]


def _page_rule(route: str) -> tuple[bool, AbstractSet[str] | None]:
    if route in PAGE_RULES:
        rule = PAGE_RULES[route]
        return True, frozenset(rule) if rule is not None else None
    if route.startswith("accounts/") or route in ("admin/login/", "admin/logout/"):
        return True, ANY  # allauth's own pages and the admin login form
    if route.startswith("admin/"):
        return True, frozenset()  # Django's admin: no platform role is admin staff
    return False, None


class World:
    def __init__(self, personas: Any) -> None:
        p = personas
        self.users: dict[str, User | None] = {
            ANON: None, HOLDER: p.holder, HOLDER2: p.other_holder, LICENSEE: p.licensee, STAFF: p.cmo_staff,
            STAFF2: p.other_cmo_staff, ADMIN: p.cmo_admin, REGULATOR: p.regulator, OPERATOR: p.operator,
            NOMFA: f.make_account("no-2fa@kaz.kz", Role.CMO_STAFF, cmo=p.cmo, mfa=False),
        }  # fmt: skip
        self.work = f.make_work(p.holder, (p.holder_party, "CA", {"PR": Decimal("100")}), title="Own song")
        joint = f.make_work(
            p.operator,
            (p.holder_party, "C", {"PR": Decimal("50")}),
            (p.other_party, "A", {"PR": Decimal("50")}),
        )
        sole = [ContributorInput(p.holder_party, "CA", {"PR": Decimal("100")})]
        self.proposal = change_work(joint, by=p.holder, contributors=sole).proposal
        disputed = change_work(joint, by=p.holder, contributors=sole, title="Another").proposal
        answer(disputed, by=p.other_holder, accept=False, note="no")
        self.conflict = disputed.conflict
        self.party = p.holder_party
        from registers.models import Area, ForeignSociety
        from registers.reciprocal import record_reciprocal_agreement

        self.society = ForeignSociety.objects.create(
            name="SACEM", short_name="SACEM", cisac_code="058", country="FR"
        )
        self.agreement = record_reciprocal_agreement(
            by=p.cmo_admin, cmo=p.cmo, counterparty_cmo=p.other_cmo, areas=[Area.objects.get(item=1)],
            concluded_on=dt.date(2026, 1, 5), valid_from=dt.date(2026, 1, 5),
        )  # fmt: skip
        self.cmo = p.cmo
        self.licensee = p.licensee.licensee
        from registers.models import LicenseeLocation

        self.location = LicenseeLocation.objects.create(
            licensee=self.licensee, name="Studio", address="Almaty"
        )
        self.contract = Contract.objects.filter(holder=p.holder_party).first()
        self.batch = ImportBatch.objects.create(
            uploaded_by=p.holder, format="csv", filename="w.csv", file="imports/2026/01/x.csv"
        )
        self.key, _secret = issue_api_key(by=p.holder, name="back office", scopes=["registers:read"])
        self.notice = notify(p.holder, "import_done", {"id": self.batch.pk, "name": "w.csv"})
        self.pending = User.objects.create_user(
            "pending@example.kz", f.PASSWORD, moderation=Moderation.PENDING
        )
        from registers.documents import issue_holder_extract

        self.document = issue_holder_extract(self.party, by=p.holder, language="en")
        from mandates.withdrawing import file_withdrawal
        from registers.models import Area

        self.withdrawal = file_withdrawal(by=p.holder, cmo=p.cmo, area=Area.objects.get(item=1))
        self._mandates(p)
        from mandates.signatories import enter_own_signatory

        self.signatory = enter_own_signatory(
            by=p.cmo_admin, account=p.cmo_admin, iin=f.make_iin(), position="Director", basis="Charter"
        )
        self._sanctions(p)
        self._licensing(p)
        self._usage(p)
        self._finance(p)
        self._monitoring(p)
        self._runs(p)

    def _runs(self, p: Any) -> None:
        from distribution.calculating import approve
        from distribution.models import RequestStatus, RunRequest
        from distribution.runs import start_run
        from registers.models import Area

        area, q1 = Area.objects.get(item=1), (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
        run = start_run(p.cmo, area, *q1, by=p.cmo_staff, weights={self.work.pk: 3}, pool_tiyn=100_000)
        self.run = approve(run, by=p.cmo_admin)
        self.run_statement = self.run.statements.get(party=p.holder_party)
        self.run_request = RunRequest.objects.create(
            cmo=p.cmo, area=area, period_start=q1[0], period_end=q1[1], costs_percent=0, funds_percent=0,
            requested_by=p.cmo_staff, status=RequestStatus.DONE, run=self.run,
        )  # fmt: skip

    def _monitoring(self, p: Any) -> None:
        from licensing import reconciling
        from licensing.info_requests import ask_for_information
        from licensing.models import Detection
        from licensing.tests.monitoring_rows import make_licence, make_provider, make_site

        licence = make_licence(p.licensee.licensee, p.cmo, by=p.licensee)
        self.info_request = ask_for_information(
            by=p.regulator, licensee=p.licensee.licensee, subject="Works used", question="Which?",
            topics=["works_used"], period_from=dt.date(2025, 1, 1), period_to=dt.date(2025, 12, 31),
            due_on=dt.date(2099, 1, 1),
        )  # fmt: skip
        self.provider = make_provider(p.operator)
        site = make_site(p.operator, self.provider, licence, "RADIO-1")
        for minute in range(6):
            Detection.objects.create(
                provider=self.provider, site=site, licence=licence, isrc="KZA012500001",
                detected_at=dt.datetime(2026, 1, 10, 12, minute, tzinfo=dt.UTC),
            )  # fmt: skip
        self.reconciliation = reconciling.reconcile(licence, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
        self.recon_line = self.reconciliation.lines.get()

    def _finance(self, p: Any) -> None:
        import io

        from licensing.invoicing import issue_first_invoice
        from licensing.payments import import_bank_statement
        from licensing.tests.finance.factories import make_licence

        licence = make_licence(
            cmo=p.cmo, licensee=self.licensee, user=p.licensee, cmo_user=p.cmo_admin, areas={1: "1000.00"},
            starts_on=dt.date(2026, 1, 1),
        )  # fmt: skip
        self.invoice = issue_first_invoice(licence)
        text = b"date,amount,payer_bin,payer_name,purpose,reference\n2026-01-05,100.00,,Cafe,rent,M-1\nbad\n"
        self.statement = import_bank_statement(
            by=p.cmo_staff, cmo=p.cmo, file=io.BytesIO(text), filename="s.csv"
        )
        self.receipt = self.statement.payments.get()

    def _licensing(self, p: Any) -> None:
        from licensing import actions as licensing
        from licensing.models import Tariff
        from licensing.tariffs import Term, publish_tariff, save_tariff
        from registers.models import Area, UserCategory

        cafe = UserCategory.objects.get(code="restaurant")
        published = save_tariff(
            by=p.cmo_staff, cmo=p.cmo, area=Area.objects.get(item=1), category=cafe, use="background",
            valid_from=dt.date(2026, 1, 1), terms=[Term(shape="per_unit", unit="m2", amount=Decimal("120"))],
        )  # fmt: skip
        publish_tariff(published, by=p.cmo_staff)
        self.tariff: Tariff = save_tariff(
            by=p.cmo_staff, cmo=p.cmo, area=Area.objects.get(item=1), category=cafe, use="live",
            valid_from=dt.date(2026, 1, 1), terms=[Term(shape="fixed", amount=Decimal("1000"))],
        )  # fmt: skip
        self.declaration = licensing.declare_use(
            by=p.licensee, category=cafe, use="background", parameters={"m2": "50"}
        )
        self.licence = licensing.request_agreement(self.declaration, by=p.licensee, cmo=p.cmo, kind="licence")
        from licensing.tariffs import enter_minimum_rate

        self.minimum_rate = enter_minimum_rate(
            by=p.regulator, area=Area.objects.get(item=1), use="live", category=None, valid_from=dt.date(2026, 1, 1),
            valid_until=None, act="Order 1", terms=[Term(shape="fixed", amount=Decimal("10"))],
        )  # fmt: skip

    def _usage(self, p: Any) -> None:
        from licensing.models import UsageReport
        from licensing.tests.usage_fixtures import make_licence

        self.usage_licence = make_licence(p)
        self.usage_report = UsageReport.objects.create(
            licence=self.usage_licence, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 1, 31), format="csv",
            file="usage/2026/01/x.csv", original_name="p.csv", sha256="0" * 64, policy="keep_good",
            submitted_by=p.licensee, status="accepted", stage="done",
        )  # fmt: skip

    def _sanctions(self, p: Any) -> None:
        from accreditation.models import Accreditation, Certificate, Suspension
        from accreditation.sanctions import revoke
        from registers.models import Area

        certificate = Certificate.objects.create(number="ACC-M1", cmo=p.cmo, issued_on=dt.date(2024, 1, 10))
        lines = [
            Accreditation.objects.create(
                certificate=certificate,
                cmo=p.cmo,
                area=Area.objects.get(item=item),
                valid_from=dt.date(2024, 1, 10),
                valid_until=dt.date(2034, 1, 9),
            )  # fmt: skip
            for item in (1, 7)
        ]
        self.line = lines[0]
        self.suspension = Suspension.objects.create(accreditation=self.line, ground="late_annual_report")
        self.revocation = revoke(
            lines[1], by=p.regulator, ground="commercial_activity", reasons="Commercial activities"
        )
        self.certificate = certificate
        self._applications(p)

    def _applications(self, p: Any) -> None:
        from accreditation.models import Appeal, Application, AreaDecision, CommissionMeeting, Requirement
        from registers.models import Area

        self.requirement = Requirement.objects.create(
            code="charter", title_kk="Жарғы", title_ru="Устав", title_en="Charter"
        )
        self.application = Application.objects.create(cmo=p.cmo, status="submitted", created_by=p.cmo_admin)
        self.application.areas.set([Area.objects.get(item=1)])
        decided = Application.objects.create(cmo=p.cmo, status="decided", created_by=p.cmo_admin)
        decided.areas.set([Area.objects.get(item=7)])
        self.decision = AreaDecision.objects.create(
            application=decided, area=Area.objects.get(item=7), outcome="refused", reasons="No members.",
            decided_by=p.regulator,
        )  # fmt: skip
        self.appeal = Appeal.objects.create(
            decision=self.decision, grounds="We have members.", filed_by=p.cmo_admin
        )
        self.meeting = CommissionMeeting.objects.create(
            announced_on=dt.date(2026, 1, 5), meets_on=dt.date(2026, 2, 20), announced_by=p.regulator
        )

    def _mandates(self, p: Any) -> None:
        import datetime as dt

        from django.core.files.uploadedfile import SimpleUploadedFile

        from mandates.actions import accept_request, request_mandate
        from mandates.paper import enter_paper_mandate
        from registers.models import Area

        asked = request_mandate(by=p.holder, cmo=p.other_cmo, areas=[Area.objects.get(item=5)])
        self.request = accept_request(asked, by=p.other_cmo_staff)
        scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n")
        self.paper = enter_paper_mandate(
            by=p.cmo_staff, holder=p.holder_party, areas=[Area.objects.get(item=7)], concluded_on=dt.date(2024, 1, 5),
            valid_from=dt.date(2024, 1, 5), scan=scan,
        )  # fmt: skip

    def page_url(self, route: str) -> str:
        ids = {
            "works/": self.work.pk, "holders/": self.party.pk, "cmos/": self.cmo.pk, "users/": self.licensee.pk,
            "space/locations/": self.location.pk, "regulator/parties/": self.party.pk,
            "operator/cmos/": self.cmo.pk, "operator/accounts/": self.pending.pk, "operator/parties/": self.party.pk,
            "imports/": self.batch.pk, "claims/proposals/": self.proposal.pk, "claims/conflicts/": self.conflict.pk,
            "entries/work/": self.work.pk, "entries/party/": self.party.pk, "accounts/api-keys/": self.key.pk,
            "notices/": self.notice.pk, "mandates/": self.request.pk, "mandates/paper/": self.paper.pk,
            "cmo/reciprocal/": self.agreement.pk, "operator/societies/": self.society.pk,
            "extracts/works/": self.work.pk, "extracts/holders/": self.party.pk, "documents/": self.document.pk,
            "withdrawals/": self.withdrawal.pk, "withdrawals/obligations/": 1,
            "mandates/signatories/": self.signatory.pk,
            "accreditation/certificates/": self.certificate.pk, "accreditation/applications/": self.application.pk,
            "accreditation/decisions/": self.decision.pk, "accreditation/appeals/": self.appeal.pk,
            "accreditation/requirements/": self.requirement.pk,
            "accreditation/sanctions/lines/": self.line.pk,
            "accreditation/sanctions/suspensions/": self.suspension.pk,
            "publications/calendar/": 1,
            "tariffs/": self.tariff.pk, "licences/get/": self.declaration.pk, "licences/": self.licence.pk,
            "licensing/minimum-rates/": self.minimum_rate.pk,
            "space/usage/": self.usage_report.pk, "cmo/usage/": self.usage_report.pk,
            "space/invoices/": self.invoice.pk, "cmo/finance/invoices/": self.invoice.pk,
            "cmo/finance/statements/": self.statement.pk, "cmo/finance/receipts/": self.receipt.pk,
            "regulator/info-requests/": self.info_request.pk, "space/info-requests/": self.info_request.pk,
            "space/monitoring/": self.reconciliation.pk, "cmo/monitoring/": self.reconciliation.pk,
            "regulator/monitoring/": self.reconciliation.pk, "space/monitoring/lines/": self.recon_line.pk,
            "operator/monitoring/providers/": self.provider.pk,
            "cmo/distribution/review/": 1, "cmo/distribution/claims/": 1,  # no usage key in the fixture
            "portal/distribution/unmatched/": 1,
            "cmo/distribution/runs/": self.run.pk, "cmo/distribution/runs/requests/": self.run_request.pk,
            "operator/distribution/runs/": self.run.pk,
            "cmo/distribution/statements/": self.run_statement.pk,
            "portal/distribution/statements/": self.run_statement.pk,
            "cmo/distribution/payouts/": 1, "cmo/distribution/payouts/statements/": 1,  # none in the fixture
            "portal/distribution/remuneration-claims/": 1, "cmo/distribution/remuneration-claims/": 1,  # none
            "cmo/distribution/foreign/": 1, "cmo/distribution/foreign/remittances/": 1,  # none in the fixture
        }  # fmt: skip
        url = (
            route.replace("<str:kind>", "work")
            .replace("<str:fmt>", "csv")
            .replace("<str:token>", self.document.token)
            .replace("<int:licence_pk>", str(self.usage_licence.pk))
        )
        if "<int:pk>" in url:
            prefix = url.split("<int:pk>")[0]
            pk = self.work.pk if prefix == "history/work/" else ids[prefix]
            url = url.replace("<int:pk>", str(pk))
        if "<" in url or "(?P" in url or "^" in url:
            url = re.sub(r"<[^>]+>|\(\?P<[^>]+>[^)]*\)", "1", url).replace("^", "").replace("$", "")
        return "/" + url

    def api_url(self, path: str) -> str:
        ids = {
            "/api/areas/": "1", "/api/user-categories/": "radio", "/api/cmos/": self.cmo.pk,
            "/api/documents/verify/": self.document.token,
            "/api/works/": self.work.pk, "/api/holders/": self.party.pk, "/api/users/": self.licensee.pk,
            "/api/contracts/": self.contract.number if self.contract else "X", "/api/imports/": self.batch.pk,
            "/api/keys/": self.key.pk, "/api/proposals/": self.proposal.pk, "/api/conflicts/": self.conflict.pk,
            "/api/notices/": self.notice.pk, "/api/withdrawals/": self.withdrawal.pk,
            "/api/mandate-requests/": self.request.pk,
            "/api/paper-mandates/": self.paper.pk,
            "/api/foreign-societies/": self.society.pk,
            "/api/reciprocal-agreements/": self.agreement.pk,
            "/api/me/signatories/": self.signatory.pk,
            "/api/sanctions/lines/": self.line.pk, "/api/sanctions/suspensions/": self.suspension.pk,
            "/api/sanctions/revocations/": self.revocation.pk,
            "/api/sanctions/terminations/": self.revocation.accreditation.termination.pk,
            "/api/accreditation/applications/": self.application.pk,
            "/api/accreditation/decisions/": self.decision.pk, "/api/accreditation/appeals/": self.appeal.pk,
            "/api/accreditation/certificates/": self.certificate.pk, "/api/accreditation/meetings/": self.meeting.pk,
            "/api/accreditation/requirements/": self.requirement.pk,
            "/api/tariffs/": self.tariff.pk, "/api/minimum-rates/": self.minimum_rate.pk,
            "/api/declarations/": self.declaration.pk, "/api/licences/": self.licence.pk,
            "/api/usage-reports/": self.usage_report.pk, "/api/match-review/": 1, "/api/usage-claims/": 1,  # none in the fixture
            "/api/distribution-runs/": self.run.pk, "/api/distribution-run-requests/": self.run_request.pk,
            "/api/statements/": self.run_statement.pk,
            "/api/invoices/": self.invoice.pk, "/api/payments/": self.receipt.pk,
            "/api/bank-statements/": self.statement.pk,
            "/api/payment-batches/": 1, "/api/payout-statements/": 1,  # none in the fixture
            "/api/foreign-runs/": 1, "/api/remittances/": 1,  # none in the fixture
            "/api/remuneration-claims/": 1,
            "/api/info-requests/": self.info_request.pk, "/api/monitoring/reconciliations/": self.reconciliation.pk,
            "/api/monitoring/lines/": self.recon_line.pk, "/api/monitoring/providers/": self.provider.pk,
        }  # fmt: skip
        path = path.replace("{fmt}", "csv").replace("{kind}", "publish")
        match = re.match(r"(/api/[a-z/-]+?/)\{[a-z]+\}", path)
        if match:
            path = path.replace(path[match.end(1) : match.end()], str(ids[match.group(1)]))
        return path


def _client(world: World, who: str) -> Client:
    client = Client(raise_request_exception=False)
    user = world.users[who]
    if user is None:
        return client
    if who == NOMFA:
        client.post("/accounts/login/", {"login": user.email, "password": f.PASSWORD})
        assert "_auth_user_id" in client.session
    else:
        f.login(client, user)
    return client


def _outcome(response: Any, method: str) -> str:
    status = response.status_code
    if status >= 500:
        return "error"
    if status in (401, 403, 404, 405):
        return "deny"
    if 300 <= status < 400:
        target = response.get("Location", "")
        blocked = ("/accounts/login/", "/accounts/2fa/", "/admin/login/", "/accounts/reauthenticate/")
        return "deny" if any(b in target for b in blocked) else "allow"
    if status == 400 and method == "GET":
        return "allow"  # reached, and told what is wrong with the query
    return "allow"  # 2xx, or 400/409/429 after the access checks passed


@pytest.mark.statute("A9-2.1.9")
def test_every_endpoint_answers_each_principal_as_its_rule_says(
    personas: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    # the views' classes take their throttles from the settings when first imported: import them all before
    # the throttles are switched off here, so no view keeps the switch after this test
    get_resolver().url_patterns  # noqa: B018
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    cache.clear()
    world = World(personas)
    clients = {who: _client(world, who) for who in sorted(ALL)}

    schema = clients[ANON].get("/api/schema/?format=json").json()
    operations = [
        f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    ]
    uncovered = [op for op in operations if op not in API_RULES]
    uncovered += [route for route in _routes() if not _page_rule(route)[0]]
    assert not uncovered, f"endpoints without an access rule: {uncovered}"

    cells: list[tuple[str, str, str, AbstractSet[str] | None]] = []
    for route in _routes():
        cells.append(("GET", world.page_url(route), route, _page_rule(route)[1]))
    for op in operations:
        method, path = op.split(" ", 1)
        cells.append((method, world.api_url(path), op, API_RULES[op]))

    unexpected_allows, unexpected_denies, errors = [], [], []
    requests = 0
    # destructive operations last, and the owners after the strangers
    order = [ANON, NOMFA, LICENSEE, REGULATOR, STAFF2, HOLDER2, ADMIN, STAFF, OPERATOR, HOLDER]
    cells.sort(key=lambda c: (c[0] != "GET", c[2].endswith(("withdraw/", "revoke/", "resolve/"))))
    for method, url, _name, allowed in cells:
        for who in order:
            client = clients[who]
            if method == "GET":
                response = client.get(url)
            else:
                response = getattr(client, method.lower())(url, data={}, content_type="application/json")
            requests += 1
            outcome = _outcome(response, method)
            if outcome == "error":
                errors.append(f"{who} {method} {url} -> {response.status_code}")
            elif allowed is ANY:
                continue
            elif outcome == "allow" and who not in allowed:
                unexpected_allows.append(f"{who} {method} {url} -> {response.status_code}")
            elif outcome == "deny" and who in allowed:
                unexpected_denies.append(f"{who} {method} {url} -> {response.status_code}")

    figures = {
        "principals": len(ALL),
        "endpoints": len(cells),
        "pages": len(_routes()),
        "api_operations": len(operations),
        "matrix_cells": len(ALL) * len(cells),
        "requests": requests,
        "unexpected_allows": len(unexpected_allows),
        "unexpected_denies": len(unexpected_denies),
        "server_errors": len(errors),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "access-matrix.json").write_text(
        json.dumps(
            {**figures, "allows": unexpected_allows, "denies": unexpected_denies, "errors": errors}, indent=2
        )
    )
    print("access matrix:", json.dumps(figures))
    assert not errors, "\n".join(errors)
    assert not unexpected_allows, "unexpected allows:\n" + "\n".join(unexpected_allows)
    assert not unexpected_denies, "unexpected denies:\n" + "\n".join(unexpected_denies)

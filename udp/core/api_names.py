"""What the browsable API and OPTIONS answers say of a view, in the reader's language: its name and its
description (the forms it offers: :mod:`udp.core.api_render`).

DRF names a view after its class or action in English ("Review List", "Months"). A view over a model is
named by the model's verbose name instead (plural for a list, singular for one object), which is translated
with the model, and a step on it (an ``@action``) adds the step's name (:data:`STEPS`). A view with no model
names itself with a translated ``title``. Anything else keeps DRF's name.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.routers import APIRootView
from rest_framework.views import get_view_description, get_view_name

#: The actions a model viewset has of itself.
STANDARD_ACTIONS = {"list", "create", "retrieve", "update", "partial_update", "destroy"}


def _model(view: Any) -> Any:
    queryset = getattr(view, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer = getattr(view, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    return getattr(meta, "model", None)


#: The steps (``@action`` methods) by their method's name.
STEPS: dict[str, Promise] = {
    "accept": _("accept"),
    "ack": _("acknowledge"),
    "agreement": _("agreement"),
    "allocate": _("allocate"),
    "allocations": _("allocations"),
    "answer": _("answer"),
    "approve": _("approve"),
    "attach": _("attach"),
    "bulk": _("many at once"),
    "cancel": _("cancel"),
    "check": _("check"),
    "conclusion": _("conclusion"),
    "confirm": _("confirm"),
    "copy": _("copy"),
    "correct": _("correct"),
    "decide": _("decide"),
    "dismiss": _("dismiss"),
    "dispute": _("dispute"),
    "end": _("end"),
    "evidence": _("evidence"),
    "export": _("export"),
    "extract": _("extract"),
    "file": _("file"),
    "flags": _("flags"),
    "keys": _("keys"),
    "kept": _("kept"),
    "late": _("late"),
    "management": _("management"),
    "missing": _("missing"),
    "months": _("months"),
    "obligation_done": _("obligation done"),
    "paid": _("paid"),
    "payees": _("payees"),
    "pdf": _("PDF"),
    "problems": _("problems"),
    "problems_csv": _("problems (CSV)"),
    "publish": _("publish"),
    "read": _("read"),
    "read_all": _("read all"),
    "recalculate": _("recalculate"),
    "refuse": _("refuse"),
    "reject": _("reject"),
    "remove": _("remove"),
    "resolve": _("resolve"),
    "return_": _("return"),
    "returned": _("returned"),
    "revoke": _("revoke"),
    "sign": _("sign"),
    "sites": _("sites"),
    "submit": _("submit"),
    "template": _("template"),
    "toggle": _("switch on or off"),
    "transfers": _("transfers"),
    "unmatched": _("unmatched"),
    "withdraw": _("withdraw"),
}


def view_name(view: Any) -> str:
    title = getattr(view, "title", None)
    if isinstance(title, Promise):
        return capfirst(str(title))
    if isinstance(view, APIRootView):
        return gettext("API")
    model = _model(view)
    action = getattr(view, "action", None)
    name = getattr(view, "name", None)
    step = STEPS.get(action) if action else None
    if step is None and isinstance(name, Promise):
        step = name
    if step is not None:
        if model is None:
            return capfirst(str(step))
        noun = model._meta.verbose_name if getattr(view, "detail", False) else model._meta.verbose_name_plural
        return gettext("%(noun)s: %(step)s") % {"noun": capfirst(noun), "step": step}
    if isinstance(name, Promise):
        return str(name)
    if model is None or (action is not None and action not in STANDARD_ACTIONS):
        return get_view_name(view)
    detail = getattr(view, "detail", None)
    if detail is None:  # a plain generic view: one object when its URL names one
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
        detail = bool((getattr(view, "kwargs", None) or {}).get(lookup))
    if action in ("list", "create", None) and not detail:
        return str(capfirst(model._meta.verbose_name_plural))
    return str(capfirst(model._meta.verbose_name))


def view_description(view: Any, html: bool = False) -> str:
    """The text under a browsable API page's title: the view's docstring, which is written for developers in
    English, only to an English reader (the OpenAPI schema and its readers carry it in every language); the API
    root says what it is in the reader's language."""
    if isinstance(view, APIRootView):
        text = gettext("The platform's API: each link below is a collection you may read or act on.")
        return f"<p>{escape(text)}</p>" if html else text
    if (get_language() or "").split("-")[0] != "en":
        return ""
    return get_view_description(view, html)

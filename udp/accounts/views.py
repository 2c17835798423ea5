from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from udp.accounts import access, actions
from udp.accounts.decorators import AuthedRequest, second_factor_required
from udp.accounts.forms import ApiKeyForm
from udp.accounts.models import Moderation, User
from udp.accounts.roles import home_url_for


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Send each actor to their own home page."""
    return redirect(home_url_for(request.user))


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; a signed-in person's choice is also kept as the language of their e-mails."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    known = language in dict(settings.LANGUAGES) and check_for_language(language)
    if known and request.user.is_authenticated:
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response


@login_required
def pending(request: AuthedRequest) -> HttpResponse:
    if request.user.moderation == Moderation.APPROVED:
        return redirect(home_url_for(request.user))
    return render(request, "accounts/pending.html")


@never_cache
@second_factor_required
@reauthentication_required(allow_get=True)
def api_keys(request: AuthedRequest) -> HttpResponse:
    """The account's API keys, and issuing one (after re-authentication); a new key is shown this once."""
    form = ApiKeyForm(request.POST if request.method == "POST" else None)
    issued = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            issued = actions.issue_api_key(
                by=request.user, name=data["name"], scopes=data["scopes"], expires_at=form.expires_at()
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error("expires_on" if field == "expires_at" else field, errors)
        else:
            form = ApiKeyForm()
    query = request.GET.get("q", "")
    keys = access.api_keys_visible_to(request.user)
    return render(
        request,
        "accounts/api_keys.html",
        {
            "form": form,
            "issued": issued[0] if issued else None,
            "issued_key": issued[1] if issued else None,
            "keys": keys.filter(owner=request.user),
            "query": query,
            "others": access.others_api_keys_for_operator(request.user, query),
        },
    )


@second_factor_required
@require_POST
@reauthentication_required
def api_key_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    api_key = actions.revoke_api_key(access.get_api_key_for_user(request.user, pk), by=request.user)
    messages.success(
        request, _("The key “%(name)s” is revoked: it no longer works.") % {"name": api_key.name}
    )
    return redirect("api_keys")

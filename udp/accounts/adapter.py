from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from udp.accounts.models import User
from udp.accounts.roles import home_url_for


class Platform:
    """What allauth's e-mails call the site: the platform's name in the reader's language and its
    public address (``UDP_SITE_URL``), never the host and port a request happened to come in on."""

    @property
    def name(self) -> str:
        return gettext("Unified Digital Platform")

    @property
    def domain(self) -> str:
        return urlsplit(settings.SITE_URL).netloc or settings.SITE_URL


def current_language() -> str:
    """The language of the page being answered, if it is one of ours (else the platform's)."""
    language = translation.get_language() or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def recipient_language(email: str, user: User | None = None) -> str:
    """The language to write to ``email`` in: its account's, else the language of the page that sent it
    (a message to an address with no account answers the person who typed it)."""
    from udp.accounts.models import User

    if not isinstance(user, User):
        user = User.objects.filter(email__iexact=email).first()
    if user is not None and user.language:
        return str(user.language)
    return current_language()


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return home_url_for(request.user)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return home_url_for(request.user)

    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "")
        user.language = current_language()  # the language of the sign-up page
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's e-mails (confirmation, password reset, ...) in the recipient's language, from the platform."""
        with translation.override(recipient_language(email, context.get("user"))):
            super().send_mail(template_prefix, email, {**context, "current_site": Platform()})

    def format_email_subject(self, subject: str) -> str:
        prefix = pgettext("e-mail subject prefix: the platform's short name", "UDP")
        return f"[{prefix}] {subject}"

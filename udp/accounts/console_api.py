"""My console through the API: what waits for me, and every card of my console by section, as my home page
shows them (:mod:`udp.accounts.consoles`), each with the page it links to and its number.

The console is a person's: the operation is closed to API keys (``required_scopes`` maps it to ``None``); a
machine client reads the domain it works in (``/api/distribution-runs/``, ``/api/mandate-requests/``, …).
Labels come in the request's language.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from udp.accounts import consoles
from udp.accounts.api import IsApprovedAccount
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.roles import acting_account


class ConsoleCardSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named as Field's own attribute
    url = serializers.CharField(help_text="The page the card links to (a path); empty for a card with none.")
    count = serializers.IntegerField(allow_null=True, help_text="Its number; null for a card with none.")
    description = serializers.CharField()
    waiting = serializers.BooleanField(help_text="Its number counts what waits for you.")


class ConsoleSectionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="Empty on a console with no sections.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named as Field's own attribute
    cards = ConsoleCardSerializer(many=True)


class ConsoleSerializer(serializers.Serializer[Any]):
    console = serializers.ChoiceField(choices=consoles.CONSOLES)
    counts_waiting = serializers.BooleanField(help_text="Whether this console counts what waits for you.")
    waiting = ConsoleCardSerializer(many=True, help_text="The cards whose number of what waits is above 0.")
    sections = ConsoleSectionSerializer(many=True)


def _card(card: consoles.ShownCard) -> dict[str, Any]:
    return {
        "key": card.key, "label": str(card.label), "url": card.url, "count": card.count,
        "description": str(card.description), "waiting": card.waiting,
    }  # fmt: skip


class ConsoleView(GenericAPIView[Any]):
    #: the name the browsable API gives it
    title = gettext_lazy("your home page: what waits for you and every card")
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated, IsApprovedAccount]
    required_scopes = {"get": None}  # a person's console: not for keys
    serializer_class = ConsoleSerializer

    @extend_schema(summary="My console: what waits for me, then every card by section")
    def get(self, request: Request) -> Response:
        user = acting_account(request.user)
        name = consoles.console_of(user)
        view = consoles.console_view(name, user)
        data = {
            "console": name,
            "counts_waiting": view.counts_waiting,
            "waiting": [_card(card) for card in view.waiting],
            "sections": [
                {"key": s.key, "label": str(s.label), "cards": [_card(card) for card in s.cards]}
                for s in view.sections
            ],
        }
        return Response(ConsoleSerializer(data).data)

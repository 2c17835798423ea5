"""Refuse what no view can handle: a NUL byte anywhere in the request's path, query or form fields.

PostgreSQL cannot store or compare text with a NUL byte (it raises), so such a request would end
in a server error wherever it reached the database. It is answered 400 up front, as JSON under
``/api/`` and as a short page elsewhere, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


class RefuseNulBytesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            message = _("The request contains a NUL byte (0x00), which is not allowed in any field.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "bad_request"}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return True
        if request.method in ("POST", "PUT", "PATCH") and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            try:
                return any(
                    "\x00" in v for values in request.POST.lists() for v in values[1] if isinstance(v, str)
                )
            except Exception:  # noqa: BLE001 - a malformed body is the view's to refuse
                return False
        return False


class HealthCheckMiddleware:
    """``GET /healthz`` answered first, before the host check and the HTTPS redirect.

    A container's healthcheck (docker-compose.yml) and a load balancer probe the server on its own
    address over plain HTTP, with no public host name and no ``X-Forwarded-Proto``; under production
    settings Django would answer 400 (host not allowed) or redirect to HTTPS. The answer says only
    whether the database answers, so it is safe on any host.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != "/healthz" or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        from django.db import DatabaseError, connection

        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            return JsonResponse({"status": "database unavailable"}, status=503)
        return JsonResponse({"status": "ok"})

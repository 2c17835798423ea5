"""Pagination for pages and the API.

The registers hold millions of rows, so searches never count their results: a page fetches one row
more than it shows, and that extra row says whether there is a next page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

#: No page deeper than this: an OFFSET over a huge search costs more than anyone browsing needs.
MAX_PAGE = 400


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class Sliceable(Protocol):
    """A queryset, or anything else that gives a list of rows for ``results[start:stop]``."""

    def __getitem__(self, window: slice, /) -> Any: ...


@dataclass
class Window:
    """One page of results, without a total."""

    items: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1


def page_number(value: Any) -> int:
    """A page number from a query parameter: 1 for anything missing or unreadable, at most MAX_PAGE."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def fetch_window(queryset: QuerySet[Any] | Sliceable, number: int, size: int) -> Window:
    """Rows of page ``number`` (from 1): ``size + 1`` are fetched to learn whether a next page exists."""
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return Window(items=rows[:size], number=number, has_next=len(rows) > size and number < MAX_PAGE)


class NoCountPagination(BasePagination):
    """Page-number pagination that never counts: ``{"next", "previous", "results"}``."""

    page_size = 25
    page_query_param = "page"
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        try:
            size = int(request.query_params.get(self.page_size_query_param, self.page_size))
        except (TypeError, ValueError):
            return self.page_size
        return min(max(size, 1), self.max_page_size)

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        raw = request.query_params.get(self.page_query_param, "1")
        try:
            number = int(raw)
        except (TypeError, ValueError):
            raise NotFound(_("Invalid page.")) from None
        if number < 1 or number > MAX_PAGE:
            raise NotFound(_("Invalid page."))
        self.request = request
        self.window = fetch_window(queryset, number, self.get_page_size(request))
        return self.window.items

    def _link(self, number: int) -> str:
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_next_link(self) -> str | None:
        return self._link(self.window.next_number) if self.window.has_next else None

    def get_previous_link(self) -> str | None:
        return self._link(self.window.previous_number) if self.window.has_previous else None

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number (no totals are counted).",
                "schema": {"type": "integer"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": "Results per page (at most 100).",
                "schema": {"type": "integer"},
            },
        ]

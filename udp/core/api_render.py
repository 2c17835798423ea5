"""The browsable API's renderer (its own module: DRF loads renderers while it loads its views)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, with its forms for English readers only: their tabs and notes are fixed English in
    DRF's template, and the platform's own pages are where people in Kazakh and Russian take the same steps."""

    def show_form_for_method(self, view: Any, method: str, request: Any, obj: Any) -> bool:
        if (get_language() or "").split("-")[0] != "en":
            return False
        return bool(super().show_form_for_method(view, method, request, obj))

    def get_raw_data_form(self, data: Any, view: Any, method: str, request: Any) -> Any:
        if (get_language() or "").split("-")[0] != "en":
            return None
        return super().get_raw_data_form(data, view, method, request)

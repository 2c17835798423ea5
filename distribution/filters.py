"""Filters of distribution runs, shared by the operator's pages and the API (``/api/distribution-runs/``)."""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from distribution.models import Run, RunStatus
from registers import public_selectors as selectors


class RunFilter(filters.FilterSet):
    cmo = filters.CharFilter(method="filter_cmo", label=_("CMO (id or short name)"))
    status = filters.ChoiceFilter(choices=RunStatus.choices, label=_("Status"))
    area = filters.NumberFilter(field_name="area__item", label=_("Area (item of Art. 43.3)"))
    year = filters.NumberFilter(
        field_name="period_start__year",
        label=_("Year of the period"),
        min_value=1,
        max_value=9998,
        decimal_places=0,
    )

    class Meta:
        model = Run
        fields = ["cmo", "status", "area", "year"]

    def filter_cmo(self, queryset: QuerySet[Run], name: str, value: str) -> QuerySet[Run]:
        cmo = selectors.cmo_by_key(value)
        return queryset.filter(cmo=cmo) if cmo else queryset.none()

"""Search and filters of the public registers, shared by the pages and the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters as filters
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from registers import public_selectors as selectors
from registers.models import Contract, ContractKind, Licensee, Party, PartyKind, UserCategory, Work, WorkKind
from registers.models.contracts import ContractStatus
from registers.search import RankedWorks, WorkSearch, search_works
from udp import identifiers
from udp.core.text import is_ascii_digits
from udp.identifiers import _compact


def _normalised(validate: Any, value: str) -> str | None:
    try:
        return str(validate(value))
    except ValidationError:
        return None


class WorkFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Title, name, ISWC or ISRC"))
    kind = filters.ChoiceFilter(choices=WorkKind.choices, label=_("Kind"))
    iswc = filters.CharFilter(method="filter_iswc", label=_("ISWC"))
    isrc = filters.CharFilter(method="filter_isrc", label=_("ISRC"))
    cmo = filters.CharFilter(method="filter_cmo", label=_("Managing CMO (id or short name)"))
    on = filters.DateFilter(method="filter_on", label=_("Managed on (date; with the CMO, today by default)"))
    contributor = filters.NumberFilter(method="filter_contributor", label=_("Contributor (holder id)"))

    class Meta:
        model = Work
        fields = ["q", "kind", "iswc", "isrc", "cmo", "on", "contributor"]

    def filter_queryset(self, queryset: QuerySet[Work]) -> QuerySet[Work]:
        queryset = self.filter_all_but_words(queryset)
        return self.filters["q"].filter(queryset, self.form.cleaned_data.get("q"))

    def filter_all_but_words(self, queryset: QuerySet[Work]) -> QuerySet[Work]:
        for name, value in self.form.cleaned_data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_q(self, queryset: QuerySet[Work], name: str, value: str) -> QuerySet[Work]:
        return search_works(queryset, value) if value.strip() else queryset

    def ranked(self, shape: Callable[[QuerySet[Any]], QuerySet[Any]]) -> RankedWorks | QuerySet[Any]:
        """The filtered works to slice a page from: in rank order for the words searched, else by id.

        Unlike :attr:`qs`, the words are not applied as one filter: :class:`RankedWorks` applies
        them tier by tier, consulting the vocabulary only if the first tiers leave the page short.
        """
        self.errors  # noqa: B018  (validates the form, as .qs does)
        works = self.filter_all_but_words(self.queryset.all())
        text = (self.form.cleaned_data.get("q") or "").strip()
        if not text:
            return shape(works if works.ordered else works.order_by("id"))
        return WorkSearch(text).ranked(works, shape)

    def filter_iswc(self, queryset: QuerySet[Work], name: str, value: str) -> QuerySet[Work]:
        return queryset.filter(iswc=_normalised(identifiers.validate_iswc, value) or _compact(value))

    def filter_isrc(self, queryset: QuerySet[Work], name: str, value: str) -> QuerySet[Work]:
        return queryset.filter(isrc=_normalised(identifiers.validate_isrc, value) or _compact(value))

    def filter_cmo(self, queryset: QuerySet[Work], name: str, value: str) -> QuerySet[Work]:
        """The CMO's repertoire on the ``on`` date: withdrawn works leave it from their effective date."""
        return selectors.works_managed_by(
            queryset, selectors.cmo_by_key(value), self.form.cleaned_data.get("on")
        )

    def filter_on(self, queryset: QuerySet[Work], name: str, value: Any) -> QuerySet[Work]:
        return queryset  # read by filter_cmo

    def filter_contributor(self, queryset: QuerySet[Work], name: str, value: int) -> QuerySet[Work]:
        return queryset.filter(contributors__party_id=value).distinct()


class HolderFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Name, pseudonym or IPI number"))
    ipi = filters.CharFilter(method="filter_ipi", label=_("IPI name number or base number"))
    cmo = filters.CharFilter(method="filter_cmo", label=_("Managing CMO (id or short name)"))
    kind = filters.ChoiceFilter(choices=PartyKind.choices, label=_("Kind"))

    class Meta:
        model = Party
        fields = ["q", "ipi", "cmo", "kind"]

    def filter_q(self, queryset: QuerySet[Party], name: str, value: str) -> QuerySet[Party]:
        return queryset.search(value)  # type: ignore[attr-defined]

    def filter_ipi(self, queryset: QuerySet[Party], name: str, value: str) -> QuerySet[Party]:
        compact = _compact(value)
        if is_ascii_digits(compact):
            return queryset.filter(ipi_names__name_number=compact.zfill(11)).distinct()
        base = _normalised(identifiers.validate_ipi_base_number, compact)
        return queryset.filter(ipi_base_number=base) if base else queryset.none()

    def filter_cmo(self, queryset: QuerySet[Party], name: str, value: str) -> QuerySet[Party]:
        return selectors.parties_managed_by(queryset, selectors.cmo_by_key(value))


class LicenseeFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Name"))
    category = filters.ModelChoiceFilter(
        queryset=UserCategory.objects.all(), to_field_name="code", label=_("Category")
    )
    city = filters.CharFilter(method="filter_city", label=_("City"))

    class Meta:
        model = Licensee
        fields = ["q", "category", "city"]

    def filter_q(self, queryset: QuerySet[Licensee], name: str, value: str) -> QuerySet[Licensee]:
        value = value.strip()
        return queryset.filter(
            Q(trade_name__icontains=value)
            | Q(party__name_kk__icontains=value)
            | Q(party__name_ru__icontains=value)
            | Q(party__name_lat__icontains=value)
        )

    def filter_city(self, queryset: QuerySet[Licensee], name: str, value: str) -> QuerySet[Licensee]:
        return queryset.filter(locations__city__icontains=value.strip()).distinct()


class ContractFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ContractKind.choices, label=_("Kind"))
    status = filters.ChoiceFilter(choices=ContractStatus.choices, label=_("Status"))
    cmo = filters.CharFilter(method="filter_cmo", label=_("CMO (id or short name)"))
    number = filters.CharFilter(field_name="number", lookup_expr="iexact", label=_("Register number"))

    class Meta:
        model = Contract
        fields = ["kind", "status", "cmo", "number"]

    def filter_cmo(self, queryset: QuerySet[Contract], name: str, value: str) -> QuerySet[Contract]:
        cmo = selectors.cmo_by_key(value)
        return queryset.filter(cmo=cmo) if cmo else queryset.none()

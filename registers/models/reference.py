"""Reference data: areas of collective management (Art. 43.3) and user categories."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TrilingualName(models.Model):
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "ru")[:2]
        return str(getattr(self, f"name_{lang}", "") or self.name_ru)


class Area(TrilingualName):
    """An area of collective management: an item of Art. 43.3 in force (1, 2, 3, 4, 5 and 7)."""

    item = models.PositiveSmallIntegerField(_("item of Art. 43.3"), unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    in_force = models.BooleanField(_("in force"), default=True)

    class Meta:
        ordering = ["item"]
        verbose_name = _("area of collective management")
        verbose_name_plural = _("areas of collective management")
        constraints = [
            models.CheckConstraint(
                name="area_repealed_items_not_in_force",
                condition=~models.Q(item__in=[6, 8]) | models.Q(in_force=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}. {self.name}"


class UserCategory(TrilingualName):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("user category")
        verbose_name_plural = _("user categories")

import pghistory
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class RegisterSequence(models.Model):
    """The last number handed out in one legal numbering series (see :mod:`udp.core.numbering`)."""

    series = models.CharField(max_length=40, primary_key=True)
    last_value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.series}: {self.last_value}"


class DayKind(models.TextChoices):
    """How the government's yearly decree moves a day (the `holidays` package knows the public holidays)."""

    DAY_OFF = "day_off", _("Day off (transferred)")
    WORKING_DAY = "working_day", _("Working day (e.g. a working Saturday)")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CalendarDay(models.Model):
    """A day the government moved for one year: a day off transferred onto a weekday, or a weekend day made a
    working day. The expert organization keeps these; :mod:`udp.core.workdays` reads them on top of the
    public holidays, and a day here wins over the package and over the weekday."""

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("moved day")
        verbose_name_plural = _("moved days")

    def __str__(self) -> str:
        return f"{self.day}: {self.kind}"


def _forget_year(sender: type[CalendarDay], instance: CalendarDay, **kwargs: object) -> None:
    from udp.core import workdays

    year = instance.day.year
    workdays.forget(year)
    transaction.on_commit(lambda: workdays.forget(year))


models.signals.post_save.connect(_forget_year, sender=CalendarDay, dispatch_uid="calendar_day_saved")
models.signals.post_delete.connect(_forget_year, sender=CalendarDay, dispatch_uid="calendar_day_deleted")

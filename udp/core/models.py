from django.db import models


class RegisterSequence(models.Model):
    """The last number handed out in one legal numbering series (see :mod:`udp.core.numbering`)."""

    series = models.CharField(max_length=40, primary_key=True)
    last_value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.series}: {self.last_value}"

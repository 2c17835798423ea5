"""Accounts and roles: the subjects of the platform (Art. 2 (21-2)).

One account has one role. Rightsholders and music users sign themselves up and are moderated by
the operator; CMO staff belong to exactly one CMO; regulator and operator accounts are created by
the operator.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HOLDER = "holder", _("Rightsholder")
    LICENSEE = "licensee", _("Music user")
    CMO_ADMIN = "cmo_admin", _("CMO administrator")
    CMO_STAFF = "cmo_staff", _("CMO staff")
    REGULATOR = "regulator", _("Authorized body")
    OPERATOR = "operator", _("Expert organization (operator)")


#: Roles whose accounts must have a second factor before they can work.
MFA_REQUIRED_ROLES = frozenset({Role.CMO_ADMIN, Role.CMO_STAFF, Role.REGULATOR, Role.OPERATOR})
CMO_ROLES = frozenset({Role.CMO_ADMIN, Role.CMO_STAFF})
SELF_SIGNUP_ROLES = frozenset({Role.HOLDER, Role.LICENSEE})


class Moderation(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.OPERATOR)
        extra.setdefault("moderation", Moderation.APPROVED)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.HOLDER)
    moderation = models.CharField(
        _("moderation"), max_length=20, choices=Moderation.choices, default=Moderation.PENDING
    )
    moderation_note = models.TextField(_("moderation note"), blank=True)
    moderated_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    party = models.ForeignKey(
        "registers.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("rightsholder record"),
    )
    cmo = models.ForeignKey(
        "registers.CMO", null=True, blank=True, on_delete=models.PROTECT, related_name="staff_accounts"
    )
    licensee = models.ForeignKey(
        "registers.Licensee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("user organisation"),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="cmo_roles_belong_to_a_cmo",
                condition=~Q(role__in=["cmo_admin", "cmo_staff"]) | Q(cmo__isnull=False),
            ),
            models.CheckConstraint(
                name="only_cmo_roles_have_a_cmo",
                condition=Q(role__in=["cmo_admin", "cmo_staff"]) | Q(cmo__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_approved(self) -> bool:
        return self.is_active and self.moderation == Moderation.APPROVED

    @property
    def is_operator(self) -> bool:
        return self.is_approved and self.role == Role.OPERATOR

    @property
    def is_regulator(self) -> bool:
        return self.is_approved and self.role == Role.REGULATOR

    @property
    def is_cmo_staff(self) -> bool:
        return self.is_approved and self.role in CMO_ROLES

    @property
    def is_holder(self) -> bool:
        return self.is_approved and self.role == Role.HOLDER

    @property
    def is_licensee(self) -> bool:
        return self.is_approved and self.role == Role.LICENSEE

    @property
    def needs_mfa(self) -> bool:
        return self.role in MFA_REQUIRED_ROLES

    @property
    def public_label(self) -> str:
        """How the account is named to other people: its public name and role, never its e-mail."""
        role = str(self.get_role_display())
        if self.role in CMO_ROLES and self.cmo_id:
            return f"{self.cmo} — {role}"
        if self.role == Role.HOLDER and self.party_id:
            return f"{self.party} — {role}"
        if self.role == Role.LICENSEE and self.licensee_id:
            return f"{self.licensee} — {role}"
        return role


class ConfidentialAccess(models.Model):
    """An official's look at a party's confidential data, with the reason they gave (Art. 9-2.1 (9))."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="confidential_accesses")
    party = models.ForeignKey(
        "registers.Party", on_delete=models.PROTECT, related_name="confidential_accesses"
    )
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.party} ({self.at:%Y-%m-%d %H:%M})"

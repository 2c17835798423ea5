"""Accounts and roles: the subjects of the platform (Art. 2 (21-2)).

One account has one role. Rightsholders and music users sign themselves up and are moderated by
the operator; CMO staff belong to exactly one CMO; regulator and operator accounts are created by
the operator.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from udp.accounts.scopes import Scope


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
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the e-mails the platform sends to this person."),
    )
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
    REQUIRED_FIELDS = []

    objects = UserManager()  # type: ignore[assignment,misc]  # our manager creates users by e-mail

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
    def is_cmo_admin(self) -> bool:
        return self.is_approved and self.role == Role.CMO_ADMIN

    @property
    def is_holder(self) -> bool:
        return self.is_approved and self.role == Role.HOLDER

    @property
    def is_licensee(self) -> bool:
        return self.is_approved and self.role == Role.LICENSEE

    @property
    def holder_account(self) -> bool:
        """An account of a rightsholder, approved or not."""
        return self.role == Role.HOLDER

    @property
    def licensee_account(self) -> bool:
        """An account of a music user, approved or not."""
        return self.role == Role.LICENSEE

    @property
    def needs_mfa(self) -> bool:
        return self.role in MFA_REQUIRED_ROLES

    @property
    def email_language(self) -> str:
        """The language to write to this person in: the one they chose, else the platform's."""
        return self.language or settings.LANGUAGE_CODE

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


def _default_key_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.UDP_API_KEY_LIFETIME_DAYS)


class ApiKeyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def active(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def matching(self, query: str) -> ApiKeyQuerySet:
        """Keys whose prefix starts with ``query`` or whose owner has that e-mail; all for a blank query."""
        query = query.strip()
        if not query:
            return self
        return self.filter(Q(prefix__istartswith=query) | Q(owner__email__iexact=query))


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), exclude=["hashed_key", "last_used_at"])
class ApiKey(models.Model):
    """A machine client's credential: it acts as its owner, within its scopes, until it expires or is revoked.

    Only a SHA-256 hash of the key is stored (the key is 256 random bits, so a fast hash is enough)
    with a short visible prefix to tell keys apart; the key itself is shown once, when it is issued
    (:func:`udp.accounts.actions.issue_api_key`). The owner's organisation at issue (CMO, user
    organisation, rightsholder record) is recorded: if the account later belongs elsewhere, the key
    stops working rather than follow it there.
    """

    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="api_keys", verbose_name=_("owner")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    cmo = models.ForeignKey(
        "registers.CMO",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("CMO"),
    )
    licensee = models.ForeignKey(
        "registers.Licensee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user organisation"),
    )
    party = models.ForeignKey(
        "registers.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rightsholder record"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    hashed_key = models.CharField(max_length=64, unique=True, editable=False)
    scopes = ArrayField(models.CharField(max_length=32, choices=Scope.choices), verbose_name=_("scopes"))
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    expires_at = models.DateTimeField(_("expires at"), default=_default_key_expiry)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("revoked by")
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="api_key_scopes_known",
                condition=Q(scopes__len__gt=0) & Q(scopes__contained_by=list(Scope.values)),
            ),
            models.CheckConstraint(
                name="api_key_revoked_by_someone",
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
            ),
            models.CheckConstraint(
                name="api_key_expires_after_issue", condition=Q(expires_at__gt=F("created_at"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @property
    def status(self) -> ApiKeyStatus:
        if self.is_revoked:
            return ApiKeyStatus.REVOKED
        return ApiKeyStatus.EXPIRED if self.is_expired else ApiKeyStatus.ACTIVE

    def scope_labels(self) -> list[str]:
        return [str(Scope(value).label) for value in self.scopes]

    def has_scope(self, scope: Scope | str) -> bool:
        return str(scope) in self.scopes

    def matches_owner(self) -> bool:
        """The owner still has the role and belongs to the organisation the key was issued for."""
        owner = self.owner
        return (self.role, self.cmo_id, self.licensee_id, self.party_id) == (
            owner.role,
            owner.cmo_id,
            owner.licensee_id,
            owner.party_id,
        )

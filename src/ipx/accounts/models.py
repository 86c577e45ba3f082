from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ipx.accounts.regions import Province, RegionKind, region_code, region_label
from ipx.core.workflow import StatusEvent


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


# Recovery codes' relation to the user comes from django-otp's Device, a base class without
# types, so the type checker cannot find the reverse manager it adds here.
class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    """A person; logs in by e-mail. Staff users are the exchange's operators."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    preferred_language = models.CharField(_("preferred language"), max_length=10, default="en")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("operator"), default=False, help_text=_("Operators verify members and review listings.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # When the person showed they read mail at ``email`` (followed the link sent at sign-up,
    # or accepted an invitation sent there). Only self sign-up starts without it; accounts the
    # exchange makes (operators, the back-office, the demo) are confirmed when made. Until
    # confirmed, a person may sign in but not bind an organisation or have one verified.
    email_confirmed_at = models.DateTimeField(_("e-mail address confirmed"), null=True, blank=True,
                                              default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    @property
    def is_operator(self) -> bool:
        return self.is_active and self.is_staff

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        UNIVERSITY = "university", _("University or research institute")
        AGENCY = "agency", _("IP service agency")
        FINANCIAL = "financial", _("Financial institution")
        PARK = "park", _("High-tech park")
        GOVERNMENT = "government", _("Government body")
        INDIVIDUAL = "individual", _("Individual")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region_kind = models.CharField(_("region"), max_length=10, choices=RegionKind.choices)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code"))
    uscc = models.CharField(
        _("Unified Social Credit Code"), max_length=18, blank=True, null=True, unique=True
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    # Listings' search documents hold the seller's name and region: the index follows this.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["status", "created_at"], name="org_status_created")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def region_label(self) -> str:
        return region_label(self.region_kind, self.province, self.city, self.country)

    @property
    def region_code(self) -> str:
        return region_code(self.region_kind, self.province, self.country)


class OrganisationEvent(StatusEvent):
    """Every change of an organisation's verification status, with who did it and why."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        RESUBMITTED = "resubmitted", _("Resubmitted for verification")
        # Steps without a status change; params name the member ("user", "name").
        SIGNATORY_NAMED = "signatory_named", _("Member named a signatory")
        SIGNATORY_UNNAMED = "signatory_unnamed", _("Member no longer a signatory")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        ordering = ["id"]
        verbose_name = _("organisation event")
        verbose_name_plural = _("organisation events")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.verb}"


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    # Named by an administrator: may bind the organisation (accept offers, sign, cancel,
    # fund and release escrow). Administrators always may; other members only negotiate.
    is_signatory = models.BooleanField(_("signatory"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"

    @property
    def may_sign(self) -> bool:
        """Named to commit the organisation: an administrator, or a member named a signatory."""
        return self.role == self.Role.ADMIN or self.is_signatory

    @property
    def binds(self) -> bool:
        """May this member commit the organisation (accept, sign, cancel, move money)? Only
        once their e-mail address is confirmed: a binding step must reach a real person."""
        return self.may_sign and self.user.email_confirmed


def _invitation_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=10, choices=Membership.Role.choices,
                            default=Membership.Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


# How long an API token lives unless its maker chooses otherwise, and at most.
API_TOKEN_DEFAULT_DAYS = 90
API_TOKEN_MAX_DAYS = 365


def default_token_expiry() -> datetime:
    return timezone.now() + timedelta(days=API_TOKEN_DEFAULT_DAYS)


class ApiToken(models.Model):
    """A bearer token for the API, good for its scopes until it expires or is revoked.

    Only a SHA-256 hash of the key is stored; the key is shown once. A plain hash suffices
    because the key is 256 random bits: nobody who reads this table can find a key from its
    hash by guessing. A password hash would cost a slow hashing on every API request for no
    gain, and an HMAC keyed with SECRET_KEY would add nothing against guessing while every
    token would die with a rotated SECRET_KEY.
    """

    class Scope(models.TextChoices):
        # read: GET, HEAD, OPTIONS; write: the other methods; money: the endpoints that move
        # money or commit the organisation (ipx.accounts.api_scopes.MONEY_OPERATIONS).
        # A context of their own: "read" is also a notification's "read" (time), translated apart.
        READ = "read", pgettext_lazy("token scope", "read")
        WRITE = "write", pgettext_lazy("token scope", "write")
        MONEY = "money", pgettext_lazy("token scope", "money")

    PREFIX = "ipx_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    # The scopes it holds, in Scope order, e.g. ["read", "write"].
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=default_token_expiry)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def scope_labels(self) -> list[str]:
        return [str(self.Scope(scope).label) for scope in self.scopes if scope in self.Scope.values]

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


# Rows kept by sub-packages of accounts, in this app's tables and migrations.
from ipx.accounts.mfa.recovery import RecoveryCode, RecoveryCodes  # noqa: E402, F401
from ipx.accounts.sessions.models import UserSession  # noqa: E402, F401

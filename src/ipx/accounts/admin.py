"""The operator's verification queue, and user administration."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ipx.accounts import services
from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.models import ApiToken, Invitation, Membership, Organisation, OrganisationEvent, User
from ipx.accounts.notices import describe
from ipx.core.admin import ReadOnlyInline
from ipx.core.admin_actions import action_with_reason, run_for_each


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active", "date_joined")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (gettext_lazy("Profile"), {"fields": ("full_name", "preferred_language")}),
        (gettext_lazy("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                                  "user_permissions")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


class OrganisationEventInline(ReadOnlyInline):
    model = OrganisationEvent
    fk_name = "organisation"
    fields = ("what", "from_status", "to_status", "actor", "note", "created_at")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("what"))
    def what(self, obj: OrganisationEvent) -> str:
        return describe(obj)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "kind", "region_kind", "province", "country", "uscc", "status", "created_at")
    list_filter = ("status", "kind", "region_kind")
    search_fields = ("name", "name_en", "uscc")
    # Verification goes through the actions, which write event rows.
    readonly_fields = ("status", "verified_at", "rejection_reason")
    inlines = [MembershipInline, OrganisationEventInline]
    actions = ["verify", "reject"]

    def view_on_site(self, obj: Organisation) -> str:
        # The verification page, with the steps the operator may take on this one.
        return reverse("accounts:organisation", args=[obj.pk])

    @admin.action(description=gettext_lazy("Verify"))
    def verify(self, request: AuthenticatedRequest, queryset: QuerySet[Organisation]) -> None:
        run_for_each(self, request, queryset,
                     lambda obj: services.organisation_verify(organisation_id=obj.pk, operator=request.user),
                     lambda n: ngettext("%(n)d organisation verified.", "%(n)d organisations verified.", n) % {"n": n})

    @admin.action(description=gettext_lazy("Reject…"))
    def reject(self, request: AuthenticatedRequest, queryset: QuerySet[Organisation]) -> TemplateResponse | None:
        return action_with_reason(
            self, request, queryset, title=_("Reject organisations"),
            service=lambda obj, reason: services.organisation_reject(organisation_id=obj.pk,
                                                                     operator=request.user, reason=reason),
            done_message=lambda n: ngettext("%(n)d organisation rejected.", "%(n)d organisations rejected.",
                                            n) % {"n": n},
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "created_at", "expires_at", "accepted_at")
    raw_id_fields = ("organisation", "invited_by", "accepted_by")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "scopes", "created_at", "expires_at", "last_used_at")
    readonly_fields = ("key_hash",)

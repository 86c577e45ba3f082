from django.contrib import admin
from django.http import HttpRequest

from ipx.catalog.models import (
    Asset,
    AssetOwner,
    Copyright,
    GIProduct,
    ImportJob,
    IpcCode,
    NiceClass,
    Patent,
    Trademark,
)


class AssetOwnerInline(admin.TabularInline):
    model = AssetOwner
    extra = 0
    raw_id_fields = ("organisation",)


class PatentInline(admin.StackedInline):
    model = Patent
    extra = 0


class TrademarkInline(admin.StackedInline):
    model = Trademark
    extra = 0


class CopyrightInline(admin.StackedInline):
    model = Copyright
    extra = 0


class GIProductInline(admin.StackedInline):
    model = GIProduct
    extra = 0


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "ip_type", "holder", "legal_status", "created_at")
    list_filter = ("ip_type", "legal_status")
    search_fields = ("title", "patent__application_number", "patent__publication_number",
                     "trademark__registration_number", "copyright__registration_number")
    raw_id_fields = ("holder",)
    inlines = [AssetOwnerInline, PatentInline, TrademarkInline, CopyrightInline, GIProductInline]
    list_select_related = ("holder",)


@admin.register(IpcCode)
class IpcCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "level", "title_zh", "title_en")
    list_filter = ("level",)
    search_fields = ("code", "title_zh", "title_en")


@admin.register(NiceClass)
class NiceClassAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "heading_zh")


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports are written by their runs; the back-office only looks at them."""

    list_display = ("id", "file_name", "organisation", "status", "processed_rows", "created_count",
                    "updated_count", "error_count", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("file_name", "organisation__name")
    list_select_related = ("organisation",)
    # The uploaded file is private: it has no address to link to (file_name names it).
    exclude = ("file",)
    readonly_fields = [field.name for field in ImportJob._meta.fields if field.name != "file"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportJob | None = None) -> bool:
        return False

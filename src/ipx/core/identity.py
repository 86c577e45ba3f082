"""This database's identity (``DatabaseIdentity``): made on the first migrate, and again
after anything empties the whole database (a flush: it is then another database)."""

from __future__ import annotations

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import DEFAULT_DB_ALIAS

from ipx.core.models import DatabaseIdentity


def database_identity(using: str = DEFAULT_DB_ALIAS) -> str:
    identity, _created = DatabaseIdentity.objects.using(using).get_or_create(pk=1)
    return str(identity.identity)


def ensure_identity(sender: AppConfig, using: str = DEFAULT_DB_ALIAS, apps: Apps = global_apps,
                    **kwargs: object) -> None:
    """post_migrate receiver; ``apps`` is the migrated state (no table before core's 0001)."""
    try:
        model = apps.get_model("core", "DatabaseIdentity")
    except LookupError:
        return
    model._default_manager.using(using).get_or_create(pk=1)

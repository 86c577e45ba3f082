"""The /api/v1 JSON API: one NinjaAPI that mounts each app's api.py router."""

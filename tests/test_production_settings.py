"""The production mode passes Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_passes_in_production_mode(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "IPX_ENV": "production",
        "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40,
        "ALLOWED_HOSTS": "ipx.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "ipx.settings",
    }
    env.pop("DEBUG", None)
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {**os.environ, "IPX_ENV": "production", "DJANGO_SETTINGS_MODULE": "ipx.settings"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "check"], env=env, capture_output=True, text=True, check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr

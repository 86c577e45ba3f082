"""The production mode passes Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# A provider of the bank's kind for the configuration check: anything but the simulated one.
REAL_PROVIDER = "tests.bank_provider.BankTransferProvider"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def check_deploy(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "IPX_ENV": "production",
        "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40,
        "ALLOWED_HOSTS": "ipx.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "ipx.settings",
        **settings,
    }
    env.pop("DEBUG", None)
    for name in ("IPX_PAYMENT_PROVIDER", "EMAIL_BACKEND"):
        if name not in settings:
            env.pop(name, None)
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, check=False, cwd=ROOT,
    )


def test_check_deploy_passes_in_production_mode(tmp_path: Path) -> None:
    result = check_deploy(tmp_path, IPX_PAYMENT_PROVIDER=REAL_PROVIDER, EMAIL_BACKEND=SMTP)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_simulated_provider_and_undelivered_mail(tmp_path: Path) -> None:
    result = check_deploy(tmp_path)  # the defaults: simulated payments, console mail
    assert result.returncode != 0
    assert "ipx.E001" in result.stderr and "simulated payment provider" in result.stderr
    assert "ipx.E002" in result.stderr and "console" in result.stderr
    missing = check_deploy(tmp_path, IPX_PAYMENT_PROVIDER="ipx.ledger.providers.NoSuchBank", EMAIL_BACKEND=SMTP)
    assert missing.returncode != 0
    assert "ipx.E003" in missing.stderr


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {**os.environ, "IPX_ENV": "production", "DJANGO_SETTINGS_MODULE": "ipx.settings"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "check"], env=env, capture_output=True, text=True, check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr

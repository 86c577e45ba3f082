"""Secrets in a backup (the registry's signing key), sealed with a passphrase.

The key that encrypts them is derived from the passphrase with scrypt (a fresh salt per
backup) and they are sealed with AES-256-GCM, which also authenticates them: a wrong
passphrase and a damaged file both fail to open, and nothing is written. The manifest
records the salt, the nonce and scrypt's cost, never the passphrase or the derived key.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.utils.translation import gettext as _

from ipx.backups.errors import BackupRefused

KDF = "scrypt"
CIPHER = "aes-256-gcm"
# scrypt's cost: 2**15 takes ~0.1 s and 32 MiB, per guess as well.
COST = 2**15
BLOCK_SIZE = 8
PARALLELISM = 1
# Bound to the ciphertext: a sealed blob only opens as the secrets of an IPX backup.
CONTEXT = b"ipx-backup/1 secrets"


def read_passphrase(path: Path) -> bytes:
    """The passphrase file's first line (a trailing newline is not part of it)."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise BackupRefused(_("The passphrase file cannot be read: %(error)s") % {
            "error": exc.strerror or exc}) from None
    passphrase = text.splitlines()[0] if text.strip() else b""
    if len(passphrase) < 8:
        raise BackupRefused(_("The passphrase file must hold a passphrase of at least 8 characters."))
    return passphrase


def _key(passphrase: bytes, salt: bytes, cost: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=cost, r=BLOCK_SIZE, p=PARALLELISM).derive(passphrase)


def seal(secrets: Mapping[str, bytes], passphrase: bytes) -> tuple[bytes, dict[str, str]]:
    """The sealed bytes and the parameters the manifest keeps to open them."""
    salt, nonce = os.urandom(16), os.urandom(12)
    plain = json.dumps({name: base64.b64encode(value).decode() for name, value in secrets.items()},
                       sort_keys=True).encode()
    sealed = AESGCM(_key(passphrase, salt, COST)).encrypt(nonce, plain, CONTEXT)
    params = {"kdf": KDF, "cipher": CIPHER, "cost": str(COST), "salt": base64.b64encode(salt).decode(),
              "nonce": base64.b64encode(nonce).decode()}
    return sealed, params


def open_sealed(sealed: bytes, params: Mapping[str, str], passphrase: bytes) -> dict[str, bytes]:
    if params.get("kdf") != KDF or params.get("cipher") != CIPHER:
        raise BackupRefused(_("The backup's secrets are sealed in a way this version does not know."))
    try:
        salt, nonce = base64.b64decode(params["salt"]), base64.b64decode(params["nonce"])
        key = _key(passphrase, salt, int(params["cost"]))
    except (KeyError, ValueError, binascii.Error):
        raise BackupRefused(_("The backup's manifest does not say how its secrets were sealed.")) from None
    try:
        plain = AESGCM(key).decrypt(nonce, sealed, CONTEXT)
    except InvalidTag:
        raise BackupRefused(_("The passphrase does not open the backup's secrets (a wrong passphrase)."
                              )) from None
    return {name: base64.b64decode(value) for name, value in json.loads(plain).items()}

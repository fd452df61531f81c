"""The key service: master keys from the deployment, keys derived per purpose, authenticated encryption.

Personal data is encrypted at rest (N-17-confidentiality; GB/T 22239-2019 8.1.4.8 数据保密性;
《个人信息保护法》 第五十一条 "采取相应的加密、去标识化等安全技术措施").

- **Master keys** come from the deployment, never from the database: ``JUZHU_MASTER_KEYS`` (or the
  file ``JUZHU_MASTER_KEYS_FILE``, one per line) lists ``kid:base64`` entries, newest first. The
  first encrypts; every listed key decrypts, so a rotation adds a key in front, re-encrypts what
  can be re-encrypted (``manage.py keys_rotate``) and keeps the old key as long as rows written
  under it remain (append-only tables are never rewritten).
- **Purpose keys** are derived from a master key with HKDF-SHA256 (``info = "juzhu:<purpose>"``):
  field encryption, blind indexes, the hash chain and files each use their own key, so no key
  serves two purposes.
- **Encryption** is SM4-GCM (GB/T 32907, the national block cipher; GB/T 39786-2021 expects
  commercial cryptography of the national standards) or AES-256-GCM (``JUZHU_CIPHER``). A sealed
  value names its algorithm and key id, so both can change without losing old data. The caller's
  associated data (e.g. the table and column) binds a ciphertext to where it belongs: a value
  copied to another column does not decrypt.
- **Keyed digests** (HMAC-SM3) give blind indexes for exact lookups and the links of the hash
  chain; without the key neither can be computed from a guessed identity number.
"""

from __future__ import annotations

import base64
import binascii
import os
import stat
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

FORMAT_VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16
MASTER_KEY_BYTES = 32  # each master key is 256 bits of randomness
KID_MAX = 16

SM4_GCM = "sm4-gcm"
AES_256_GCM = "aes-256-gcm"
_ALGORITHM_IDS = {SM4_GCM: 1, AES_256_GCM: 2}
_ALGORITHM_BY_ID = {v: k for k, v in _ALGORITHM_IDS.items()}
_KEY_BYTES = {SM4_GCM: 16, AES_256_GCM: 32}

# DEBUG only (``make run``): a fixed key so the demo database opens again after a restart.  It
# protects nothing; a deployment without JUZHU_MASTER_KEYS refuses to start (``keyring_check``).
_DEVELOPMENT_KEY = ("dev", b"juzhu-development-master-key-32b")


class KeyUnavailable(Exception):
    """A sealed value names a key this deployment does not hold, or does not open under it."""


@dataclass(frozen=True)
class Keyring:
    active: str
    keys: dict[str, bytes]
    development: bool = False


def _kid_valid(kid: str) -> bool:
    return 0 < len(kid) <= KID_MAX and kid.isascii() and kid.replace("-", "").isalnum()


def _parse(text: str, source: str) -> list[tuple[str, bytes]]:
    entries: list[tuple[str, bytes]] = []
    lines = (line.partition("#")[0] for line in text.splitlines())  # "#" starts a comment
    for raw in ",".join(lines).split(","):
        line = raw.strip()
        if not line:
            continue
        kid, sep, b64 = line.partition(":")
        kid = kid.strip()
        if not sep or not _kid_valid(kid):
            raise ImproperlyConfigured(
                f"{source}: each entry is kid:base64 (kid of 1-{KID_MAX} letters/digits)"
            )
        try:
            key = base64.b64decode(b64.strip() + "=" * (-len(b64.strip()) % 4), altchars=b"-_", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(f"{source}: key {kid} is not base64") from exc
        if len(key) != MASTER_KEY_BYTES:
            raise ImproperlyConfigured(f"{source}: key {kid} must be {MASTER_KEY_BYTES} bytes")
        if any(k == kid for k, _ in entries):
            raise ImproperlyConfigured(f"{source}: key id {kid} is listed twice")
        entries.append((kid, key))
    return entries


def _load() -> Keyring:
    text = getattr(settings, "JUZHU_MASTER_KEYS", "")
    source = "JUZHU_MASTER_KEYS"
    path = getattr(settings, "JUZHU_MASTER_KEYS_FILE", "")
    if path:
        file = Path(path)
        mode = file.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ImproperlyConfigured(f"{path}: the key file must be readable by its owner only (chmod 600)")
        text, source = file.read_text("utf-8"), path
    entries = _parse(text, source)
    if not entries:
        if not settings.DEBUG:
            raise ImproperlyConfigured(
                "JUZHU_MASTER_KEYS (or JUZHU_MASTER_KEYS_FILE) is not set: personal data cannot be "
                "encrypted. Generate one with `python -m juzhu.vault <kid>`."
            )
        return Keyring(active=_DEVELOPMENT_KEY[0], keys=dict([_DEVELOPMENT_KEY]), development=True)
    return Keyring(active=entries[0][0], keys=dict(entries))


@cache
def keyring() -> Keyring:
    return _load()


def keyring_check() -> None:
    """Raise ImproperlyConfigured now if the deployment's keys are missing or malformed."""
    keyring()


def master_key_new(kid: str) -> str:
    """A new master key entry (``kid:base64``) for the deployment's key file."""
    if not _kid_valid(kid):
        raise ValueError(f"a key id is 1-{KID_MAX} ASCII letters, digits or hyphens: {kid!r}")
    return f"{kid}:{base64.urlsafe_b64encode(os.urandom(MASTER_KEY_BYTES)).decode()}"


@cache
def _subkey(kid: str, purpose: str, length: int) -> bytes:
    master = keyring().keys.get(kid)
    if master is None:
        raise KeyUnavailable(f"master key {kid!r} is not in this deployment's keyring")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=f"juzhu:{purpose}".encode())
    return hkdf.derive(master)


def _algorithm() -> str:
    name = getattr(settings, "JUZHU_CIPHER", SM4_GCM)
    if name not in _ALGORITHM_IDS:
        raise ImproperlyConfigured(f"JUZHU_CIPHER must be one of {sorted(_ALGORITHM_IDS)}")
    return name


def active_kid() -> str:
    return keyring().active


# --------------------------------------------------------------------------- sealing


def _gcm_encrypt(algorithm: str, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    if algorithm == AES_256_GCM:
        return AESGCM(key).encrypt(nonce, data, aad)
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(aad)
    return enc.update(data) + enc.finalize() + enc.tag


def _gcm_decrypt(algorithm: str, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    if algorithm == AES_256_GCM:
        return AESGCM(key).decrypt(nonce, data, aad)
    body, tag = data[:-TAG_BYTES], data[-TAG_BYTES:]
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(aad)
    return dec.update(body) + dec.finalize()


def encrypt(plaintext: bytes, *, aad: bytes, purpose: str = "field") -> bytes:
    """Seal ``plaintext`` under the active key of ``purpose``: version, algorithm, kid, nonce, ciphertext+tag."""
    algorithm, kid = _algorithm(), active_kid()
    key = _subkey(kid, purpose, _KEY_BYTES[algorithm])
    nonce = os.urandom(NONCE_BYTES)
    head = bytes([FORMAT_VERSION, _ALGORITHM_IDS[algorithm], len(kid)]) + kid.encode("ascii")
    return head + nonce + _gcm_encrypt(algorithm, key, nonce, plaintext, head + aad)


def sealed_kid(blob: bytes) -> str:
    """The key id a sealed value was written under (for rotation: which rows still need it)."""
    if len(blob) < 3 or blob[0] != FORMAT_VERSION:
        raise KeyUnavailable("not a sealed value of this format")
    return blob[3 : 3 + blob[2]].decode("ascii")


def decrypt(blob: bytes, *, aad: bytes, purpose: str = "field") -> bytes:
    """Open a value sealed by ``encrypt`` with the same ``aad`` and ``purpose``; KeyUnavailable otherwise."""
    kid = sealed_kid(blob)
    algorithm = _ALGORITHM_BY_ID.get(blob[1])
    if algorithm is None:
        raise KeyUnavailable(f"unknown algorithm id {blob[1]}")
    cut = 3 + blob[2]
    head, nonce, body = blob[:cut], blob[cut : cut + NONCE_BYTES], blob[cut + NONCE_BYTES :]
    key = _subkey(kid, purpose, _KEY_BYTES[algorithm])
    try:
        return _gcm_decrypt(algorithm, key, nonce, body, head + aad)
    except (InvalidTag, ValueError) as exc:
        raise KeyUnavailable(
            "the value does not open under its key (altered, or moved from elsewhere)"
        ) from exc


# --------------------------------------------------------------------------- keyed digests


def digest(data: bytes, *, purpose: str, kid: str | None = None) -> tuple[str, bytes]:
    """HMAC-SM3 of ``data`` under the purpose key of ``kid`` (the active key by default)."""
    kid = kid or active_kid()
    mac = hmac.HMAC(_subkey(kid, purpose, 32), hashes.SM3())
    mac.update(data)
    return kid, mac.finalize()


def digests_all(data: bytes, *, purpose: str) -> list[bytes]:
    """The digest under every key held: an exact lookup still finds rows indexed before a rotation."""
    return [digest(data, purpose=purpose, kid=kid)[1] for kid in keyring().keys]


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: object) -> None:
    if setting in {"JUZHU_MASTER_KEYS", "JUZHU_MASTER_KEYS_FILE", "DEBUG", "JUZHU_CIPHER"}:
        keyring.cache_clear()
        _subkey.cache_clear()

"""The key service: sealing, the keyring, rotation-friendliness, keyed digests."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from juzhu.vault import keys

NUMBER = b"510121199005171238"
K1 = "t1:" + base64.b64encode(b"1" * 32).decode()
K2 = "t2:" + base64.b64encode(b"2" * 32).decode()


@pytest.fixture
def two_keys(settings: Any) -> None:
    settings.JUZHU_MASTER_KEYS = f"{K2},{K1}"
    settings.JUZHU_MASTER_KEYS_FILE = ""


@pytest.mark.parametrize("cipher", [keys.SM4_GCM, keys.AES_256_GCM])
def test_a_sealed_value_opens_with_the_same_place_and_shows_no_plaintext(
    settings: Any, two_keys: None, cipher: str
) -> None:
    settings.JUZHU_CIPHER = cipher
    blob = keys.encrypt(NUMBER, aad=b"person.identity_number")
    assert NUMBER not in blob
    assert keys.sealed_kid(blob) == "t2"
    assert keys.decrypt(blob, aad=b"person.identity_number") == NUMBER
    # The same value twice seals differently (random nonce): equal ciphertexts reveal nothing.
    assert keys.encrypt(NUMBER, aad=b"person.identity_number") != blob


def test_a_value_moved_to_another_column_or_altered_does_not_open(two_keys: None) -> None:
    blob = keys.encrypt(NUMBER, aad=b"person.identity_number")
    with pytest.raises(keys.KeyUnavailable):
        keys.decrypt(blob, aad=b"person.phone")
    with pytest.raises(keys.KeyUnavailable):
        keys.decrypt(blob, aad=b"person.identity_number", purpose="file")
    altered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(keys.KeyUnavailable):
        keys.decrypt(altered, aad=b"person.identity_number")


def test_after_a_rotation_old_values_still_open_and_new_ones_use_the_new_key(settings: Any) -> None:
    settings.JUZHU_MASTER_KEYS = K1
    old = keys.encrypt(NUMBER, aad=b"x")
    settings.JUZHU_MASTER_KEYS = f"{K2},{K1}"
    assert keys.decrypt(old, aad=b"x") == NUMBER
    assert keys.sealed_kid(keys.encrypt(NUMBER, aad=b"x")) == "t2"
    # Once the old key is dropped from the keyring, what was sealed under it is unreadable.
    settings.JUZHU_MASTER_KEYS = K2
    with pytest.raises(keys.KeyUnavailable):
        keys.decrypt(old, aad=b"x")


def test_digests_are_keyed_per_purpose_and_lookups_try_every_key(two_keys: None) -> None:
    kid, idx = keys.digest(NUMBER, purpose="index")
    assert kid == "t2"
    assert keys.digest(NUMBER, purpose="chain")[1] != idx
    assert keys.digest(NUMBER, purpose="index", kid="t1")[1] != idx
    assert keys.digests_all(NUMBER, purpose="index") == [
        idx,
        keys.digest(NUMBER, purpose="index", kid="t1")[1],
    ]


def test_a_deployment_without_keys_refuses_to_start(settings: Any) -> None:
    settings.DEBUG = False
    settings.JUZHU_MASTER_KEYS = ""
    settings.JUZHU_MASTER_KEYS_FILE = ""
    with pytest.raises(ImproperlyConfigured, match="JUZHU_MASTER_KEYS"):
        keys.keyring_check()


def test_development_falls_back_to_a_marked_development_key(settings: Any) -> None:
    settings.DEBUG = True
    settings.JUZHU_MASTER_KEYS = ""
    settings.JUZHU_MASTER_KEYS_FILE = ""
    assert keys.keyring().development
    assert keys.decrypt(keys.encrypt(NUMBER, aad=b"x"), aad=b"x") == NUMBER


@pytest.mark.parametrize(
    "entry",
    [
        "nokid",  # no separator
        "t1:not-base64!",
        "t1:" + base64.b64encode(b"short").decode(),
        "bad kid:" + base64.b64encode(b"1" * 32).decode(),
        f"{K1},{K1}",  # the same id twice
    ],
)
def test_malformed_keys_are_refused(settings: Any, entry: str) -> None:
    settings.JUZHU_MASTER_KEYS = entry
    with pytest.raises(ImproperlyConfigured):
        keys.keyring_check()


def test_a_key_file_must_be_private(settings: Any, tmp_path: Path) -> None:
    file = tmp_path / "keys"
    file.write_text(f"# Juzhu master keys, newest first\n{K2}\n{K1}\n")
    settings.JUZHU_MASTER_KEYS_FILE = str(file)
    file.chmod(0o640)
    with pytest.raises(ImproperlyConfigured, match="owner only"):
        keys.keyring_check()
    file.chmod(0o600)
    assert keys.keyring().active == "t2"
    assert set(keys.keyring().keys) == {"t1", "t2"}


def test_a_generated_master_key_is_a_valid_entry(settings: Any) -> None:
    entry = keys.master_key_new("2027a")
    settings.JUZHU_MASTER_KEYS = entry
    assert keys.keyring().active == "2027a"
    with pytest.raises(ValueError):
        keys.master_key_new("not valid")


def test_a_new_key_is_generated_without_a_configured_django(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    out = subprocess.run(
        [sys.executable, "-m", "juzhu.vault", "2027a"], env=env, capture_output=True, text=True, check=True
    )
    kid, _, key = out.stdout.strip().partition(":")
    assert kid == "2027a"
    assert len(base64.urlsafe_b64decode(key)) == 32

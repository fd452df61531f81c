"""The signed electronic permit: compact Ed25519 tokens with key ids (LH-4-inspection)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from juzhu.policy.epermit import Claims, token_sign, token_verify
from juzhu.policy.errors import InvalidInput

B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
OLD = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))  # "k2025"
NEW = Ed25519PrivateKey.from_private_bytes(bytes(range(32, 64)))  # "k2026"
BOTH = {"k2025": OLD.public_key(), "k2026": NEW.public_key()}
ONLY_NEW = {"k2026": NEW.public_key()}
NUMBER = "150802202612345670"


def claims(masked_name: str = "张*", kid: str = "k2026") -> Claims:
    return Claims(
        number=NUMBER,
        masked_name=masked_name,
        issue_date=date(2026, 3, 14),
        issued_at=datetime(2026, 11, 20, 8, 30, tzinfo=UTC),
        kid=kid,
    )


TOKEN = token_sign(claims(), NEW)


def refused(token: str, keys: dict[str, object] | None = None) -> InvalidInput:
    with pytest.raises(InvalidInput) as exc:
        token_verify(token, keys if keys is not None else BOTH)  # type: ignore[arg-type]
    assert exc.value.rule == "LH-4-inspection"
    assert tuple(exc.value.fields) == ("token",)
    return exc.value


def flip(text: str, i: int) -> str:
    """Change character i to another base64url character."""
    other = "A" if text[i] != "A" else "B"
    return text[:i] + other + text[i + 1 :]


@pytest.mark.parametrize("name", ["张*", "欧阳*", "司马**", "阿不都热*", "买买提·**", "*"])
def test_round_trip_with_a_chinese_masked_name(name: str) -> None:
    c = claims(name)
    assert token_verify(token_sign(c, NEW), BOTH) == c


def test_token_layout() -> None:
    version, kid, payload, signature = TOKEN.split(".")
    assert (version, kid) == ("JZ1", "k2026")
    assert "=" not in TOKEN
    assert len(signature) == 86  # 64 bytes, unpadded base64url
    body = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8")
    assert body == '{"d":"20260314","m":"张*","n":"150802202612345670","t":1795163400}'
    assert json.loads(body)["t"] == int(datetime(2026, 11, 20, 8, 30, tzinfo=UTC).timestamp())


def test_signing_is_deterministic() -> None:
    assert token_sign(claims(), NEW) == TOKEN  # Ed25519 is deterministic


def test_issued_at_in_shanghai_time_comes_back_as_the_same_instant() -> None:
    local = datetime(2026, 11, 20, 16, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    c = Claims(NUMBER, "张*", date(2026, 3, 14), local, "k2026")
    back = token_verify(token_sign(c, NEW), BOTH)
    assert back.issued_at == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    assert back == c


def test_surrounding_whitespace_from_a_scanner_is_tolerated() -> None:
    assert token_verify(TOKEN + "\r\n", BOTH) == claims()
    assert token_verify("  " + TOKEN, BOTH) == claims()


@pytest.mark.parametrize("part", [2, 3], ids=["payload", "signature"])
def test_every_flipped_character_is_refused(part: int) -> None:
    parts = TOKEN.split(".")
    for i in range(len(parts[part])):
        altered = parts.copy()
        altered[part] = flip(parts[part], i)
        assert refused(".".join(altered)).code == "token-invalid", (part, i)


def test_no_other_spelling_of_the_signatures_last_character_verifies() -> None:
    # 64 bytes = 512 bits in 86 characters: the last character carries 4 unused bits, which a
    # lenient decoder ignores. Every other last character must still be refused.
    head, last = TOKEN[:-1], TOKEN[-1]
    for ch in B64URL:
        if ch != last:
            assert refused(head + ch).code == "token-invalid", ch


VERSION, KID, PAYLOAD, SIG = TOKEN.split(".")
RESPELLED = SIG.replace("-", "+").replace("_", "/")  # the standard base64 alphabet


def test_the_fixed_signature_has_url_safe_characters_to_respell() -> None:
    assert RESPELLED != SIG


@pytest.mark.parametrize(
    "altered",
    [
        TOKEN[:-5] + "!!!!" + TOKEN[-5:],  # junk a lenient decoder discards
        TOKEN[:-5] + "====" + TOKEN[-5:],
        TOKEN + "==",  # padding
        f"{VERSION}.{KID}.{PAYLOAD}.{RESPELLED}",
        f"{VERSION}.{KID}.{PAYLOAD}.{SIG[:-2]}",  # truncated signature
        f"{VERSION}.{KID}.{PAYLOAD}.",
        f"{VERSION}.{KID}.{PAYLOAD}==.{SIG}",
    ],
)
def test_non_canonical_encodings_are_refused(altered: str) -> None:
    assert refused(altered).code == "token-invalid"


def test_a_different_valid_payload_under_the_old_signature_is_refused() -> None:
    payload = token_sign(claims("李*"), NEW).split(".")[2]
    assert refused(f"{VERSION}.{KID}.{payload}.{SIG}").code == "token-invalid"


def test_unknown_kid_is_refused() -> None:
    assert refused(token_sign(claims(kid="k2099"), NEW)).code == "token-key-unknown"
    assert refused(TOKEN, {}).code == "token-key-unknown"


def test_relabelled_kid_is_refused() -> None:
    # The kid is signed: pointing the token at the other published key fails.
    relabelled = TOKEN.replace("JZ1.k2026.", "JZ1.k2025.", 1)
    assert refused(relabelled).code == "token-invalid"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "hello",
        TOKEN.replace("JZ1.", "JZ2.", 1),
        TOKEN.rsplit(".", 1)[0],  # no signature part
        TOKEN + ".extra",
        "https://example.org/verify?t=" + TOKEN,
    ],
)
def test_not_a_token(bad: str) -> None:
    assert refused(bad).code == "token-format"


# --- key rotation ----------------------------------------------------------------------------------


def test_a_token_signed_with_the_old_key_verifies_while_both_keys_are_published() -> None:
    old_token = token_sign(claims(kid="k2025"), OLD)
    assert token_verify(old_token, BOTH) == claims(kid="k2025")
    assert token_verify(TOKEN, BOTH) == claims()


def test_a_token_signed_with_the_old_key_fails_once_only_the_new_key_is_published() -> None:
    old_token = token_sign(claims(kid="k2025"), OLD)
    assert refused(old_token, ONLY_NEW).code == "token-key-unknown"  # type: ignore[arg-type]
    assert token_verify(TOKEN, ONLY_NEW) == claims()


def test_a_token_claiming_the_new_kid_but_signed_with_the_old_key_is_refused() -> None:
    forged = token_sign(claims(kid="k2026"), OLD)
    assert refused(forged).code == "token-invalid"


def test_a_key_published_under_the_wrong_kid_verifies_nothing() -> None:
    swapped = {"k2026": OLD.public_key()}
    assert refused(TOKEN, swapped).code == "token-invalid"  # type: ignore[arg-type]


# --- QR code --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kid"),
    [("张*", "k2026"), ("欧阳*", "k2026"), ("司马**", "k202601"), ("阿不都热*", "k202601")],
)
def test_token_fits_a_qr_code_of_version_10_or_less_at_level_m(name: str, kid: str) -> None:
    token = token_sign(claims(name, kid), NEW)
    assert len(token) <= 202
    qr = segno.make(token, error="m")
    assert qr.error == "M"
    assert qr.version <= 10  # 57×57 modules; 10-M holds 213 bytes in byte mode


@pytest.mark.parametrize("kid", ["", "K1", "k-1", "k.1", "k20260101", "键"])
def test_a_key_id_outside_1_to_8_lowercase_letters_or_digits_is_refused_when_signing(kid):
    key = Ed25519PrivateKey.generate()
    with pytest.raises(ValueError):
        token_sign(
            Claims("150802202600000018", "王*", date(2026, 1, 5), datetime(2026, 11, 26, tzinfo=UTC), kid),
            key,
        )

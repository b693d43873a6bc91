"""The small pieces the function writes instead of importing a standard-library module, each
proven equal to that module on generated inputs.

The function does without hashlib/hmac, uuid, urllib.parse and base64 on its cold path: even with
Lambda's runtime imports in place, putting them back would more than double a cold POST /uploads
(docs/performance.md, "Only the tricks that pay"). These tests are what makes that safe: for any
input, the hand-written piece answers what the library answers.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import uuid
from collections.abc import Callable
from urllib.parse import quote

from hypothesis import example, given
from hypothesis import strategies as st

from tests.unit.conftest import fresh_python
from upload_api import hashing, sigv4
from upload_api.keys import uuid4_string


@given(st.binary(max_size=300))
def test_sha256_equals_hashlib(data: bytes) -> None:
    assert hashing.sha256_hex(data) == hashlib.sha256(data).hexdigest()


# Keys around SHA-256's 64-byte block: shorter (padded), exact, longer (hashed first).
@given(st.binary(max_size=200), st.binary(max_size=300))
@example(b"k" * 64, b"")
@example(b"k" * 65, b"message")
def test_hmac_sha256_equals_hmac_digest(key: bytes, message: bytes) -> None:
    assert hashing.hmac_sha256(key, message) == hmac.digest(key, message, "sha256")


def test_hashing_uses_the_interpreters_own_sha256_not_openssl() -> None:
    code = "import sys, upload_api.hashing as h; print(h.sha256.__module__, '_hashlib' in sys.modules)"
    result = fresh_python(code)
    assert result.returncode == 0, result.stderr
    module, openssl_loaded = result.stdout.split()
    assert module in ("_sha2", "_sha256")
    assert openssl_loaded == "False"


@given(st.text())
@example("a b+c~d%e/f?g&h=i")
@example("ünï/cødé 日本")
def test_uri_encoding_equals_urllib_quote(text: str) -> None:
    assert sigv4.uri_encode(text) == quote(text, safe="-_.~")
    assert sigv4.uri_encode_path(text) == quote(text, safe="/~")


@given(st.binary(min_size=16, max_size=16))
@example(b"\x00" * 16)
@example(b"\xff" * 16)
def test_uuid4_string_equals_uuid(random_bytes: bytes) -> None:
    assert uuid4_string(random_bytes) == str(uuid.UUID(bytes=random_bytes, version=4))


BASE64_TEXT = (
    st.text(alphabet="ABCDQRSTabcz0189+/=", max_size=16)
    | st.text(max_size=8)
    | st.binary(max_size=40).map(lambda data: base64.b64encode(data).decode())
)


def decoded(decode: Callable[[str], bytes], text: str) -> bytes | None:
    """What ``decode`` makes of ``text``, or None when it refuses it."""
    try:
        return decode(text)
    except (binascii.Error, ValueError):
        return None


@given(BASE64_TEXT)
@example("QQ=")
@example("QQ==QQ==")
@example("=QQ=")
@example("QUJD\n")
@example("é")
def test_strict_base64_decoding_equals_b64decode_validate(text: str) -> None:
    ours = decoded(lambda value: binascii.a2b_base64(value, strict_mode=True), text)
    assert ours == decoded(lambda value: base64.b64decode(value, validate=True), text)


@given(st.binary(max_size=300))
def test_base64_encoding_equals_b64encode(data: bytes) -> None:
    assert binascii.b2a_base64(data, newline=False).decode() == base64.b64encode(data).decode()

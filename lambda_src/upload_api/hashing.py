"""SHA-256 and HMAC-SHA256 (RFC 2104) for SigV4, without loading OpenSSL.

:mod:`hashlib` and :mod:`hmac` load OpenSSL's libcrypto when imported: about 3 ms of a cold
start on a small machine, a sixth of what the whole function may take (README, "Signing without
the SDK"). CPython also builds SHA-256 into the interpreter (``_sha2`` from 3.12, ``_sha256``
before), which imports in a tenth of a millisecond; HMAC over it is the four lines of
:func:`hmac_sha256`. ``tests/unit/test_stdlib_equivalents.py`` proves both equal to
:func:`hashlib.sha256` and :func:`hmac.digest` on generated inputs, and an interpreter built
without the module falls back to :mod:`hashlib`.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # the same interface, which typeshed knows under hashlib's name
    from hashlib import sha256
else:
    try:
        from _sha2 import sha256  # CPython 3.12+
    except ImportError:
        try:
            from _sha256 import sha256  # CPython 3.11
        except ImportError:  # an interpreter built without its own SHA-256
            from hashlib import sha256

BLOCK_SIZE = 64  # SHA-256's block, in bytes
# key XOR ipad and key XOR opad, byte by byte, as bytes.translate tables.
_INNER_PAD = bytes(byte ^ 0x36 for byte in range(256))
_OUTER_PAD = bytes(byte ^ 0x5C for byte in range(256))


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data``, as lower-case hex."""
    return sha256(data).hexdigest()


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 of ``message`` under ``key``: ``hmac.digest(key, message, "sha256")``."""
    if len(key) > BLOCK_SIZE:
        key = sha256(key).digest()
    key = key.ljust(BLOCK_SIZE, b"\0")
    inner = sha256(key.translate(_INNER_PAD) + message).digest()
    return sha256(key.translate(_OUTER_PAD) + inner).digest()

"""What `--resume` needs to find a multipart upload again: a small JSON file beside the work.

Only the key and upload id are kept, with the file's size and modification time so a changed
file is never resumed into the old upload, and which checksum the upload binds: the whole file's
CRC64NVME (``crc64nvme``, version 2), or part SHA-256s (``checksums``, from clients before it).
Which parts are done is asked of S3, not stored; the completion request is recorded just before
it is sent, so that a completion whose answer was lost can be repeated after S3 has forgotten the
upload (it answers from the stored object).

The file carries a format ``version``: one written by a newer client, or one that is not a state
at all (empty, cut short, edited), is refused with :class:`Unreadable`, which says how to go on.
Fields this version does not know are ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import MISSING, asdict, dataclass, fields
from pathlib import Path
from typing import Any

# 2: an upload may be a full-object CRC64NVME one (``crc64nvme``), which a client that reads only
# version 1 would resume without its part checksums (and S3 would refuse every part). Files from
# before the field existed are version 1 too.
VERSION = 2
# The longest file name kept whole in a state file's name: with the digest and suffixes it stays
# well under the 255 bytes most file systems allow. Longer names are cut; the digest of the full
# path keeps their state files apart.
NAME_BYTES = 100


@dataclass(frozen=True)
class ResumeState:
    """A multipart upload in progress for one file."""

    file: str
    size: int
    mtime_ns: int
    key: str
    upload_id: str
    part_size: int
    content_type: str
    completion: list[dict[str, Any]] | None = None  # the parts of a completion already sent
    checksums: bool = False  # each part's URL binds its SHA-256 (S3 lists it to resume from)
    # The whole file's CRC64NVME (base64) the upload was created with, and that its completion
    # gives: each part's URL binds the part's CRC64NVME, and S3 lists it to resume from.
    crc64nvme: str | None = None


# What each field must hold (a bool is not an int here); fields not named are ignored.
_TYPES: dict[str, type | tuple[type, ...]] = {
    "file": str,
    "size": int,
    "mtime_ns": int,
    "key": str,
    "upload_id": str,
    "part_size": int,
    "content_type": str,
    "completion": (list, type(None)),
    "checksums": bool,
    "crc64nvme": (str, type(None)),
}


class Unreadable(Exception):
    """The state file exists but cannot be used; the message names it and says what to do."""


def state_path(file: Path, directory: Path) -> Path:
    """Where the state of ``file``'s upload is kept: ``<name>.<digest of the full path>.json``,
    the name cut to :data:`NAME_BYTES` (at a character boundary) when it is longer."""
    digest = hashlib.sha256(str(file.resolve()).encode()).hexdigest()[:16]
    name = file.name.encode(errors="surrogateescape")[:NAME_BYTES].decode(errors="ignore")
    return directory / f"{name}.{digest}.json"


def load(file: Path, directory: Path) -> ResumeState | None:
    """The saved state for ``file``, if there is one and the file has not changed since;
    :class:`Unreadable` when the state file cannot be used."""
    path = state_path(file, directory)
    if not path.is_file():
        return None
    state = _parse(path)
    stat = file.stat()
    if state.size != stat.st_size or state.mtime_ns != stat.st_mtime_ns:
        return None
    return state


def _parse(path: Path) -> ResumeState:
    start_afresh = f"delete {path} to start afresh"
    try:
        recorded = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not JSON"
        raise Unreadable(f"cannot read the resume state {path} ({reason}); {start_afresh}") from None
    if not isinstance(recorded, dict):
        raise Unreadable(f"the resume state {path} is not a resume state; {start_afresh}")
    version = recorded.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        raise Unreadable(f"the resume state {path} has no valid version; {start_afresh}")
    if version > VERSION:
        raise Unreadable(
            f"the resume state {path} was written by a newer presigned-upload (state version {version}; "
            f"this one reads {VERSION}): resume with that version, or {start_afresh}"
        )
    values = {name: value for name, value in recorded.items() if name in _TYPES}
    wrong = [
        name
        for name, value in values.items()
        if not isinstance(value, _TYPES[name]) or (isinstance(value, bool) and _TYPES[name] is int)
    ]
    required = (field.name for field in fields(ResumeState) if field.default is MISSING)
    missing = sorted(name for name in required if name not in values)
    if wrong or missing:
        fault = f"missing {', '.join(missing)}" if missing else f"a wrong {', '.join(sorted(wrong))}"
        raise Unreadable(f"the resume state {path} is damaged ({fault}); {start_afresh}")
    return ResumeState(**values)


def prepare(directory: Path) -> None:
    """Make ``directory`` (0700) so a state can be saved: an :class:`OSError` here comes before
    anything is created upstream."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)


def save(state: ResumeState, directory: Path) -> None:
    """Record ``state`` atomically (written and synced to a temporary file, then renamed: a crash
    leaves the old file or the new one, never half of one), readable by its owner only: the file
    is 0600 and a directory this makes is 0700 (an upload id and key are enough to complete, list
    or abort someone's upload with their token)."""
    prepare(directory)
    path = state_path(Path(state.file), directory)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # a leftover temporary file may have had other permissions
    with os.fdopen(descriptor, "w") as file:
        file.write(json.dumps({"version": VERSION, **asdict(state)}))
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def forget(file: Path, directory: Path) -> None:
    """Remove the state once the upload is complete or aborted."""
    state_path(file, directory).unlink(missing_ok=True)

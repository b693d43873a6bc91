"""What `--resume` needs to find a multipart upload again: a small JSON file beside the work.

Only the key and upload id are kept, with the file's size and modification time so a changed
file is never resumed into the old upload. Which parts are done is asked of S3, not stored; the
completion request is recorded just before it is sent, so that a completion whose answer was
lost can be repeated after S3 has forgotten the upload (it answers from the stored object).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


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


def state_path(file: Path, directory: Path) -> Path:
    """Where the state of ``file``'s upload is kept."""
    digest = hashlib.sha256(str(file.resolve()).encode()).hexdigest()[:16]
    return directory / f"{file.name}.{digest}.json"


def load(file: Path, directory: Path) -> ResumeState | None:
    """The saved state for ``file``, if there is one and the file has not changed since."""
    path = state_path(file, directory)
    if not path.is_file():
        return None
    state = ResumeState(**json.loads(path.read_text()))
    stat = file.stat()
    if state.size != stat.st_size or state.mtime_ns != stat.st_mtime_ns:
        return None
    return state


def save(state: ResumeState, directory: Path) -> None:
    """Record ``state`` (atomically: a crash never leaves half a file), readable by its owner only:
    the file is 0600 and a directory this makes is 0700 (an upload id and key are enough to
    complete, list or abort someone's upload with their token)."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = state_path(Path(state.file), directory)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # a leftover temporary file may have had other permissions
    with os.fdopen(descriptor, "w") as file:
        file.write(json.dumps(asdict(state)))
    os.replace(temporary, path)


def forget(file: Path, directory: Path) -> None:
    """Remove the state once the upload is complete or aborted."""
    state_path(file, directory).unlink(missing_ok=True)

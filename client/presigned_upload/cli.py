"""`presigned-upload upload FILE --api URL`: upload a file, print its key, exit 0 (or say why not)."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from presigned_upload import __version__
from presigned_upload.api import ApiError, UploadApiClient
from presigned_upload.transfer import MiB, UploadFailed, UploadOptions, upload_file


class ProgressBar:
    """A one-line progress bar on a terminal; silent elsewhere (logs of CI jobs stay clean)."""

    def __init__(self, total: int, stream: TextIO, *, enabled: bool = True) -> None:
        self._total = total
        self._stream = stream
        self._sent = 0
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._enabled = enabled and stream.isatty()

    def __call__(self, amount: int) -> None:
        with self._lock:
            self._sent = max(0, min(self._total, self._sent + amount))
            if self._enabled:
                self._draw()

    def _draw(self) -> None:
        fraction = self._sent / self._total
        filled = int(fraction * 30)
        rate = self._sent / max(time.monotonic() - self._started, 1e-6) / MiB
        self._stream.write(
            f"\r[{'#' * filled}{'-' * (30 - filled)}] {fraction:6.1%}  "
            f"{self._sent / MiB:,.1f}/{self._total / MiB:,.1f} MiB  {rate:,.1f} MiB/s"
        )
        self._stream.flush()

    def finish(self) -> None:
        if self._enabled:
            self._stream.write("\n")


def _size(text: str) -> int:
    units = {"k": 1024, "m": MiB, "g": 1024 * MiB}
    text = text.strip().lower().removesuffix("ib").removesuffix("b")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="presigned-upload", description=__doc__)
    main.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = main.add_subparsers(dest="command", required=True)
    upload = commands.add_parser("upload", help="upload a file and print its key")
    upload.add_argument("file", type=Path)
    upload.add_argument("--api", required=True, help="the API's URL with its stage, e.g. https://…/v1")
    upload.add_argument("--content-type", help="default: guessed from the file name")
    upload.add_argument(
        "--multipart-threshold", type=_size, default=64 * MiB, help="multipart from this size on (default 64MiB)"
    )
    upload.add_argument("--part-size", type=_size, help="multipart part size, 5MiB to 5GiB (default: the API's)")
    upload.add_argument("--concurrency", type=int, default=4, help="parts in flight at once (default 4)")
    upload.add_argument("--retries", type=int, default=4, help="retries per request (default 4)")
    upload.add_argument("--resume", action="store_true", help="continue this file's unfinished multipart upload")
    upload.add_argument(
        "--state-dir", type=Path, default=Path(".presigned-upload"), help="where --resume state is kept"
    )
    upload.add_argument("--header", action="append", default=[], metavar="NAME:VALUE", help="extra API header")
    upload.add_argument("--quiet", action="store_true", help="no progress bar")
    return main


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    headers = {}
    for header in arguments.header:
        name, separator, value = header.partition(":")
        if not separator:
            print(f"presigned-upload: --header {header!r} must be NAME:VALUE", file=sys.stderr)
            return 2
        headers[name.strip()] = value.strip()
    if not arguments.file.is_file():
        print(f"presigned-upload: {arguments.file} is not a file", file=sys.stderr)
        return 2
    options = UploadOptions(
        multipart_threshold=arguments.multipart_threshold,
        part_size=arguments.part_size,
        concurrency=max(1, arguments.concurrency),
        retries=max(0, arguments.retries),
        resume=arguments.resume,
        state_dir=arguments.state_dir,
        content_type=arguments.content_type,
    )
    bar = ProgressBar(arguments.file.stat().st_size, sys.stderr, enabled=not arguments.quiet)
    try:
        result = upload_file(arguments.file, UploadApiClient(arguments.api, headers=headers), options, bar)
    except (UploadFailed, ApiError) as error:
        bar.finish()
        print(f"presigned-upload: upload failed: {error}", file=sys.stderr)
        return 1
    bar.finish()
    print(result.key)
    return 0


if __name__ == "__main__":
    sys.exit(main())

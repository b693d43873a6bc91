"""`presigned-upload upload FILE --api URL`: upload a file, print its key, exit 0 (or say why not)."""

from __future__ import annotations

import argparse
import shlex
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from presigned_upload import __version__
from presigned_upload import state as resume_state
from presigned_upload.api import ApiError, UploadApiClient
from presigned_upload.transfer import Confirm, MiB, UploadFailed, UploadOptions, upload_file

INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


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
    upload.add_argument(
        "--yes",
        action="store_true",
        help="with --resume, send the whole file again without asking when its upload is gone and nothing was stored",
    )
    return main


def _ask(question: str) -> bool:
    """Ask on the terminal (stderr, so stdout keeps only the key); anything but y/yes is no."""
    sys.stderr.write(question)
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def _confirm(yes: bool) -> Confirm | None:
    if yes:
        return lambda question: True
    return _ask if sys.stdin.isatty() else None  # no one to ask: refuse rather than resend


def resume_command(argv: list[str]) -> str:
    """The command that resumes this run: its own arguments with --resume, header values hidden
    (they are often tokens, and this line may land in a CI log)."""
    shown: list[str] = []
    hide_next = False
    for argument in argv:
        if hide_next or argument.startswith("--header="):
            argument = argument.partition(":")[0] + ":..."
        hide_next = argument == "--header"
        shown.append(argument)
    if "--resume" not in shown:
        shown.append("--resume")
    return shlex.join(["presigned-upload", *shown])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
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
        confirm_resend=_confirm(arguments.yes),
    )
    bar = ProgressBar(arguments.file.stat().st_size, sys.stderr, enabled=not arguments.quiet)
    try:
        result = upload_file(arguments.file, UploadApiClient(arguments.api, headers=headers), options, bar)
    except (UploadFailed, ApiError) as error:
        bar.finish()
        print(f"presigned-upload: upload failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        bar.finish()
        if resume_state.load(arguments.file, arguments.state_dir) is not None:
            print(f"presigned-upload: interrupted; to send only the rest, run: {resume_command(argv)}", file=sys.stderr)
        else:
            print(
                "presigned-upload: interrupted before anything was stored; run the same command again", file=sys.stderr
            )
        return INTERRUPTED
    bar.finish()
    print(result.key)
    return 0


if __name__ == "__main__":
    sys.exit(main())

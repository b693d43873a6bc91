"""`presigned-upload upload FILE --api URL`: upload a file, print its key, exit 0 (or say why not).

Every upload binds the file's CRC64NVME, and S3's stored one is compared with it: stdout gets the
key alone (or, with --json, the key, size and stored CRC64NVME as one JSON object), stderr one line
with the stored CRC64NVME (not with --quiet). A mismatch is an error (exit code 1, nothing on
stdout). The ID token comes from $PRESIGNED_UPLOAD_TOKEN, --token-file or --token-command (run
again when the API answers 401), never from the command line.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import shlex
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import NoReturn, TextIO
from urllib.parse import urlsplit

from presigned_upload import __version__
from presigned_upload import crc64nvme as crc
from presigned_upload import state as resume_state
from presigned_upload.api import ApiError, UploadApiClient
from presigned_upload.credentials import TokenCommand, TokenCommandFailed
from presigned_upload.redact import scrub
from presigned_upload.retry import Backoff
from presigned_upload.transfer import Confirm, MiB, UploadFailed, UploadOptions, UploadResult, upload_file

INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C
USAGE = 2
TOKEN_VARIABLE = "PRESIGNED_UPLOAD_TOKEN"  # noqa: S105 (the name of the variable, not a token)
MAX_SINGLE_PUT = 5 * 1024 * MiB  # S3 takes no larger single PUT


class UsageError(Exception):
    """The command cannot run as given; the message says why and what to do instead."""


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


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors never repeat an argument's value (it may be an API key)."""

    def error(self, message: str) -> NoReturn:
        prefix = "unrecognized arguments: "
        if message.startswith(prefix):
            options = [word.partition("=")[0] for word in message.removeprefix(prefix).split() if word.startswith("-")]
            message = prefix + " ".join([*options, "(values not shown)"])
        super().error(message)


def parser() -> argparse.ArgumentParser:
    # No abbreviations: `--hea` is not taken for `--header`, whose value resume_command hides
    # only under the option's own spelling.
    main = _Parser(prog="presigned-upload", description=__doc__, allow_abbrev=False)
    main.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = main.add_subparsers(dest="command", required=True)
    upload = commands.add_parser("upload", help="upload a file and print its key", allow_abbrev=False)
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
    token = upload.add_mutually_exclusive_group()
    token.add_argument(
        "--token-file",
        type=Path,
        help=f"a file holding the ID token (default: ${TOKEN_VARIABLE}; never on the command line)",
    )
    token.add_argument(
        "--token-command",
        metavar="CMD",
        help="a command that prints the ID token, run again when the API answers 401 (for uploads "
        "that outlive a token; in place of --token-file or $" + TOKEN_VARIABLE + ")",
    )
    upload.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="NAME:VALUE",
        help="extra API header such as x-api-key (not Authorization: use the token options)",
    )
    upload.add_argument(
        "--no-checksum",
        action="store_true",
        help="bind no CRC64NVME to a new upload (the file is then read once, not twice; S3 checks only the size)",
    )
    upload.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object {"key", "size", "crc64nvme", "crc64nvme_source", "multipart"}, not the key alone',
    )
    upload.add_argument("--quiet", action="store_true", help="no progress bar, no line about the stored checksum")
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


def api_headers(header_arguments: list[str], token_file: Path | None, environ: dict[str, str]) -> dict[str, str]:
    """The API headers: ``--header`` values, and the token from ``token_file`` or the environment.

    A token on the command line lands in shell history, in ``ps`` for every user of the machine
    and in CI logs, so ``--header Authorization:...`` is refused.
    """
    headers = {}
    for header in header_arguments:
        name, separator, value = header.partition(":")
        if not separator:
            name = header.split("=", 1)[0]
            raise UsageError(f"--header {name.strip()!r}... must be NAME:VALUE")
        if name.strip().lower() in ("authorization", "proxy-authorization"):
            raise UsageError(
                f"a token on the command line is refused (it shows in shell history, process lists and logs); "
                f"put it in ${TOKEN_VARIABLE} or in a file for --token-file"
            )
        headers[name.strip()] = value.strip()
    if token_file is not None:
        try:
            token = token_file.read_text().strip()
        except OSError as error:
            raise UsageError(f"cannot read --token-file {token_file}: {error.strerror}") from None
        if not token:
            raise UsageError(f"--token-file {token_file} is empty")
    else:
        token = environ.get(TOKEN_VARIABLE, "").strip()
    if token:
        headers["Authorization"] = token
    return headers


def check_api_url(url: str) -> None:
    """Refuse an API the token and signed URLs would reach in clear: only https://, or http:// on
    loopback (127.0.0.0/8, ::1, localhost) for a local stack."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http" and host and _is_loopback(host):
        return
    if parts.scheme == "http":
        raise UsageError(
            f"refusing the plain-HTTP API at {host}: the token and the signed URLs would travel in clear; "
            "use its https:// URL (plain HTTP is allowed on loopback only)"
        )
    raise UsageError("--api must be an https:// URL (or http:// on loopback), with the stage: https://…/v1")


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _exit_at_once(signum: int, frame: FrameType | None) -> NoReturn:
    os.write(2, b"\npresigned-upload: interrupted again; exiting at once\n")  # no Python I/O in a handler that exits
    os._exit(INTERRUPTED)


def _interrupted(signum: int, frame: FrameType | None) -> NoReturn:
    signal.signal(signal.SIGINT, _exit_at_once)
    raise KeyboardInterrupt


@contextmanager
def _ctrl_c() -> Iterator[None]:
    """The first Ctrl-C stops the run (KeyboardInterrupt: the parts in flight give up, the resume
    hint is printed); a second one exits at once, whatever is still running."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set signal handlers
        return
    previous = signal.signal(signal.SIGINT, _interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    arguments = parser().parse_args(argv)
    try:
        check_api_url(arguments.api)
        token = _token_command(arguments.token_command)
        # With --token-command, the token in the environment is not sent.
        headers = api_headers(arguments.header, arguments.token_file, {} if token is not None else dict(os.environ))
        if arguments.multipart_threshold > MAX_SINGLE_PUT:
            raise UsageError("--multipart-threshold is at most 5GiB: S3 takes no larger single PUT")
    except UsageError as error:
        print(f"presigned-upload: {error}", file=sys.stderr)
        return USAGE
    if not arguments.file.is_file():
        print(f"presigned-upload: {arguments.file} is not a file", file=sys.stderr)
        return USAGE
    retries = max(0, arguments.retries)
    options = UploadOptions(
        multipart_threshold=arguments.multipart_threshold,
        part_size=arguments.part_size,
        concurrency=max(1, arguments.concurrency),
        retries=retries,
        resume=arguments.resume,
        state_dir=arguments.state_dir,
        content_type=arguments.content_type,
        confirm_resend=_confirm(arguments.yes),
        checksum=not arguments.no_checksum,
    )
    api = UploadApiClient(
        arguments.api, headers=headers, token=token, retries=retries, backoff=Backoff(options.backoff_seconds)
    )
    bar = ProgressBar(arguments.file.stat().st_size, sys.stderr, enabled=not arguments.quiet)
    if crc.IMPLEMENTATION != "awscrt" and not arguments.no_checksum:
        print(
            "presigned-upload: awscrt is not installed, so the CRC64NVME is computed in pure Python, "
            "at a few MB/s: install awscrt (pip install awscrt), or pass --no-checksum",
            file=sys.stderr,
        )
    with _ctrl_c():
        try:
            result = upload_file(arguments.file, api, options, bar)
        except (UploadFailed, ApiError, TokenCommandFailed) as error:
            bar.finish()
            print(f"presigned-upload: upload failed: {scrub(str(error))}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            bar.finish()
            print(f"presigned-upload: interrupted{_after_interrupt(arguments, argv)}", file=sys.stderr)
            return INTERRUPTED
    bar.finish()
    if arguments.json:
        shown = {
            "key": result.key,
            "size": result.size,
            "crc64nvme": result.crc64nvme,
            "crc64nvme_source": result.crc64nvme_source,
            "multipart": result.multipart,
        }
        print(json.dumps(shown))
    else:
        print(result.key)  # alone on stdout, as ever: `KEY=$(presigned-upload upload ...)` keeps working
    if not arguments.quiet:
        print(f"presigned-upload: {_stored(result)}", file=sys.stderr)
    return 0


def _stored(result: UploadResult) -> str:
    """One line on what was stored and what was checked."""
    stored = f"stored {result.size} bytes at {result.key}"
    how = {
        "compared": "S3's, equal to this file's",
        "s3": "S3's; this file's was not computed (--no-checksum)",
        "bound": "this file's, which the upload bound and S3 checked; S3's answer carried none",
    }
    if result.crc64nvme is None or result.crc64nvme_source is None:
        return f"{stored}; S3 reported no CRC64NVME"
    return f"{stored}, crc64nvme={result.crc64nvme} ({how[result.crc64nvme_source]})"


def _token_command(command: str | None) -> TokenCommand | None:
    if command is None:
        return None
    try:
        return TokenCommand(command)
    except ValueError as error:
        raise UsageError(f"--token-command cannot be read: {error}") from None


def _after_interrupt(arguments: argparse.Namespace, argv: list[str]) -> str:
    """What to do after a Ctrl-C: resume when a multipart upload was recorded, else run again."""
    try:
        recorded = resume_state.load(arguments.file, arguments.state_dir) is not None
    except resume_state.Unreadable:
        recorded = False
    if recorded:
        return f"; to send only the rest, run: {resume_command(argv)}"
    return " before anything was stored; run the same command again"


if __name__ == "__main__":
    sys.exit(main())

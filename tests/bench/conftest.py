"""The benchmarks' shared deployment and events, and the summary tables printed at the end of a run:
the cold start as Lambda runs it (test_cold_start.py) and the signers side by side
(test_signing_bench.py), each with its ratios to the seed's."""

from __future__ import annotations

import statistics
from typing import Any

import pytest

from tests.events import proxy_event

# The deployment every bench configures: eu-west-1, uploads/ prefix, no authorizer.
ENVIRONMENT = {
    "UPLOAD_BUCKET": "bench-bucket",
    "UPLOAD_BUCKET_REGION": "eu-west-1",
    "UPLOAD_KEY_PREFIX": "uploads/",
    "UPLOAD_URL_EXPIRY_SECONDS": "300",
    "UPLOAD_MAX_SIZE_BYTES": "1048576",
    "UPLOAD_MAX_MULTIPART_SIZE_BYTES": str(10_000 * 5 * 1024 * 1024),
    "UPLOAD_ALLOWED_CONTENT_TYPES": "text/plain,video/*",
    "UPLOAD_ALLOWED_ORIGINS": "https://app.example.com",
    "UPLOAD_AUTH_MODE": "none",
    "UPLOAD_LEGACY_ROUTE_ENABLED": "true",
    "UPLOAD_DOWNLOADS_ENABLED": "true",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_REGION": "eu-west-1",
    # As in Lambda: no shared config or credentials files.
    "AWS_CONFIG_FILE": "/nonexistent",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
}
# A multipart key carries its plan: 10 000 parts of 5 MiB.
KEY = f"uploads/0b6f3e8e-0a52-4b7c-9f53-8c1f7cbb1a52-{10_000 * 5 * 1024 * 1024}x{5 * 1024 * 1024}.bin"


def post_uploads() -> dict[str, Any]:
    body = {"content_type": "text/plain", "size": 100}
    return proxy_event("POST", "/uploads", body=body, headers={"Content-Type": "application/json"})


def parts_page(first: int) -> dict[str, Any]:
    body = {"key": KEY, "part_numbers": list(range(first, first + 1000))}
    return proxy_event(
        "POST", "/uploads/multipart/{upload_id}/parts", body=body, path_parameters={"upload_id": "bench-upload-id"}
    )


def median(values: list[float]) -> float:
    return statistics.median(values)


# --- the signers side by side (test_signing_bench.py) ---------------------------------------------

# (measure, variant) -> value; filled by test_signing_bench.py.
FIGURES: dict[tuple[str, str], float] = {}
VARIANTS = (("seed", "seed"), ("boto3", "botocore signer"), ("ours", "our signer"))


# what -> (MiB per second, seconds); filled by test_checksum_bench.py.
THROUGHPUTS: dict[str, tuple[float, float]] = {}


def record_throughput(what: str, mib: float, seconds: float) -> None:
    """Keep one throughput (``mib`` MiB in ``seconds``, a median) for the checksum table."""
    THROUGHPUTS[what] = (mib / seconds, seconds)


# The page's checksum throughput (MiB/s) by variant, and the Chromium that ran it; filled by
# test_page_checksum_bench.py.
PAGE_FIGURES: dict[str, float | str] = {}
PAGE_ROWS = (
    ("crc64nvme-worker-2MiB", "CRC64NVME, the page's worker (2 MiB reads of the Blob)"),
    ("crc64nvme-worker-512KiB", "  the same, 512 KiB reads"),
    ("crc64nvme-worker-8MiB", "  the same, 8 MiB reads"),
    ("crc64nvme-multipart-two-workers", "CRC64NVME before a multipart upload: whole file + 5 MiB parts, 2 workers"),
    ("crc64nvme-in-memory", "CRC64NVME, the vendored Crc64NvmeJs alone, bytes in memory"),
    ("sha256-in-memory", "SHA-256, crypto.subtle.digest, bytes in memory"),
    ("sha256-with-read", "SHA-256, Blob.arrayBuffer() then digest (the page's single PUT)"),
)


def record_page_figure(variant: str, value: float | str) -> None:
    PAGE_FIGURES[variant] = value


def _page_table(write: Any) -> None:
    write(f"Chromium {PAGE_FIGURES.get('chromium', '?')}, 256 MiB")
    for variant, label in PAGE_ROWS:
        value = PAGE_FIGURES.get(variant)
        if isinstance(value, float):
            write(f"{label:78}{value:>8.0f} MiB/s")


def _throughput_table(write: Any) -> None:
    for what, (rate, seconds) in THROUGHPUTS.items():
        write(f"{what:78}{rate:>10,.1f} MiB/s{seconds:>10.3f} s")


def record(measure: str, variant: str, value: float) -> None:
    """Keep one figure for the signers' summary table."""
    FIGURES[(measure, variant)] = value


def _cell(measure: str, variant: str, unit: str) -> str:
    value = FIGURES.get((measure, variant))
    if value is None:
        return "-"
    if unit == "us":
        return f"{value * 1e6:.0f} µs"
    return f"{value:.3f} s"


def _ratio(measure: str, variant: str) -> str:
    theirs, ours = FIGURES.get((measure, variant)), FIGURES.get((measure, "ours"))
    return f"{theirs / ours:.1f}x" if theirs and ours else "-"


def _signing_table(write: Any) -> None:
    rows = [
        ("warm POST /uploads in-process, p50 (seed: its GET)", "warm", "us"),
        ("10 000 part URLs through the handler (10 pages)", "parts", "s"),
    ]
    header = f"{'':54}{'seed':>12}{'botocore':>12}{'ours':>12}{'seed/ours':>11}{'boto/ours':>11}"
    write(header)
    for label, measure, unit in rows:
        if not any((measure, variant) in FIGURES for variant, _ in VARIANTS):
            continue
        cells = "".join(f"{_cell(measure, variant, unit):>12}" for variant, _ in VARIANTS)
        write(f"{label:54}{cells}{_ratio(measure, 'seed'):>11}{_ratio(measure, 'boto3'):>11}")


# --- the cold start as Lambda runs it (test_cold_start.py) ----------------------------------------


class ColdStart:
    """The medians of one variant's fresh processes (seconds; peak RSS in KiB)."""

    def __init__(self, label: str, runs: list[dict[str, float]], whole: list[float]) -> None:
        self.label = label
        self.rounds = len(runs)
        self.init = median([run["init"] for run in runs])
        self.in_process = median([run["init"] + run["first"] for run in runs])
        self.cpu = median([run["init_cpu"] + run["first_cpu"] for run in runs])
        self.then = median([run["then"] for run in runs])
        self.then_cpu = median([run["then_cpu"] for run in runs])
        self.peak_kib = median([run["peak_kib"] for run in runs])
        self.warm = median([run["warm"] for run in runs])
        self.whole = median(whole)


# variant id -> its figures, in the order measured; and the stdlib modules' added cost.
COLD: dict[str, ColdStart] = {}
ADDED: dict[str, ColdStart] = {}
# What each replacement and its standard-library counterpart cost per call, warm (seconds).
WARM_CALLS: dict[tuple[str, str], float] = {}


def _cold_table(write: Any) -> None:
    seed = COLD.get("seed")
    write(
        f"{'':46}{'in-process':>11}{'of which':>10}{'CPU':>9}{'peak RSS':>10}{'launch to':>11}"
        f"{'seed/this':>11}{'CPU':>7}{'warm':>9}{'n':>4}"
    )
    write(
        f"{'':46}{'cold':>11}{'import':>10}{'':>9}{'VmHWM':>10}{'1st answer':>11}"
        f"{'in-process':>11}{'':>7}{'p50':>9}{'':>4}"
    )
    for name, variant in COLD.items():
        compared = seed is not None and name != "runtime"  # the runtime alone has no cold start of its own
        ratio = f"{seed.in_process / variant.in_process:.1f}x" if compared else "-"
        cpu_ratio = f"{seed.cpu / variant.cpu:.1f}x" if compared else "-"
        write(
            f"{variant.label:46}{variant.in_process * 1e3:>8.1f} ms{variant.init * 1e3:>7.1f} ms"
            f"{variant.cpu * 1e3:>6.1f} ms{variant.peak_kib / 1024:>6.1f} MiB{variant.whole * 1e3:>8.0f} ms"
            f"{ratio:>11}{cpu_ratio:>7}{_warm(variant):>9}{variant.rounds:>4}"
        )


def _warm(variant: ColdStart) -> str:
    return f"{variant.warm * 1e6:.0f} µs" if variant.warm else "-"


def _added_table(write: Any) -> None:
    ours = COLD.get("ours-post")
    write(f"{'put back':46}{'adds':>10}{'CPU':>10}{'of POST /uploads cold':>24}")
    for added in ADDED.values():
        share = f"{added.then / ours.in_process:.0%}" if ours else "-"
        write(f"{added.label:46}{added.then * 1e3:>7.2f} ms{added.then_cpu * 1e3:>7.2f} ms{share:>24}")


def _warm_calls_table(write: Any) -> None:
    write(f"{'per call, warm':46}{'ours':>10}{'stdlib':>10}")
    for name in dict.fromkeys(name for name, _ in WARM_CALLS):
        ours, stdlib = WARM_CALLS.get((name, "ours")), WARM_CALLS.get((name, "stdlib"))
        cells = "".join(f"{value * 1e6:>7.2f} µs" if value is not None else f"{'-':>10}" for value in (ours, stdlib))
        write(f"{name:46}{cells}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    tables = (
        (COLD, "cold start as Lambda runs it: medians of fresh processes, this run", _cold_table),
        (ADDED, "each cold-path replacement: what putting the standard library back adds", _added_table),
        (WARM_CALLS, "each cold-path replacement, warm: one call, best of 7 x 2 000", _warm_calls_table),
        (FIGURES, "signing: seed vs botocore signer vs our signer", _signing_table),
        (THROUGHPUTS, "checksums and the client's throughput (medians)", _throughput_table),
        (PAGE_FIGURES, "checksums in the page", _page_table),
    )
    for figures, title, table in tables:
        if figures:
            terminalreporter.section(title)
            table(terminalreporter.write_line)

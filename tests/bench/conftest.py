"""Collects the benchmarks' figures (signing; the page's checksums) and prints them as tables at the end."""

from __future__ import annotations

import statistics

import pytest

# (measure, variant) -> value; filled by test_signing_bench.py.
FIGURES: dict[tuple[str, str], float] = {}
VARIANTS = (("seed", "seed"), ("boto3", "botocore signer"), ("ours", "our signer"))


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


def record(measure: str, variant: str, value: float) -> None:
    """Keep one figure for the summary table."""
    FIGURES[(measure, variant)] = value


def median(values: list[float]) -> float:
    return statistics.median(values)


def _cell(measure: str, variant: str, unit: str) -> str:
    value = FIGURES.get((measure, variant))
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value * 1e3:.1f} ms"
    if unit == "us":
        return f"{value * 1e6:.0f} µs"
    if unit == "s":
        return f"{value:.3f} s"
    return f"{value / 1024:.1f} MiB"


def _ratio(measure: str, variant: str) -> str:
    theirs, ours = FIGURES.get((measure, variant)), FIGURES.get((measure, "ours"))
    return f"{theirs / ours:.1f}x" if theirs and ours else "-"


def page_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.section(f"checksums in the page: Chromium {PAGE_FIGURES.get('chromium', '?')}, 256 MiB")
    for variant, label in PAGE_ROWS:
        value = PAGE_FIGURES.get(variant)
        if isinstance(value, float):
            terminalreporter.write_line(f"{label:78}{value:>8.0f} MiB/s")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if PAGE_FIGURES:
        page_summary(terminalreporter)
    if not FIGURES:
        return
    rows = [
        ("cold start, first POST /uploads, net of bare python", "cold", "ms"),
        ("  our signer compiling its source (as from the zip)", "cold-source", "ms"),
        ("  of which the stdlib modules it imports, alone", "cold-stdlib", "ms"),
        ("cold start CPU time (user+sys), net of bare python", "cold-cpu", "ms"),
        ("  our signer compiling its source (as from the zip)", "cold-source-cpu", "ms"),
        ("  of which the stdlib modules it imports, alone", "cold-stdlib-cpu", "ms"),
        ("warm POST /uploads in-process, p50", "warm", "us"),
        ("10 000 part URLs through the handler (10 pages)", "parts", "s"),
        ("peak RSS after answering POST /uploads", "rss", "KiB"),
    ]
    write = terminalreporter.write_line
    terminalreporter.section("signing: seed vs botocore signer vs our signer")
    if ("cold", "bare") in FIGURES:
        wall, cpu = FIGURES[("cold", "bare")] * 1e3, FIGURES[("cold-cpu", "bare")] * 1e3
        write(f"bare interpreter start (python -c pass): {wall:.1f} ms, {cpu:.1f} ms CPU (subtracted)")
    if ("rss", "bare") in FIGURES:
        write(f"bare interpreter peak RSS: {FIGURES[('rss', 'bare')] / 1024:.1f} MiB (not subtracted)")
    header = f"{'':54}{'seed':>12}{'botocore':>12}{'ours':>12}{'seed/ours':>11}{'boto/ours':>11}"
    write(header)
    for label, measure, unit in rows:
        if not any((measure, variant) in FIGURES for variant, _ in VARIANTS):
            continue
        cells = "".join(f"{_cell(measure, variant, unit):>12}" for variant, _ in VARIANTS)
        write(f"{label:54}{cells}{_ratio(measure, 'seed'):>11}{_ratio(measure, 'boto3'):>11}")

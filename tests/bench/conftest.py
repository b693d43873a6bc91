"""Collects the signing benchmarks' figures and prints them side by side with their ratios, and
the checksum benchmarks' throughputs in a table of their own."""

from __future__ import annotations

import statistics

import pytest

# (measure, variant) -> value; filled by test_signing_bench.py.
FIGURES: dict[tuple[str, str], float] = {}
VARIANTS = (("seed", "seed"), ("boto3", "botocore signer"), ("ours", "our signer"))


# what -> (MiB per second, seconds); filled by test_checksum_bench.py.
THROUGHPUTS: dict[str, tuple[float, float]] = {}


def record(measure: str, variant: str, value: float) -> None:
    """Keep one figure for the summary table."""
    FIGURES[(measure, variant)] = value


def record_throughput(what: str, mib: float, seconds: float) -> None:
    """Keep one throughput (``mib`` MiB in ``seconds``, a median) for the checksum table."""
    THROUGHPUTS[what] = (mib / seconds, seconds)


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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if THROUGHPUTS:
        terminalreporter.section("checksums and the client's throughput (medians)")
        for what, (rate, seconds) in THROUGHPUTS.items():
            terminalreporter.write_line(f"{what:78}{rate:>10,.1f} MiB/s{seconds:>10.3f} s")
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

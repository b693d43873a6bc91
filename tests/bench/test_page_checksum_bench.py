"""What the uploader page's checksums cost in Chromium: CRC64NVME next to SHA-256, on 256 MiB.

Run with `nox -s bench -- tests/bench/test_page_checksum_bench.py` (no local stack needed:
the page's directory is served on loopback and Debian's Chromium runs headless). The page
makes 256 MiB of random bytes once (a Blob, as a chosen file is), then each variant hashes that
same Blob; the page times itself with performance.now() and a table of MiB/s (medians of the
rounds) is printed at the end. Nothing here asserts a time.

- CRC64NVME through the page's worker (crc64nvme-worker.js, reading the Blob chunk by chunk):
  what the page pays, reads included, at a few chunk sizes (2 MiB is the worker's);
- what a multipart upload hashes before it starts: the whole file and each 5 MiB part, in two
  workers at once (the page's crc64nvmeOf);
- the vendored Crc64NvmeJs alone, over bytes already in memory (no reads): the CRC's own speed;
- SHA-256 with crypto.subtle.digest over the same bytes in memory, and with the read of the
  whole Blob first (what the page does for a single PUT: file.arrayBuffer(), then digest).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright
from pytest_benchmark.fixture import BenchmarkFixture

from devtools.served_stack import UPLOADER_DIR
from devtools.static_site import static_site
from tests.bench.conftest import record_page_figure
from tests.browser.conftest import CHROMIUM_ARGS, HOW_TO_GET_CHROMIUM, chromium_path

MiB = 1024 * 1024
DATA_MIB = 256
ROUNDS = 3

MAKE_DATA = """async (mib) => {
  // 64 KiB at a time: getRandomValues' limit. One Blob, hashed by every variant.
  const chunks = [];
  for (let i = 0; i < mib * 16; i += 1) chunks.push(crypto.getRandomValues(new Uint8Array(65536)));
  window.benchData = new Blob(chunks);
  return window.benchData.size;
}"""

# The page's own worker, as uploader.js drives it: each worker gets its ranges of the Blob.
IN_WORKERS = """async ({jobs, chunkSize}) => {
  const run = (ranges) => new Promise((resolve, reject) => {
    const worker = new Worker("crc64nvme-worker.js", {type: "module"});
    worker.onmessage = ({data}) => {
      if (data.crcs) { worker.terminate(); resolve(data.crcs); }
      else if (data.error) { worker.terminate(); reject(new Error(data.error)); }
    };
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage({file: window.benchData, ranges, chunkSize});
  });
  const started = performance.now();
  const crcs = await Promise.all(jobs.map(run));
  return {ms: performance.now() - started, crc: crcs[0][0]};
}"""

CRC_IN_MEMORY = """async () => {
  const {Crc64NvmeJs} = await import("./vendor/aws-sdk-checksums/Crc64NvmeJs.js");
  const bytes = new Uint8Array(await window.benchData.arrayBuffer());
  const crc = new Crc64NvmeJs();
  const started = performance.now();
  crc.update(bytes);
  const digest = await crc.digest();
  const ms = performance.now() - started;
  return {ms, crc: btoa(String.fromCharCode(...digest))};
}"""

SHA256 = """async (withRead) => {
  let bytes = withRead ? null : await window.benchData.arrayBuffer();
  const started = performance.now();
  if (withRead) bytes = await window.benchData.arrayBuffer();
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return {ms: performance.now() - started, crc: digest.byteLength};
}"""


@pytest.fixture(scope="module")
def bench_page() -> Iterator[Page]:
    """Headless Chromium on the uploader's directory, with the 256 MiB Blob made."""
    executable = chromium_path()
    if executable is None:
        pytest.skip(f"SKIPPED page checksum benchmark: Chromium is not installed: {HOW_TO_GET_CHROMIUM}")
    with (
        static_site(UPLOADER_DIR, {"config.json": b"{}"}) as origin,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{origin}/index.html")
        assert page.evaluate(MAKE_DATA, DATA_MIB) == DATA_MIB * MiB
        record_page_figure("chromium", browser.version)
        yield page
        browser.close()


def whole_and_parts(size: int, part_size: int) -> list[list[list[int]]]:
    """The two workers' jobs of a multipart upload: the whole file; each part."""
    return [[[0, size]], [[start, min(size, start + part_size)] for start in range(0, size, part_size)]]


VARIANTS: dict[str, tuple[str, Any]] = {
    "crc64nvme-worker-512KiB": (IN_WORKERS, {"jobs": [[[0, DATA_MIB * MiB]]], "chunkSize": 512 * 1024}),
    "crc64nvme-worker-2MiB": (IN_WORKERS, {"jobs": [[[0, DATA_MIB * MiB]]], "chunkSize": 2 * MiB}),
    "crc64nvme-worker-8MiB": (IN_WORKERS, {"jobs": [[[0, DATA_MIB * MiB]]], "chunkSize": 8 * MiB}),
    "crc64nvme-multipart-two-workers": (IN_WORKERS, {"jobs": whole_and_parts(DATA_MIB * MiB, 5 * MiB), "chunkSize": 0}),
    "crc64nvme-in-memory": (CRC_IN_MEMORY, None),
    "sha256-in-memory": (SHA256, False),
    "sha256-with-read": (SHA256, True),
}


# The CRC64NVME each variant computed: they must all agree.
CRCS: set[str] = set()


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_page_checksum_throughput(benchmark: BenchmarkFixture, bench_page: Page, variant: str) -> None:
    script, argument = VARIANTS[variant]
    results: list[dict[str, Any]] = []

    def hash_once() -> None:
        results.append(bench_page.evaluate(script, argument))

    benchmark.pedantic(hash_once, rounds=ROUNDS, iterations=1, warmup_rounds=1)
    milliseconds = statistics.median(result["ms"] for result in results)
    mib_per_second = DATA_MIB / (milliseconds / 1000)
    benchmark.extra_info["MiB_per_second_median_in_page"] = round(mib_per_second, 1)
    record_page_figure(variant, mib_per_second)
    # Every round hashed the same bytes to the same value, and every CRC64NVME variant to one.
    assert len({str(result["crc"]) for result in results}) == 1
    if variant.startswith("crc64nvme"):
        CRCS.add(results[0]["crc"])
        assert len(CRCS) == 1

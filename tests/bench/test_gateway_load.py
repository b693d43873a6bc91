"""The local gateway under concurrent clients: throughput, latency and connection errors.

Run with `nox -s bench -- tests/bench/test_gateway_load.py -s`. 16, 32 and 64 client threads
each send a bounded number of `POST /uploads` (the demo user's ID token, the real zip in warm
workers, on loopback), one new connection per request so every request also goes through the
gateway's accept queue. The figures are reported, never asserted; a connection error or an
answer other than 201 fails the test, because that is correctness, not speed.

The clients run in the test's own process, beside the gateway, and share its interpreter lock:
the figures are a floor for what the gateway holds, not what it would serve to other processes.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

REQUESTS_PER_CLIENT = 25
BODY = json.dumps({"content_type": "text/plain", "size": 100, "filename": "load.txt"})


@dataclass
class ClientRun:
    """What one client saw."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    connection_errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LoadReport:
    clients: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    connection_errors: int
    statuses: dict[int, int]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def one_client(host: str, port: int, path: str, headers: dict[str, str], start: threading.Barrier) -> ClientRun:
    run = ClientRun()
    start.wait()
    for _ in range(REQUESTS_PER_CLIENT):
        began = time.perf_counter()
        connection = http.client.HTTPConnection(host, port, timeout=60)
        try:
            connection.request("POST", path, body=BODY, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            run.connection_errors.append(f"{type(error).__name__}: {error}")
            continue
        finally:
            connection.close()
        run.latencies.append(time.perf_counter() - began)
        run.statuses[response.status] += 1
    return run


def drive(api_url: str, auth: dict[str, str], clients: int) -> LoadReport:
    url = urlsplit(api_url)
    assert url.hostname in ("127.0.0.1", "localhost")  # loopback only
    headers = {"Content-Type": "application/json", **auth}
    path = f"{url.path}/uploads"
    start = threading.Barrier(clients + 1)
    runs: list[ClientRun] = []
    lock = threading.Lock()

    def client() -> None:
        run = one_client(url.hostname or "127.0.0.1", url.port or 80, path, headers, start)
        with lock:
            runs.append(run)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    latencies = sorted(latency for run in runs for latency in run.latencies)
    statuses: Counter[int] = Counter()
    for run in runs:
        statuses.update(run.statuses)
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    return LoadReport(
        clients=clients,
        requests=len(latencies),
        seconds=seconds,
        p50_ms=quantiles[49] * 1000,
        p99_ms=quantiles[98] * 1000,
        max_ms=latencies[-1] * 1000,
        connection_errors=sum(len(run.connection_errors) for run in runs),
        statuses=dict(statuses),
    )


@pytest.mark.parametrize("clients", [16, 32, 64])
def test_concurrent_clients_through_the_gateway(
    benchmark: BenchmarkFixture, api_url: str, auth: dict[str, str], clients: int
) -> None:
    """POST /uploads from ``clients`` concurrent clients, REQUESTS_PER_CLIENT each (the demo user
    signed in once for the session, outside the measured time)."""
    drive(api_url, auth, 4)  # warm a few workers and the token check first
    report = benchmark.pedantic(drive, args=(api_url, auth, clients), rounds=1, iterations=1)
    benchmark.extra_info.update(
        {
            "clients": report.clients,
            "requests": report.requests,
            "requests_per_second": round(report.per_second, 1),
            "p50_ms": round(report.p50_ms, 1),
            "p99_ms": round(report.p99_ms, 1),
            "max_ms": round(report.max_ms, 1),
            "connection_errors": report.connection_errors,
        }
    )
    print(
        f"\n{clients} clients: {report.requests} requests in {report.seconds:.2f} s, "
        f"{report.per_second:.0f} requests/s, p50 {report.p50_ms:.1f} ms, p99 {report.p99_ms:.1f} ms, "
        f"max {report.max_ms:.1f} ms, {report.connection_errors} connection errors, statuses {report.statuses}"
    )
    assert report.connection_errors == 0
    assert report.statuses == {201: clients * REQUESTS_PER_CLIENT}

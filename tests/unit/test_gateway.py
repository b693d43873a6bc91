"""The local gateway answers like API Gateway REST, around a fake function with every failure mode."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from devtools.gateway.api_model import DeployedApi, Method, MockIntegration, Resource
from devtools.gateway.server import GatewayConfig, RunningGateway, _GatewayServer, serve
from devtools.gateway.worker import WorkerPool
from devtools.ports import LOOPBACK, free_port

pytestmark = pytest.mark.tooling

FIXTURES = Path(__file__).parent.parent / "fixtures"

FAKE_FUNCTION = """
import base64, json, os, time

def handler(event, context):
    action = (event.get("pathParameters") or {}).get("action")
    if action == "crash":
        os._exit(3)
    if action == "sleep":
        time.sleep(30)
    if action == "raise":
        raise ValueError("boom")
    if action == "malformed":
        return {"statusCode": "two hundred"}
    if action == "binary":
        body = base64.b64encode(bytes(range(256))).decode()
        return {"statusCode": 200, "headers": {"Content-Type": "application/octet-stream"},
                "body": body, "isBase64Encoded": True}
    if action == "cookies":
        return {"statusCode": 201, "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]}, "body": ""}
    print("a print must not break the protocol")
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"event": event, "pid": os.getpid(), "request_id": context.aws_request_id})}
"""


def fake_pool(directory: Path, **options: Any) -> WorkerPool:
    """A worker pool running :data:`FAKE_FUNCTION`, written into ``directory``."""
    (directory / "fake_function.py").write_text(FAKE_FUNCTION)
    return WorkerPool(directory, "fake_function.handler", {"PATH": "/usr/bin:/bin"}, **options)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    code_dir = tmp_path_factory.mktemp("code")
    proxy = Method("ANY", "AWS_PROXY", function_name="fake")
    api = DeployedApi(
        api_id="abc123",
        stage="v1",
        resources=(
            Resource("/echo", {"ANY": proxy}),
            Resource("/do/{action}", {"GET": Method("GET", "AWS_PROXY", function_name="fake")}),
            Resource("/files/{key+}", {"GET": Method("GET", "AWS_PROXY", function_name="fake")}),
            Resource(
                "/mocked",
                {"OPTIONS": Method("OPTIONS", "MOCK", mock=MockIntegration(200, {"Access-Control-Max-Age": "60"}))},
            ),
        ),
    )
    pool = fake_pool(code_dir, timeout=1.0)
    with serve(GatewayConfig(api=api, pools={"fake": pool})) as running:
        yield running


def echo(gateway: RunningGateway, response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_the_event_has_the_documented_shape(gateway: RunningGateway) -> None:
    published = json.loads((FIXTURES / "apigw-rest-proxy-event.json").read_text())
    event = echo(gateway, requests.get(f"{gateway.stage_url}/echo", timeout=10))["event"]
    assert set(event) == set(published) - {"_comment"}
    assert set(event["requestContext"]) == set(published["requestContext"])
    assert set(event["requestContext"]["identity"]) == set(published["requestContext"]["identity"])
    assert event["resource"] == "/echo"
    assert event["path"] == "/echo"
    assert event["httpMethod"] == "GET"
    assert event["requestContext"]["stage"] == "v1"
    assert event["requestContext"]["resourcePath"] == "/echo"
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert event["body"] is None
    assert event["isBase64Encoded"] is False


def test_the_request_id_reaches_the_function_context(gateway: RunningGateway) -> None:
    answer = echo(gateway, requests.get(f"{gateway.stage_url}/echo", timeout=10))
    assert answer["request_id"] == answer["event"]["requestContext"]["requestId"]


def test_text_bodies_travel_as_text(gateway: RunningGateway) -> None:
    answer = echo(gateway, requests.post(f"{gateway.stage_url}/echo", json={"a": "ü"}, timeout=10))
    assert answer["event"]["body"] == '{"a": "\\u00fc"}'
    assert answer["event"]["isBase64Encoded"] is False


def test_binary_bodies_travel_base64(gateway: RunningGateway) -> None:
    data = bytes(range(256))
    answer = echo(gateway, requests.post(f"{gateway.stage_url}/echo", data=data, timeout=10))
    assert answer["event"]["isBase64Encoded"] is True
    assert base64.b64decode(answer["event"]["body"]) == data


def test_multi_value_headers_and_query_strings(gateway: RunningGateway) -> None:
    host, port = gateway.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest("GET", "/v1/echo?tag=a&tag=b&single=1&empty=")
    connection.putheader("X-Tag", "one")
    connection.putheader("X-Tag", "two")
    connection.endheaders()
    event = json.loads(connection.getresponse().read())["event"]
    connection.close()
    assert event["multiValueHeaders"]["X-Tag"] == ["one", "two"]
    assert event["headers"]["X-Tag"] == "two"  # the single-value map holds the last value
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"], "single": ["1"], "empty": [""]}
    assert event["queryStringParameters"] == {"tag": "b", "single": "1", "empty": ""}


def test_path_parameters_including_greedy_ones(gateway: RunningGateway) -> None:
    event = echo(gateway, requests.get(f"{gateway.stage_url}/files/a/b%20c.txt", timeout=10))["event"]
    assert event["resource"] == "/files/{key+}"
    assert event["pathParameters"] == {"key": "a/b c.txt"}
    event = echo(gateway, requests.get(f"{gateway.stage_url}/files/%0Aa/b%0A", timeout=10))["event"]
    assert event["pathParameters"] == {"key": "\na/b\n"}


def test_base64_answers_are_decoded(gateway: RunningGateway) -> None:
    response = requests.get(f"{gateway.stage_url}/do/binary", timeout=10)
    assert response.status_code == 200
    assert response.content == bytes(range(256))


def test_multi_value_answer_headers(gateway: RunningGateway) -> None:
    response = requests.get(f"{gateway.stage_url}/do/cookies", timeout=10)
    assert response.status_code == 201
    assert response.raw.headers.getlist("Set-Cookie") == ["a=1", "b=2"]


def test_workers_stay_warm(gateway: RunningGateway) -> None:
    first = echo(gateway, requests.get(f"{gateway.stage_url}/echo", timeout=10))["pid"]
    second = echo(gateway, requests.get(f"{gateway.stage_url}/echo", timeout=10))["pid"]
    assert first == second


def test_a_crash_is_502_and_a_fresh_worker_follows(gateway: RunningGateway) -> None:
    before = echo(gateway, requests.get(f"{gateway.stage_url}/echo", timeout=10))["pid"]
    response = requests.get(f"{gateway.stage_url}/do/crash", timeout=10)
    assert response.status_code == 502
    assert response.json() == {"message": "Internal server error"}
    after = echo(gateway, requests.get(f"{gateway.stage_url}/echo", timeout=10))["pid"]
    assert after != before


@pytest.mark.parametrize("action", ["raise", "malformed"])
def test_a_failed_or_malformed_answer_is_502(gateway: RunningGateway, action: str) -> None:
    response = requests.get(f"{gateway.stage_url}/do/{action}", timeout=10)
    assert response.status_code == 502
    assert response.json() == {"message": "Internal server error"}


def test_past_the_timeout_is_504(gateway: RunningGateway) -> None:
    response = requests.get(f"{gateway.stage_url}/do/sleep", timeout=10)
    assert response.status_code == 504
    assert response.json() == {"message": "Endpoint request timed out"}
    assert requests.get(f"{gateway.stage_url}/echo", timeout=10).status_code == 200


@pytest.mark.parametrize("path", ["/v1/nope", "/v2/echo", "/v1/do/x/y", "/v1/mocked"])
def test_unknown_routes_are_403_missing_authentication_token(gateway: RunningGateway, path: str) -> None:
    response = requests.get(f"{gateway.base_url}{path}", timeout=10)
    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "QUERY", "PROPFIND", "FOO"])
@pytest.mark.parametrize("path", ["/v1/echo", "/v1/do/x", "/v1/nope"])
def test_a_method_api_gateway_does_not_have_is_403_missing_authentication_token_in_json(
    gateway: RunningGateway, method: str, path: str
) -> None:
    # ANY on /echo covers API Gateway's seven methods only: the function never sees these.
    response = requests.request(method, f"{gateway.base_url}{path}", timeout=10)
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"message": "Missing Authentication Token"}
    assert requests.get(f"{gateway.stage_url}/echo", timeout=10).status_code == 200  # the connection lives on


def test_mock_integrations_answer_from_their_integration_response(gateway: RunningGateway) -> None:
    response = requests.options(f"{gateway.stage_url}/mocked", timeout=10)
    assert response.status_code == 200
    assert response.headers["Access-Control-Max-Age"] == "60"


def test_a_body_over_api_gateways_cap_is_413_and_the_connection_closes(gateway: RunningGateway) -> None:
    host, port = gateway.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest("POST", "/v1/echo")
    connection.putheader("Content-Length", str(10 * 1024 * 1024 + 1))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    assert json.loads(response.read()) == {"message": "Request Too Long"}
    assert response.getheader("Connection") == "close"
    connection.close()


def test_closing_the_pool_stops_every_worker(tmp_path: Path) -> None:
    pool = fake_pool(tmp_path, timeout=5.0)
    event = {"path": "/echo", "pathParameters": None, "requestContext": {}}
    assert pool.invoke(event, "r1").response is not None
    processes = [worker._process for worker in pool._all]  # what the pool owns
    pool.close()
    assert processes
    assert all(process.poll() is not None for process in processes)


@pytest.fixture(scope="module")
def keyed_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    code_dir = tmp_path_factory.mktemp("keyed")
    keyed = Method("ANY", "AWS_PROXY", function_name="fake", api_key_required=True)
    api = DeployedApi(api_id="abc123", stage="v1", resources=(Resource("/echo", {"ANY": keyed}),))
    pool = fake_pool(code_dir, timeout=5.0)
    with serve(GatewayConfig(api=api, pools={"fake": pool}, api_keys=frozenset({"the-right-key"}))) as running:
        yield running


@pytest.mark.parametrize(
    ("headers", "status"), [({}, 403), ({"x-api-key": "wrong"}, 403), ({"x-api-key": "the-right-key"}, 200)]
)
def test_api_keys_are_checked_when_required(
    keyed_gateway: RunningGateway, headers: dict[str, str], status: int
) -> None:
    response = requests.get(f"{keyed_gateway.stage_url}/echo", headers=headers, timeout=10)
    assert response.status_code == status
    if status == 403:
        assert response.json() == {"message": "Forbidden"}


def test_a_cognito_method_without_a_verifier_or_token_is_401(tmp_path: Path) -> None:
    guarded = Method("ANY", "AWS_PROXY", function_name="fake", authorization="COGNITO_USER_POOLS")
    api = DeployedApi(api_id="abc123", stage="v1", resources=(Resource("/echo", {"ANY": guarded}),))
    pool = fake_pool(tmp_path, timeout=5.0)
    with serve(GatewayConfig(api=api, pools={"fake": pool})) as running:
        response = requests.get(f"{running.stage_url}/echo", headers={"Authorization": "x.y.z"}, timeout=10)
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}


def fake_api() -> DeployedApi:
    return DeployedApi(
        api_id="abc123",
        stage="v1",
        resources=(Resource("/echo", {"ANY": Method("ANY", "AWS_PROXY", function_name="f")}),),
    )


def request_on(sock: socket.socket) -> bytes:
    """One GET /v1/echo on an open socket; the whole answer (the gateway closes after it)."""
    sock.sendall(b"GET /v1/echo HTTP/1.1\r\nHost: local\r\nConnection: close\r\n\r\n")
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    return answer


def test_a_burst_of_connections_waits_in_the_backlog_and_none_is_reset(tmp_path: Path) -> None:
    # Connect 64 clients before the gateway accepts any: they must all complete the handshake
    # from the listen backlog (socketserver's default of 5 drops SYNs: a 1 s stall each), then
    # all be answered once it serves.
    pool = fake_pool(tmp_path, timeout=5.0, max_workers=2)
    server = _GatewayServer((LOOPBACK, free_port()), GatewayConfig(api=fake_api(), pools={"f": pool}))
    sockets: list[socket.socket] = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    try:
        for _ in range(64):
            # Well under the first SYN retransmission (1 s): a dropped SYN fails here.
            sockets.append(socket.create_connection(server.server_address[:2], timeout=0.5))
        for sock in sockets:
            sock.settimeout(10)
        thread.start()
        with ThreadPoolExecutor(max_workers=64) as clients:
            answers = list(clients.map(request_on, sockets))
    finally:
        if thread.is_alive():
            server.shutdown()  # waits for serve_forever: only once it runs
        server.server_close()
        pool.close()
        for sock in sockets:
            sock.close()
    assert [answer.split(b"\r\n", 1)[0] for answer in answers] == [b"HTTP/1.1 200 OK"] * 64


def test_concurrent_requests_queue_for_a_bounded_number_of_warm_workers(tmp_path: Path) -> None:
    pool = fake_pool(tmp_path, timeout=5.0, max_workers=2)
    with serve(GatewayConfig(api=fake_api(), pools={"f": pool})) as running:

        def client(_: int) -> list[int]:
            with requests.Session() as session:
                return [session.get(f"{running.stage_url}/echo", timeout=30).status_code for _ in range(4)]

        with ThreadPoolExecutor(max_workers=64) as clients:
            statuses = [status for answers in clients.map(client, range(64)) for status in answers]
        assert pool.size <= 2
    assert statuses == [200] * 256


def test_a_request_that_finds_no_free_worker_in_time_is_504(tmp_path: Path) -> None:
    pool = fake_pool(tmp_path, timeout=5.0, max_workers=1, queue_timeout=0.2)
    sleeper = {"path": "/do/sleep", "pathParameters": {"action": "sleep"}, "requestContext": {}}
    with ThreadPoolExecutor(max_workers=1) as background:
        busy = background.submit(pool.invoke, sleeper, "r1")  # holds the only worker for 5 s
        time.sleep(0.5)
        queued = pool.invoke({"path": "/echo", "pathParameters": None, "requestContext": {}}, "r2")
        assert (queued.failure, queued.detail) == ("timeout", "no worker was free within 0.2 s")
        pool.close()
        assert busy.result().failure == "crash"


def test_the_gateway_s_own_answers_carry_the_deployed_gateway_responses(tmp_path: Path) -> None:
    # As terraform/modules/api deploys them: CORS on DEFAULT_4XX/5XX, so a page sees the 401.
    guarded = Method("ANY", "AWS_PROXY", function_name="fake", authorization="COGNITO_USER_POOLS")
    cors = {"Access-Control-Allow-Origin": "method.request.header.Origin", "Vary": "'Origin'"}
    api = DeployedApi(
        api_id="abc123",
        stage="v1",
        resources=(Resource("/echo", {"ANY": guarded}),),
        gateway_responses={"DEFAULT_4XX": cors, "DEFAULT_5XX": cors},
    )
    pool = fake_pool(tmp_path, timeout=5.0)
    origin = {"Origin": "https://app.example.com"}
    with serve(GatewayConfig(api=api, pools={"fake": pool})) as running:
        unauthorized = requests.get(f"{running.stage_url}/echo", headers=origin, timeout=10)
        unknown = requests.get(f"{running.stage_url}/nope", headers=origin, timeout=10)
        no_origin = requests.get(f"{running.stage_url}/echo", timeout=10)
    for answer, status in ((unauthorized, 401), (unknown, 403)):
        assert answer.status_code == status
        assert answer.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
        assert answer.headers["Vary"] == "Origin"
    assert "Access-Control-Allow-Origin" not in no_origin.headers

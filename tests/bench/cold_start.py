"""Run by the cold-start bench in a fresh process: a Lambda cold start as the Python runtime runs it.

``python cold_start.py <module.function> <event JSON file> [<statement>]``

1. The runtime's own work before the handler: ``awslambdaric`` (the runtime interface client
   Lambda's managed Python runtimes run) imported as its ``__main__`` imports it, and the logging
   its ``bootstrap.run`` sets up before it imports the handler (JSON format, as the function's
   Terraform configures it). Not timed: a cold start pays it whatever the handler.
2. Timed, in-process (wall and CPU): the handler found as the bootstrap finds it
   (``bootstrap._get_handler``, the same ``importlib.import_module``), then the first event answered
   as ``bootstrap.handle_event_request`` does (context, unmarshalled event, handler, marshalled answer).
3. With ``COLD_START_LAUNCHED=<time.monotonic() of the parent>``: the time from the parent's launch
   of the process to the first answer, the whole cold start.
4. With ``COLD_START_WARM_CALLS=<n>`` in the environment: the same event answered ``n`` more times,
   warm, in the same process (the runtime's JSON logging on, as deployed); their median is reported.
5. With a ``<statement>``: that statement run and timed after the answer (what loading one more
   module would add to this cold start).

The last line printed is JSON: the status, the seconds of each part, and the peak resident set
size in KiB, ``VmHWM`` from /proc/self/status: ``getrusage``'s ``ru_maxrss`` survives ``execve``,
so a process started by pytest would report at least pytest's own peak.
"""

import json
import os
import statistics
import sys
import time

import awslambdaric.__main__  # noqa: F401 - what the runtime imports before anything else
from awslambdaric import bootstrap
from awslambdaric.lambda_runtime_marshaller import LambdaMarshaller

bootstrap._setup_logging(bootstrap._AWS_LAMBDA_LOG_FORMAT, bootstrap._AWS_LAMBDA_LOG_LEVEL, bootstrap.StandardLogSink())


def peak_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main(handler_name: str, event_path: str, statement: str | None) -> None:
    with open(event_path, "rb") as event_file:
        event_body = event_file.read()
    marshaller = LambdaMarshaller()

    wall, cpu = time.perf_counter(), time.process_time()
    handler = bootstrap._get_handler(handler_name)
    init_wall, init_cpu = time.perf_counter() - wall, time.process_time() - cpu

    wall, cpu = time.perf_counter(), time.process_time()
    context = bootstrap.create_lambda_context(None, None, int(time.time() * 1000) + 10_000, "cold-start", None, None)
    response = handler(marshaller.unmarshal_request(event_body, "application/json"), context)
    marshaller.marshal_response(response)
    first_wall, first_cpu = time.perf_counter() - wall, time.process_time() - cpu
    # From the parent's launch of this process (CLOCK_MONOTONIC is one clock for the machine).
    since_launch = time.monotonic() - float(os.environ.get("COLD_START_LAUNCHED", "nan"))

    warm = []
    event = marshaller.unmarshal_request(event_body, "application/json")
    for _ in range(int(os.environ.get("COLD_START_WARM_CALLS", "0"))):
        wall = time.perf_counter()
        handler(event, context)
        warm.append(time.perf_counter() - wall)

    then_wall = then_cpu = 0.0
    if statement:
        code = compile(statement, "<statement>", "exec")  # not timed: only the statement's own work is
        wall, cpu = time.perf_counter(), time.process_time()
        exec(code, {})  # noqa: S102 - the bench's own statements
        then_wall, then_cpu = time.perf_counter() - wall, time.process_time() - cpu

    result = {
        "status": response["statusCode"],
        "init": init_wall,
        "init_cpu": init_cpu,
        "first": first_wall,
        "first_cpu": first_cpu,
        "since_launch": since_launch,
        "warm": statistics.median(warm) if warm else 0.0,
        "then": then_wall,
        "then_cpu": then_cpu,
        "peak_kib": peak_kib(),
    }
    sys.stdout.write("\n" + json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)

"""Run by the benchmarks in a fresh process: import a handler, answer one event, report.

``python cold_start.py <module> <event JSON>`` prints the answer's status code and the
process's peak resident set size in KiB, after the answer. On Linux that is ``VmHWM`` from
/proc/self/status: ``getrusage``'s ``ru_maxrss`` survives ``execve``, so a process started by
pytest would report at least pytest's own peak.
"""

import sys

# __import__, not importlib.import_module: importing the importlib package is the harness's cost
# (about 0.5 ms), not the handler's.
__import__(sys.argv[1])
handler = sys.modules[sys.argv[1]]
import json  # noqa: E402 - every handler imports it anyway; after, so it is theirs to pay

response = handler.lambda_handler(json.loads(sys.argv[2]), None)


def peak_kib() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


print(response["statusCode"], peak_kib())

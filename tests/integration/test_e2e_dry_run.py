"""The checks of `nox -s e2e-aws`, run against the local stack: the real-account path, exercised.

Only the deployment differs: the shared local stack (the complete example, with events on)
instead of the complete example in an account, and an expired URL made with the deployed
function's clock set back instead of by waiting out the expiry. The events check is e2e-aws's
with ``E2E_AWS_FEATURES=events``; the malware scan's needs GuardDuty, which no emulator has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from devtools.deployed_function import DeployedFunction
from devtools.e2e import EventsQueue, Report, run_checks
from devtools.past_clock import answer_in_the_past
from devtools.served_stack import ServedStack


@dataclass
class LocalTarget:
    served: ServedStack
    function: DeployedFunction

    @property
    def api_url(self) -> str:
        return self.served.api_url

    def auth_headers(self) -> dict[str, str]:
        return self.served.auth_headers()

    def expired_upload(self, request: dict[str, Any]) -> dict[str, Any]:
        return answer_in_the_past(self.function, self.served.id_token(), "POST", "/uploads", body=request)


def test_the_e2e_checks_pass_against_the_local_stack(served: ServedStack, function: DeployedFunction) -> None:
    said: list[str] = []
    events = EventsQueue(served.stack.client("sqs"), served.stack.outputs["events_queue_url"])
    run_checks(LocalTarget(served, function), Report(say=said.append), events=events)
    assert len(said) == 6, said
    assert all(line.startswith("  ok") for line in said)

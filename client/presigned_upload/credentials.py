"""``--token-command CMD``: the ID token is what a command prints, and the command runs again
when the API answers 401, so an upload can outlive one token (Cognito's last an hour at most).

In the spirit of kubectl's credential plugins and the AWS CLI's ``credential_process``: the
command line is split as a shell would (quotes and backslashes; no pipes or variables: use
``sh -c '...'`` for those) and run without a shell. It inherits the terminal's stdin and stderr,
so it can ask for a password or print a sign-in link, and prints the token alone on stdout.
Nothing it prints on stdout is ever shown.
"""

from __future__ import annotations

import shlex
import subprocess

TIMEOUT_SECONDS = 300.0  # time enough to sign in by hand


class TokenCommandFailed(Exception):
    """The command could not run, failed, or printed no token; the message says which."""


class TokenCommand:
    """Runs the command of ``--token-command`` and returns the token it printed."""

    def __init__(self, command: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self._argv = shlex.split(command)  # ValueError for unbalanced quotes
        if not self._argv:
            raise ValueError("the command is empty")
        self._name = self._argv[0]
        self._timeout = timeout

    def __call__(self) -> str:
        try:
            done = subprocess.run(self._argv, stdout=subprocess.PIPE, text=True, timeout=self._timeout, check=False)
        except OSError as error:
            raise TokenCommandFailed(f"cannot run {self._name}: {error.strerror}") from None
        except subprocess.TimeoutExpired:
            raise TokenCommandFailed(f"{self._name} printed no token within {self._timeout:.0f} s") from None
        if done.returncode != 0:
            raise TokenCommandFailed(f"{self._name} failed (exit code {done.returncode})")
        token = done.stdout.strip()
        if not token:
            raise TokenCommandFailed(f"{self._name} printed no token")
        if any(character.isspace() for character in token):
            raise TokenCommandFailed(f"{self._name} printed more than a token (it has spaces or several lines)")
        return token

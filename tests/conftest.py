"""Fixtures every test directory may use; the stack fixtures start nothing until a test asks."""

import os

# The client depends on awscrt (CRC64NVME), and with awscrt installed botocore signs with the
# AWS Common Runtime instead of its own Python signer. The tests compare the function's signer
# with botocore's Python one (the reference, with its clock pinned), and the function never
# runs with awscrt: keep this process's botocore on its own signer. botocore reads the switch
# once, at import; it is taken back at once, so the servers the tests start (LocalStack's S3
# computes CRC64NVME with awscrt) do not inherit it.
os.environ["BOTO_DISABLE_CRT"] = "true"
import botocore.auth  # noqa: F401 (imported for its side effect, under the switch)

del os.environ["BOTO_DISABLE_CRT"]

pytest_plugins = ["tests.stack_fixtures"]

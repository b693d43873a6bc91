"""Fixtures every test directory may use; the stack fixtures start nothing until a test asks."""

import os

# The client depends on awscrt (CRC64NVME), and with awscrt installed botocore signs with the
# AWS Common Runtime instead of its own Python signer. The tests compare the function's signer
# with botocore's Python one (the reference, with its clock pinned), and the function never
# runs with awscrt: keep botocore on its own signer. Read when botocore is first imported.
os.environ["BOTO_DISABLE_CRT"] = "true"

pytest_plugins = ["tests.stack_fixtures"]

"""Fixtures every test directory may use; the stack fixtures start nothing until a test asks."""

pytest_plugins = ["tests.stack_fixtures"]

"""A real `fancrm serve --dev` process per test (see tests/support/dev_server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.dev_server import DevServer, start_dev_server, stop


@pytest.fixture
def dev_server() -> Iterator[DevServer]:
    server = start_dev_server()
    yield server
    stop(server)

from __future__ import annotations

import os
import signal
import subprocess
import time

from tests.support.dev_server import FANCRM


def test_the_worker_stops_cleanly_on_sigterm() -> None:
    worker = subprocess.Popen(
        [FANCRM, "worker"],
        env={**os.environ, "JWT_SECRET": "w" * 32, "LOG_FORMAT": "json"},
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stderr is not None
    started = time.monotonic()
    while "worker started" not in worker.stderr.readline():
        assert time.monotonic() - started < 30, "the worker did not start"
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=15) == 0
    assert '"worker stopped"' in worker.stderr.read()

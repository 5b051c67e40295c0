"""The app as an import string for uvicorn: each `fancrm serve --workers N` process builds its own.

The parent process has already checked the configuration and the schema, so what each worker
reads from the same environment is valid.
"""

from __future__ import annotations

import os

from litestar import Litestar

from entrypoints.config import Settings
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.logs import configure_logging
from entrypoints.runtime import tune_garbage_collector


def app_from_environment() -> Litestar:
    settings = Settings.from_env(os.environ)
    configure_logging(settings.log_level, settings.log_format)
    # An in-memory queue is this process's own: only a worker inside it can drain it.
    app = create_app(build_container(settings), run_worker=settings.queue_backend == "memory")
    tune_garbage_collector()
    return app

"""The consumer Lambda's package: its size, and how long importing its handler takes.

The import is timed in fresh processes on a tree like the zip's (the locked wheels, for this
machine, and our packages), with `-S` so nothing else installed is on the path: without bytecode,
as the zip ships none and /var/task is read-only, and with it cached (a warm-up run first).

    python -m tests.bench.lambda_package SITE CODE   # the median of 5, e.g. on an older checkout
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

# What a cold start of the consumer imports besides the handler: the adapters it selects.
SELECTED_ADAPTERS = (
    "adapters.storage.database", "adapters.storage.migrator", "adapters.queue.sqs",
    "adapters.ratelimit.redis", "adapters.delivery.webhook", "adapters.metrics.cloudwatch",
)  # fmt: skip

_TIMED = """
import sys, time
sys.path[:0] = [{code!r}, {site!r}]
began = time.perf_counter()
import entrypoints.lambda_consumer.handler
for name in {also!r}:
    __import__(name)
print(time.perf_counter() - began)
"""


def sizes_mb(built: Path) -> tuple[float, float]:
    """Zipped and unzipped, in MB."""
    unzipped = sum(info.file_size for info in zipfile.ZipFile(built).infolist())
    return built.stat().st_size / 1e6, unzipped / 1e6


def install_locked(lock: Path, site: Path) -> None:
    """The locked wheels for this machine's Python, as the zip holds them for the Lambda's."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile",
         "--only-binary=:all:", "--target", str(site), "-r", str(lock)],
        check=True,
    )  # fmt: skip


def import_seconds(
    site: Path, code: Path, also: tuple[str, ...] = (), runs: int = 5, bytecode: bool = False
) -> float:
    """The median, over `runs` fresh processes, of importing the handler (and `also`)."""
    script = _TIMED.format(code=str(code), site=str(site), also=also)
    command = [sys.executable, "-S", "-c", script]
    with tempfile.TemporaryDirectory() as cache:
        env = {"PATH": "/usr/bin:/bin"}
        env |= {"PYTHONPYCACHEPREFIX": cache} if bytecode else {"PYTHONDONTWRITEBYTECODE": "1"}
        done = [
            subprocess.run(command, capture_output=True, text=True, env=env, check=True)
            for _ in range(runs + bytecode)
        ]
    return statistics.median(float(run.stdout) for run in done[int(bytecode) :])


if __name__ == "__main__":
    site, code = Path(sys.argv[1]), Path(sys.argv[2])
    for bytecode in (False, True):
        print(
            f"handler, bytecode {bytecode}: {import_seconds(site, code, bytecode=bytecode):.2f} s"
        )

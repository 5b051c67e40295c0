"""The import over real HTTP on a real `fancrm serve`: a chunked upload streams to disk (the
server's peak memory hardly moves for 80 MB), and one past IMPORT_MAX_BYTES is cut off at 413."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from entrypoints.http.auth import issue_token
from tests.support.dev_server import FANCRM, free_port, wait_until_listening

SECRET = "s" * 32
NOTES = "n" * 4000  # long rows: few of them, many bytes


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fancrm.db'}"
    env = {**os.environ, "DATABASE_URL": url, "JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING",
           "IMPORT_MAX_BYTES": str(90 * 1024 * 1024), "PORT": str(free_port())}  # fmt: skip
    subprocess.run([FANCRM, "db", "upgrade"], env=env, check=True, capture_output=True)
    process = subprocess.Popen([FANCRM, "serve"], env=env)
    try:
        wait_until_listening(int(env["PORT"]))
        yield f"http://127.0.0.1:{env['PORT']}", process
    finally:
        process.terminate()
        process.wait(timeout=15)


def multipart(rows: int) -> Iterator[bytes]:
    """A chunked body: no Content-Length, never whole in this process either."""
    yield b"--x\r\nContent-Disposition: form-data; name=dryRun\r\n\r\ntrue\r\n"
    yield b"--x\r\nContent-Disposition: form-data; name=file; filename=f.csv\r\n\r\nhandle,notes\n"
    for start in range(0, rows, 1000):
        yield "".join(f"fan{n},{NOTES}\n" for n in range(start, start + 1000)).encode()
    yield b"\r\n--x--\r\n"


def post(base: str, rows: int) -> httpx.Response:
    headers = {
        "Authorization": f"Bearer {issue_token(SECRET, 'creator-a')}",
        "Content-Type": "multipart/form-data; boundary=x",
    }
    return httpx.post(
        f"{base}/api/onlyfans/import/csv", content=multipart(rows), headers=headers, timeout=120
    )


def test_an_80_mb_upload_streams_to_disk_and_imports(server: tuple[str, subprocess.Popen[bytes]]):
    base, process = server
    post(base, 1000)  # warm up: the first import loads its code and fills caches
    before = peak_rss_mb(process.pid)

    response = post(base, 20_000)  # 20,000 rows of about 4 KB: 80 MB

    assert response.status_code == 201, response.text
    assert response.json()["summary"]["successfulInserts"] == 20_000
    grown = peak_rss_mb(process.pid) - before
    assert grown < 40, f"the server's peak memory grew by {grown:.0f} MB for an 80 MB upload"


def test_a_streamed_upload_past_the_cap_is_cut_off_with_413(
    server: tuple[str, subprocess.Popen[bytes]],
):
    base, _ = server

    response = post(base, 25_000)  # 100 MB, over the 90 MiB cap

    assert response.status_code == 413, response.text
    assert "IMPORT_MAX_BYTES" in response.json()["error"]

"""A real `fancrm serve --dev` process (or any `fancrm` one) on a free port, driven over HTTP."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

FANCRM = str(Path(sys.executable).parent / "fancrm")


@dataclass(frozen=True, slots=True)
class Login:
    email: str
    password: str


@dataclass
class DevServer:
    base_url: str
    token: str
    banner: list[str]
    process: subprocess.Popen[str]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def line_starting(self, prefix: str) -> str:
        return next(line.strip() for line in self.banner if line.strip().startswith(prefix))

    def logins(self) -> dict[str, Login]:
        """The demo people's printed logins by role (`owner`, `chatter`)."""
        printed = re.findall(
            r"^\s+(owner|chatter)\s+(\S+)\s+password: (\S+)$", "".join(self.banner), re.M
        )
        return {role: Login(email, password) for role, email, password in printed}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_dev_server(**env: str) -> DevServer:
    port = free_port()
    process = subprocess.Popen(
        [FANCRM, "serve", "--dev"],
        env={**os.environ, "PORT": str(port), "LOG_LEVEL": "WARNING", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    banner: list[str] = []
    deadline = time.monotonic() + 30
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            raise RuntimeError("dev server exited:\n" + "".join(banner))
        banner.append(line)
        if "API docs:" in line:
            break
    token = re.search(r"token: (\S+)", "".join(banner))
    assert token, "".join(banner)
    server = DevServer(f"http://127.0.0.1:{port}", token.group(1), banner, process)
    wait_until_listening(port)
    return server


def wait_until_listening(port: int) -> None:
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def stop(server: DevServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()

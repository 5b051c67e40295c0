"""Drive a server with wrk (C, so the load generator is not what is measured) and parse it."""

from __future__ import annotations

import json
import platform
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Load:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


def post_load(
    url: str, body: dict, headers: dict[str, str], seconds: int, connections: int
) -> Load:
    script = f"""
wrk.method = "POST"
wrk.body = {json.dumps(json.dumps(body))}
wrk.headers["Content-Type"] = "application/json"
{"".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" + chr(10) for k, v in headers.items())}
"""
    return _run(script, url, seconds, connections)


def get_load(url: str, headers: dict[str, str], seconds: int, connections: int) -> Load:
    script = "".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in headers.items()
    )
    return _run(script, url, seconds, connections)


def _run(script: str, url: str, seconds: int, connections: int) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", lua.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(lua.name).unlink()
    return Load(
        requests_per_s=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_latency(out, "50%"),
        p99_ms=_latency(out, "99%"),
        non_2xx=int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
    )


def _latency(out: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * _UNITS[unit]


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    cores = Path("/proc/cpuinfo").read_text().count("processor\t:")
    return f"{cpu}, {cores} cores, Python {platform.python_version()}, {platform.system()}"

"""uvicorn's HTTP protocol, with its own refusals in the API's error shape.

A request uvicorn cannot parse (a URL of a few hundred KB, a malformed request line) never
reaches the app: uvicorn answers it a plain-text 400 itself. This answers the same 400 as JSON,
`{"error": ..., "detail": null}`, like every other error.
"""

from __future__ import annotations

import msgspec
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol


class JsonErrorsHttpToolsProtocol(HttpToolsProtocol):
    def send_400_response(self, msg: str) -> None:
        body = msgspec.json.encode({"error": f"invalid HTTP request: {msg}", "detail": None})
        head = [STATUS_LINE[400]]
        for name, value in self.server_state.default_headers:
            head.extend([name, b": ", value, b"\r\n"])
        head.extend(
            [
                b"content-type: application/json\r\n",
                b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                b"connection: close\r\n",
                b"\r\n",
            ]
        )
        self.transport.write(b"".join(head) + body)
        self.transport.close()

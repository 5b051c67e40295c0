"""The wire form of an envelope on SQS: one JSON object of ids, the same for every producer and
consumer (the SQS adapter writes and reads it, the Lambda handler reads it)."""

from __future__ import annotations

import msgspec

from core.messaging import Envelope

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Envelope)


class UndecodableEnvelope(ValueError):
    """A queue body that is not an envelope (a poison message): it must go to the DLQ."""


def encode_envelope(envelope: Envelope) -> bytes:
    """UTF-8 JSON: SQS limits a body by its size in bytes, so callers measure this."""
    return _encoder.encode(envelope)


def decode_envelope(body: str | bytes) -> Envelope:
    try:
        return _decoder.decode(body)
    except msgspec.DecodeError as exc:  # ValidationError is a DecodeError: wrong types, missing ids
        raise UndecodableEnvelope(f"not an envelope: {exc}") from exc

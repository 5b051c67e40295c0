"""Outbound messaging: sending, the outbox relay, the consumer and what reports on them."""

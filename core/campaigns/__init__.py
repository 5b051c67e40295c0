"""Bulk campaigns (issue 7): the audience, its fan-out to the outbox, and its control."""

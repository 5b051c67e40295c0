"""Inbound events from the platform bridge: what fans did on the platform, applied once each."""

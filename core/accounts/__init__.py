"""Accounts: people, the creator accounts they act in, their roles, and who authored what."""

from core.accounts.records import Author, AuthorKind, Caller, Role

__all__ = ["Author", "AuthorKind", "Caller", "Role"]

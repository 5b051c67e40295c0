"""People and the accounts they act in, in SQL (core.identity's repositories)."""

from adapters.storage.accounts.accounts import (
    SqlAlchemyAccountRepository,
    SqlAlchemyMembershipRepository,
)
from adapters.storage.accounts.invitations import SqlAlchemyInvitationRepository
from adapters.storage.accounts.keys import SqlAlchemyApiKeyRepository
from adapters.storage.accounts.sessions import SqlAlchemySessionRepository
from adapters.storage.accounts.users import SqlAlchemyUserRepository

__all__ = [
    "SqlAlchemyAccountRepository",
    "SqlAlchemyApiKeyRepository",
    "SqlAlchemyInvitationRepository",
    "SqlAlchemyMembershipRepository",
    "SqlAlchemySessionRepository",
    "SqlAlchemyUserRepository",
]

"""SQL storage for SQLite (aiosqlite) and PostgreSQL (asyncpg) on SQLAlchemy Core."""

from adapters.storage.database import SqlAlchemyStorage, SqlAlchemyUnitOfWork

__all__ = ["SqlAlchemyStorage", "SqlAlchemyUnitOfWork"]

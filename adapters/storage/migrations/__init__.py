"""Alembic migrations of the SQL schema; `adapters.storage.migrator` runs them."""

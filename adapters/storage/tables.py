"""The schema as SQLAlchemy Core tables: one definition for SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.storage.types import BigId, Json, UtcDateTime

# Defaults live in the database too, so rows written outside these tables (COPY, SQL) get them.
# AUTOINCREMENT on SQLite: without it SQLite hands a deleted row's id (the highest) to the next
# insert, of any tenant, so an id once shown could later name someone else's row.
_IDS_NEVER_REUSED = {"sqlite_autoincrement": True}

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

fans = sa.Table(
    "fans",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("handle", sa.String(64), nullable=False),
    sa.Column("name", sa.String(255)),
    sa.Column("email", sa.String(320)),
    sa.Column("tags", Json, nullable=False, server_default="[]"),  # a sorted list of strings
    sa.Column("notes", sa.Text),
    sa.Column("value_cents", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    sa.Column("subscribed_at", UtcDateTime),
    sa.Column("last_active_at", UtcDateTime),
    sa.Column("created_at", UtcDateTime),
    sa.Column("updated_at", UtcDateTime),
    sa.Column("unsubscribed_at", UtcDateTime),
    sa.UniqueConstraint("user_id", "platform", "handle"),
    # Serves a tenant's listing in id order; the unique constraint covers lookups by handle
    # and the platform filter.
    sa.Index(None, "user_id", "id"),
    # The value and recency sorts (and the top fans), ties broken by id, read in index order.
    sa.Index(None, "user_id", "value_cents", "id"),
    sa.Index(None, "user_id", "last_active_at", "id"),
    # New fans per day (analytics): a range of the tenant's creation times.
    sa.Index(None, "user_id", "created_at"),
    # The tag filter (`tags @> '["vip"]'`); SQLite has no such index and scans the tenant's rows.
    sa.Index(
        None, "tags", postgresql_using="gin", postgresql_ops={"tags": "jsonb_path_ops"}
    ).ddl_if(dialect="postgresql"),
    # The search (ILIKE '%…%' on handle, name or email): trigram indexes answer ILIKE as well as
    # LIKE, where a btree cannot help a leading wildcard. pg_trgm comes with the first migration.
    *(
        sa.Index(
            f"ix_fans_{column}_trgm",
            column,
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql")
        for column in ("handle", "name", "email")
    ),
    **_IDS_NEVER_REUSED,
)
# `-lastActive` keeps never-active fans last too: PostgreSQL's backward scan of the ascending
# index above would give them first (and sort 100,000 rows instead); SQLite's NULLs sort first
# ascending, so reading that index backward already serves it.
sa.Index(
    "ix_fans_user_id_last_active_at_desc",
    fans.c.user_id,
    fans.c.last_active_at.desc().nulls_last(),
    fans.c.id.desc(),
).ddl_if(dialect="postgresql")
# create_all (dev, tests) needs the extension of the trigram indexes as much as the migration does.
sa.event.listen(
    metadata,
    "before_create",
    sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)

conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("fan_id", BigId, sa.ForeignKey("fans.id", ondelete="CASCADE"), nullable=False),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("last_message_at", UtcDateTime),
    sa.Column("unread_count", sa.Integer, nullable=False, server_default=sa.text("0")),
    # Leads with user_id, so it also serves every per-tenant lookup.
    sa.UniqueConstraint("user_id", "fan_id"),
    # Lets a fan's deletion find its conversations without a scan.
    sa.Index(None, "fan_id"),
    **_IDS_NEVER_REUSED,
)
# The inbox: a tenant's conversations, newest activity first and never-active last, read in
# index order (the `unread` filter walks the same index). SQLite refuses NULLS LAST in an index
# but puts NULLs last in a descending one anyway; PostgreSQL puts them first unless told.
sa.Index(
    "ix_conversations_inbox",
    conversations.c.user_id,
    conversations.c.last_message_at.desc().nulls_last(),
    conversations.c.id.desc(),
).ddl_if(dialect="postgresql")
sa.Index(
    "ix_conversations_inbox_sqlite",
    conversations.c.user_id,
    conversations.c.last_message_at.desc(),
    conversations.c.id.desc(),
).ddl_if(dialect="sqlite")

campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("type", sa.String(32), nullable=False, server_default="bulk_message"),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("template", Json, nullable=False),  # {content, mediaUrls, priceCents}
    sa.Column("audience", Json, nullable=False),  # explicit fan ids and/or a segment
    sa.Column("revenue_cents", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    sa.Column("created_at", UtcDateTime),
    sa.Column("updated_at", UtcDateTime),
    # The fan-out runs in chunks in fan-id order: the last fan id written, and when it ended.
    sa.Column("fanout_cursor", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    sa.Column("fanned_out_at", UtcDateTime),
    # A scheduled campaign starts then (NULL: it started when accepted).
    sa.Column("send_at", UtcDateTime),
    # Its own limits, each NULL when not set: a slower rate, a stop time, a cap on messages.
    sa.Column("rate_per_minute", sa.Integer),
    sa.Column("stop_at", UtcDateTime),
    sa.Column("max_messages", sa.Integer),
    sa.Index(None, "user_id"),
    # The ticks' search for scheduled campaigns now due.
    sa.Index(None, "status", "send_at"),
    **_IDS_NEVER_REUSED,
)

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column(
        "conversation_id",
        BigId,
        sa.ForeignKey("conversations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("fan_id", BigId, sa.ForeignKey("fans.id", ondelete="CASCADE"), nullable=False),
    sa.Column("direction", sa.String(8), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("media_urls", Json, nullable=False, server_default="[]"),
    sa.Column("price_cents", sa.BigInteger),
    sa.Column("priority", sa.SmallInteger, nullable=False),
    # SET NULL: deleting a campaign must not erase what its fans were sent from their threads.
    sa.Column("campaign_id", BigId, sa.ForeignKey("campaigns.id", ondelete="SET NULL")),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("error", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("queued_at", UtcDateTime),
    sa.Column("sent_at", UtcDateTime),
    sa.Column("read_at", UtcDateTime),
    sa.Column("updated_at", UtcDateTime),
    sa.Column("lease_until", UtcDateTime),
    # A scheduled single send waits `scheduled` until then.
    sa.Column("send_at", UtcDateTime),
    # Who sent it (core.accounts.Author): a member, an API key, the service token, a campaign or
    # an automation; NULL on inbound rows and on rows from before authorship was recorded.
    sa.Column("author_kind", sa.String(16)),
    sa.Column("author_id", sa.String(128)),
    sa.Index(None, "user_id", "status"),
    sa.Index(None, "user_id", "created_at"),
    sa.Index(None, "conversation_id", "created_at"),
    # Sent per day (analytics): only `sent` rows carry sent_at.
    sa.Index(None, "user_id", "sent_at"),
    # Lets a fan's deletion cascade without scanning every message.
    sa.Index(None, "fan_id"),
    # One message per fan per campaign, so a resumed fan-out neither repeats nor skips anyone.
    # NULLs are distinct on both dialects: single sends are not constrained.
    sa.UniqueConstraint("campaign_id", "fan_id"),
    # A campaign's counters and its outbox (pending rows relayed at the creator's pace).
    sa.Index(None, "campaign_id", "status"),
)

# Failed per day (analytics), by when they failed: only failed rows, so it stays small and a
# status change elsewhere in the lifecycle does not touch it.
sa.Index(
    "ix_messages_failed_user_id_updated_at",
    messages.c.user_id,
    messages.c.updated_at,
    postgresql_where=messages.c.status == "failed",
    sqlite_where=messages.c.status == "failed",
)

# Team analytics: a member's messages sent in a period. Only members' rows, so a campaign's
# fan-out (most of the table) never writes to it.
sa.Index(
    "ix_messages_member_sent",
    messages.c.user_id,
    messages.c.sent_at,
    postgresql_where=messages.c.author_kind == "member",
    sqlite_where=messages.c.author_kind == "member",
)

# The ticks' search for scheduled single sends now due: only scheduled rows, so it stays small.
sa.Index(
    "ix_messages_scheduled_send_at",
    messages.c.send_at,
    postgresql_where=messages.c.status == "scheduled",
    sqlite_where=messages.c.status == "scheduled",
)

# Inbound events already applied, written in the transaction of their effect: a replay of the
# same id (even a concurrent one, which waits on the unique index) finds it and changes nothing.
processed_events = sa.Table(
    "processed_events",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("event_id", sa.String(128), nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("processed_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("user_id", "event_id"),
    **_IDS_NEVER_REUSED,
)

# PPV purchases as the bridge reports them (`ppv.purchased`), one row each: revenue per day.
purchases = sa.Table(
    "purchases",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    # SET NULL: deleting a fan from the CRM does not unearn its money.
    sa.Column("fan_id", BigId, sa.ForeignKey("fans.id", ondelete="SET NULL")),
    sa.Column("amount_cents", sa.BigInteger, nullable=False),
    sa.Column("occurred_at", UtcDateTime, nullable=False),
    # Not indexed: no path deletes campaigns (tests do, on a few rows).
    sa.Column("campaign_id", BigId, sa.ForeignKey("campaigns.id", ondelete="SET NULL")),
    # No foreign key: the message goes with its fan, the purchase stays.
    sa.Column("message_id", sa.Uuid),
    # The author of that message when the purchase came in (core.accounts.Author), credited
    # with it; kept here so the credit outlives the message. NULL when it named none.
    sa.Column("author_kind", sa.String(16)),
    sa.Column("author_id", sa.String(128)),
    # Revenue per day and top spenders: a range of the tenant's purchase times, read from the
    # index alone (fan and amount ride along).
    sa.Index(None, "user_id", "occurred_at", "fan_id", "amount_cents"),
    # Lets a fan's deletion find its purchases without a scan.
    sa.Index(None, "fan_id"),
    **_IDS_NEVER_REUSED,
)
# Team analytics: the revenue credited to members in a period, read from the index alone.
sa.Index(
    "ix_purchases_member_credit",
    purchases.c.user_id,
    purchases.c.occurred_at,
    purchases.c.author_id,
    purchases.c.amount_cents,
    postgresql_where=purchases.c.author_kind == "member",
    sqlite_where=purchases.c.author_kind == "member",
)

# The sent and failed messages of deleted fans, per UTC day: a fan's deletion takes its messages
# (and their text) away, but the creator's analytics must not forget they were sent.
message_tallies = sa.Table(
    "message_tallies",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("sent", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    sa.Column("failed", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    sa.Index(None, "user_id", "day"),
    **_IDS_NEVER_REUSED,
)

quick_replies = sa.Table(
    "quick_replies",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("title", sa.String(100), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    # Serves a tenant's listing in creation order.
    sa.Index(None, "user_id", "id"),
    **_IDS_NEVER_REUSED,
)

# CSV imports of fans: each import's counts and header, and every row it refused, for
# the error file. In the database, not in a process: any API process serves the error file.
fan_imports = sa.Table(
    "fan_imports",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("columns", Json, nullable=False),  # the file's header
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("dry_run", sa.Boolean, nullable=False),
    sa.Column("total_rows", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    sa.Column("inserted", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    sa.Column("updated", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    sa.Column("skipped", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    sa.Column("error_count", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    sa.Index(None, "user_id", "created_at"),
)
fan_import_errors = sa.Table(
    "fan_import_errors",
    metadata,
    sa.Column(
        "import_id",
        sa.Uuid,
        sa.ForeignKey("fan_imports.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("row_no", sa.BigInteger, primary_key=True),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("values", Json, nullable=False),  # the record as the file held it
)

# One row per account that changed its sending settings; an account without one has the defaults.
account_settings = sa.Table(
    "account_settings",
    metadata,
    sa.Column("user_id", sa.String(128), primary_key=True),
    sa.Column("time_zone", sa.String(64), nullable=False),
    # Local wall times as "HH:MM"; both NULL: no quiet hours.
    sa.Column("quiet_start", sa.String(5)),
    sa.Column("quiet_end", sa.String(5)),
    sa.Column("rate_per_minute", sa.Integer, nullable=False),
    sa.Column("burst", sa.Integer, nullable=False),
    sa.Column("blocked_words", Json, nullable=False, server_default="[]"),
    sa.Column("updated_at", UtcDateTime),
)

# Append-only: who did what in an account (core.audit). No text, tokens or passwords.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(128), nullable=False),  # the account, as on every table
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor_kind", sa.String(16), nullable=False),
    sa.Column("actor_id", sa.String(128)),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target", sa.String(128)),
    sa.Column("detail", Json, nullable=False, server_default="{}"),
    sa.Index(None, "user_id", "id"),
    sa.Index(None, "user_id", "actor_id", "id"),
    sa.Index(None, "user_id", "action", "id"),
    **_IDS_NEVER_REUSED,
)

# People and the creator accounts they act in (core.identity). `accounts.id` is the tenant id
# every other table's `user_id` holds; secrets are stored only as SHA-256 digests (hex).
accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.String(128), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)
users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),  # trimmed, lower case
    sa.Column("name", sa.String(255)),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("password_changed_at", UtcDateTime, nullable=False),
)
memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column(
        "account_id",
        sa.String(128),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "user_id", sa.String(32), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    # A person's accounts, earliest joined first (the default account of a request).
    sa.Index(None, "user_id", "created_at"),
)
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column(
        "user_id", sa.String(32), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("account_id", sa.String(128)),  # chosen at sign-in: the account of a bare request
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime),
    sa.Index(None, "user_id"),
)
refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column(
        "session_id",
        sa.String(32),
        sa.ForeignKey("sessions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("issued_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime),  # exchanged for the next one: a second use ends the session
    sa.Index(None, "session_id"),
)
api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column(
        "account_id",
        sa.String(128),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("last_used_at", UtcDateTime),
    sa.Column("revoked_at", UtcDateTime),
    sa.Index(None, "account_id", "created_at"),
)
invitations = sa.Table(
    "invitations",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column(
        "account_id",
        sa.String(128),
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("invited_by", sa.String(32)),  # a user id; NULL for a key or the service
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("accepted_at", UtcDateTime),
    sa.Column("revoked_at", UtcDateTime),
    sa.Index(None, "account_id", "email"),
)

# Automations (core.automations): a trigger, an optional segment and up to five steps per row.
automations = sa.Table(
    "automations",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("trigger", sa.String(32), nullable=False),
    sa.Column("subscribers", sa.String(16), nullable=False, server_default="any"),
    sa.Column("inactive_days", sa.Integer),
    sa.Column("segment", Json),  # the campaign segment's JSON; NULL: every fan triggered
    sa.Column("steps", Json, nullable=False),  # [{delayS, jitterS, variants, priceCents}]
    sa.Column("enabled", sa.Boolean, nullable=False),
    # `fan.inactive`: fans who went quiet up to then have been looked at.
    sa.Column("scanned_until", UtcDateTime),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index(None, "user_id", "trigger"),
    **_IDS_NEVER_REUSED,
)

automation_runs = sa.Table(
    "automation_runs",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column(
        "automation_id",
        BigId,
        sa.ForeignKey("automations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    # SET NULL: a deleted fan's runs stay counted (the deletion stops them first).
    sa.Column("fan_id", BigId, sa.ForeignKey("fans.id", ondelete="SET NULL")),
    sa.Column("occurrence", sa.String(160), nullable=False),  # the event id, or `inactive:<time>`
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("stop_reason", sa.String(16)),
    sa.Column("step", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("due_at", UtcDateTime),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime),
    # A trigger occurrence starts one run per automation and fan: a replay starts nothing.
    sa.UniqueConstraint("automation_id", "fan_id", "occurrence"),
    # A fan's runs, stopped by their reply, unsubscribe or deletion.
    sa.Index(None, "fan_id"),
    **_IDS_NEVER_REUSED,
)
# The ticks' search for due steps: only running runs, so it stays small.
sa.Index(
    "ix_automation_runs_due",
    automation_runs.c.user_id,
    automation_runs.c.due_at,
    postgresql_where=automation_runs.c.status == "running",
    sqlite_where=automation_runs.c.status == "running",
)
# One running run per automation and fan: a second trigger while one runs starts nothing.
sa.Index(
    "ux_automation_runs_running",
    automation_runs.c.automation_id,
    automation_runs.c.fan_id,
    unique=True,
    postgresql_where=automation_runs.c.status == "running",
    sqlite_where=automation_runs.c.status == "running",
)
# Automations' messages: their outbox (pending rows, relayed in the bulk lane oldest first) and
# their figures (sent rows); only rows an automation wrote.
sa.Index(
    "ix_messages_automation",
    messages.c.status,
    messages.c.user_id,
    messages.c.created_at,
    postgresql_where=messages.c.author_kind == "automation",
    sqlite_where=messages.c.author_kind == "automation",
)

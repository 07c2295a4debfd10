-- Rate limits shared by every instance (on PostgreSQL; app/src/ratelimit.rs). Keep in step
-- with the other dialect's folder (SQLite runs one instance and counts in memory, but keeps
-- the same schema).

-- A client's units in one fixed window of one limit; the row goes after two windows.
CREATE TABLE rate_counts (
    scope       TEXT    NOT NULL,
    client      TEXT    NOT NULL,
    bucket      BIGINT  NOT NULL,
    units       BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    PRIMARY KEY (scope, client, bucket)
);
CREATE INDEX rate_counts_expiry ON rate_counts(expires_at);

-- The 督导组 role on SQLite (issue 29). Keep in step with ../postgres/ (where
-- 20261207000001_supervision.sql replaced the CHECK). SQLite cannot alter a CHECK, so the
-- table is rebuilt here, in the migration's transaction. Foreign keys cannot be turned off
-- inside a transaction; instead every foreign key is checked at COMMIT (defer_foreign_keys):
-- dropping `users` leaves the rows that point at it without a parent, and putting the same
-- ids back settles them again before the COMMIT checks. The one ON DELETE CASCADE on users
-- (login_devices) would still empty its table when `users` is dropped, so its rows are kept
-- aside and put back. Until this migration the server rebuilt the table itself after the
-- migrations (the same definition), so on such a database this only copies it once more.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE users_kept AS SELECT * FROM users;
CREATE TEMP TABLE login_devices_kept AS SELECT * FROM login_devices;

DROP TABLE users;
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE,
    display_name   TEXT    NOT NULL,
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'staff', 'supervisor')),
    office_id      INTEGER REFERENCES offices(id),
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     BIGINT  NOT NULL,
    CHECK (role <> 'staff' OR office_id IS NOT NULL)
);
INSERT INTO users (id, username, display_name, password_hash, role, office_id, active, created_at)
    SELECT id, username, display_name, password_hash, role, office_id, active, created_at
    FROM users_kept;

DELETE FROM login_devices;
INSERT INTO login_devices (token_hash, user_id, created_at, last_used_at)
    SELECT token_hash, user_id, created_at, last_used_at FROM login_devices_kept;

DROP TABLE users_kept;
DROP TABLE login_devices_kept;

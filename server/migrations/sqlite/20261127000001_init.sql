-- 街巷随手拍 schema (SQLite). Keep in step with ../postgres/: same tables, columns and
-- meanings; only the dialect differs. Instants are Unix milliseconds (BIGINT),
-- flags are 0/1 integers, so the same SQL and Rust types work on both databases.

CREATE TABLE offices (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    sort_order  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE communities (
    id          INTEGER PRIMARY KEY,
    office_id   INTEGER NOT NULL REFERENCES offices(id),
    name        TEXT    NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (office_id, name)
);

CREATE TABLE streets (
    id            INTEGER PRIMARY KEY,
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    name          TEXT    NOT NULL,
    sort_order    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (community_id, name)
);

CREATE TABLE categories (
    id              INTEGER PRIMARY KEY,
    code            TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    icon            TEXT    NOT NULL DEFAULT '',
    deadline_hours  INTEGER NOT NULL CHECK (deadline_hours > 0),
    sort_order      INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE,
    display_name   TEXT    NOT NULL,
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'staff')),
    office_id      INTEGER REFERENCES offices(id),
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     BIGINT  NOT NULL,
    CHECK (role = 'admin' OR office_id IS NOT NULL)
);

-- Sessions live in the database so several server instances can share them.
-- token_hash is sha256 of the cookie value; the cookie itself is never stored.
CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE reports (
    id                 INTEGER PRIMARY KEY,
    client_uuid        TEXT    NOT NULL UNIQUE,   -- idempotency key made on the phone
    tracking_code      TEXT    NOT NULL UNIQUE,   -- 查询码
    content_hash       TEXT    NOT NULL,          -- detects a reused UUID with other content
    category_id        INTEGER NOT NULL REFERENCES categories(id),
    office_id          INTEGER NOT NULL REFERENCES offices(id),
    community_id       INTEGER REFERENCES communities(id),
    street_id          INTEGER REFERENCES streets(id),
    lat                DOUBLE PRECISION,
    lon                DOUBLE PRECISION,
    accuracy_m         DOUBLE PRECISION,
    description        TEXT    NOT NULL DEFAULT '',
    contact_phone      TEXT,                      -- staff only, never public
    status             TEXT    NOT NULL,
    created_on_device  BIGINT  NOT NULL,
    received_at        BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    dispatched_to      TEXT,
    deadline_at        BIGINT,
    duplicate_of       INTEGER REFERENCES reports(id),
    version            INTEGER NOT NULL DEFAULT 1,  -- optimistic concurrency for staff actions
    CHECK (street_id IS NOT NULL OR lat IS NOT NULL)
);
CREATE INDEX reports_queue ON reports(office_id, status, deadline_at);
CREATE INDEX reports_office_received ON reports(office_id, received_at);
CREATE INDEX reports_street ON reports(street_id, category_id, received_at);

CREATE TABLE report_photos (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports(id),
    kind        TEXT    NOT NULL CHECK (kind IN ('before', 'after')),
    position    INTEGER NOT NULL,
    sha256      TEXT    NOT NULL,   -- content address of the stored file
    mime        TEXT    NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bytes       BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL,
    UNIQUE (report_id, kind, position)
);
CREATE INDEX report_photos_sha ON report_photos(sha256);

-- Append-only: rows are inserted, never updated or deleted.
CREATE TABLE report_events (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES reports(id),
    actor_user   INTEGER REFERENCES users(id),  -- NULL: the resident
    action       TEXT    NOT NULL,
    from_status  TEXT,
    to_status    TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    public_note  INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX report_events_report ON report_events(report_id, id);

CREATE TABLE honours (
    id                 INTEGER PRIMARY KEY,
    office_id          INTEGER NOT NULL REFERENCES offices(id),
    community_id       INTEGER NOT NULL REFERENCES communities(id),
    street_id          INTEGER REFERENCES streets(id),
    kind               TEXT    NOT NULL CHECK (kind IN ('household', 'shop', 'street')),
    title              TEXT    NOT NULL,
    full_name          TEXT    NOT NULL,       -- staff only
    public_name        TEXT    NOT NULL,       -- masked for households, e.g. 王**家
    house_number       TEXT,
    show_house_number  INTEGER NOT NULL DEFAULT 0,
    status             TEXT    NOT NULL,
    notice_until       BIGINT,
    awarded_at         BIGINT,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX honours_office ON honours(office_id, community_id, status);

CREATE TABLE honour_events (
    id            INTEGER PRIMARY KEY,
    honour_id     INTEGER NOT NULL REFERENCES honours(id),
    actor_user    INTEGER REFERENCES users(id),
    from_status   TEXT,
    to_status     TEXT    NOT NULL,
    note          TEXT    NOT NULL DEFAULT '',
    photo_sha256  TEXT,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX honour_events_honour ON honour_events(honour_id, id);

-- 街巷随手拍 schema (PostgreSQL). Keep in step with ../sqlite/: same tables, columns and
-- meanings; only the dialect differs. Instants are Unix milliseconds (BIGINT),
-- flags are 0/1 integers, so the same SQL and Rust types work on both databases.

CREATE TABLE offices (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    sort_order  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE communities (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id   BIGINT NOT NULL REFERENCES offices(id),
    name        TEXT    NOT NULL,
    sort_order  BIGINT NOT NULL DEFAULT 0,
    UNIQUE (office_id, name)
);

CREATE TABLE streets (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities(id),
    name          TEXT    NOT NULL,
    sort_order    BIGINT NOT NULL DEFAULT 0,
    UNIQUE (community_id, name)
);

CREATE TABLE categories (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code            TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    icon            TEXT    NOT NULL DEFAULT '',
    deadline_hours  BIGINT NOT NULL CHECK (deadline_hours > 0),
    sort_order      BIGINT NOT NULL DEFAULT 0,
    active          BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE users (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE,
    display_name   TEXT    NOT NULL,
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'staff')),
    office_id      BIGINT REFERENCES offices(id),
    active         BIGINT NOT NULL DEFAULT 1,
    created_at     BIGINT  NOT NULL,
    CHECK (role = 'admin' OR office_id IS NOT NULL)
);

-- Sessions live in the database so several server instances can share them.
-- token_hash is sha256 of the cookie value; the cookie itself is never stored.
CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE reports (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_uuid        TEXT    NOT NULL UNIQUE,   -- idempotency key made on the phone
    tracking_code      TEXT    NOT NULL UNIQUE,   -- 查询码
    content_hash       TEXT    NOT NULL,          -- detects a reused UUID with other content
    category_id        BIGINT NOT NULL REFERENCES categories(id),
    office_id          BIGINT NOT NULL REFERENCES offices(id),
    community_id       BIGINT REFERENCES communities(id),
    street_id          BIGINT REFERENCES streets(id),
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
    duplicate_of       BIGINT REFERENCES reports(id),
    version            BIGINT NOT NULL DEFAULT 1,  -- optimistic concurrency for staff actions
    CHECK (street_id IS NOT NULL OR lat IS NOT NULL)
);
CREATE INDEX reports_queue ON reports(office_id, status, deadline_at);
CREATE INDEX reports_office_received ON reports(office_id, received_at);
CREATE INDEX reports_street ON reports(street_id, category_id, received_at);

CREATE TABLE report_photos (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   BIGINT NOT NULL REFERENCES reports(id),
    kind        TEXT    NOT NULL CHECK (kind IN ('before', 'after')),
    position    BIGINT NOT NULL,
    sha256      TEXT    NOT NULL,   -- content address of the stored file
    mime        TEXT    NOT NULL,
    width       BIGINT NOT NULL,
    height      BIGINT NOT NULL,
    bytes       BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL,
    UNIQUE (report_id, kind, position)
);
CREATE INDEX report_photos_sha ON report_photos(sha256);

-- Append-only: rows are inserted, never updated or deleted.
CREATE TABLE report_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id    BIGINT NOT NULL REFERENCES reports(id),
    actor_user   BIGINT REFERENCES users(id),  -- NULL: the resident
    action       TEXT    NOT NULL,
    from_status  TEXT,
    to_status    TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    public_note  BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX report_events_report ON report_events(report_id, id);

CREATE TABLE honours (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id          BIGINT NOT NULL REFERENCES offices(id),
    community_id       BIGINT NOT NULL REFERENCES communities(id),
    street_id          BIGINT REFERENCES streets(id),
    kind               TEXT    NOT NULL CHECK (kind IN ('household', 'shop', 'street')),
    title              TEXT    NOT NULL,
    full_name          TEXT    NOT NULL,       -- staff only
    public_name        TEXT    NOT NULL,       -- masked for households, e.g. 王**家
    house_number       TEXT,
    show_house_number  BIGINT NOT NULL DEFAULT 0,
    status             TEXT    NOT NULL,
    notice_until       BIGINT,
    awarded_at         BIGINT,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    version            BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX honours_office ON honours(office_id, community_id, status);

CREATE TABLE honour_events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    honour_id     BIGINT NOT NULL REFERENCES honours(id),
    actor_user    BIGINT REFERENCES users(id),
    from_status   TEXT,
    to_status     TEXT    NOT NULL,
    note          TEXT    NOT NULL DEFAULT '',
    photo_sha256  TEXT,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX honour_events_honour ON honour_events(honour_id, id);

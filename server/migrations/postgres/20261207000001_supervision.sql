-- 督导组 and its findings (issue 16). Keep in step with ../sqlite/.

-- The supervisor role.
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'staff', 'supervisor'));
ALTER TABLE users ADD CONSTRAINT users_office_check CHECK (role <> 'staff' OR office_id IS NOT NULL);

-- An inspection round (督导 openly, 暗访 unannounced): its day, what it covered and how many
-- points were checked. A round is open (ended_at NULL) while its supervisor is out; the
-- findings a supervisor's phone sends belong to the round that was open when each was made.
CREATE TABLE inspection_rounds (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('open', 'covert')),
    held_on         BIGINT  NOT NULL,          -- China-time day number
    points_checked  BIGINT  NOT NULL DEFAULT 0 CHECK (points_checked >= 0),
    note            TEXT    NOT NULL DEFAULT '',
    supervisor_id   BIGINT NOT NULL REFERENCES users(id),
    started_at      BIGINT  NOT NULL,
    ended_at        BIGINT
);
CREATE INDEX inspection_rounds_started ON inspection_rounds(started_at);
CREATE INDEX inspection_rounds_supervisor ON inspection_rounds(supervisor_id, started_at);

-- The communities (and, within them, the streets) a round covered.
CREATE TABLE round_places (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id      BIGINT NOT NULL REFERENCES inspection_rounds(id),
    community_id  BIGINT NOT NULL REFERENCES communities(id),
    street_id     BIGINT REFERENCES streets(id)
);
CREATE INDEX round_places_round ON round_places(round_id);

-- A finding (整改通知 to its office): recorded on the supervisor's phone like a resident's
-- report (client_uuid: the same exactly-once sync), rectified by the office, re-checked
-- (复查) by the supervisor: 通过 closes it, 不通过 sends it back with a new deadline (返工).
CREATE TABLE findings (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id           BIGINT NOT NULL REFERENCES inspection_rounds(id),
    client_uuid        TEXT    NOT NULL UNIQUE,
    content_hash       TEXT    NOT NULL,
    code               TEXT    NOT NULL UNIQUE,   -- the receipt's code (same form as 查询码)
    category_id        BIGINT NOT NULL REFERENCES categories(id),
    office_id          BIGINT NOT NULL REFERENCES offices(id),
    community_id       BIGINT REFERENCES communities(id),
    street_id          BIGINT REFERENCES streets(id),
    lat                DOUBLE PRECISION,
    lon                DOUBLE PRECISION,
    accuracy_m         DOUBLE PRECISION,
    description        TEXT    NOT NULL DEFAULT '',
    status             TEXT    NOT NULL CHECK (status IN ('open', 'rectified', 'passed', 'withdrawn')),
    deadline_at        BIGINT  NOT NULL,
    created_by         BIGINT NOT NULL REFERENCES users(id),
    created_on_device  BIGINT  NOT NULL,
    received_at        BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    rectified_at       BIGINT,
    passed_at          BIGINT,
    rework_count       BIGINT  NOT NULL DEFAULT 0,   -- 复查不通过
    late_count         BIGINT  NOT NULL DEFAULT 0,   -- rectifications after their deadline
    press_count        BIGINT  NOT NULL DEFAULT 0,   -- 催办 by hand
    version            BIGINT  NOT NULL DEFAULT 1,
    CHECK (street_id IS NOT NULL OR lat IS NOT NULL)
);
CREATE INDEX findings_office ON findings(office_id, status, deadline_at);
CREATE INDEX findings_round ON findings(round_id, id);
CREATE INDEX findings_status ON findings(status, deadline_at);

CREATE TABLE finding_photos (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    finding_id  BIGINT NOT NULL REFERENCES findings(id),
    kind        TEXT    NOT NULL CHECK (kind IN ('before', 'after')),
    position    BIGINT  NOT NULL,
    sha256      TEXT    NOT NULL,
    width       BIGINT  NOT NULL,
    height      BIGINT  NOT NULL,
    bytes       BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL,
    UNIQUE (finding_id, kind, position)
);
CREATE INDEX finding_photos_sha ON finding_photos(sha256);

-- Append-only: every step with who and when (no one: an automatic escalation).
CREATE TABLE finding_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    finding_id   BIGINT NOT NULL REFERENCES findings(id),
    office_id    BIGINT NOT NULL REFERENCES offices(id),
    actor_user   BIGINT REFERENCES users(id),   -- NULL: the escalation rules
    action       TEXT    NOT NULL,
    from_status  TEXT,
    to_status    TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    deadline_at  BIGINT,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX finding_events_finding ON finding_events(finding_id, id);
-- Covering: the bulletin counts a period's steps per office from the index alone.
CREATE INDEX finding_events_time ON finding_events(created_at, office_id, action, deadline_at);

-- 通报 and escalation (issue 16). Keep in step with the other dialect's folder.

-- A published bulletin: a frozen copy (JSON of app::supervision::bulletin::Bulletin) of one
-- week's or month's figures, offices only (no staff names, no notes). Publishing the same
-- period again replaces it.
CREATE TABLE bulletins (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('week', 'month')),
    from_day      BIGINT  NOT NULL,
    until_day     BIGINT  NOT NULL,
    body          TEXT    NOT NULL,
    published_by  BIGINT NOT NULL REFERENCES users(id),
    published_at  BIGINT  NOT NULL,
    UNIQUE (kind, from_day)
);
CREATE INDEX bulletins_from ON bulletins(from_day);

-- Escalation of open findings past their deadline: 1 催办, 2 督办, 3 提级 (0: none), and when
-- the current level was reached. The rules' thresholds are the admin's (one row, written on
-- the first save; until then the defaults in app/src/supervision/escalation.rs apply).
ALTER TABLE findings ADD COLUMN escalation_level BIGINT NOT NULL DEFAULT 0;
ALTER TABLE findings ADD COLUMN escalated_at BIGINT;
CREATE INDEX findings_escalation ON findings(office_id, escalation_level, status);
CREATE TABLE escalation_rules (
    id                     BIGINT PRIMARY KEY CHECK (id = 1),
    press_after_hours      BIGINT NOT NULL DEFAULT 0,    -- 催办 this long after the deadline
    supervise_after_hours  BIGINT NOT NULL DEFAULT 24,   -- 督办 this long after the 催办
    escalate_after_hours   BIGINT NOT NULL DEFAULT 48,   -- 提级 this long after the 督办
    supervise_on_rework    BIGINT NOT NULL DEFAULT 2,    -- or 督办 once sent back this often
    updated_at             BIGINT NOT NULL DEFAULT 0
);

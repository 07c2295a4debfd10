-- Staff triage (issue 5). Keep in step with ../postgres/.

-- When the work was rectified and closed: the office records (结案率, 按期结案率, median
-- time to close) are read from these instead of replaying events.
ALTER TABLE reports ADD COLUMN rectified_at BIGINT;
ALTER TABLE reports ADD COLUMN closed_at BIGINT;
-- How often a resident said a closed report was not fixed (counts against the office).
ALTER TABLE reports ADD COLUMN reopen_count INTEGER NOT NULL DEFAULT 0;
-- The office that transferred the report away last (转办), for its record.
ALTER TABLE reports ADD COLUMN transferred_from INTEGER REFERENCES offices(id);

-- The queue is sorted by time left: dispatched reports by deadline, the rest after them by
-- age. One expression, used verbatim by the queue query (app/src/staff/db.rs).
CREATE INDEX reports_queue_key ON reports(
    office_id, (COALESCE(deadline_at, 4000000000000 + received_at)), id);

-- The action of an event (accept, dispatch, …) is stored in report_events.action already;
-- the office it happened in is kept for transfers.
ALTER TABLE report_events ADD COLUMN office_id INTEGER REFERENCES offices(id);

-- Failed logins, for throttling (per account and per client address).
CREATE TABLE login_failures (
    id          INTEGER PRIMARY KEY,
    username    TEXT    NOT NULL,
    client_ip   TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, created_at);
CREATE INDEX login_failures_ip ON login_failures(client_ip, created_at);

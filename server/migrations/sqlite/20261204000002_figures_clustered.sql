-- Issue 13, second step. Keep in step with ../postgres/.

-- The figure tables clustered by their key (SQLite's WITHOUT ROWID): a period's rows are read
-- in one range of the table itself, not through a separate index and then the table.
CREATE TABLE report_daily_c (
    office_id        BIGINT NOT NULL,
    day              BIGINT NOT NULL,
    received         BIGINT NOT NULL,
    received_closed  BIGINT NOT NULL,
    closed           BIGINT NOT NULL,
    closed_on_time   BIGINT NOT NULL,
    reopened         BIGINT NOT NULL,
    PRIMARY KEY (office_id, day)
) WITHOUT ROWID;
INSERT INTO report_daily_c SELECT * FROM report_daily;
DROP TABLE report_daily;
ALTER TABLE report_daily_c RENAME TO report_daily;

CREATE TABLE report_close_times_c (
    office_id  BIGINT  NOT NULL,
    day        BIGINT  NOT NULL,
    bucket     INTEGER NOT NULL,
    n          BIGINT  NOT NULL,
    PRIMARY KEY (office_id, day, bucket)
) WITHOUT ROWID;
INSERT INTO report_close_times_c SELECT * FROM report_close_times;
DROP TABLE report_close_times;
ALTER TABLE report_close_times_c RENAME TO report_close_times;

-- The admin's open queue (every office) in its order without stepping over closed reports.
CREATE INDEX reports_open_queue_all ON reports(
    (COALESCE(deadline_at, 4000000000000 + received_at)), id)
    WHERE status IN ('pending', 'accepted', 'dispatched', 'rectified');

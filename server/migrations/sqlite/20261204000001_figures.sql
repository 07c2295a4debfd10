-- Figures kept current (issue 13). Keep in step with the other dialect's file.
--
-- Every page that shows counts or an office's record reads these instead of scanning
-- `reports`. app/src/reports/figures.rs is their one writer: each change of a report (its
-- submission, every transition) subtracts the report's old contribution and adds its new
-- one in the same transaction. `server` rebuilds them from scratch when they are empty and
-- reports are not (this migration, on a database that already has reports).

-- Reports per office and status.
CREATE TABLE report_counts (
    office_id  BIGINT NOT NULL,
    status     TEXT   NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (office_id, status)
);

-- Per office and China-time day (day number = (ms + 8 h) / 86 400 000).
CREATE TABLE report_daily (
    office_id        BIGINT NOT NULL,
    day              BIGINT NOT NULL,
    received         BIGINT NOT NULL,  -- received that day (and in this office now)
    received_closed  BIGINT NOT NULL,  -- of those, closed now
    closed           BIGINT NOT NULL,  -- closed that day (and still closed)
    closed_on_time   BIGINT NOT NULL,  -- of those, rectified by the deadline
    reopened         BIGINT NOT NULL,  -- 仍未解决 said that day
    PRIMARY KEY (office_id, day)
);

-- Time from receipt to close of the reports closed that day, as a histogram
-- (bucket bounds in app/src/reports/figures.rs), for the median.
CREATE TABLE report_close_times (
    office_id  BIGINT  NOT NULL,
    day        BIGINT  NOT NULL,
    bucket     INTEGER NOT NULL,
    n          BIGINT  NOT NULL,
    PRIMARY KEY (office_id, day, bucket)
);
-- The same over all days, so the all-time median reads one row per bucket.
CREATE TABLE report_close_times_total (
    office_id  BIGINT  NOT NULL,
    bucket     INTEGER NOT NULL,
    n          BIGINT  NOT NULL,
    PRIMARY KEY (office_id, bucket)
);

-- Overdue across every office (the admin's count) as a range scan.
CREATE INDEX reports_overdue ON reports(status, deadline_at);
-- The open queue in its order without stepping over closed reports.
CREATE INDEX reports_open_queue ON reports(
    office_id, (COALESCE(deadline_at, 4000000000000 + received_at)), id)
    WHERE status IN ('pending', 'accepted', 'dispatched', 'rectified');

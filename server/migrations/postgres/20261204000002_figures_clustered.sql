-- Issue 13, second step. Keep in step with ../sqlite/.

-- A period's histogram rows answered from the index alone (SQLite clusters the table instead).
CREATE UNIQUE INDEX report_close_times_cover ON report_close_times(office_id, day, bucket)
    INCLUDE (n);

-- The admin's open queue (every office) in its order without stepping over closed reports.
CREATE INDEX reports_open_queue_all ON reports(
    (COALESCE(deadline_at, 4000000000000 + received_at)), id)
    WHERE status IN ('pending', 'accepted', 'dispatched', 'rectified');

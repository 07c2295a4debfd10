-- The queues of reports without a deadline, 待受理 and 已受理 (no 派遣 yet, or a transfer or
-- a reopening cleared it), per office and for the admin, in the queue's order (for them the
-- sort key is the time of receipt). Partial, for the queries that name the status as a
-- literal (app/src/reports/db/triage.rs), and small: the reports waiting to be handled. The
-- tail of `reports_open_queue` holds the same rows, but PostgreSQL's estimate of a status
-- and the open statuses together was off by 30× and it sorted them all instead. Keep in step
-- with the other dialect's folder. The status leads the admin's indexes (one value in each)
-- so that SQLite reads them as a search for it, not as a scan it costs as the whole table's.
CREATE INDEX reports_pending ON reports(office_id, received_at, id) WHERE status = 'pending';
CREATE INDEX reports_pending_all ON reports(status, received_at, id) WHERE status = 'pending';
CREATE INDEX reports_accepted ON reports(office_id, received_at, id) WHERE status = 'accepted';
CREATE INDEX reports_accepted_all ON reports(status, received_at, id) WHERE status = 'accepted';

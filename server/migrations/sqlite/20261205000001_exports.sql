-- Exports (issue 15). Keep in step with the other dialect's folder.

-- The admin's export of every office for a period, in the order it is written (received,
-- then id): a range scan, whatever the table's size.
CREATE INDEX reports_received ON reports(received_at, id);

-- The queue with 全部状态 for the admin (every office, every status) in its order; one
-- office's uses reports_queue_key.
CREATE INDEX reports_queue_key_all ON reports(
    (COALESCE(deadline_at, 4000000000000 + received_at)), id);

-- Escalation of residents' reports and the finding's 改派 (issue 16). Keep in step with the
-- other dialect's folder.

-- A dispatched report past its deadline is escalated by the same rules as a finding
-- (app/src/supervision/escalation.rs): 1 催办, 2 督办, 3 提级 (0: none), and when the current
-- level was reached. Each step is a report_events row (actions auto_press, supervise,
-- escalate with no actor: the rules; press with the supervisor who pressed by hand); the
-- status does not change. A new 派遣 (a new deadline) starts again from 0.
ALTER TABLE reports ADD COLUMN escalation_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN escalated_at BIGINT;
-- 退回 since the last 派遣 (the office's check sent the work back), for the rules' "sent
-- back too often" (a new 派遣 starts it again from 0).
ALTER TABLE reports ADD COLUMN send_back_count INTEGER NOT NULL DEFAULT 0;

-- The sweep's candidates as range scans: dispatched below 提级, by level and deadline. Partial,
-- so that only a query naming both terms (the sweep's) can use it: with the status first in a
-- full index, SQLite's planner took it for the queue's `status IN (…)` and sorted every open
-- report (the admin's queue: 3 → 250 ms at a million reports).
CREATE INDEX reports_escalation ON reports(escalation_level, deadline_at)
    WHERE status = 'dispatched' AND escalation_level < 3;
-- 催办/督办 received: the count per level of an office (its inbox, the navigation) or of the
-- district, from this index alone. The lists read the queue's deadline indexes in order,
-- where the escalated reports come first (the oldest deadlines).
CREATE INDEX reports_escalated ON reports(office_id, escalation_level)
    WHERE status = 'dispatched' AND escalation_level > 0;
-- Reports sent back at least once (few), for the rework rule.
CREATE INDEX reports_send_backs ON reports(send_back_count);
-- The bulletin counts a period's escalation steps per office from this index alone.
CREATE INDEX report_events_escalation ON report_events(created_at, office_id, action)
    WHERE action IN ('press', 'auto_press', 'supervise', 'escalate');

-- The bulletin's 督导发现: findings recorded in the period that were not withdrawn, counted
-- for the office now responsible (after a 改派), from this index alone.
CREATE INDEX findings_received ON findings(received_at, office_id, status);

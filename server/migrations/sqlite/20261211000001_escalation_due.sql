-- The escalation sweeps read only what is due (issue 28): at 催办 or 督办, by the moment the
-- level was reached, so that a crowd waiting at a level (not yet due for the next) never
-- hides the ones that are. Before, each sweep read the first 10,000 at those levels by
-- deadline, and with more than that waiting the rest never moved on. The terms of each
-- partial index are repeated word for word by its query (SQLite uses a partial index only
-- for a query that names them). Keep in step with the other dialect's folder.

-- A level is always reached at a moment; rows from before that was kept get their deadline.
UPDATE reports SET escalated_at = deadline_at
    WHERE escalation_level > 0 AND escalated_at IS NULL AND deadline_at IS NOT NULL;
UPDATE findings SET escalated_at = deadline_at
    WHERE escalation_level > 0 AND escalated_at IS NULL;

CREATE INDEX reports_escalation_pressed ON reports(escalation_level, escalated_at)
    WHERE status = 'dispatched' AND escalation_level IN (1, 2);
CREATE INDEX findings_escalation_due ON findings(deadline_at)
    WHERE status = 'open' AND escalation_level = 0;
CREATE INDEX findings_escalation_pressed ON findings(escalation_level, escalated_at)
    WHERE status = 'open' AND escalation_level IN (1, 2);
CREATE INDEX findings_reworked ON findings(rework_count)
    WHERE status = 'open' AND escalation_level < 2;

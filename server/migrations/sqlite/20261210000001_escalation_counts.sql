-- Dispatched reports at each escalation level (1 催办, 2 督办, 3 提级) per office, kept like
-- `report_counts` (issue 13): the staff navigation, the inbox and the supervisor's counts read
-- these instead of counting the escalated reports of an office (thousands of index entries
-- at a million reports). app/src/reports/figures.rs is their one writer: each transition's
-- snapshot before and after, and each escalation step (app/src/reports/db/escalation.rs)
-- in its own transaction. Keep in step with the other dialect's folder.
CREATE TABLE report_escalation_counts (
    office_id  BIGINT NOT NULL,
    level      BIGINT NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (office_id, level)
);

INSERT INTO report_escalation_counts (office_id, level, n)
    SELECT office_id, escalation_level, COUNT(*) FROM reports
    WHERE status = 'dispatched' AND escalation_level > 0
    GROUP BY office_id, escalation_level;

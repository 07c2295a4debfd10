-- 回访 (issue 16): the resident's answer after a close is 满意, 基本满意 or 不满意 (不满意 is
-- the old 仍未解决: it reopens the report). Keep in step with the other dialect's file.

-- Answers per office and China-time day of the answer, beside `reopened` (不满意).
ALTER TABLE report_daily ADD COLUMN satisfied BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_daily ADD COLUMN basically_satisfied BIGINT NOT NULL DEFAULT 0;

-- The earlier "已解决" answer is 满意.
UPDATE report_events SET action = 'resident_satisfied' WHERE action = 'resident_confirm';

-- The server rebuilds the kept figures at start when report_counts is empty and reports are
-- not (app/src/reports/figures.rs): that fills the new columns from the events.
DELETE FROM report_counts;

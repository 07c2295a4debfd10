-- The 督导组 role on SQLite (issue 29): a rebuild of users there. PostgreSQL replaced the CHECK
-- in 20261207000001_supervision.sql; nothing to do here. Keep in step with ../sqlite/.
SELECT 1;

-- 示范户 / 卫生家庭 / 示范街 / 文明商户 (issue 6, honours). Keep in step with ../sqlite/.
-- The tables honours and honour_events come from the initial schema; this adds what the
-- workflow, the public notice's objections (异议) and the spreadsheet import need.

-- When the title was revoked (已摘牌), and why (staff only: a reason may name people).
ALTER TABLE honours ADD COLUMN revoked_at BIGINT;
ALTER TABLE honours ADD COLUMN revoke_reason TEXT;
-- The workflow action of an event (publish, award, …); '' for the creation.
ALTER TABLE honour_events ADD COLUMN action TEXT NOT NULL DEFAULT '';

CREATE INDEX honours_public ON honours(status, office_id, community_id);

-- 异议 raised by the public during the 公示 period. The contact phone is staff-only.
CREATE TABLE honour_objections (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    honour_id      BIGINT  NOT NULL REFERENCES honours(id),
    office_id      BIGINT  NOT NULL REFERENCES offices(id),
    content        TEXT    NOT NULL,
    contact_phone  TEXT,
    created_at     BIGINT  NOT NULL,
    handled_at     BIGINT,
    handled_by     BIGINT  REFERENCES users(id),
    handled_note   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX honour_objections_office ON honour_objections(office_id, handled_at, id);
CREATE INDEX honour_objections_honour ON honour_objections(honour_id, id);

-- An uploaded CSV/XLSX file, parsed and checked, waiting for 确认导入 (the preview).
-- rows_json holds the parsed rows; nothing is imported while error_count > 0.
CREATE TABLE honour_imports (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES users(id),
    file_name    TEXT    NOT NULL,
    rows_json    TEXT    NOT NULL,
    row_count    BIGINT  NOT NULL,
    error_count  BIGINT  NOT NULL,
    created_at   BIGINT  NOT NULL,
    imported_at  BIGINT
);
CREATE INDEX honour_imports_user ON honour_imports(user_id, id);

-- Open311 GeoReport v2 (issue 15). Keep in step with the other dialect's folder.

-- The API clients' keys: only a hash of each; key_start tells them apart on the admin page.
CREATE TABLE api_keys (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          TEXT    NOT NULL,
    key_hash      TEXT    NOT NULL UNIQUE,
    key_start     TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    created_by    BIGINT REFERENCES users(id),
    last_used_at  BIGINT,
    revoked_at    BIGINT
);

-- A report an API client sent: which key, the client's own token for it (idempotency and
-- tokens/{token}), and what it said of its sender and its photo link (staff only).
ALTER TABLE reports ADD COLUMN api_key_id BIGINT REFERENCES api_keys(id);
ALTER TABLE reports ADD COLUMN api_token TEXT;
ALTER TABLE reports ADD COLUMN contact_name TEXT;
ALTER TABLE reports ADD COLUMN contact_email TEXT;
ALTER TABLE reports ADD COLUMN media_url TEXT;
CREATE INDEX reports_api_token ON reports(api_token) WHERE api_token IS NOT NULL;
-- An API report given only coordinates takes the street of the nearest earlier report.
CREATE INDEX reports_near ON reports(lat, lon) WHERE street_id IS NOT NULL AND lat IS NOT NULL;

-- A category's group (Open311's service group): the demo's own, set by the admin after.
ALTER TABLE categories ADD COLUMN group_name TEXT NOT NULL DEFAULT '';
UPDATE categories SET group_name = '环境卫生' WHERE code IN ('exposed_garbage',
    'accumulated_waste', 'dirty_road', 'overflowing_bin', 'sanitation_blind_spot', 'dry_toilet',
    'livestock', 'standing_water');
UPDATE categories SET group_name = '市容秩序' WHERE code IN ('illegal_flyers', 'piled_materials',
    'scrap_collection', 'outside_business', 'street_drying', 'illegal_building',
    'abandoned_furniture');
UPDATE categories SET group_name = '其他' WHERE group_name = '';

-- 单元网格 (issue 30): the district's grids with their shapes, and each report's grid.
-- Keep in step with ../sqlite/.
--
-- A grid belongs to one office (and, where the file says, one community). Its shape is kept
-- as the coordinates of a GeoJSON MultiPolygon (longitude/latitude, as the import checked
-- them: closed rings, no crossing, inside China); its box beside it. A re-import replaces shapes by code; a grid missing from the
-- new file is retired (retired_at), never deleted, since reports name it.
CREATE TABLE grids (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code          TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    office_id     BIGINT  NOT NULL REFERENCES offices(id),
    community_id  BIGINT  REFERENCES communities(id),
    geometry      TEXT    NOT NULL,
    min_lon       DOUBLE PRECISION NOT NULL,
    min_lat       DOUBLE PRECISION NOT NULL,
    max_lon       DOUBLE PRECISION NOT NULL,
    max_lat       DOUBLE PRECISION NOT NULL,
    vertices      BIGINT  NOT NULL,
    retired_at    BIGINT,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX grids_office ON grids(office_id, code);

-- The grid that holds a report's point (or its street's), found when it arrives. NULL: no
-- point, or outside every grid, or not yet placed by the backfill.
ALTER TABLE reports ADD COLUMN grid_id BIGINT REFERENCES grids(id);
CREATE INDEX reports_grid ON reports(grid_id, received_at);

-- Moved on in the transaction of every change of the grids: each server instance keeps the
-- grids' index in memory and reads the grids again when this has moved.
CREATE TABLE grid_version (
    id       BIGINT PRIMARY KEY CHECK (id = 1),
    version  BIGINT NOT NULL
);
INSERT INTO grid_version (id, version) VALUES (1, 0);

-- An uploaded grid file, checked and kept for the admin's preview until it is confirmed:
-- its features as read (properties and coordinates, JSON), so the preview can be mapped
-- again without another upload. Deleted a day after upload.
CREATE TABLE grid_imports (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       BIGINT  NOT NULL REFERENCES users(id),
    file_name     TEXT    NOT NULL,
    features      TEXT    NOT NULL,
    feature_count BIGINT  NOT NULL,
    vertex_count  BIGINT  NOT NULL,
    created_at    BIGINT  NOT NULL,
    imported_at   BIGINT
);

-- Reports that arrived before their grid existed are placed in the background, in id order:
-- the cursor is kept here, so a restart goes on where it stopped; when the grids change
-- (another version) it starts again from the first report still without a grid.
CREATE TABLE grid_backfill (
    id       BIGINT PRIMARY KEY CHECK (id = 1),
    version  BIGINT NOT NULL,
    after_id BIGINT NOT NULL
);
INSERT INTO grid_backfill (id, version, after_id) VALUES (1, -1, 0);
CREATE INDEX reports_unplaced ON reports(id) WHERE grid_id IS NULL AND lat IS NOT NULL;

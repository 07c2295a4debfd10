//! The district's ground for staff and the 督导组: `GET /api/grids.geojson`, the 单元网格 as
//! a GeoJSON FeatureCollection (staff: their office's; the admin and the 督导组: all).
//! The map page builds on it.

#[cfg(feature = "ssr")]
pub mod api;

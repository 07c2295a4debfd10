//! The geometry's words (zh-CN): errors in a GeoJSON file, each naming the feature.

pub const NOT_GEOJSON: &str = "不是有效的 GeoJSON 文件";
pub const NOT_COLLECTION: &str = "文件须是 GeoJSON 的 FeatureCollection（要素集合）";
pub const NO_FEATURES: &str = "文件中没有要素";
pub const NOT_FEATURE: &str = "不是 Feature（要素）";
pub const NO_GEOMETRY: &str = "没有几何图形";
pub const NOT_POLYGON: &str = "几何类型须是 Polygon 或 MultiPolygon";
pub const BAD_COORDINATES: &str = "坐标的层次与几何类型不符";
pub const NOT_A_NUMBER: &str = "坐标不是有限的数字";
pub const RING_TOO_SHORT: &str = "有一个环少于 4 个点";
pub const RING_OPEN: &str = "有一个环没有闭合（首尾两点不同）";
pub const RING_CROSSES: &str = "边界自相交";
pub const OUTSIDE_CHINA: &str =
    "有坐标不在中国境内（经纬度是否颠倒？是否为投影坐标？须为 WGS-84 或 CGCS2000 经纬度）";

pub fn feature(index: usize) -> String {
    format!("第 {} 个要素", index + 1)
}

pub fn too_many_features(max: usize) -> String {
    format!("要素超过 {max} 个")
}

pub fn too_many_vertices(max: usize) -> String {
    format!("顶点超过 {max} 个")
}

pub fn too_many_vertices_total(max: usize) -> String {
    format!("全部要素的顶点合计超过 {max} 个")
}

pub fn crossing_at(ring: usize, a: usize, b: usize) -> String {
    format!(
        "{RING_CROSSES}（第 {} 个环的第 {} 与第 {} 条边）",
        ring + 1,
        a + 1,
        b + 1
    )
}

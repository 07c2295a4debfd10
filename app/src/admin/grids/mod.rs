//! 单元网格 on /admin: the grids per office, the upload of a district's GeoJSON, and the
//! import's preview at `/admin/grids/import/{id}` (map the file's properties to code, name,
//! 社区 and 办事处; see what is added, moved, renamed, brought back and retired) before it
//! is confirmed. The geometry is `geo`'s, the plan and the SQL `areas::grids`'.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

/// The upload's server function (multipart, part `file`): the body policy's route.
pub const IMPORT_PATH: &str = "/api/admin/grids_import";
/// The largest GeoJSON file taken: 10,000 grids of 200 positions at 7 decimals is ≈ 50 MB.
/// Written to a temporary file as it arrives, never held whole in memory.
pub const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;
/// The preview's page.
pub const PREVIEW_PAGE: &str = "/admin/grids/import";
/// Grids of each kind listed on the preview (the counts are complete).
pub const PREVIEW_LINES: usize = 50;

/// Which property holds what, as the preview's form sends it (empty: none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MappingForm {
    pub code: String,
    pub name: String,
    pub community: String,
    pub office: String,
    /// An office id for every grid of a file that names none.
    pub office_for_all: String,
}

impl MappingForm {
    /// The query string of the preview with this mapping.
    pub fn query(&self) -> String {
        let enc = |v: &str| -> String {
            v.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        };
        format!(
            "code={}&name={}&community={}&office={}&office_for_all={}",
            enc(&self.code),
            enc(&self.name),
            enc(&self.community),
            enc(&self.office),
            enc(&self.office_for_all)
        )
    }
}

/// A grid in the preview's lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridLine {
    pub code: String,
    pub name: String,
    pub office: String,
}

/// What the import would do: complete counts, the first [`PREVIEW_LINES`] of each.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanSummary {
    pub added: (usize, Vec<GridLine>),
    pub moved: (usize, Vec<GridLine>),
    pub changed: (usize, Vec<GridLine>),
    pub revived: (usize, Vec<GridLine>),
    pub retired: (usize, Vec<GridLine>),
    pub unchanged: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridImportPreview {
    pub id: i64,
    pub file_name: String,
    pub features: i64,
    pub vertices: i64,
    pub imported: bool,
    /// The file's property keys with sample values.
    pub keys: Vec<(String, Vec<String>)>,
    /// The mapping shown: the one asked for, or the guess.
    pub mapping: MappingForm,
    pub offices: Vec<(i64, String)>,
    /// The plan, or why the file cannot be imported with this mapping.
    pub plan: Result<PlanSummary, String>,
}

/// The grids section of /admin: per office, active and retired.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GridCounts {
    pub per_office: Vec<(String, i64, i64)>,
}

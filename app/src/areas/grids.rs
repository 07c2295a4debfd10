//! 单元网格: where a point lies (each instance keeps the grids' index in memory, read again
//! when `grid_version` moves), and an import's plan (a GeoJSON file's features matched to the
//! office and community trees and compared with the grids stored: what is added, moved,
//! renamed, brought back and retired).

use super::db::grids::{self as db, GridRow, GridValues, GridWrite};
use super::strings as s;
use super::{Community, Office};
use crate::db::{Db, DbResult};
use crate::domain::{CommunityId, GridId, OfficeId};
use crate::error::AppError;
use crate::geo::geojson::Feature;
use crate::geo::index::ShapeIndex;
use crate::geo::{MultiCoords, Shape};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Where a point lies: its grid, and the grid's office and community.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridPlace {
    pub grid: GridId,
    pub office: OfficeId,
    pub community: Option<CommunityId>,
}

/// The active grids' index at one version.
pub struct GridIndex {
    version: i64,
    index: ShapeIndex<GridPlace>,
}

impl GridIndex {
    /// The grids' version it was read at.
    pub fn version(&self) -> i64 {
        self.version
    }

    pub fn locate(&self, lon: f64, lat: f64) -> Option<GridPlace> {
        self.index.locate(lon, lat)
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }
}

/// The slot each instance keeps its index in (one per application state).
#[derive(Default)]
pub struct GridIndexSlot(tokio::sync::RwLock<Option<Arc<GridIndex>>>);

/// The index of the active grids, read again from the database when they changed.
pub async fn index(db: &Db, slot: &GridIndexSlot) -> DbResult<Arc<GridIndex>> {
    let version = db::version(db).await?;
    if let Some(ix) = slot.0.read().await.as_ref()
        && ix.version == version
    {
        return Ok(ix.clone());
    }
    let mut held = slot.0.write().await;
    if let Some(ix) = held.as_ref()
        && ix.version == version
    {
        return Ok(ix.clone());
    }
    let ix = Arc::new(load(db, version).await?);
    *held = Some(ix.clone());
    Ok(ix)
}

/// Reads the active grids into an index (version as read before them: a change in between
/// is read again on the next call).
pub async fn load(db: &Db, version: i64) -> DbResult<GridIndex> {
    let rows = db::grids(db, None, false).await?;
    let shapes = rows.into_iter().filter_map(|g| {
        let coords: MultiCoords = match serde_json::from_str(&g.geometry) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(grid = %g.code, error = %e, "a stored grid's shape does not read");
                return None;
            }
        };
        let place = GridPlace {
            grid: g.id,
            office: g.office_id,
            community: g.community_id,
        };
        Some((place, Shape::from_coords(coords)))
    });
    Ok(GridIndex {
        version,
        index: ShapeIndex::new(shapes),
    })
}

/// The grid of a point, through the state's index.
pub async fn locate(
    state: &crate::state::AppState,
    lon: f64,
    lat: f64,
) -> DbResult<Option<GridPlace>> {
    let slot = state.caches.slot::<GridIndexSlot>();
    Ok(index(&state.db, &slot).await?.locate(lon, lat))
}

/// Whether the district has any grid (an Open311 point outside every grid is refused only
/// then).
pub async fn any_grid(state: &crate::state::AppState) -> DbResult<bool> {
    let slot = state.caches.slot::<GridIndexSlot>();
    Ok(!index(&state.db, &slot).await?.is_empty())
}

// ---- import ----

/// A feature as an upload keeps it for the preview (JSON in `grid_imports.features`).
#[derive(serde::Serialize, serde::Deserialize)]
struct KeptFeature {
    i: usize,
    p: BTreeMap<String, String>,
    c: MultiCoords,
}

/// The features of an upload as kept for its preview.
pub fn keep(features: &[Feature]) -> Result<String, AppError> {
    let kept: Vec<KeptFeature> = features
        .iter()
        .map(|f| KeptFeature {
            i: f.index,
            p: f.properties.clone(),
            c: f.shape.to_coords(),
        })
        .collect();
    serde_json::to_string(&kept).map_err(|_| AppError::Internal)
}

/// The features [`keep`] kept.
pub fn unkeep(json: &str) -> Result<Vec<Feature>, AppError> {
    let kept: Vec<KeptFeature> = serde_json::from_str(json).map_err(|e| {
        tracing::error!(error = %e, "a kept grid upload does not read");
        AppError::Internal
    })?;
    Ok(kept
        .into_iter()
        .map(|k| Feature {
            index: k.i,
            properties: k.p,
            shape: Shape::from_coords(k.c),
        })
        .collect())
}

/// Which property of a feature holds what. Keys are matched as given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mapping {
    /// The grid code (required; unique in the file).
    pub code: String,
    /// The grid's name; without it, the code is the name.
    pub name: Option<String>,
    /// The 社区 / 居委会, matched by name within the office.
    pub community: Option<String>,
    /// The 办事处, matched by name. Without it, each feature's community names it, or else
    /// every grid goes to `office_for_all`.
    pub office: Option<String>,
    pub office_for_all: Option<OfficeId>,
}

/// Keys tried, in order, when the admin has not chosen: what districts' files tend to use.
const CODE_KEYS: &[&str] = &[
    "code",
    "grid_code",
    "gridcode",
    "wgbm",
    "网格编码",
    "网格代码",
    "编码",
    "bm",
];
const NAME_KEYS: &[&str] = &[
    "name",
    "grid_name",
    "gridname",
    "wgmc",
    "网格名称",
    "名称",
    "mc",
];
const COMMUNITY_KEYS: &[&str] = &[
    "community",
    "sqmc",
    "社区",
    "社区名称",
    "居委会",
    "所属社区",
];
const OFFICE_KEYS: &[&str] = &[
    "office",
    "jdmc",
    "办事处",
    "街道",
    "街道办事处",
    "所属街道",
    "所属办事处",
];

/// Every property key of the file, with up to three sample values, in first-seen order.
pub fn property_keys(features: &[Feature]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for f in features {
        for (k, v) in &f.properties {
            match out.iter().position(|(key, _)| key == k) {
                Some(i) => {
                    let samples = &mut out[i].1;
                    if samples.len() < 3 && !samples.contains(v) {
                        samples.push(v.clone());
                    }
                }
                None if out.len() < 64 => out.push((k.clone(), vec![v.clone()])),
                None => {}
            }
        }
    }
    out
}

/// A first guess of the mapping from the file's keys (case does not matter).
pub fn guess_mapping(keys: &[(String, Vec<String>)]) -> Mapping {
    let find = |wanted: &[&str]| {
        wanted.iter().find_map(|w| {
            keys.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(w))
                .map(|(k, _)| k.clone())
        })
    };
    Mapping {
        code: find(CODE_KEYS).unwrap_or_default(),
        name: find(NAME_KEYS),
        community: find(COMMUNITY_KEYS),
        office: find(OFFICE_KEYS),
        office_for_all: None,
    }
}

/// Longest code and name kept.
pub const MAX_GRID_CODE_CHARS: usize = 32;
pub const MAX_GRID_NAME_CHARS: usize = 64;

/// What an import would do, grid by grid.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub added: Vec<GridValues>,
    /// The shape changed (other values may have too).
    pub moved: Vec<(GridId, GridValues)>,
    /// Only the name, office or community changed.
    pub changed: Vec<(GridId, GridValues)>,
    /// Retired before, in the file again.
    pub revived: Vec<(GridId, GridValues)>,
    pub unchanged: usize,
    /// Active now, missing from the file: (id, code, name).
    pub retired: Vec<(GridId, String, String)>,
}

impl Plan {
    pub fn writes(&self) -> Vec<GridWrite> {
        let updates = self.moved.iter().chain(&self.changed).chain(&self.revived);
        self.added
            .iter()
            .cloned()
            .map(GridWrite::Insert)
            .chain(updates.map(|(id, v)| GridWrite::Update(*id, v.clone())))
            .chain(self.retired.iter().map(|(id, _, _)| GridWrite::Retire(*id)))
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.moved.is_empty()
            && self.changed.is_empty()
            && self.revived.is_empty()
            && self.retired.is_empty()
    }
}

/// Matches a name as files write it to one of ours: the same, or ours with a usual suffix
/// the file left off (韩营 for 韩营社区, 太昊路 for 太昊路办事处).
fn same_place(ours: &str, theirs: &str, suffixes: &[&str]) -> bool {
    let theirs = theirs.trim();
    ours == theirs
        || suffixes.iter().any(|suf| {
            ours.strip_suffix(suf) == Some(theirs) || theirs.strip_suffix(suf) == Some(ours)
        })
}

const OFFICE_SUFFIXES: &[&str] = &["街道办事处", "办事处", "街道"];
const COMMUNITY_SUFFIXES: &[&str] = &["社区居委会", "居委会", "社区"];

/// Plans an import: each feature matched to an office (and a community), checked, and
/// compared with the grids stored. Any feature that cannot be placed fails the whole plan,
/// naming it, so nothing is half imported.
pub fn plan(
    features: &[Feature],
    mapping: &Mapping,
    offices: &[Office],
    communities: &[Community],
    stored: &[GridRow],
) -> Result<Plan, AppError> {
    if mapping.code.trim().is_empty() {
        return Err(AppError::bad_request(s::GRID_CODE_KEY_REQUIRED));
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut wanted: BTreeMap<String, GridValues> = BTreeMap::new();
    for f in features {
        let fail = |what: String| {
            AppError::bad_request(format!("{}：{what}", crate::geo::strings::feature(f.index)))
        };
        let code = f
            .property(&mapping.code)
            .ok_or_else(|| fail(s::grid_code_missing(&mapping.code)))?
            .to_string();
        if code.chars().count() > MAX_GRID_CODE_CHARS
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(fail(s::grid_code_invalid(&code, MAX_GRID_CODE_CHARS)));
        }
        if let Some(first) = seen.insert(code.clone(), f.index) {
            return Err(fail(s::grid_code_repeated(&code, first + 1)));
        }
        let name = mapping
            .name
            .as_deref()
            .and_then(|k| f.property(k))
            .unwrap_or(&code)
            .chars()
            .take(MAX_GRID_NAME_CHARS)
            .collect::<String>();
        let fail = |what: String| {
            AppError::bad_request(format!(
                "{}（编码 {code}）：{what}",
                crate::geo::strings::feature(f.index)
            ))
        };
        let office_named = mapping.office.as_deref().and_then(|k| f.property(k));
        let community_named = mapping.community.as_deref().and_then(|k| f.property(k));
        let office = match office_named {
            Some(n) => Some(
                offices
                    .iter()
                    .find(|o| same_place(&o.name, n, OFFICE_SUFFIXES))
                    .ok_or_else(|| fail(s::grid_office_unknown(n)))?
                    .id,
            ),
            None => mapping.office_for_all,
        };
        let community = match community_named {
            None => None,
            Some(n) => {
                let matches: Vec<&Community> = communities
                    .iter()
                    .filter(|c| office.is_none_or(|o| c.office_id == o))
                    .filter(|c| same_place(&c.name, n, COMMUNITY_SUFFIXES))
                    .collect();
                match matches.as_slice() {
                    [one] => Some(*one),
                    [] => return Err(fail(s::grid_community_unknown(n))),
                    _ => return Err(fail(s::grid_community_ambiguous(n))),
                }
            }
        };
        let office = match (office, community) {
            (Some(o), _) => o,
            (None, Some(c)) => c.office_id,
            (None, None) => return Err(fail(s::GRID_OFFICE_MISSING.into())),
        };
        let shape = &f.shape;
        let geometry = serde_json::to_string(&shape.to_coords()).map_err(|_| AppError::Internal)?;
        wanted.insert(
            code.clone(),
            GridValues {
                code,
                name,
                office,
                community: community.map(|c| c.id),
                geometry,
                bbox: shape.bbox().0,
                vertices: i64::try_from(shape.vertices()).unwrap_or(i64::MAX),
            },
        );
    }
    let mut plan = Plan::default();
    let by_code: HashMap<&str, &GridRow> = stored.iter().map(|g| (g.code.as_str(), g)).collect();
    for (code, v) in wanted {
        match by_code.get(code.as_str()) {
            None => plan.added.push(v),
            Some(g) if g.retired_at.is_some() => plan.revived.push((g.id, v)),
            Some(g) if g.geometry != v.geometry => plan.moved.push((g.id, v)),
            Some(g)
                if g.name != v.name || g.office_id != v.office || g.community_id != v.community =>
            {
                plan.changed.push((g.id, v));
            }
            Some(_) => plan.unchanged += 1,
        }
    }
    plan.retired = stored
        .iter()
        .filter(|g| g.retired_at.is_none() && !seen.contains_key(&g.code))
        .map(|g| (g.id, g.code.clone(), g.name.clone()))
        .collect();
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::geojson::{LIMITS, parse};

    fn offices() -> Vec<Office> {
        vec![
            Office {
                id: OfficeId(1),
                name: "太昊路办事处".into(),
            },
            Office {
                id: OfficeId(2),
                name: "淮河路办事处".into(),
            },
        ]
    }

    fn communities() -> Vec<Community> {
        vec![
            Community {
                id: CommunityId(10),
                office_id: OfficeId(1),
                name: "韩营社区".into(),
            },
            Community {
                id: CommunityId(20),
                office_id: OfficeId(2),
                name: "五一社区".into(),
            },
        ]
    }

    fn feature(code: &str, office: Option<&str>, community: Option<&str>, x: f64) -> String {
        let mut props = vec![format!(r#""WGBM":"{code}","WGMC":"网格{code}""#)];
        if let Some(o) = office {
            props.push(format!(r#""JDMC":"{o}""#));
        }
        if let Some(c) = community {
            props.push(format!(r#""SQMC":"{c}""#));
        }
        format!(
            r#"{{"type":"Feature","properties":{{{}}},"geometry":{{"type":"Polygon","coordinates":[[[{x},33.6],[{x1},33.6],[{x1},33.61],[{x},33.61],[{x},33.6]]]}}}}"#,
            props.join(","),
            x1 = x + 0.01
        )
    }

    fn features(items: &[String]) -> Vec<Feature> {
        parse(
            format!(
                r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                items.join(",")
            )
            .as_bytes(),
            &LIMITS,
        )
        .unwrap()
    }

    #[test]
    fn the_mapping_is_guessed_and_names_are_matched_without_their_suffixes() {
        let f = features(&[
            feature("A1", Some("太昊路"), Some("韩营"), 114.6),
            feature("B1", None, Some("五一"), 114.7),
        ]);
        let m = guess_mapping(&property_keys(&f));
        assert_eq!(m.code, "WGBM");
        assert_eq!(m.name.as_deref(), Some("WGMC"));
        assert_eq!(m.office.as_deref(), Some("JDMC"));
        assert_eq!(m.community.as_deref(), Some("SQMC"));
        let plan = plan(&f, &m, &offices(), &communities(), &[]).unwrap();
        assert_eq!(plan.added.len(), 2);
        assert_eq!(
            (plan.added[0].office, plan.added[0].community),
            (OfficeId(1), Some(CommunityId(10)))
        );
        // No office named: the community's.
        assert_eq!(
            (plan.added[1].office, plan.added[1].community),
            (OfficeId(2), Some(CommunityId(20)))
        );
        assert_eq!(plan.added[0].name, "网格A1");
    }

    #[test]
    fn a_reimport_adds_moves_renames_revives_and_retires() {
        let m = Mapping {
            code: "WGBM".into(),
            name: Some("WGMC".into()),
            office: Some("JDMC".into()),
            ..Mapping::default()
        };
        let first = plan(
            &features(&[
                feature("A", Some("太昊路办事处"), None, 114.6),
                feature("B", Some("淮河路"), None, 114.7),
                feature("C", Some("淮河路"), None, 114.8),
                feature("D", Some("淮河路"), None, 114.9),
            ]),
            &m,
            &offices(),
            &communities(),
            &[],
        )
        .unwrap();
        let row = |id: i64, v: &GridValues, retired: bool| GridRow {
            id: GridId(id),
            code: v.code.clone(),
            name: v.name.clone(),
            office_id: v.office,
            office_name: String::new(),
            community_id: v.community,
            community_name: None,
            geometry: v.geometry.clone(),
            retired_at: retired.then_some(1),
        };
        let stored: Vec<GridRow> = first
            .added
            .iter()
            .enumerate()
            .map(|(i, v)| row(i as i64 + 1, v, v.code == "D"))
            .collect();
        // A: same; B: moved; C: another office; D: back from retirement; E: new; F: gone.
        let mut f = stored.clone();
        f.push(GridRow {
            code: "F".into(),
            ..row(6, &first.added[0], false)
        });
        let second = plan(
            &features(&[
                feature("A", Some("太昊路"), None, 114.6),
                feature("B", Some("淮河路"), None, 114.75),
                feature("C", Some("太昊路"), None, 114.8),
                feature("D", Some("淮河路"), None, 114.9),
                feature("E", Some("淮河路"), None, 115.0),
            ]),
            &m,
            &offices(),
            &communities(),
            &f,
        )
        .unwrap();
        assert_eq!(second.unchanged, 1);
        assert_eq!(
            second
                .moved
                .iter()
                .map(|(_, v)| v.code.as_str())
                .collect::<Vec<_>>(),
            ["B"]
        );
        assert_eq!(
            second
                .changed
                .iter()
                .map(|(_, v)| v.code.as_str())
                .collect::<Vec<_>>(),
            ["C"]
        );
        assert_eq!(
            second
                .revived
                .iter()
                .map(|(_, v)| v.code.as_str())
                .collect::<Vec<_>>(),
            ["D"]
        );
        assert_eq!(
            second
                .added
                .iter()
                .map(|v| v.code.as_str())
                .collect::<Vec<_>>(),
            ["E"]
        );
        assert_eq!(
            second
                .retired
                .iter()
                .map(|(_, c, _)| c.as_str())
                .collect::<Vec<_>>(),
            ["F"]
        );
        assert_eq!(second.writes().len(), 5);
    }

    #[test]
    fn features_that_cannot_be_placed_fail_the_plan_naming_them() {
        let m = Mapping {
            code: "WGBM".into(),
            office: Some("JDMC".into()),
            community: Some("SQMC".into()),
            ..Mapping::default()
        };
        let err = |items: &[String]| {
            plan(&features(items), &m, &offices(), &communities(), &[])
                .unwrap_err()
                .to_string()
        };
        assert!(
            err(&[feature("A", Some("不存在"), None, 114.6)]).starts_with("第 1 个要素（编码 A）")
        );
        assert!(
            err(&[
                feature("A", Some("太昊路"), None, 114.6),
                feature("A", Some("太昊路"), None, 114.7)
            ])
            .contains("第 1 个")
        );
        assert!(err(&[feature("A", None, None, 114.6)]).contains(s::GRID_OFFICE_MISSING));
        assert!(err(&[feature("A", Some("太昊路"), Some("五一"), 114.6)]).contains("五一"));
        assert!(err(&[feature("a b", Some("太昊路"), None, 114.6)]).contains("a b"));
        let m = Mapping {
            office_for_all: Some(OfficeId(2)),
            office: None,
            community: None,
            ..m
        };
        let p = plan(
            &features(&[feature("A", None, None, 114.6)]),
            &m,
            &offices(),
            &communities(),
            &[],
        )
        .unwrap();
        assert_eq!(p.added[0].office, OfficeId(2));
    }
}

//! A GeoJSON FeatureCollection of Polygon/MultiPolygon features, read in one pass within
//! limits set here: each feature is checked and kept as it is read, counting features and
//! positions as they come, so a file of a million features or a polygon of a million
//! positions is refused once the limit is passed, never held whole. Properties keep their
//! scalar values (text, numbers, true/false); nested ones are skipped.
//!
//! Errors are Chinese and name the feature (its position in the file).

use super::strings as s;
use super::{Bbox, CHINA, Polygon, Ring, Shape};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt;

/// How much one file may hold.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub features: usize,
    pub vertices_per_feature: usize,
    pub vertices: usize,
    /// Characters of one property's text (longer ones are cut).
    pub property_chars: usize,
    /// Properties kept per feature (the rest are skipped).
    pub properties: usize,
}

/// A district's grids: 10,000 of ~200 positions is 2,000,000; a real 单元网格 has tens to a few
/// hundred positions, a detailed one a few thousand.
pub const LIMITS: Limits = Limits {
    features: 20_000,
    vertices_per_feature: 20_000,
    vertices: 3_000_000,
    property_chars: 200,
    properties: 64,
};

/// One feature as read: its position in the file, its scalar properties and its shape.
#[derive(Clone, Debug)]
pub struct Feature {
    pub index: usize,
    pub properties: BTreeMap<String, String>,
    pub shape: Shape,
}

impl Feature {
    pub fn property(&self, key: &str) -> Option<&str> {
        self.properties
            .get(key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// A file's first error, in words an admin can act on.
#[derive(Clone, Debug, PartialEq)]
pub struct GeoError(pub String);

impl fmt::Display for GeoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GeoError {}

/// Reads a FeatureCollection of polygons and checks every shape (closed rings of at least
/// four positions, inside China, no edge crossing another).
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Vec<Feature>, GeoError> {
    read(serde_json::Deserializer::from_slice(bytes), limits)
}

/// [`parse`] from a reader (a file the upload was written to), a buffer at a time.
pub fn parse_reader(reader: impl std::io::Read, limits: &Limits) -> Result<Vec<Feature>, GeoError> {
    read(
        serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(64 * 1024, reader)),
        limits,
    )
}

fn read<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    limits: &Limits,
) -> Result<Vec<Feature>, GeoError> {
    let state = State {
        limits: *limits,
        features: RefCell::new(Vec::new()),
        vertices: Cell::new(0),
        feature_vertices: Cell::new(0),
        error: RefCell::new(None),
        saw_collection: Cell::new(false),
    };
    let read = TopSeed(&state).deserialize(&mut de).and_then(|()| de.end());
    if let Err(e) = read {
        return Err(state.error.take().unwrap_or_else(|| {
            let line = e.line();
            GeoError(format!("{}（第 {line} 行附近）", s::NOT_GEOJSON))
        }));
    }
    if !state.saw_collection.get() {
        return Err(GeoError(s::NOT_COLLECTION.into()));
    }
    let features = state.features.into_inner();
    if features.is_empty() {
        return Err(GeoError(s::NO_FEATURES.into()));
    }
    Ok(features)
}

struct State {
    limits: Limits,
    features: RefCell<Vec<Feature>>,
    vertices: Cell<usize>,
    feature_vertices: Cell<usize>,
    error: RefCell<Option<GeoError>>,
    saw_collection: Cell<bool>,
}

impl State {
    /// Records the first error and stops the reading.
    fn fail<E: de::Error>(&self, message: String) -> E {
        self.error.borrow_mut().get_or_insert(GeoError(message));
        E::custom("stopped")
    }

    fn fail_at<E: de::Error>(&self, what: &str) -> E {
        let index = self.features.borrow().len();
        self.fail(format!("{}：{what}", s::feature(index)))
    }
}

struct TopSeed<'a>(&'a State);

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => {
                    let t: String = map.next_value()?;
                    if t != "FeatureCollection" {
                        return Err(self.0.fail(s::NOT_COLLECTION.into()));
                    }
                    self.0.saw_collection.set(true);
                }
                "features" => map.next_value_seed(FeaturesSeed(self.0))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct FeaturesSeed<'a>(&'a State);

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of features")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let state = self.0;
        loop {
            let index = state.features.borrow().len();
            if index >= state.limits.features {
                // One more element would pass the limit: look whether there is one.
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    return Err(state.fail(s::too_many_features(state.limits.features)));
                }
                return Ok(());
            }
            state.feature_vertices.set(0);
            let Some(mut raw) = seq.next_element_seed(FeatureSeed(state))? else {
                return Ok(());
            };
            let properties = std::mem::take(&mut raw.properties);
            let shape = raw
                .shape()
                .map_err(|what| state.fail_at::<A::Error>(&what))?;
            state.features.borrow_mut().push(Feature {
                index,
                properties,
                shape,
            });
        }
    }
}

/// A feature as read, before its shape is checked.
struct RawFeature {
    properties: BTreeMap<String, String>,
    kind: Option<String>,
    coordinates: Option<Nested>,
}

/// Nested arrays of positions; their depth says what they are.
enum Nested {
    Position([f64; 2]),
    List(Vec<Nested>),
}

impl RawFeature {
    fn shape(self) -> Result<Shape, String> {
        let (Some(kind), Some(coordinates)) = (self.kind, self.coordinates) else {
            return Err(s::NO_GEOMETRY.into());
        };
        let polygons = match kind.as_str() {
            "Polygon" => vec![polygon(coordinates)?],
            "MultiPolygon" => lists(coordinates)?
                .into_iter()
                .map(polygon)
                .collect::<Result<_, _>>()?,
            _ => return Err(s::NOT_POLYGON.into()),
        };
        if polygons.is_empty() {
            return Err(s::BAD_COORDINATES.into());
        }
        let shape = Shape { polygons };
        let rings = shape
            .polygons
            .iter()
            .flat_map(|p| std::iter::once(&p.outer).chain(&p.holes));
        for (i, ring) in rings.enumerate() {
            let r = &ring.0;
            if r.len() < 4 {
                return Err(s::RING_TOO_SHORT.into());
            }
            if r.first() != r.last() {
                return Err(s::RING_OPEN.into());
            }
            if r.iter().any(|p| !CHINA.contains(p[0], p[1])) {
                return Err(s::OUTSIDE_CHINA.into());
            }
            if let Some((a, b)) = ring.crossing() {
                return Err(s::crossing_at(i, a, b));
            }
        }
        let Bbox(b) = shape.bbox();
        debug_assert!(b.iter().all(|v| v.is_finite()));
        Ok(shape)
    }
}

fn lists(n: Nested) -> Result<Vec<Nested>, String> {
    match n {
        Nested::List(v) => Ok(v),
        Nested::Position(_) => Err(s::BAD_COORDINATES.into()),
    }
}

fn polygon(n: Nested) -> Result<Polygon, String> {
    let mut rings = lists(n)?.into_iter().map(|r| {
        lists(r)?
            .into_iter()
            .map(|p| match p {
                Nested::Position(p) => Ok(p),
                Nested::List(_) => Err(s::BAD_COORDINATES.to_string()),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Ring)
    });
    let outer = rings.next().ok_or(s::BAD_COORDINATES)??;
    let holes = rings.collect::<Result<_, _>>()?;
    Ok(Polygon { outer, holes })
}

struct FeatureSeed<'a>(&'a State);

impl<'de> DeserializeSeed<'de> for FeatureSeed<'_> {
    type Value = RawFeature;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<RawFeature, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FeatureSeed<'_> {
    type Value = RawFeature;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a feature")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawFeature, A::Error> {
        let state = self.0;
        let mut raw = RawFeature {
            properties: BTreeMap::new(),
            kind: None,
            coordinates: None,
        };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => {
                    if map.next_value::<String>()? != "Feature" {
                        return Err(state.fail_at(s::NOT_FEATURE));
                    }
                }
                "properties" => {
                    raw.properties = map
                        .next_value_seed(PropertiesSeed(state.limits))?
                        .unwrap_or_default();
                }
                "geometry" => {
                    if let Some((kind, coordinates)) = map.next_value_seed(GeometrySeed(state))? {
                        raw.kind = kind;
                        raw.coordinates = coordinates;
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(raw)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<RawFeature, A::Error> {
        Err(self.0.fail_at(s::NOT_FEATURE))
    }
}

struct PropertiesSeed(Limits);

impl<'de> DeserializeSeed<'de> for PropertiesSeed {
    type Value = Option<BTreeMap<String, String>>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for PropertiesSeed {
    type Value = Option<BTreeMap<String, String>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("properties")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value::<Scalar>()?;
            if let Scalar(Some(mut v)) = value
                && out.len() < self.0.properties
                && key.chars().count() <= self.0.property_chars
            {
                if let Some((cut, _)) = v.char_indices().nth(self.0.property_chars) {
                    v.truncate(cut);
                }
                out.insert(key, v);
            }
        }
        Ok(Some(out))
    }
}

/// A property's value as text; `None` for null, lists and objects (skipped unread).
struct Scalar(Option<String>);

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar(None))
    }
}

struct GeometrySeed<'a>(&'a State);

type Geometry = Option<(Option<String>, Option<Nested>)>;

impl<'de> DeserializeSeed<'de> for GeometrySeed<'_> {
    type Value = Geometry;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Geometry, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for GeometrySeed<'_> {
    type Value = Geometry;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a geometry")
    }
    fn visit_none<E: de::Error>(self) -> Result<Geometry, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Geometry, E> {
        Ok(None)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Geometry, D::Error> {
        d.deserialize_map(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Geometry, A::Error> {
        let (mut kind, mut coordinates) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => {
                    let t: String = map.next_value()?;
                    if t != "Polygon" && t != "MultiPolygon" {
                        return Err(self.0.fail_at(s::NOT_POLYGON));
                    }
                    kind = Some(t);
                }
                "coordinates" => coordinates = Some(map.next_value_seed(CoordsSeed(self.0))?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some((kind, coordinates)))
    }
}

/// Nested arrays of positions, counting the positions against the limits as they come.
struct CoordsSeed<'a>(&'a State);

impl<'de> DeserializeSeed<'de> for CoordsSeed<'_> {
    type Value = Nested;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Nested, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for CoordsSeed<'_> {
    type Value = Nested;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("coordinates")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Nested, A::Error> {
        let state = self.0;
        let first = match seq.next_element_seed(ItemSeed(state))? {
            None => return Ok(Nested::List(Vec::new())),
            Some(item) => item,
        };
        match first {
            Item::Number(x) => {
                // A position: longitude, latitude, and an altitude or more that are skipped.
                let y = match seq.next_element_seed(ItemSeed(state))? {
                    Some(Item::Number(y)) => y,
                    _ => return Err(state.fail_at(s::BAD_COORDINATES)),
                };
                while let Some(extra) = seq.next_element_seed(ItemSeed(state))? {
                    if !matches!(extra, Item::Number(_)) {
                        return Err(state.fail_at(s::BAD_COORDINATES));
                    }
                }
                let per = state.feature_vertices.get() + 1;
                let all = state.vertices.get() + 1;
                if per > state.limits.vertices_per_feature {
                    return Err(
                        state.fail_at(&s::too_many_vertices(state.limits.vertices_per_feature))
                    );
                }
                if all > state.limits.vertices {
                    return Err(state.fail(s::too_many_vertices_total(state.limits.vertices)));
                }
                state.feature_vertices.set(per);
                state.vertices.set(all);
                Ok(Nested::Position([x, y]))
            }
            Item::List(n) => {
                let mut items = vec![n];
                while let Some(item) = seq.next_element_seed(ItemSeed(state))? {
                    match item {
                        Item::List(n) => items.push(n),
                        Item::Number(_) => return Err(state.fail_at(s::BAD_COORDINATES)),
                    }
                }
                Ok(Nested::List(items))
            }
        }
    }
}

/// An element of a coordinates array: a number, or a nested array.
enum Item {
    Number(f64),
    List(Nested),
}

struct ItemSeed<'a>(&'a State);

impl<'de> DeserializeSeed<'de> for ItemSeed<'_> {
    type Value = Item;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Item, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed<'_> {
    type Value = Item;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a list")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Item, E> {
        if v.is_finite() {
            Ok(Item::Number(v))
        } else {
            Err(self.0.fail_at(s::NOT_A_NUMBER))
        }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Item, E> {
        Ok(Item::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Item, E> {
        Ok(Item::Number(v as f64))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Item, A::Error> {
        CoordsSeed(self.0).visit_seq(seq).map(Item::List)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Item, E> {
        Err(self.0.fail_at(s::NOT_A_NUMBER))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Item, E> {
        Err(self.0.fail_at(s::NOT_A_NUMBER))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Item, E> {
        Err(self.0.fail_at(s::NOT_A_NUMBER))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Item, A::Error> {
        Err(self.0.fail_at(s::BAD_COORDINATES))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    fn square(code: &str, x: f64, y: f64) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{"code":"{code}","name":"网格{code}","n":7,"nested":{{"a":[1]}}}},
               "geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x1},{y}],[{x1},{y1},12.5],[{x},{y1}],[{x},{y}]]]}}}}"#,
            x1 = x + 0.01,
            y1 = y + 0.01
        )
    }

    #[test]
    fn reads_polygons_and_multipolygons_with_their_properties() {
        let multi = r#"{"geometry":{"coordinates":[[[[114.7,33.7],[114.71,33.7],[114.71,33.71],[114.7,33.7]]],[[[114.8,33.8],[114.81,33.8],[114.81,33.81],[114.8,33.8]]]],"type":"MultiPolygon"},"type":"Feature","properties":null}"#;
        let text = collection(&[square("411602001001001", 114.65, 33.62), multi.to_string()]);
        let f = parse(text.as_bytes(), &LIMITS).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].property("code"), Some("411602001001001"));
        assert_eq!(f[0].property("n"), Some("7"));
        assert_eq!(f[0].property("nested"), None);
        assert!(f[0].shape.contains(114.655, 33.625));
        assert_eq!(f[1].shape.polygons.len(), 2);
        assert!(f[1].shape.contains(114.805, 33.801));
        assert!(f[1].properties.is_empty());
    }

    #[test]
    fn a_reader_gives_the_same_features() {
        let text = collection(&[square("A", 114.65, 33.62), square("B", 114.66, 33.62)]);
        let f = parse_reader(text.as_bytes(), &LIMITS).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(
            f[1].shape,
            parse(text.as_bytes(), &LIMITS).unwrap()[1].shape
        );
        assert!(
            parse_reader(&b"{\"type\":"[..], &LIMITS)
                .unwrap_err()
                .0
                .starts_with(s::NOT_GEOJSON)
        );
    }

    fn error_of(text: &str) -> String {
        parse(text.as_bytes(), &LIMITS).unwrap_err().0
    }

    #[test]
    fn bad_files_are_refused_naming_the_feature() {
        assert!(error_of("PK\u{3}\u{4}").starts_with(s::NOT_GEOJSON));
        assert_eq!(error_of(r#"{"type":"Feature"}"#), s::NOT_COLLECTION);
        assert_eq!(error_of(&collection(&[])), s::NO_FEATURES);
        let good = square("1", 114.65, 33.62);
        let open = good.replace("[114.65,33.62]]]", "[114.65,33.621]]]");
        assert_eq!(
            error_of(&collection(&[good.clone(), open])),
            format!("第 2 个要素：{}", s::RING_OPEN)
        );
        let swapped = square("1", 33.62, 114.65);
        assert_eq!(
            error_of(&collection(&[swapped])),
            format!("第 1 个要素：{}", s::OUTSIDE_CHINA)
        );
        let bow = r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[114.0,33.0],[114.1,33.1],[114.1,33.0],[114.0,33.1],[114.0,33.0]]]}}"#;
        assert!(
            error_of(&collection(&[good.clone(), good.clone(), bow.into()]))
                .starts_with("第 3 个要素：边界自相交")
        );
        let point = r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[114.0,33.0]}}"#;
        assert_eq!(
            error_of(&collection(&[point.into()])),
            format!("第 1 个要素：{}", s::NOT_POLYGON)
        );
        let text =
            r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[["114",33.0]]]}}"#;
        assert_eq!(
            error_of(&collection(&[text.into()])),
            format!("第 1 个要素：{}", s::NOT_A_NUMBER)
        );
        let flat = r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[114.0,33.0],[114.1,33.1]]}}"#;
        assert_eq!(
            error_of(&collection(&[flat.into()])),
            format!("第 1 个要素：{}", s::BAD_COORDINATES)
        );
        let none = r#"{"type":"Feature","geometry":null}"#;
        assert_eq!(
            error_of(&collection(&[none.into()])),
            format!("第 1 个要素：{}", s::NO_GEOMETRY)
        );
    }

    #[test]
    fn limits_stop_the_reading_early() {
        let limits = Limits {
            features: 3,
            vertices_per_feature: 6,
            vertices: 15,
            ..LIMITS
        };
        let four: Vec<String> = (0..4)
            .map(|i| square(&i.to_string(), 114.6, 33.6 + f64::from(i) * 0.02))
            .collect();
        assert_eq!(
            parse(collection(&four).as_bytes(), &limits).unwrap_err().0,
            s::too_many_features(3)
        );
        assert_eq!(
            parse(collection(&four[..3]).as_bytes(), &limits)
                .unwrap()
                .len(),
            3
        );
        let long: String = (0..7).map(|i| format!("[114.{i},33.0],")).collect();
        let big = format!(
            r#"{{"type":"Feature","geometry":{{"type":"Polygon","coordinates":[[{long}[114.0,33.0]]]}}}}"#
        );
        assert_eq!(
            parse(collection(&[big]).as_bytes(), &limits).unwrap_err().0,
            format!("第 1 个要素：{}", s::too_many_vertices(6))
        );
        let limits = Limits {
            vertices: 12,
            ..limits
        };
        assert_eq!(
            parse(collection(&four[..3]).as_bytes(), &limits)
                .unwrap_err()
                .0,
            s::too_many_vertices_total(12)
        );
    }
}

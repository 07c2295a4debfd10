//! Which shape holds a point: an R-tree of the shapes' boxes (rstar), then the exact test on
//! the few whose box holds it. Where shapes overlap (a careless survey), the smallest wins,
//! then the first given.

use super::{Bbox, Shape};
use rstar::{AABB, RTree, RTreeObject};

struct Entry {
    slot: usize,
    bbox: AABB<[f64; 2]>,
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.bbox
    }
}

/// Shapes with a key each (a grid's id), searchable by point.
pub struct ShapeIndex<K> {
    tree: RTree<Entry>,
    /// Each shape with its key, area and box.
    shapes: Vec<(K, Shape, f64, Bbox)>,
}

impl<K: Copy> ShapeIndex<K> {
    pub fn new(shapes: impl IntoIterator<Item = (K, Shape)>) -> Self {
        let shapes: Vec<(K, Shape, f64, Bbox)> = shapes
            .into_iter()
            .map(|(k, s)| {
                let (area, bbox) = (s.area(), s.bbox());
                (k, s, area, bbox)
            })
            .collect();
        let entries = shapes
            .iter()
            .enumerate()
            .map(|(slot, (_, _, _, bbox))| {
                let [x0, y0, x1, y1] = bbox.0;
                Entry {
                    slot,
                    bbox: AABB::from_corners([x0, y0], [x1, y1]),
                }
            })
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
            shapes,
        }
    }

    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// The key of the shape that holds the point, if any.
    pub fn locate(&self, lon: f64, lat: f64) -> Option<K> {
        if !lon.is_finite() || !lat.is_finite() {
            return None;
        }
        self.tree
            .locate_in_envelope_intersecting(AABB::from_point([lon, lat]))
            .map(|e| &self.shapes[e.slot])
            .filter(|(_, s, _, _)| s.contains(lon, lat))
            .min_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(k, _, _, _)| *k)
    }

    /// The same answer by testing every shape: the baseline of the benchmark and of tests.
    pub fn locate_by_scan(&self, lon: f64, lat: f64) -> Option<K> {
        self.shapes
            .iter()
            .filter(|(_, s, _, b)| b.contains(lon, lat) && s.contains(lon, lat))
            .min_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(k, _, _, _)| *k)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Polygon, Ring};
    use super::*;

    fn square(x: f64, y: f64, side: f64) -> Shape {
        Shape {
            polygons: vec![Polygon {
                outer: Ring(vec![
                    [x, y],
                    [x + side, y],
                    [x + side, y + side],
                    [x, y + side],
                    [x, y],
                ]),
                holes: vec![],
            }],
        }
    }

    #[test]
    fn the_index_agrees_with_a_scan() {
        let mut shapes = Vec::new();
        for i in 0..40 {
            for j in 0..40 {
                shapes.push((
                    i * 40 + j,
                    square(
                        114.0 + f64::from(i) * 0.01,
                        33.0 + f64::from(j) * 0.01,
                        0.01,
                    ),
                ));
            }
        }
        // A small grid lying over part of a big one: the small one wins.
        shapes.push((9999, square(114.101, 33.101, 0.002)));
        let index = ShapeIndex::new(shapes);
        assert_eq!(index.locate(114.102, 33.102), Some(9999));
        let mut seed = 7u64;
        for _ in 0..2000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let x = 113.99 + (seed >> 33) as f64 / f64::from(1u32 << 31) * 0.42;
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let y = 32.99 + (seed >> 33) as f64 / f64::from(1u32 << 31) * 0.42;
            assert_eq!(index.locate(x, y), index.locate_by_scan(x, y), "{x} {y}");
        }
        assert_eq!(index.locate(120.0, 33.0), None);
        assert_eq!(index.locate(f64::NAN, 33.0), None);
    }
}

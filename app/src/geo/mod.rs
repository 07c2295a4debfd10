//! Plane geometry of the district's shapes, in longitude/latitude degrees (WGS-84 or
//! CGCS2000: the two differ by centimetres, so a GPS point fits either without conversion).
//! Pure and neutral: no area, no database. The grids' import reads GeoJSON through
//! [`geojson`]; placement finds the grid of a point through [`index::ShapeIndex`].
//!
//! Over the few kilometres of a district, treating degrees as a plane is exact enough for
//! "which polygon holds this point" (the question never depends on distances).

pub mod geojson;
pub mod index;
pub mod strings;

/// A closed ring: its first position repeated as its last, at least four positions.
#[derive(Clone, Debug, PartialEq)]
pub struct Ring(pub Vec<[f64; 2]>);

/// One polygon: its outer ring and its holes.
#[derive(Clone, Debug, PartialEq)]
pub struct Polygon {
    pub outer: Ring,
    pub holes: Vec<Ring>,
}

/// A grid's shape: one or more polygons (GeoJSON's Polygon or MultiPolygon).
#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    pub polygons: Vec<Polygon>,
}

/// The box around a shape: `[min_lon, min_lat, max_lon, max_lat]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bbox(pub [f64; 4]);

/// Where a shape may lie: mainland China, Hainan and the islands, with a margin. A point
/// outside it is a swapped longitude/latitude or a projected coordinate (metres), not a
/// place in the district.
pub const CHINA: Bbox = Bbox([73.0, 3.0, 136.0, 54.0]);

impl Bbox {
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        let [x0, y0, x1, y1] = self.0;
        (x0..=x1).contains(&lon) && (y0..=y1).contains(&lat)
    }
}

impl Ring {
    /// Even-odd test: a horizontal ray from the point crosses the ring's edges an odd
    /// number of times when the point is inside. A point on an edge may count either way.
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        let mut inside = false;
        for w in self.0.windows(2) {
            let ([x0, y0], [x1, y1]) = (w[0], w[1]);
            if (y0 > lat) != (y1 > lat) {
                let x = x0 + (lat - y0) * (x1 - x0) / (y1 - y0);
                if lon < x {
                    inside = !inside;
                }
            }
        }
        inside
    }

    /// Twice the signed area (shoelace); its absolute value halved is the area in square
    /// degrees.
    fn doubled_area(&self) -> f64 {
        self.0
            .windows(2)
            .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
            .sum()
    }

    /// Two edges that cross or touch, other than neighbours sharing their common end:
    /// the indexes of the first such pair found. Edges are swept in order of their left
    /// end, so each is compared only with those whose x-range overlaps its own.
    pub fn crossing(&self) -> Option<(usize, usize)> {
        let p = &self.0;
        let n = p.len().saturating_sub(1);
        let mut order: Vec<usize> = (0..n).collect();
        let left = |i: usize| p[i][0].min(p[i + 1][0]);
        let right = |i: usize| p[i][0].max(p[i + 1][0]);
        order.sort_by(|a, b| left(*a).total_cmp(&left(*b)));
        for (k, &i) in order.iter().enumerate() {
            for &j in &order[k + 1..] {
                if left(j) > right(i) {
                    break;
                }
                let (a, b) = (i.min(j), i.max(j));
                let neighbours = b == a + 1 || (a == 0 && b == n - 1);
                if neighbours {
                    // Neighbours share one end; they cross only if they fold back on
                    // each other (collinear and overlapping).
                    let (shared, x, y) = if b == a + 1 {
                        (p[b], p[a], p[b + 1])
                    } else {
                        (p[a], p[a + 1], p[b])
                    };
                    if orientation(x, shared, y) == 0.0 && dot(x, shared, y) > 0.0 {
                        return Some((a, b));
                    }
                    continue;
                }
                if segments_meet(p[a], p[a + 1], p[b], p[b + 1]) {
                    return Some((a, b));
                }
            }
        }
        None
    }
}

fn orientation(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// Positive when `a` and `c` lie on the same side of `b` along a line through all three.
fn dot(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    (a[0] - b[0]) * (c[0] - b[0]) + (a[1] - b[1]) * (c[1] - b[1])
}

fn on_segment(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> bool {
    p[0] >= a[0].min(b[0])
        && p[0] <= a[0].max(b[0])
        && p[1] >= a[1].min(b[1])
        && p[1] <= a[1].max(b[1])
}

fn segments_meet(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> bool {
    let (o1, o2) = (orientation(a, b, c), orientation(a, b, d));
    let (o3, o4) = (orientation(c, d, a), orientation(c, d, b));
    if ((o1 > 0.0 && o2 < 0.0) || (o1 < 0.0 && o2 > 0.0))
        && ((o3 > 0.0 && o4 < 0.0) || (o3 < 0.0 && o4 > 0.0))
    {
        return true;
    }
    (o1 == 0.0 && on_segment(a, b, c))
        || (o2 == 0.0 && on_segment(a, b, d))
        || (o3 == 0.0 && on_segment(c, d, a))
        || (o4 == 0.0 && on_segment(c, d, b))
}

impl Polygon {
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        self.outer.contains(lon, lat) && !self.holes.iter().any(|h| h.contains(lon, lat))
    }
}

impl Shape {
    /// The exact test, ring by ring (an index tests the boxes first).
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        self.polygons.iter().any(|p| p.contains(lon, lat))
    }

    pub fn bbox(&self) -> Bbox {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for [x, y] in self.polygons.iter().flat_map(|p| p.outer.0.iter()) {
            b = [b[0].min(*x), b[1].min(*y), b[2].max(*x), b[3].max(*y)];
        }
        Bbox(b)
    }

    /// Positions in all rings.
    pub fn vertices(&self) -> usize {
        self.polygons
            .iter()
            .flat_map(|p| std::iter::once(&p.outer).chain(&p.holes))
            .map(|r| r.0.len())
            .sum()
    }

    /// The area in square degrees (outer rings less their holes): to prefer the smaller of
    /// two overlapping grids.
    pub fn area(&self) -> f64 {
        self.polygons
            .iter()
            .map(|p| {
                p.outer.doubled_area().abs() / 2.0
                    - p.holes
                        .iter()
                        .map(|h| h.doubled_area().abs() / 2.0)
                        .sum::<f64>()
            })
            .sum()
    }

    /// A point inside the shape for its label and for tests: the middle of the widest
    /// stretch of the first polygon along the horizontal line through its box's centre.
    pub fn inner_point(&self) -> Option<[f64; 2]> {
        let p = self.polygons.first()?;
        let Bbox([_, y0, _, y1]) = Shape {
            polygons: vec![p.clone()],
        }
        .bbox();
        let lat = (y0 + y1) / 2.0;
        let mut xs: Vec<f64> = std::iter::once(&p.outer)
            .chain(&p.holes)
            .flat_map(|r| r.0.windows(2))
            .filter(|w| (w[0][1] > lat) != (w[1][1] > lat))
            .map(|w| w[0][0] + (lat - w[0][1]) * (w[1][0] - w[0][0]) / (w[1][1] - w[0][1]))
            .collect();
        xs.sort_by(f64::total_cmp);
        xs.chunks_exact(2)
            .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])))
            .map(|c| [(c[0] + c[1]) / 2.0, lat])
    }
}

/// Coordinates of a GeoJSON MultiPolygon as stored: every polygon, outer ring first.
pub type MultiCoords = Vec<Vec<Vec<[f64; 2]>>>;

impl Shape {
    /// The shape as a MultiPolygon's coordinates, rounded to 7 decimals (about 1 cm).
    pub fn to_coords(&self) -> MultiCoords {
        let round = |v: f64| (v * 1e7).round() / 1e7;
        self.polygons
            .iter()
            .map(|p| {
                std::iter::once(&p.outer)
                    .chain(&p.holes)
                    .map(|r| r.0.iter().map(|[x, y]| [round(*x), round(*y)]).collect())
                    .collect()
            })
            .collect()
    }

    /// A shape from stored coordinates (checked when they were imported).
    pub fn from_coords(coords: MultiCoords) -> Self {
        Shape {
            polygons: coords
                .into_iter()
                .filter_map(|rings| {
                    let mut rings = rings.into_iter().map(Ring);
                    Some(Polygon {
                        outer: rings.next()?,
                        holes: rings.collect(),
                    })
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(points: &[[f64; 2]]) -> Ring {
        let mut v = points.to_vec();
        v.push(points[0]);
        Ring(v)
    }

    fn square(x: f64, y: f64, side: f64) -> Ring {
        ring(&[[x, y], [x + side, y], [x + side, y + side], [x, y + side]])
    }

    #[test]
    fn points_inside_outside_and_in_holes() {
        let shape = Shape {
            polygons: vec![Polygon {
                outer: square(114.0, 33.0, 1.0),
                holes: vec![square(114.4, 33.4, 0.2)],
            }],
        };
        assert!(shape.contains(114.1, 33.1));
        assert!(!shape.contains(114.5, 33.5), "in the hole");
        assert!(!shape.contains(115.5, 33.5));
        assert!(!shape.contains(114.5, 32.9));
        assert!((shape.area() - 0.96).abs() < 1e-9);
        let p = shape.inner_point().unwrap();
        assert!(shape.contains(p[0], p[1]));
    }

    #[test]
    fn a_concave_ring() {
        // A U shape: the notch is outside.
        let u = ring(&[
            [0.0, 0.0],
            [3.0, 0.0],
            [3.0, 3.0],
            [2.0, 3.0],
            [2.0, 1.0],
            [1.0, 1.0],
            [1.0, 3.0],
            [0.0, 3.0],
        ]);
        assert!(u.contains(0.5, 2.5));
        assert!(u.contains(2.5, 2.5));
        assert!(!u.contains(1.5, 2.0));
        assert_eq!(u.crossing(), None);
    }

    #[test]
    fn crossings_are_found() {
        // A bow tie.
        let bow = ring(&[[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]]);
        assert!(bow.crossing().is_some());
        // A ring that touches itself at a vertex.
        let touch = ring(&[
            [0.0, 0.0],
            [2.0, 0.0],
            [1.0, 1.0],
            [2.0, 2.0],
            [0.0, 2.0],
            [1.0, 1.0],
        ]);
        assert!(touch.crossing().is_some());
        // A spike folding back on its own edge.
        let spike = ring(&[[0.0, 0.0], [2.0, 0.0], [1.0, 0.0], [1.0, 1.0]]);
        assert!(spike.crossing().is_some());
        assert_eq!(square(0.0, 0.0, 1.0).crossing(), None);
    }
}

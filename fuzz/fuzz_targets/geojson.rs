//! 单元网格 import: a GeoJSON file as uploaded, read within the limits and checked; a file
//! that reads is planned against the demo offices, its features kept and read back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = app::geo::geojson::Limits {
        features: 200,
        vertices_per_feature: 2_000,
        vertices: 20_000,
        ..app::geo::geojson::LIMITS
    };
    let Ok(features) = app::geo::geojson::parse(data, &limits) else {
        return;
    };
    for f in &features {
        let shape = &f.shape;
        let [x0, y0, x1, y1] = shape.bbox().0;
        assert!(x0 <= x1 && y0 <= y1);
        let _ = shape.contains((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let _ = shape.inner_point();
    }
    let kept = app::areas::grids::keep(&features).expect("kept");
    let back = app::areas::grids::unkeep(&kept).expect("read back");
    assert_eq!(back.len(), features.len());
    let keys = app::areas::grids::property_keys(&features);
    let mapping = app::areas::grids::guess_mapping(&keys);
    let offices = vec![app::areas::Office {
        id: app::domain::OfficeId(1),
        name: "太昊路办事处".into(),
    }];
    let _ = app::areas::grids::plan(&features, &mapping, &offices, &[], &[]);
    let index = app::geo::index::ShapeIndex::new(features.iter().map(|f| (f.index, f.shape.clone())));
    let _ = index.locate(114.65, 33.62);
});

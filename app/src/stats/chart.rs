//! Horizontal bar charts as SVG text, drawn on the server: no script, no CSS needed (every
//! colour and size is a presentation attribute). The drawing is 360 units wide and scales to
//! its container (`width="100%"` with a viewBox), so it reads on a 360 px phone.
//!
//! Each row is a label on its own line (office names can be long) with one bar per series
//! under it, and the value written after the bar.

use std::fmt::Write;

/// Width of the drawing, in viewBox units.
pub const WIDTH: i64 = 360;
/// Room kept right of the longest bar for its value ("100.0%", "1234").
const VALUE_ROOM: i64 = 58;
const LEGEND_H: i64 = 26;
const LABEL_H: i64 = 20;
const BAR_H: i64 = 16;
const BAR_GAP: i64 = 4;
const ROW_GAP: i64 = 12;
const INK: &str = "#1d2521";
const MUTED: &str = "#5f6b65";
const TRACK: &str = "#e7f4ec";

/// One kind of bar (收到, 结案, …) and its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Series {
    pub name: &'static str,
    pub color: &'static str,
}

/// A bar: its length is `value / max`; `text` is written after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub value: i64,
    pub text: String,
}

/// One office: a label and one bar per series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub label: String,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    /// Unique on the page: the `<title>` and `<desc>` are referenced by it.
    pub id: String,
    pub title: String,
    /// The text alternative: what the bars say, in words.
    pub desc: String,
    pub series: Vec<Series>,
    /// The value of a full-length bar (at least 1).
    pub max: i64,
    /// Draw the full scale behind each bar (for rates, whose maximum means something).
    pub track: bool,
    pub rows: Vec<Row>,
}

/// Text for SVG (or HTML) character data and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Length of a bar in viewBox units: proportional, at least 2 for a non-zero value so it shows.
fn bar_len(value: i64, max: i64, full: i64) -> i64 {
    if value <= 0 {
        return 0;
    }
    let max = max.max(1);
    let len = (value.min(max) as i128 * full as i128 / max as i128) as i64;
    len.max(2)
}

/// The height of the drawing for this chart, in viewBox units.
pub fn height(chart: &BarChart) -> i64 {
    let legend = if chart.series.len() > 1 { LEGEND_H } else { 0 };
    let per_row = LABEL_H + chart.series.len() as i64 * (BAR_H + BAR_GAP) + ROW_GAP;
    (legend + chart.rows.len() as i64 * per_row).max(LABEL_H)
}

/// The chart as an `<svg>` element.
pub fn render(chart: &BarChart) -> String {
    let id = escape(&chart.id);
    let h = height(chart);
    let full = WIDTH - VALUE_ROOM;
    let mut s = String::new();
    // `write!` into a String cannot fail.
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {h}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" font-size="14" fill="{INK}"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(&chart.title),
        escape(&chart.desc),
    );
    let mut y = 0;
    if chart.series.len() > 1 {
        let mut x = 0;
        for series in &chart.series {
            let _ = write!(
                s,
                r#"<rect x="{x}" y="6" width="14" height="14" rx="2" fill="{}"/><text x="{}" y="18">{}</text>"#,
                escape(series.color),
                x + 20,
                escape(series.name),
            );
            x += 20 + 16 * series.name.chars().count() as i64 + 20;
        }
        y += LEGEND_H;
    }
    for row in &chart.rows {
        let _ = write!(
            s,
            r#"<text x="0" y="{}" font-weight="600">{}</text>"#,
            y + 15,
            escape(&row.label)
        );
        y += LABEL_H;
        for (series, bar) in chart.series.iter().zip(&row.bars) {
            if chart.track {
                let _ = write!(
                    s,
                    r#"<rect x="0" y="{y}" width="{full}" height="{BAR_H}" rx="3" fill="{TRACK}"/>"#
                );
            }
            let len = bar_len(bar.value, chart.max, full);
            if len > 0 {
                let _ = write!(
                    s,
                    r#"<rect x="0" y="{y}" width="{len}" height="{BAR_H}" rx="3" fill="{}"/>"#,
                    escape(series.color)
                );
            }
            // After the bar (or after the track, so it never overlaps it).
            let text_x = if chart.track { full } else { len } + 6;
            let _ = write!(
                s,
                r#"<text x="{text_x}" y="{}" font-size="13" fill="{MUTED}">{}</text>"#,
                y + 13,
                escape(&bar.text)
            );
            y += BAR_H + BAR_GAP;
        }
        y += ROW_GAP;
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Series = Series {
        name: "收到",
        color: "#9db8a8",
    };
    const B: Series = Series {
        name: "结案",
        color: "#1f7a4d",
    };

    fn chart(rows: Vec<Row>, series: Vec<Series>, max: i64) -> BarChart {
        BarChart {
            id: "c1".into(),
            title: "近30天 收到与结案".into(),
            desc: "说明".into(),
            series,
            max,
            track: false,
            rows,
        }
    }

    fn row(label: &str, values: &[i64]) -> Row {
        Row {
            label: label.into(),
            bars: values
                .iter()
                .map(|v| Bar {
                    value: *v,
                    text: v.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn escape_covers_markup_characters() {
        assert_eq!(escape(r#"<&">'"#), "&lt;&amp;&quot;&gt;&#39;");
        assert_eq!(escape("太昊路办事处"), "太昊路办事处");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn office_names_are_escaped_in_the_svg() {
        let svg = render(&chart(
            vec![row(r#"<script>alert("x")</script>&"#, &[1, 1])],
            vec![A, B],
            1,
        ));
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;"));
    }

    #[test]
    fn accessible_and_scalable() {
        let svg = render(&chart(vec![row("太昊路办事处", &[3, 2])], vec![A, B], 3));
        assert!(svg.starts_with("<svg "));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"aria-labelledby="c1-title c1-desc""#));
        assert!(svg.contains(r#"<title id="c1-title">近30天 收到与结案</title>"#));
        assert!(svg.contains(r#"<desc id="c1-desc">说明</desc>"#));
        assert!(svg.contains(r#"width="100%""#));
        assert!(svg.contains(&format!(
            r#"viewBox="0 0 360 {}""#,
            height(&chart(vec![row("x", &[3, 2])], vec![A, B], 3))
        )));
        // Legend with both series, the label, and the values.
        assert!(svg.contains(">收到</text>") && svg.contains(">结案</text>"));
        assert!(svg.contains(">太昊路办事处</text>"));
        assert!(svg.contains(">3</text>") && svg.contains(">2</text>"));
    }

    #[test]
    fn bars_are_proportional_to_the_maximum() {
        let full = WIDTH - VALUE_ROOM;
        assert_eq!(bar_len(10, 10, full), full);
        assert_eq!(bar_len(5, 10, full), full / 2);
        assert_eq!(bar_len(0, 10, full), 0);
        assert_eq!(bar_len(-3, 10, full), 0);
        // Tiny but non-zero values still show; values over the maximum are clipped.
        assert_eq!(bar_len(1, 1_000_000, full), 2);
        assert_eq!(bar_len(20, 10, full), full);
        // A zero maximum never divides by zero.
        assert_eq!(bar_len(0, 0, full), 0);
        assert_eq!(bar_len(1, 0, full), full);
        let svg = render(&chart(vec![row("甲", &[10, 5])], vec![A, B], 10));
        assert!(svg.contains(&format!(r#"width="{full}" height="16""#)));
        assert!(svg.contains(&format!(r#"width="{}" height="16""#, full / 2)));
    }

    #[test]
    fn height_grows_with_rows_and_series() {
        let one = chart(vec![row("甲", &[1])], vec![B], 1);
        let two = chart(vec![row("甲", &[1]), row("乙", &[1])], vec![B], 1);
        let grouped = chart(vec![row("甲", &[1, 1])], vec![A, B], 1);
        assert!(height(&two) > height(&one));
        assert!(height(&grouped) > height(&one));
        // An empty chart is still a valid drawing.
        let empty = chart(vec![], vec![B], 0);
        assert!(height(&empty) > 0);
        assert!(render(&empty).ends_with("</svg>"));
    }

    #[test]
    fn a_rate_chart_draws_the_scale_and_writes_the_value_after_it() {
        let mut c = chart(
            vec![Row {
                label: "甲".into(),
                bars: vec![Bar {
                    value: 500,
                    text: "50.0%".into(),
                }],
            }],
            vec![B],
            1000,
        );
        c.track = true;
        let svg = render(&c);
        let full = WIDTH - VALUE_ROOM;
        assert!(svg.contains(&format!(
            r#"width="{full}" height="16" rx="3" fill="{TRACK}""#
        )));
        assert!(svg.contains(&format!(r#"x="{}""#, full + 6)));
        assert!(svg.contains(">50.0%</text>"));
        // One series: no legend.
        assert!(!svg.contains(r#"y="6" width="14""#));
    }
}

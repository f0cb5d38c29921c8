//! Charts drawn on the server as SVG. Each has a title and a description for assistive
//! technology, and the page shows the same figures in a table next to it.

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal paired bars: for each row, a "before" and an "after" value from 0 to `max`,
/// with `ticks` naming the values 1..=max along the axis.
pub fn paired_bars(
    id: &str,
    title: &str,
    rows: &[(String, u8, u8)],
    max: u8,
    ticks: &[&str],
    legend: (&str, &str),
) -> String {
    let label_w = 210.0;
    let bar_w = 300.0;
    let row_h = 26.0;
    let top = 34.0;
    let height = top + row_h * rows.len() as f64 + 40.0;
    let scale = bar_w / f64::from(max.max(1));
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {height}" width="100%">"##,
        w = label_w + bar_w + 20.0
    );
    out.push_str(&format!(
        r##"<title id="{id}-title">{}</title><desc id="{id}-desc">{}: {} (upper bar) and {} (lower bar) for each row; the table below gives the same figures.</desc>"##,
        esc(title),
        esc(title),
        esc(legend.0),
        esc(legend.1)
    ));
    // Legend.
    out.push_str(&format!(
        r##"<rect x="{label_w}" y="6" width="14" height="10" class="bar-before"/><text x="{}" y="15" class="chart-text">{}</text><rect x="{}" y="6" width="14" height="10" class="bar-after"/><text x="{}" y="15" class="chart-text">{}</text>"##,
        label_w + 18.0,
        esc(legend.0),
        label_w + 140.0,
        label_w + 158.0,
        esc(legend.1)
    ));
    for (i, (label, before, after)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        out.push_str(&format!(
            r##"<text x="{}" y="{}" text-anchor="end" class="chart-text">{}</text><rect x="{label_w}" y="{}" width="{}" height="9" class="bar-before"/><rect x="{label_w}" y="{}" width="{}" height="9" class="bar-after"/>"##,
            label_w - 8.0,
            y + 14.0,
            esc(label),
            y + 3.0,
            f64::from(*before) * scale,
            y + 12.0,
            f64::from(*after) * scale
        ));
    }
    let axis_y = top + row_h * rows.len() as f64 + 6.0;
    for (k, name) in ticks.iter().enumerate() {
        let x = label_w + (k as f64 + 1.0) * scale;
        out.push_str(&format!(
            r##"<line x1="{x}" y1="{top}" x2="{x}" y2="{axis_y}" class="chart-grid"/><text x="{x}" y="{}" text-anchor="end" class="chart-text">{}</text>"##,
            axis_y + 16.0,
            esc(name)
        ));
    }
    out.push_str("</svg>");
    out
}

/// Rounds a coordinate to one decimal, so the SVG is stable and small.
fn r1(v: f64) -> String {
    let v = (v * 10.0).round() / 10.0;
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A scale top for `max`: 1, 2, 5 × a power of ten, at least 1.
fn nice_top(max: f64) -> f64 {
    if max <= 1.0 {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|k| k * p)
        .find(|&t| t >= max)
        .unwrap_or(10.0 * p)
}

fn open_svg(id: &str, title: &str, desc: &str, w: f64, h: f64) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {} {}" width="100%"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"##,
        r1(w),
        r1(h),
        esc(title),
        esc(desc)
    )
}

/// Vertical columns, grouped: for each category (a month), one column per series, with a
/// legend. `values[s][c]` is series `s` in category `c`.
pub fn columns(
    id: &str,
    title: &str,
    categories: &[String],
    series: &[(&str, Vec<u64>)],
) -> String {
    // The month labels are turned 45°: `bottom` leaves them room below the axis.
    let (left, top, plot_h, bottom) = (40.0, 30.0, 180.0, 64.0);
    let n = series.len().max(1) as f64;
    let group_w = (24.0 * n).max(36.0);
    let w = left + group_w * categories.len().max(1) as f64 + 10.0;
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0) as f64;
    let topv = nice_top(max);
    let names: Vec<&str> = series.iter().map(|(n, _)| *n).collect();
    let mut out = open_svg(
        id,
        title,
        &format!(
            "{} by month; the table below gives the same figures.",
            names.join(", ")
        ),
        w,
        top + plot_h + bottom,
    );
    // Each legend entry after the one before, by its length (about 7 units a character).
    let mut x = left;
    for (k, name) in names.iter().enumerate() {
        out.push_str(&format!(
            r##"<rect x="{}" y="6" width="14" height="10" class="series-{k}"/><text x="{}" y="15" class="chart-text">{}</text>"##,
            r1(x),
            r1(x + 18.0),
            esc(name)
        ));
        x += 18.0 + 7.0 * name.chars().count() as f64 + 16.0;
    }
    let base = top + plot_h;
    for i in 0..=4 {
        let v = topv * f64::from(i) / 4.0;
        let y = base - plot_h * f64::from(i) / 4.0;
        out.push_str(&format!(
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" class="chart-grid"/><text x="{}" y="{}" text-anchor="end" class="chart-text">{}</text>"##,
            r1(w - 10.0),
            left - 4.0,
            r1(y + 4.0),
            r1(v),
            y = r1(y)
        ));
    }
    let col_w = (group_w - 8.0) / n;
    for (c, cat) in categories.iter().enumerate() {
        let gx = left + group_w * c as f64 + 4.0;
        for (k, (_, v)) in series.iter().enumerate() {
            let value = v.get(c).copied().unwrap_or(0) as f64;
            let h = plot_h * value / topv;
            out.push_str(&format!(
                r##"<rect x="{}" y="{}" width="{}" height="{}" class="series-{k}"/>"##,
                r1(gx + col_w * k as f64),
                r1(base - h),
                r1(col_w - 1.0),
                r1(h)
            ));
        }
        out.push_str(&format!(
            r##"<text x="{}" y="{}" text-anchor="end" transform="rotate(-45 {} {})" class="chart-text">{}</text>"##,
            r1(gx + group_w / 2.0),
            r1(base + 14.0),
            r1(gx + group_w / 2.0),
            r1(base + 14.0),
            esc(cat)
        ));
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars, one per row, each labelled with its value (`shown`).
pub fn bars(id: &str, title: &str, rows: &[(String, f64, String)], max: Option<f64>) -> String {
    let (label_w, bar_w, row_h, top) = (170.0, 280.0, 24.0, 8.0);
    let topv = max.unwrap_or_else(|| nice_top(rows.iter().map(|r| r.1).fold(0.0, f64::max)));
    let h = top + row_h * rows.len() as f64 + 8.0;
    let mut out = open_svg(
        id,
        title,
        &format!("{title}, one bar per row; the table below gives the same figures."),
        label_w + bar_w + 70.0,
        h,
    );
    for (i, (label, value, shown)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let len = if topv > 0.0 {
            bar_w * value / topv
        } else {
            0.0
        };
        out.push_str(&format!(
            r##"<text x="{}" y="{}" text-anchor="end" class="chart-text">{}</text><rect x="{label_w}" y="{}" width="{}" height="14" class="series-0"/><text x="{}" y="{}" class="chart-text">{}</text>"##,
            label_w - 8.0,
            r1(y + 12.0),
            esc(label),
            r1(y + 1.0),
            r1(len),
            r1(label_w + len + 6.0),
            r1(y + 12.0),
            esc(shown)
        ));
    }
    out.push_str("</svg>");
    out
}

/// Lines over periods, from 0 to `max`, with a gap where a value is missing (not enough
/// answers) and a dot at each value.
pub fn lines(
    id: &str,
    title: &str,
    periods: &[String],
    series: &[(String, Vec<Option<f64>>)],
    max: f64,
) -> String {
    let (left, top, plot_h, step) = (40.0, 20.0 + 18.0 * series.len() as f64, 160.0, 80.0);
    let w = left + step * periods.len().max(1) as f64 + 10.0;
    let base = top + plot_h;
    let mut out = open_svg(
        id,
        title,
        &format!(
            "{title}: the average rating of each question in each period, from 1 to {}; a gap where there are fewer than 5 answers. The table below gives the same figures.",
            r1(max)
        ),
        w.max(420.0),
        base + 30.0,
    );
    for (k, (name, _)) in series.iter().enumerate() {
        let y = 6.0 + 18.0 * k as f64;
        out.push_str(&format!(
            r##"<rect x="{left}" y="{}" width="14" height="4" class="series-{k}"/><text x="{}" y="{}" class="chart-text">{}</text>"##,
            r1(y + 4.0),
            left + 18.0,
            r1(y + 10.0),
            esc(name)
        ));
    }
    for i in 0..=max as i64 {
        let y = base - plot_h * i as f64 / max;
        out.push_str(&format!(
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" class="chart-grid"/><text x="{}" y="{}" text-anchor="end" class="chart-text">{i}</text>"##,
            r1(w - 10.0),
            left - 4.0,
            r1(y + 4.0),
            y = r1(y)
        ));
    }
    let x_of = |p: usize| left + step * p as f64 + step / 2.0;
    for (p, name) in periods.iter().enumerate() {
        out.push_str(&format!(
            r##"<text x="{}" y="{}" text-anchor="middle" class="chart-text">{}</text>"##,
            r1(x_of(p)),
            r1(base + 18.0),
            esc(name)
        ));
    }
    for (k, (_, values)) in series.iter().enumerate() {
        let mut run: Vec<String> = Vec::new();
        let mut paths = Vec::new();
        for (p, v) in values.iter().enumerate() {
            match v {
                Some(v) => {
                    let (x, y) = (r1(x_of(p)), r1(base - plot_h * v / max));
                    out.push_str(&format!(
                        r##"<circle cx="{x}" cy="{y}" r="3" class="dot-{k}"/>"##
                    ));
                    run.push(format!("{x},{y}"));
                }
                None => paths.push(std::mem::take(&mut run)),
            }
        }
        paths.push(run);
        for run in paths.into_iter().filter(|r| r.len() > 1) {
            out.push_str(&format!(
                r##"<polyline points="{}" class="line-{k}"/>"##,
                run.join(" ")
            ));
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_and_text_is_escaped() {
        let svg = paired_bars(
            "g",
            "Skills <growth>",
            &[("Question & answer".into(), 1, 3)],
            3,
            &["Developmental", "Proficient", "Expert"],
            ("First", "Latest"),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"g-title\">Skills &lt;growth&gt;</title>"));
        assert!(svg.contains("Question &amp; answer"));
        assert!(
            svg.contains("width=\"100\" height=\"9\" class=\"bar-before\""),
            "{svg}"
        );
        assert!(
            svg.contains("width=\"300\" height=\"9\" class=\"bar-after\""),
            "{svg}"
        );
    }

    /// Compares a chart with its snapshot in `tests/snapshots/` (written when
    /// `UPDATE_SNAPSHOTS=1`), and checks it parses as XML with a title and a description.
    fn snapshot(name: &str, svg: &str) {
        let doc = roxmltree::Document::parse(svg).expect("the chart is XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("role"), Some("img"));
        for tag in ["title", "desc"] {
            assert!(
                root.children().any(|n| n.has_tag_name(tag)),
                "{name} has a {tag}"
            );
        }
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/snapshots")
            .join(format!("{name}.svg"));
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("make the folder");
            std::fs::write(&path, svg).expect("write the snapshot");
        }
        let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "no snapshot {}; run with UPDATE_SNAPSHOTS=1",
                path.display()
            )
        });
        assert_eq!(
            svg, want,
            "{name} changed; if on purpose, run with UPDATE_SNAPSHOTS=1"
        );
    }

    #[test]
    fn column_chart_snapshot() {
        let svg = columns(
            "activity",
            "Applications & requests",
            &["Jan 2026".into(), "Feb 2026".into(), "Mar 2026".into()],
            &[
                ("Mentor applications", vec![3, 0, 7]),
                ("Requests", vec![1, 12, 4]),
            ],
        );
        snapshot("columns", &svg);
        // 12 rounds the scale up to 20: the tallest column is 12/20 of the 180-unit plot.
        assert!(svg.contains("height=\"108\" class=\"series-1\""), "{svg}");
    }

    #[test]
    fn bar_chart_snapshot() {
        let svg = bars(
            "rank",
            "Acceptance <rate>",
            &[
                ("1st choice".into(), 50.0, "50%".into()),
                ("Director's offer".into(), 100.0, "100%".into()),
            ],
            Some(100.0),
        );
        snapshot("bars", &svg);
        assert!(svg.contains("Acceptance &lt;rate&gt;"));
        assert!(svg.contains("width=\"140\" height=\"14\""), "{svg}");
    }

    #[test]
    fn line_chart_snapshot_leaves_gaps() {
        let svg = lines(
            "evaluations",
            "Evaluation results",
            &["2026 Q1".into(), "2026 Q2".into(), "2026 Q3".into()],
            &[
                ("Satisfaction".into(), vec![Some(3.0), None, Some(4.5)]),
                ("Progress".into(), vec![Some(2.0), Some(2.5), Some(5.0)]),
            ],
            5.0,
        );
        snapshot("lines", &svg);
        // Satisfaction has a gap: two dots, no line; Progress is one line of three points.
        assert_eq!(svg.matches("class=\"dot-0\"").count(), 2);
        assert_eq!(svg.matches("class=\"line-0\"").count(), 0);
        assert_eq!(svg.matches("class=\"line-1\"").count(), 1);
    }
}

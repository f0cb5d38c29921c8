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
}

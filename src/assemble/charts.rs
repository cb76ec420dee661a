//! Charts as inline SVG: drawn at build time, no script, colours from the theme's CSS classes
//! (so they follow light and dark mode). Every chart is an image with a title and a
//! description; the pages show its numbers beside it as text or a table, for screen readers and
//! for reading exact values.
//!
//! The charts hold only text made here (numbers, week names, category labels), never an
//! author's string: nothing from the content can reach the SVG.

use std::fmt::Write as _;

use crate::model::Category;

/// One bar of a stacked chart: its label under the axis, and the values stacked bottom up in
/// the order of [`Category::ALL`]; `None` for a period without data (drawn as a gap).
pub struct Stack {
    pub label: String,
    pub values: Option<[u32; 4]>,
}

/// A category's count and share, for [`category_bars`].
pub struct Share {
    pub category: Category,
    pub count: u32,
    pub percent: f64,
}

/// The category mix of one period as horizontal bars, each with its count and share.
pub fn category_bars(id: &str, title: &str, shares: &[Share], total: u32) -> String {
    if total == 0 {
        return String::new();
    }
    const WIDTH: u32 = 320;
    const LABEL: u32 = 64;
    const BAR: u32 = 22;
    const GAP: u32 = 10;
    let height = shares.len() as u32 * (BAR + GAP);
    let max = shares.iter().map(|c| c.count).max().unwrap_or(1).max(1);
    let description: Vec<String> = shares
        .iter()
        .map(|c| format!("{} {} 件（{}%）", c.category.label(), c.count, c.percent))
        .collect();
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">{title}（共 {total} 件）</title><desc id=\"{id}-d\">{}</desc>",
        description.join("，")
    );
    let bar_space = WIDTH - LABEL - 96;
    for (i, c) in shares.iter().enumerate() {
        let y = i as u32 * (BAR + GAP);
        let width = ((c.count as u64 * bar_space as u64 / max as u64) as u32).max(1);
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" class=\"chart-label\">{}</text>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{width}\" height=\"{BAR}\" rx=\"3\" class=\"bar bar-{}\"/>\
             <text x=\"{}\" y=\"{}\" class=\"chart-value\">{}（{}%）</text>",
            y + BAR - 6,
            c.category.label(),
            c.category.key(),
            LABEL + width + 6,
            y + BAR - 6,
            c.count,
            c.percent
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) that
/// is at least `max`: the top of an axis, whose half is labelled too.
fn nice_ceiling(max: u32) -> u32 {
    let mut power = 1u32;
    loop {
        for step in [10, 12, 15, 20, 25, 30, 40, 50, 60, 80] {
            let top = power.saturating_mul(step) / 10;
            if top >= max.max(1) {
                return top.max(1);
            }
        }
        power = power.saturating_mul(10);
    }
}

/// Horizontal room per bar: wide for a quarter, narrower for longer histories. Past a year the
/// chart keeps this width and scrolls sideways (class `chart-wide`).
fn bar_step(n: usize) -> u32 {
    match n {
        0..=13 => 28,
        14..=26 => 20,
        _ => 14,
    }
}

/// The opening of a trend chart over `periods` periods: an image with a title and a
/// description, wide ones scrolling sideways.
fn trend_svg(id: &str, title: &str, description: &str, periods: usize, size: (u32, u32)) -> String {
    let class = if periods > 26 {
        "chart chart-trend chart-wide"
    } else {
        "chart chart-trend"
    };
    let (width, height) = size;
    format!(
        "<svg class=\"{class}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" \
         aria-labelledby=\"{id}-t {id}-d\"><title id=\"{id}-t\">{title}</title><desc id=\"{id}-d\">{description}</desc>"
    )
}

/// Tickets per period as stacked bars by category, with a vertical axis; the caller puts the
/// numbers in a table beside it.
pub fn stacked_bars(id: &str, title: &str, description: &str, stacks: &[Stack]) -> String {
    const AXIS: u32 = 34;
    const TOP: u32 = 10;
    const PLOT: u32 = 150;
    const BOTTOM: u32 = 22;
    let step = bar_step(stacks.len());
    let bar = step * 2 / 3;
    let width = AXIS + step * stacks.len() as u32 + 4;
    let height = TOP + PLOT + BOTTOM;
    let max = stacks
        .iter()
        .filter_map(|s| s.values.map(|v| v.iter().sum::<u32>()))
        .max()
        .unwrap_or(0);
    let top = nice_ceiling(max);
    let y_of = |n: u32| TOP + PLOT - (n as u64 * PLOT as u64 / top as u64) as u32;
    let mut svg = trend_svg(id, title, description, stacks.len(), (width, height));
    for n in [0, top / 2, top] {
        let y = y_of(n);
        let _ = write!(
            svg,
            "<line x1=\"{AXIS}\" x2=\"{width}\" y1=\"{y}\" y2=\"{y}\" class=\"grid\"/>\
             <text x=\"{}\" y=\"{}\" class=\"axis-label\" text-anchor=\"end\">{n}</text>",
            AXIS - 4,
            y + 4
        );
    }
    // Label every bar when there is room, else every fourth (and the last).
    let every = if step >= 20 { 1 } else { 4 };
    for (i, stack) in stacks.iter().enumerate() {
        let x = AXIS + step * i as u32 + (step - bar) / 2;
        match stack.values {
            Some(values) => {
                let mut sum = 0;
                for (c, &n) in Category::ALL.iter().zip(&values) {
                    if n == 0 {
                        continue;
                    }
                    let (y0, y1) = (y_of(sum), y_of(sum + n));
                    sum += n;
                    let _ = write!(
                        svg,
                        "<rect x=\"{x}\" y=\"{y1}\" width=\"{bar}\" height=\"{}\" class=\"bar bar-{}\"/>",
                        (y0 - y1).max(1),
                        c.key()
                    );
                }
            }
            None => {
                let _ = write!(
                    svg,
                    "<text x=\"{}\" y=\"{}\" class=\"axis-label\" text-anchor=\"middle\">–</text>",
                    x + bar / 2,
                    TOP + PLOT - 4
                );
            }
        }
        if i % every == 0 || i + 1 == stacks.len() {
            let _ = write!(
                svg,
                "<text x=\"{}\" y=\"{}\" class=\"axis-label\" text-anchor=\"middle\">{}</text>",
                x + bar / 2,
                TOP + PLOT + 16,
                stack.label
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A share in percent per period as a line over a 0–100 % axis, with a dashed reference line
/// (the team's "over 80 % are consultations").
pub fn share_line(
    id: &str,
    title: &str,
    description: &str,
    points: &[(String, Option<f64>)],
    reference: f64,
) -> String {
    const AXIS: u32 = 34;
    const TOP: u32 = 10;
    const PLOT: u32 = 90;
    const BOTTOM: u32 = 22;
    let step = bar_step(points.len());
    let width = AXIS + step * points.len() as u32 + 4;
    let height = TOP + PLOT + BOTTOM;
    let y_of = |p: f64| TOP as f64 + PLOT as f64 * (1.0 - p.clamp(0.0, 100.0) / 100.0);
    let x_of = |i: usize| AXIS as f64 + step as f64 * (i as f64 + 0.5);
    let mut svg = trend_svg(id, title, description, points.len(), (width, height));
    for p in [0.0, reference, 100.0] {
        let y = y_of(p);
        let _ = write!(
            svg,
            "<line x1=\"{AXIS}\" x2=\"{width}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"{}\"/>\
             <text x=\"{}\" y=\"{:.1}\" class=\"axis-label\" text-anchor=\"end\">{p}%</text>",
            if p == reference { "reference" } else { "grid" },
            AXIS - 4,
            y + 4.0
        );
    }
    // The line breaks where a period has no data.
    let mut path = String::new();
    let mut pen_down = false;
    for (i, (_, p)) in points.iter().enumerate() {
        match p {
            Some(p) => {
                let _ = write!(
                    path,
                    "{}{:.1} {:.1}",
                    if pen_down { " L" } else { " M" },
                    x_of(i),
                    y_of(*p)
                );
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if !path.is_empty() {
        let _ = write!(
            svg,
            "<path d=\"{}\" class=\"share-line\"/>",
            path.trim_start()
        );
    }
    let every = if step >= 20 { 1 } else { 4 };
    for (i, (label, p)) in points.iter().enumerate() {
        if let Some(p) = p {
            let _ = write!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" class=\"share-point\"/>",
                x_of(i),
                y_of(*p)
            );
        }
        if i % every == 0 || i + 1 == points.len() {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{}\" class=\"axis-label\" text-anchor=\"middle\">{label}</text>",
                x_of(i),
                TOP + PLOT + 16
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A small bar chart of a few periods' counts, for an answer's page: decoration for the numbers
/// listed beside it (hidden from screen readers, which read the numbers).
pub fn sparkline(values: &[Option<u32>]) -> String {
    const BAR: u32 = 10;
    const GAP: u32 = 4;
    const HEIGHT: u32 = 32;
    let width = values.len() as u32 * (BAR + GAP);
    let max = values.iter().flatten().copied().max().unwrap_or(0).max(1);
    let mut svg = format!(
        "<svg class=\"sparkline\" viewBox=\"0 0 {width} {HEIGHT}\" width=\"{width}\" height=\"{HEIGHT}\" aria-hidden=\"true\">"
    );
    for (i, value) in values.iter().enumerate() {
        let x = i as u32 * (BAR + GAP);
        match value {
            Some(n) => {
                let h = ((*n as u64 * (HEIGHT - 2) as u64 / max as u64) as u32).max(1);
                let _ = write!(
                    svg,
                    "<rect x=\"{x}\" y=\"{}\" width=\"{BAR}\" height=\"{h}\" class=\"bar{}\"/>",
                    HEIGHT - h,
                    if *n == 0 { " bar-zero" } else { " bar-spark" }
                );
            }
            None => {
                let _ = write!(
                    svg,
                    "<rect x=\"{x}\" y=\"{}\" width=\"{BAR}\" height=\"1\" class=\"bar bar-zero\"/>",
                    HEIGHT - 1
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(nice_ceiling(0), 1);
        assert_eq!(nice_ceiling(7), 8);
        assert_eq!(nice_ceiling(11), 12);
        assert_eq!(nice_ceiling(21), 25);
        assert_eq!(nice_ceiling(26), 30);
        assert_eq!(nice_ceiling(109), 120);
        assert_eq!(nice_ceiling(1_201), 1_500);
    }

    #[test]
    fn stacked_bars_are_as_high_as_their_counts() {
        let svg = stacked_bars(
            "t",
            "title",
            "desc",
            &[
                Stack {
                    label: "W01".into(),
                    // Consultation, data, program, other (the order of `Category::ALL`).
                    values: Some([30, 10, 0, 10]),
                },
                Stack {
                    label: "W02".into(),
                    values: None,
                },
            ],
        );
        // Top of the axis 50 = 150 px: 10 tickets are 30 px, 30 are 90 px.
        assert!(
            svg.contains("height=\"30\" class=\"bar bar-data\""),
            "{svg}"
        );
        assert!(svg.contains(">50</text>"), "the axis goes to 50: {svg}");
        assert!(
            svg.contains("height=\"90\" class=\"bar bar-consultation\""),
            "{svg}"
        );
        assert!(!svg.contains("bar-program"), "a zero segment is not drawn");
        let first = svg.find("bar-consultation").unwrap();
        assert!(first < svg.find("bar-data").unwrap(), "stacked in order");
        assert_eq!(
            svg.matches("<rect").count(),
            3,
            "the week without data has no bar"
        );
        assert!(svg.contains(">W02<"));
    }
}

//! Renders Mermaid flowcharts to accessible, theme-aware inline SVG at build time.
//!
//! ```
//! let d = qaportal_diagram::render("flowchart TD\n  A([开始]) --> B{是否通过}\n  B -->|是| C[完成]",
//!     &qaportal_diagram::Options::default()).unwrap();
//! assert!(d.html.contains("<svg"));
//! assert!(d.description.contains("是否通过 →（是）完成"));
//! ```
//!
//! The generator calls [`render`] for each ```` ```mermaid ```` block, inlines [`Diagram::html`]
//! and includes [`CSS`] once in the theme. Errors carry a line and column inside the block.

mod a11y;
mod error;
mod layout;
mod model;
mod parse;
mod shape;
mod svg;
mod text;

pub use error::DiagramError;

/// The stylesheet the theme must include once: colours for light and dark mode and the
/// scroll-instead-of-shrink behaviour of wide diagrams.
pub const CSS: &str = include_str!("../diagram.css");

/// How one diagram is rendered.
#[derive(Debug, Clone)]
pub struct Options {
    /// Prefix of the ids in the output (`<prefix>`, `<prefix>-title`, `<prefix>-desc`). Every
    /// diagram on a page needs its own, e.g. `kb-0042-d1`. Characters other than ASCII letters,
    /// digits, `-` and `_` are replaced by `-`.
    pub id_prefix: String,
    /// Accessible title when the block has no `accTitle:` (or front matter `title:`): the
    /// generator passes the nearest heading.
    pub title: Option<String>,
    /// Accessible summary when the block has no `accDescr`. Either is followed by the
    /// generated list of nodes and links.
    pub description: Option<String>,
    /// Smallest scale a diagram is shrunk to on a narrow screen; below it the diagram keeps
    /// this scale and its container scrolls horizontally. 13/14 keeps 14 px labels at 13 px.
    pub min_scale: f64,
    /// The screen the drawing is laid out for.
    pub fit: Fit,
}

/// Which of the layouts of a chart to draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fit {
    /// The author's direction, as written.
    AsWritten,
    /// A column this many CSS px wide (an article on a phone: 328 px on a 360 px screen). The
    /// first of these whose natural width fits (else the first that fits at `min_scale`, else
    /// the narrowest, which scrolls): as written; with labels wrapped sooner and nodes closer;
    /// and for a left-to-right chart, the same two turned top-down.
    Column(f64),
    /// A screen of this size (a slide): as written or turned a quarter, compact or not,
    /// whichever is shown biggest when scaled to fit it.
    Screen { width: f64, height: f64 },
}

/// The column of an article on a 360 px phone: the screen less the page's 16 px margins.
pub const PHONE_COLUMN: f64 = 328.0;

impl Default for Options {
    fn default() -> Self {
        Options {
            id_prefix: "dg".to_string(),
            title: None,
            description: None,
            min_scale: 13.0 / 14.0,
            fit: Fit::Column(PHONE_COLUMN),
        }
    }
}

/// A rendered diagram.
#[derive(Debug, Clone)]
pub struct Diagram {
    /// `<div class="dg">` (the horizontal scroller) around the `<svg>`: ready to inline.
    pub html: String,
    /// Natural size in CSS px.
    pub width: f64,
    pub height: f64,
    /// The accessible name (`<title>`).
    pub title: String,
    /// The text alternative (`<desc>`).
    pub description: String,
}

/// Renders one ```` ```mermaid ```` block. On failure returns every error found in the block,
/// sorted by position.
pub fn render(source: &str, options: &Options) -> Result<Diagram, Vec<DiagramError>> {
    let parsed = parse::parse(source)?;
    let (chart, geometry) = choose_layout(&parsed, options);
    let chart = &chart;
    let title = chart
        .acc_title
        .clone()
        .or_else(|| options.title.clone())
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "流程图".to_string());
    let generated = a11y::describe(chart, &geometry);
    let description = match chart
        .acc_descr
        .as_ref()
        .or(options.description.as_ref())
        .map(|d| d.trim())
    {
        Some(d) if !d.is_empty() => {
            let end = if d.ends_with(['。', '.', '！', '？']) {
                ""
            } else {
                "。"
            };
            format!("{d}{end}{generated}")
        }
        _ => generated,
    };
    let id: String = options
        .id_prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let id = if id.is_empty() { "dg".to_string() } else { id };
    let meta = svg::Meta {
        id: &id,
        title: &title,
        description: &description,
        min_scale: options.min_scale.clamp(0.1, 1.0),
        // Wider than the column even at its smallest scale: it scrolls, and offers to open
        // it on the whole screen.
        scrolls: matches!(options.fit, Fit::Column(w)
            if geometry.width * options.min_scale.clamp(0.1, 1.0) > w + 0.5),
    };
    let html = svg::write(chart, &geometry, &meta);
    Ok(Diagram {
        html,
        width: geometry.width,
        height: geometry.height,
        title,
        description,
    })
}

/// The chart (its direction possibly turned) and the layout that `options.fit` asks for.
fn choose_layout(
    chart: &model::Flowchart,
    options: &Options,
) -> (model::Flowchart, layout::Geometry) {
    let turned = || {
        let mut c = chart.clone();
        c.direction = if chart.direction.is_horizontal() {
            model::Direction::TopDown
        } else {
            model::Direction::LeftRight
        };
        c
    };
    match options.fit {
        Fit::AsWritten => (chart.clone(), layout::layout(chart, false)),
        Fit::Column(width) => {
            let mut candidates = vec![(false, false), (false, true)];
            if chart.direction.is_horizontal() {
                candidates.extend([(true, false), (true, true)]);
            }
            let min_scale = options.min_scale.clamp(0.1, 1.0);
            let mut drawn = Vec::with_capacity(candidates.len());
            for (turn, compact) in candidates {
                let c = if turn { turned() } else { chart.clone() };
                let g = layout::layout(&c, compact);
                if g.width <= width + 0.5 {
                    return (c, g);
                }
                drawn.push((c, g));
            }
            let at_min_scale = drawn
                .iter()
                .position(|(_, g)| g.width * min_scale <= width + 0.5);
            let pick = at_min_scale.unwrap_or_else(|| {
                (0..drawn.len())
                    .min_by(|&a, &b| drawn[a].1.width.total_cmp(&drawn[b].1.width))
                    .expect("at least one layout")
            });
            drawn.swap_remove(pick)
        }
        Fit::Screen { width, height } => {
            let scale = |g: &layout::Geometry| (width / g.width).min(height / g.height);
            let mut best: Option<(f64, model::Flowchart, layout::Geometry)> = None;
            for (turn, compact) in [(false, false), (true, false), (false, true), (true, true)] {
                let c = if turn { turned() } else { chart.clone() };
                let g = layout::layout(&c, compact);
                // The author's drawing unless another is clearly bigger on this screen.
                let s = scale(&g) * if turn || compact { 1.0 } else { 1.05 };
                if best.as_ref().is_none_or(|b| s > b.0) {
                    best = Some((s, c, g));
                }
            }
            let (_, c, g) = best.expect("four layouts");
            (c, g)
        }
    }
}

#[cfg(test)]
mod invariants;
#[doc(hidden)]
pub mod testing;

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
    /// this scale and its container scrolls horizontally. 0.75 keeps 14 px labels at 10.5 px.
    pub min_scale: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            id_prefix: "dg".to_string(),
            title: None,
            description: None,
            min_scale: 0.75,
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
    let chart = parse::parse(source)?;
    let geometry = layout::layout(&chart);
    let title = chart
        .acc_title
        .clone()
        .or_else(|| options.title.clone())
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "流程图".to_string());
    let generated = a11y::describe(&chart, &geometry);
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
    };
    let html = svg::write(&chart, &geometry, &meta);
    Ok(Diagram {
        html,
        width: geometry.width,
        height: geometry.height,
        title,
        description,
    })
}

#[cfg(test)]
mod invariants;
#[doc(hidden)]
pub mod testing;

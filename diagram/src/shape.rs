//! Node shapes: how big a shape must be to hold its text, where its outline is, how to draw it.

use crate::model::Shape;
use crate::text::{self, FONT_SIZE, LINE_HEIGHT};

/// Horizontal and vertical room between text and outline of box-like shapes.
const PAD_X: f64 = 12.0;
const PAD_Y: f64 = 8.0;
/// Inset of the two extra bars of a subroutine shape.
pub const SUB_INSET: f64 = 8.0;

/// Longest line of a label before it wraps, per shape. Decisions wrap narrower because a
/// diamond is twice as wide as its text: 6 em keeps a two-line decision under ~190 px, so two
/// shapes still sit side by side on a 360 px screen. In left-to-right charts every node's
/// width adds to the chart's width, so labels wrap sooner there and grow downwards instead.
/// A `compact` layout (for a chart that is too wide for a phone otherwise) wraps sooner still.
pub fn wrap_width(shape: Shape, horizontal: bool, compact: bool) -> f64 {
    let em: f64 = match (shape, horizontal || compact) {
        (Shape::Diamond, false) => 6.0,
        (Shape::Diamond, true) => 5.0,
        (Shape::Circle, _) => 5.0,
        (_, false) => 9.0,
        (_, true) => 6.0,
    };
    let em = if compact {
        em.min(if shape == Shape::Diamond { 4.0 } else { 5.0 })
    } else {
        em
    };
    FONT_SIZE * em
}

/// Width and height of the text block of `lines`.
pub fn text_size(lines: &[String]) -> (f64, f64) {
    let w = lines.iter().map(|l| text::width(l)).fold(0.0, f64::max);
    (w, lines.len().max(1) as f64 * LINE_HEIGHT)
}

/// Size of the shape that holds a text block of `tw` × `th`.
pub fn size(shape: Shape, tw: f64, th: f64) -> (f64, f64) {
    let (w, h) = match shape {
        Shape::Rect | Shape::Round => (tw + 2.0 * PAD_X, th + 2.0 * PAD_Y),
        Shape::Subroutine => (tw + 2.0 * (PAD_X + SUB_INSET), th + 2.0 * PAD_Y),
        Shape::Stadium => {
            let h = th + 2.0 * PAD_Y;
            // The round caps have radius h/2; the text stays on the straight part.
            (tw + h + 8.0, h)
        }
        Shape::Hexagon => {
            let h = th + 2.0 * PAD_Y;
            (tw + 2.0 * PAD_X + h / 2.0, h)
        }
        Shape::Diamond => {
            // The smallest diamond holding a p × q half-size box has half-diagonals 2p and 2q.
            let (p, q) = (tw / 2.0 + 5.0, th / 2.0 + 3.0);
            (4.0 * p, 4.0 * q)
        }
        Shape::Circle => {
            let d = (2.0 * ((tw / 2.0 + 4.0).powi(2) + (th / 2.0 + 2.0).powi(2)).sqrt())
                .max(44.0)
                .round();
            return (d, d);
        }
    };
    (w.max(56.0).round(), h.max(36.0).round())
}

/// Distance from the centre to the outline along the approach axis, for a line parallel to
/// that axis at `offset` from the centre. `horizontal` says the edge arrives horizontally.
pub fn half_extent(shape: Shape, w: f64, h: f64, horizontal: bool, offset: f64) -> f64 {
    let (hw, hh) = (w / 2.0, h / 2.0);
    let o = offset.abs();
    match (shape, horizontal) {
        (Shape::Rect | Shape::Round | Shape::Subroutine, false) => hh,
        (Shape::Rect | Shape::Round | Shape::Subroutine, true) => hw,
        (Shape::Diamond, false) => (hh * (1.0 - o / hw)).max(0.0),
        (Shape::Diamond, true) => (hw * (1.0 - o / hh)).max(0.0),
        (Shape::Circle, _) => (hw * hw - o * o).max(0.0).sqrt(),
        (Shape::Stadium, false) => {
            let straight = hw - hh;
            if o <= straight {
                hh
            } else {
                (hh * hh - (o - straight).powi(2)).max(0.0).sqrt()
            }
        }
        (Shape::Stadium, true) => hw - hh + (hh * hh - o * o).max(0.0).sqrt(),
        (Shape::Hexagon, false) => hh,
        (Shape::Hexagon, true) => hw - o / 2.0,
    }
}

/// How far from the centre, across the approach axis, edges may attach.
pub fn attach_span(shape: Shape, w: f64, h: f64, horizontal: bool) -> f64 {
    let across = if horizontal { h } else { w };
    let f = match shape {
        Shape::Diamond => 0.18,
        Shape::Circle => 0.25,
        Shape::Stadium if horizontal => 0.2,
        _ => 0.32,
    };
    across * f
}

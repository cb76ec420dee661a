//! SVG output. Colours are CSS classes (see `diagram.css`) with plain presentation attributes
//! as a fallback: a class rule overrides a presentation attribute, so the page's light or dark
//! theme applies, and a reader without the stylesheet (a feed reader) still sees a legible
//! drawing. No ids except the two the accessibility attributes need, no markers (arrowheads
//! are drawn as paths), no scripts, no external references, no `foreignObject`.

use std::fmt::Write;

use crate::layout::{Geometry, PlacedNode, Pt, Rect};
use crate::model::{Flowchart, Head, Shape, Stroke};
use crate::shape::SUB_INSET;
use crate::text::{FONT_SIZE, LINE_HEIGHT};

/// Fixed-precision number: one decimal, no trailing `.0`, no `-0`. Keeps output byte-stable
/// and short.
pub fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        return "0".to_string();
    }
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

pub struct Meta<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub min_scale: f64,
    /// Too wide for the column it was laid out for: say that it scrolls, and offer to open it
    /// on the whole screen (a link to the box itself, which `diagram.css` shows over the page
    /// while it is the target: no script needed).
    pub scrolls: bool,
}

pub fn write(chart: &Flowchart, g: &Geometry, meta: &Meta) -> String {
    let mut s = String::with_capacity(4096);
    let (w, h) = (num(g.width), num(g.height));
    let id = meta.id;
    // The box scrolls sideways on a narrow screen: keyboard users reach it with Tab (and scroll
    // it with the arrow keys), and it is named after the diagram (WCAG 2.1.1).
    if meta.scrolls {
        let _ = write!(
            s,
            "<p class=\"dg-bar\" id=\"{id}-bar\"><span>图较宽，可左右滑动</span><a href=\"#{id}\">全屏查看</a></p>"
        );
    }
    let _ = write!(
        s,
        "<div class=\"dg{}\" id=\"{id}\" tabindex=\"0\" role=\"group\" aria-labelledby=\"{id}-title\">",
        if meta.scrolls { " dg-wide" } else { "" }
    );
    if meta.scrolls {
        let _ = write!(s, "<a class=\"dg-close\" href=\"#{id}-bar\">关闭全屏</a>");
    }
    let _ = write!(
        s,
        "<svg class=\"dg-svg\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" style=\"max-width:{w}px;min-width:{}px\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-size=\"{}\">",
        num(g.width * meta.min_scale),
        num(FONT_SIZE)
    );
    let _ = write!(
        s,
        "<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(meta.title),
        escape(meta.description)
    );

    if !g.clusters.is_empty() {
        s.push_str("<g class=\"dg-clusters\">");
        // Outer clusters first so nested ones are drawn on top.
        let mut order: Vec<usize> = (0..g.clusters.len()).collect();
        order.sort_by_key(|&k| depth(chart, k));
        for k in order {
            let c = &g.clusters[k];
            let r = c.rect;
            let _ = write!(
                s,
                "<g class=\"dg-cluster\"><rect class=\"dg-cluster-box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"#f6f7f9\" stroke=\"#aab2bf\" stroke-dasharray=\"4 3\"/>",
                num(r.x),
                num(r.y),
                num(r.w),
                num(r.h)
            );
            if !c.title.is_empty() {
                let x = c.title_x;
                let _ = write!(
                    s,
                    "<text class=\"dg-cluster-title\" fill=\"#4a5363\" stroke=\"#f6f7f9\" stroke-width=\"4\" paint-order=\"stroke\" stroke-linejoin=\"round\">"
                );
                for (i, line) in c.title.iter().enumerate() {
                    let y =
                        r.y + 6.0 + LINE_HEIGHT / 2.0 + i as f64 * LINE_HEIGHT + 0.35 * FONT_SIZE;
                    let _ = write!(
                        s,
                        "<tspan x=\"{}\" y=\"{}\">{}</tspan>",
                        num(x),
                        num(y),
                        escape(line)
                    );
                }
                s.push_str("</text>");
            }
            s.push_str("</g>");
        }
        s.push_str("</g>");
    }

    s.push_str("<g class=\"dg-edges\" fill=\"none\" stroke=\"#5c677d\" stroke-width=\"1.5\" stroke-linecap=\"round\" stroke-linejoin=\"round\">");
    let mut heads = String::new();
    let vertical = !chart.direction.is_horizontal();
    for (k, e) in chart.edges.iter().enumerate() {
        let pts = &g.edges[k].points;
        if e.stroke == Stroke::Invisible || pts.len() < 2 {
            continue;
        }
        let mut p = pts.clone();
        trim_for_head(&mut p, e.head_end, false, vertical, &mut heads);
        trim_for_head(&mut p, e.head_start, true, vertical, &mut heads);
        let (class, extra) = match e.stroke {
            Stroke::Dotted => (" dg-dotted", " stroke-dasharray=\"3 4\""),
            Stroke::Thick => (" dg-thick", " stroke-width=\"3\""),
            _ => ("", ""),
        };
        let _ = write!(
            s,
            "<path class=\"dg-edge{class}\"{extra} d=\"{}\"/>",
            path(&p, vertical)
        );
    }
    s.push_str("</g>");
    if !heads.is_empty() {
        let _ = write!(
            s,
            "<g class=\"dg-heads\" fill=\"#5c677d\" stroke=\"#5c677d\" stroke-width=\"1.5\">{heads}</g>"
        );
    }

    let labelled: Vec<usize> = (0..chart.edges.len())
        .filter(|&k| g.edges[k].label.is_some())
        .collect();
    if !labelled.is_empty() {
        s.push_str("<g class=\"dg-edge-labels\">");
        for k in labelled {
            let l = g.edges[k].label.as_ref().expect("filtered");
            let r = l.rect;
            let _ = write!(
                s,
                "<g class=\"dg-edge-label\"><rect class=\"dg-edge-label-bg\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"#ffffff\"/>",
                num(r.x),
                num(r.y),
                num(r.w),
                num(r.h)
            );
            text(
                &mut s,
                "dg-edge-text",
                "#39404d",
                Pt {
                    x: r.x + r.w / 2.0,
                    y: r.y + r.h / 2.0,
                },
                &l.lines,
            );
            s.push_str("</g>");
        }
        s.push_str("</g>");
    }

    s.push_str("<g class=\"dg-nodes\">");
    for (k, n) in g.nodes.iter().enumerate() {
        let _ = write!(
            s,
            "<g class=\"dg-node dg-{}\" data-id=\"{}\">",
            n.shape.class(),
            escape(&chart.nodes[k].id)
        );
        shape(&mut s, n);
        text(&mut s, "dg-label", "#1f2328", n.center, &n.lines);
        s.push_str("</g>");
    }
    s.push_str("</g></svg></div>");
    s
}

fn depth(chart: &Flowchart, mut k: usize) -> usize {
    let mut d = 0;
    while let Some(p) = chart.subgraphs[k].parent {
        d += 1;
        k = p;
    }
    d
}

const SHAPE_ATTRS: &str = "fill=\"#eef2fb\" stroke=\"#5b6b8c\" stroke-width=\"1.2\"";

fn shape(s: &mut String, n: &PlacedNode) {
    let Rect { x, y, w, h } = n.rect();
    let (cx, cy) = (n.center.x, n.center.y);
    let _ = match n.shape {
        Shape::Rect | Shape::Round | Shape::Stadium | Shape::Subroutine => {
            let rx = match n.shape {
                Shape::Round => 8.0,
                Shape::Stadium => h / 2.0,
                _ => 2.0,
            };
            let r = write!(
                s,
                "<rect class=\"dg-shape\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {SHAPE_ATTRS}/>",
                num(x),
                num(y),
                num(w),
                num(h),
                num(rx)
            );
            if n.shape == Shape::Subroutine {
                for bx in [x + SUB_INSET, x + w - SUB_INSET] {
                    let _ = write!(
                        s,
                        "<path class=\"dg-shape-line\" d=\"M{} {}V{}\" fill=\"none\" stroke=\"#5b6b8c\" stroke-width=\"1.2\"/>",
                        num(bx),
                        num(y),
                        num(y + h)
                    );
                }
            }
            r
        }
        Shape::Diamond => write!(
            s,
            "<polygon class=\"dg-shape\" points=\"{},{} {},{} {},{} {},{}\" {SHAPE_ATTRS}/>",
            num(cx),
            num(y),
            num(x + w),
            num(cy),
            num(cx),
            num(y + h),
            num(x),
            num(cy)
        ),
        Shape::Circle => write!(
            s,
            "<circle class=\"dg-shape\" cx=\"{}\" cy=\"{}\" r=\"{}\" {SHAPE_ATTRS}/>",
            num(cx),
            num(cy),
            num(w / 2.0)
        ),
        Shape::Hexagon => {
            let d = h / 4.0;
            write!(
                s,
                "<polygon class=\"dg-shape\" points=\"{},{} {},{} {},{} {},{} {},{} {},{}\" {SHAPE_ATTRS}/>",
                num(x + d),
                num(y),
                num(x + w - d),
                num(y),
                num(x + w),
                num(cy),
                num(x + w - d),
                num(y + h),
                num(x + d),
                num(y + h),
                num(x),
                num(cy)
            )
        }
    };
}

/// A centred block of lines, each a `<tspan>` so it stays real, selectable text.
fn text(s: &mut String, class: &str, fill: &str, c: Pt, lines: &[String]) {
    let _ = write!(
        s,
        "<text class=\"{class}\" text-anchor=\"middle\" fill=\"{fill}\">"
    );
    let top = c.y - lines.len() as f64 * LINE_HEIGHT / 2.0;
    for (i, line) in lines.iter().enumerate() {
        // 0.35 em below the line's middle puts the glyphs visually centred without relying on
        // `dominant-baseline`, which older WebKit (WeChat on iOS) handles inconsistently.
        let y = top + (i as f64 + 0.5) * LINE_HEIGHT + 0.35 * FONT_SIZE;
        let _ = write!(
            s,
            "<tspan x=\"{}\" y=\"{}\">{}</tspan>",
            num(c.x),
            num(y),
            escape(line)
        );
    }
    s.push_str("</text>");
}

const HEAD_LEN: f64 = 8.0;

/// Draws the head at one end of `p` into `heads` and pulls the line back so it does not poke
/// through the tip.
fn trim_for_head(p: &mut [Pt], head: Head, start: bool, vertical: bool, heads: &mut String) {
    if head == Head::None {
        return;
    }
    let n = p.len();
    let (tip, prev) = if start {
        (p[0], p[1])
    } else {
        (p[n - 1], p[n - 2])
    };
    let (mut dx, mut dy) = (tip.x - prev.x, tip.y - prev.y);
    if diagonal(prev, tip) {
        // The S-curve arrives along the flow axis.
        if vertical { dx = 0.0 } else { dy = 0.0 }
    }
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (ux, uy) = (dx / len, dy / len);
    let back = HEAD_LEN.min(len);
    let base = Pt {
        x: tip.x - ux * back,
        y: tip.y - uy * back,
    };
    let _ = match head {
        Head::Arrow => {
            let (nx, ny) = (-uy * 4.0, ux * 4.0);
            write!(
                heads,
                "<path class=\"dg-head\" d=\"M{} {}L{} {}L{} {}Z\"/>",
                num(tip.x),
                num(tip.y),
                num(base.x + nx),
                num(base.y + ny),
                num(base.x - nx),
                num(base.y - ny)
            )
        }
        Head::Circle => {
            let c = Pt {
                x: tip.x - ux * 4.0,
                y: tip.y - uy * 4.0,
            };
            write!(
                heads,
                "<circle class=\"dg-head-open\" cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"none\"/>",
                num(c.x),
                num(c.y)
            )
        }
        Head::Cross => {
            let c = Pt {
                x: tip.x - ux * 4.0,
                y: tip.y - uy * 4.0,
            };
            let (a, b) = ((ux + uy) * 3.5, (uy - ux) * 3.5);
            write!(
                heads,
                "<path class=\"dg-head-cross\" d=\"M{} {}L{} {}M{} {}L{} {}\"/>",
                num(c.x - a),
                num(c.y - b),
                num(c.x + a),
                num(c.y + b),
                num(c.x - b),
                num(c.y + a),
                num(c.x + b),
                num(c.y - a)
            )
        }
        Head::None => Ok(()),
    };
    let i = if start { 0 } else { n - 1 };
    p[i] = base;
}

fn diagonal(a: Pt, b: Pt) -> bool {
    (b.x - a.x).abs() > 1.5 && (b.y - a.y).abs() > 1.5
}

/// The route as a path: runs along an axis stay straight (with softly rounded corners where
/// two meet), and the moves between layers become S-curves that leave and arrive along the
/// flow direction, which reads more calmly than zig-zags and keeps arrowheads aligned.
fn path(p: &[Pt], vertical: bool) -> String {
    let mut d = format!("M{} {}", num(p[0].x), num(p[0].y));
    for i in 1..p.len() {
        let (a, b) = (p[i - 1], p[i]);
        if diagonal(a, b) {
            if vertical {
                let m = (a.y + b.y) / 2.0;
                let _ = write!(
                    d,
                    "C{} {} {} {} {} {}",
                    num(a.x),
                    num(m),
                    num(b.x),
                    num(m),
                    num(b.x),
                    num(b.y)
                );
            } else {
                let m = (a.x + b.x) / 2.0;
                let _ = write!(
                    d,
                    "C{} {} {} {} {} {}",
                    num(m),
                    num(a.y),
                    num(m),
                    num(b.y),
                    num(b.x),
                    num(b.y)
                );
            }
            continue;
        }
        if i + 1 < p.len() && !diagonal(b, p[i + 1]) {
            let c = p[i + 1];
            let l1 = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
            let l2 = ((c.x - b.x).powi(2) + (c.y - b.y).powi(2)).sqrt();
            let cross = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
            if l1 > 1e-6 && l2 > 1e-6 && cross.abs() > 1e-6 * l1 * l2 {
                let r = 6.0f64.min(l1 / 2.0).min(l2 / 2.0);
                let p1 = Pt {
                    x: b.x - (b.x - a.x) / l1 * r,
                    y: b.y - (b.y - a.y) / l1 * r,
                };
                let p2 = Pt {
                    x: b.x + (c.x - b.x) / l2 * r,
                    y: b.y + (c.y - b.y) / l2 * r,
                };
                let _ = write!(
                    d,
                    "L{} {}Q{} {} {} {}",
                    num(p1.x),
                    num(p1.y),
                    num(b.x),
                    num(b.y),
                    num(p2.x),
                    num(p2.y)
                );
                continue;
            }
        }
        let _ = write!(d, "L{} {}", num(b.x), num(b.y));
    }
    d
}

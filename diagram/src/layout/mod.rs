//! Layered (Sugiyama-style) layout: ranks, crossing reduction by barycentre, coordinates by
//! isotonic regression, polyline edges through dummy items, labels as items of their own, and
//! subgraphs as clusters laid out recursively. The result is in final SVG coordinates.

mod coord;
mod level;
mod order;
mod rank;

use crate::model::{Direction, Flowchart, Shape};
use crate::shape;
use crate::text::{self, FONT_SIZE};

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Pt {
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn centered(c: Pt, w: f64, h: f64) -> Rect {
        Rect {
            x: c.x - w / 2.0,
            y: c.y - h / 2.0,
            w,
            h,
        }
    }
    #[cfg(test)]
    pub fn contains(&self, o: &Rect) -> bool {
        const E: f64 = 1e-6;
        o.x >= self.x - E
            && o.y >= self.y - E
            && o.x + o.w <= self.x + self.w + E
            && o.y + o.h <= self.y + self.h + E
    }
    #[cfg(test)]
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

#[derive(Debug, Clone)]
pub struct PlacedNode {
    pub center: Pt,
    pub w: f64,
    pub h: f64,
    pub shape: Shape,
    pub lines: Vec<String>,
}

impl PlacedNode {
    pub fn rect(&self) -> Rect {
        Rect::centered(self.center, self.w, self.h)
    }
    /// The block of text as it will be drawn.
    #[cfg(test)]
    pub fn text_rect(&self) -> Rect {
        let (w, h) = shape::text_size(&self.lines);
        Rect::centered(self.center, w, h)
    }
}

#[derive(Debug, Clone)]
pub struct PlacedCluster {
    pub rect: Rect,
    /// Left end of the title.
    pub title_x: f64,
    pub title: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PlacedLabel {
    pub rect: Rect,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PlacedEdge {
    pub points: Vec<Pt>,
    pub label: Option<PlacedLabel>,
}

#[derive(Debug, Clone)]
pub struct Geometry {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<PlacedNode>,
    pub clusters: Vec<PlacedCluster>,
    pub edges: Vec<PlacedEdge>,
}

/// Sizes and wrapped texts, computed once and shared by all levels.
pub struct Ctx<'a> {
    pub chart: &'a Flowchart,
    pub horizontal: bool,
    /// Narrower labels and tighter spacing, for a narrow screen.
    pub compact: bool,
    /// BT and RL: drawn mirrored along the rank axis.
    pub flipped: bool,
    pub node_lines: Vec<Vec<String>>,
    pub node_size: Vec<(f64, f64)>,
    pub label_lines: Vec<Vec<String>>,
    pub label_size: Vec<(f64, f64)>,
    pub title_lines: Vec<Vec<String>>,
    pub title_size: Vec<(f64, f64)>,
    /// The first-written node of each subgraph (its place in the author's order).
    pub first_node: Vec<usize>,
}

impl Ctx<'_> {
    /// Final (width, height) to layout-space dimensions.
    pub fn ldims(&self, (w, h): (f64, f64)) -> (f64, f64) {
        if self.horizontal { (h, w) } else { (w, h) }
    }
}

/// Longest line of an edge label or subgraph title before it wraps.
const LABEL_WRAP: f64 = 7.0 * FONT_SIZE;
const TITLE_WRAP: f64 = 12.0 * FONT_SIZE;

/// Lays `chart` out in its own direction; `compact` wraps labels sooner and packs nodes
/// closer (a narrower, taller drawing).
pub fn layout(chart: &Flowchart, compact: bool) -> Geometry {
    let mut ctx = Ctx {
        chart,
        compact,
        horizontal: chart.direction.is_horizontal(),
        flipped: matches!(chart.direction, Direction::BottomUp | Direction::RightLeft),
        node_lines: Vec::new(),
        node_size: Vec::new(),
        label_lines: Vec::new(),
        label_size: Vec::new(),
        title_lines: Vec::new(),
        title_size: Vec::new(),
        first_node: vec![usize::MAX; chart.subgraphs.len()],
    };
    for n in &chart.nodes {
        let lines = text::wrap(
            &n.label,
            shape::wrap_width(n.shape, chart.direction.is_horizontal(), compact),
        );
        let (tw, th) = shape::text_size(&lines);
        ctx.node_size.push(shape::size(n.shape, tw, th));
        ctx.node_lines.push(lines);
    }
    for e in &chart.edges {
        let lines = if e.label.is_empty() {
            Vec::new()
        } else {
            text::wrap(&e.label, LABEL_WRAP)
        };
        let (tw, th) = shape::text_size(&lines);
        ctx.label_size.push(if lines.is_empty() {
            (0.0, 0.0)
        } else {
            (tw + 8.0, th + 2.0)
        });
        ctx.label_lines.push(lines);
    }
    for s in &chart.subgraphs {
        let lines = if s.title.iter().all(|l| l.is_empty()) {
            Vec::new()
        } else {
            text::wrap(&s.title, TITLE_WRAP)
        };
        let (tw, th) = shape::text_size(&lines);
        ctx.title_size.push(if lines.is_empty() {
            (0.0, 0.0)
        } else {
            (tw, th)
        });
        ctx.title_lines.push(lines);
    }
    for (k, n) in chart.nodes.iter().enumerate() {
        let mut p = n.parent;
        while let Some(g) = p {
            ctx.first_node[g] = ctx.first_node[g].min(k);
            p = chart.subgraphs[g].parent;
        }
    }
    let root = level::layout(&ctx, None, &[]);
    let mut acc = Collected {
        nodes: vec![Pt::default(); chart.nodes.len()],
        clusters: vec![
            Rect {
                x: 0.0,
                y: 0.0,
                w: 0.0,
                h: 0.0
            };
            chart.subgraphs.len()
        ],
        title_x: vec![None; chart.subgraphs.len()],
        segments: vec![Vec::new(); chart.edges.len()],
        labels: vec![None; chart.edges.len()],
    };
    collect(&root, None, Pt::default(), &mut acc);
    finish(&ctx, &root, acc)
}

struct Collected {
    nodes: Vec<Pt>,
    clusters: Vec<Rect>,
    /// Where a title was placed among the ports, in layout space.
    title_x: Vec<Option<f64>>,
    /// Per edge: (level the piece was routed in, its points).
    segments: Vec<Vec<(Option<usize>, Vec<Pt>)>>,
    labels: Vec<Option<Pt>>,
}

/// Moves a level's local coordinates to the chart's layout space, recursively.
fn collect(level: &level::Level, cluster: Option<usize>, origin: Pt, acc: &mut Collected) {
    let t = |p: Pt| Pt {
        x: p.x + origin.x,
        y: p.y + origin.y,
    };
    for &(n, p) in &level.nodes {
        acc.nodes[n] = t(p);
    }
    for (e, pts) in &level.segments {
        acc.segments[*e].push((cluster, pts.iter().map(|&p| t(p)).collect()));
    }
    for &(e, p) in &level.labels {
        acc.labels[e] = Some(t(p));
    }
    for (g, corner, child) in &level.children {
        let o = t(*corner);
        acc.clusters[*g] = Rect {
            x: o.x,
            y: o.y,
            w: child.w,
            h: child.h,
        };
        acc.title_x[*g] = child.title_x.map(|x| x + o.x);
        collect(child, Some(*g), o, acc);
    }
}

/// Joins each edge's pieces in order and turns layout space into the final drawing.
fn finish(ctx: &Ctx, root: &level::Level, acc: Collected) -> Geometry {
    let chart = ctx.chart;
    let (lw, lh) = (root.w, root.h);
    let dir = chart.direction;
    let tp = |p: Pt| match dir {
        Direction::TopDown => p,
        Direction::BottomUp => Pt {
            x: p.x,
            y: lh - p.y,
        },
        Direction::LeftRight => Pt { x: p.y, y: p.x },
        Direction::RightLeft => Pt {
            x: lh - p.y,
            y: p.x,
        },
    };
    let tr = |r: Rect| {
        let (a, b) = (
            tp(Pt { x: r.x, y: r.y }),
            tp(Pt {
                x: r.x + r.w,
                y: r.y + r.h,
            }),
        );
        Rect {
            x: a.x.min(b.x),
            y: a.y.min(b.y),
            w: (a.x - b.x).abs(),
            h: (a.y - b.y).abs(),
        }
    };
    let nodes = chart
        .nodes
        .iter()
        .enumerate()
        .map(|(k, n)| PlacedNode {
            center: tp(acc.nodes[k]),
            w: ctx.node_size[k].0,
            h: ctx.node_size[k].1,
            shape: n.shape,
            lines: ctx.node_lines[k].clone(),
        })
        .collect();
    let clusters = acc
        .clusters
        .iter()
        .enumerate()
        .map(|(g, &r)| {
            let rect = tr(r);
            // Only vertical charts place titles among ports; x is then unchanged by the turn.
            let title_x = acc.title_x[g].unwrap_or(rect.x + 12.0);
            PlacedCluster {
                rect,
                title_x,
                title: ctx.title_lines[g].clone(),
            }
        })
        .collect();
    let ancestors = |mut p: Option<usize>| {
        let mut v = vec![p];
        while let Some(g) = p {
            p = chart.subgraphs[g].parent;
            v.push(p);
        }
        v
    };
    let mut edges = Vec::new();
    for (e, edge) in chart.edges.iter().enumerate() {
        // Pieces run from the source's level up to the common ancestor and down to the target's.
        let up = ancestors(chart.nodes[edge.from].parent);
        let down = ancestors(chart.nodes[edge.to].parent);
        let lca = *up
            .iter()
            .find(|a| down.contains(a))
            .expect("the chart is a common ancestor");
        let mut levels: Vec<Option<usize>> =
            up.iter().take_while(|&&a| a != lca).copied().collect();
        levels.push(lca);
        let below: Vec<Option<usize>> = down.iter().take_while(|&&a| a != lca).copied().collect();
        levels.extend(below.into_iter().rev());
        let mut points: Vec<Pt> = Vec::new();
        for lv in levels {
            if let Some((_, pts)) = acc.segments[e].iter().find(|s| s.0 == lv) {
                for &p in pts {
                    let p = tp(p);
                    if points
                        .last()
                        .is_none_or(|q| (q.x - p.x).abs() > 1e-6 || (q.y - p.y).abs() > 1e-6)
                    {
                        points.push(p);
                    }
                }
            }
        }
        let label = acc.labels[e].map(|c| {
            let (w, h) = ctx.label_size[e];
            PlacedLabel {
                rect: Rect::centered(tp(c), w, h),
                lines: ctx.label_lines[e].clone(),
            }
        });
        edges.push(PlacedEdge { points, label });
    }
    let (width, height) = if ctx.horizontal { (lh, lw) } else { (lw, lh) };
    Geometry {
        width,
        height,
        nodes,
        clusters,
        edges,
    }
}

//! Layout of one level of the subgraph tree: the chart itself, or the inside of one subgraph.
//!
//! A subgraph is laid out on its own first and then takes part in its parent's layout as one
//! big item, so a cluster can never overlap a node or another cluster. Edges that cross a
//! subgraph's border go through a *port*: a point on the border, chosen by the inner layout
//! (ports are zero-size items on an extra layer above or below the content) and joined by the
//! parent's route. Everything here is in *layout space*: ranks grow downwards; horizontal charts
//! are laid out transposed and turned at the end.

use super::{Ctx, Pt, coord, order, rank};
use crate::model::Stroke;
use crate::shape;

const MARGIN: f64 = 8.0;
const CLUSTER_PAD: f64 = 12.0;

/// A crossing of this level's border, asked for by the parent.
#[derive(Debug, Clone, Copy)]
pub struct PortReq {
    pub edge: usize,
    /// On the layout top (edges arriving from a lower rank) or bottom.
    pub top: bool,
    /// The node inside this level that the edge reaches.
    pub inner: usize,
}

#[derive(Debug)]
pub struct Level {
    pub w: f64,
    pub h: f64,
    /// Centres of the nodes directly in this level.
    pub nodes: Vec<(usize, Pt)>,
    /// Child subgraphs: id, top-left corner, their layout.
    pub children: Vec<(usize, Pt, Level)>,
    /// Where this level's ports ended up.
    pub ports: Vec<(usize, Pt)>,
    /// Route pieces, each from the edge's source side to its target side.
    pub segments: Vec<(usize, Vec<Pt>)>,
    pub labels: Vec<(usize, Pt)>,
    /// Left end of the subgraph's title, when it was placed among the ports (see `layout`).
    pub title_x: Option<f64>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Node(usize),
    Cluster(usize),
    Port(usize),
    Dummy,
    Label(usize),
    /// Room for a subgraph's title on the layer of ports that shares its band.
    Title,
}

struct Item {
    kind: Kind,
    w: f64,
    h: f64,
    rank: i32,
    /// Room on the right of a node for its self-loops.
    extra: f64,
}

struct Chain {
    edge: usize,
    seq: Vec<usize>,
    from_first: bool,
    /// The chart nodes the chain reaches at its first and last item (through any subgraph).
    nodes: (usize, usize),
}

pub fn layout(ctx: &Ctx, cluster: Option<usize>, ports: &[PortReq]) -> Level {
    let chart = ctx.chart;
    // Members in the author's order; a subgraph sorts where its first node was written.
    let mut members: Vec<(usize, Kind)> = Vec::new();
    for (k, n) in chart.nodes.iter().enumerate() {
        if n.parent == cluster {
            members.push((k, Kind::Node(k)));
        }
    }
    for (g, s) in chart.subgraphs.iter().enumerate() {
        if s.parent == cluster {
            members.push((ctx.first_node[g], Kind::Cluster(g)));
        }
    }
    members.sort_by_key(|m| m.0);
    let nm = members.len();
    // Each member's item, by node and by subgraph: looked up once per edge end.
    let mut node_item = vec![usize::MAX; chart.nodes.len()];
    let mut cluster_item = vec![usize::MAX; chart.subgraphs.len()];
    for (k, m) in members.iter().enumerate() {
        match m.1 {
            Kind::Node(n) => node_item[n] = k,
            Kind::Cluster(g) => cluster_item[g] = k,
            _ => {}
        }
    }
    let item_of = |node: usize| -> Option<usize> {
        let mut cur = Kind::Node(node);
        let mut p = chart.nodes[node].parent;
        loop {
            if p == cluster {
                let k = match cur {
                    Kind::Node(n) => node_item[n],
                    Kind::Cluster(g) => cluster_item[g],
                    _ => usize::MAX,
                };
                return (k != usize::MAX).then_some(k);
            }
            let g = p?;
            cur = Kind::Cluster(g);
            p = chart.subgraphs[g].parent;
        }
    };

    // Edges between members, and self-loops.
    let mut level_edges: Vec<(usize, usize, usize)> = Vec::new();
    let mut loops: Vec<(usize, usize)> = Vec::new();
    for (e, edge) in chart.edges.iter().enumerate() {
        match (item_of(edge.from), item_of(edge.to)) {
            (Some(a), Some(b)) if a != b => level_edges.push((e, a, b)),
            (Some(a), Some(_)) if edge.from == edge.to => loops.push((e, a)),
            _ => {}
        }
    }
    let spec: Vec<(usize, usize, i32)> = level_edges
        .iter()
        .map(|&(e, a, b)| (a, b, 2 * chart.edges[e].length as i32))
        .collect();
    let (ranks, reversed) = rank::rank(nm, &spec);
    let rmax = ranks.iter().copied().max().unwrap_or(0);

    // Subgraphs get their size once their ports are known, after this level is ordered.
    let mut items: Vec<Item> = Vec::new();
    let mut children: Vec<Option<Level>> = (0..nm).map(|_| None).collect();
    for (k, &(_, kind)) in members.iter().enumerate() {
        let (w, h) = match kind {
            Kind::Node(n) => ctx.ldims(ctx.node_size[n]),
            _ => (0.0, 0.0),
        };
        let mine: Vec<usize> = loops.iter().filter(|l| l.1 == k).map(|l| l.0).collect();
        let extra = if mine.is_empty() {
            0.0
        } else {
            let lw = mine
                .iter()
                .map(|&e| ctx.ldims(ctx.label_size[e]).0)
                .fold(0.0, f64::max);
            18.0 + 10.0 * (mine.len() - 1) as f64 + if lw > 0.0 { lw + 8.0 } else { 0.0 }
        };
        items.push(Item {
            kind,
            w: w + extra,
            h,
            rank: ranks[k],
            extra,
        });
    }
    let top_rank = -2;
    let bottom_rank = rmax + 2;
    for (p, req) in ports.iter().enumerate() {
        let rank = if req.top { top_rank } else { bottom_rank };
        items.push(Item {
            kind: Kind::Port(p),
            w: 0.0,
            h: 0.0,
            rank,
            extra: 0.0,
        });
    }

    // Chains of items, one per edge: endpoints and a dummy (or the label) on every rank between.
    let mut chains: Vec<Chain> = Vec::new();
    let dummies =
        |items: &mut Vec<Item>, e: usize, from: i32, to: i32, labelled: bool| -> Vec<usize> {
            let mid = from + (to - from) / 2;
            (from + 1..to)
                .map(|r| {
                    let (kind, (w, h)) = if labelled && r == mid {
                        (Kind::Label(e), ctx.ldims(ctx.label_size[e]))
                    } else {
                        (Kind::Dummy, (0.0, 0.0))
                    };
                    items.push(Item {
                        kind,
                        w,
                        h,
                        rank: r,
                        extra: 0.0,
                    });
                    items.len() - 1
                })
                .collect()
        };
    for (i, &(e, a, b)) in level_edges.iter().enumerate() {
        let (s, t) = if reversed[i] { (b, a) } else { (a, b) };
        let edge = &chart.edges[e];
        let labelled = !edge.label.is_empty() && edge.stroke != Stroke::Invisible;
        let mut seq = vec![s];
        seq.extend(dummies(&mut items, e, ranks[s], ranks[t], labelled));
        seq.push(t);
        let nodes = if reversed[i] {
            (edge.to, edge.from)
        } else {
            (edge.from, edge.to)
        };
        chains.push(Chain {
            edge: e,
            seq,
            from_first: !reversed[i],
            nodes,
        });
    }
    for (p, req) in ports.iter().enumerate() {
        let inner = item_of(req.inner).expect("a port's node lies inside its subgraph");
        let port = nm + p;
        let from_inside = item_of(chart.edges[req.edge].from) == Some(inner);
        let chain = if req.top {
            let mut seq = vec![port];
            seq.extend(dummies(&mut items, req.edge, top_rank, ranks[inner], false));
            seq.push(inner);
            Chain {
                edge: req.edge,
                seq,
                from_first: !from_inside,
                nodes: (usize::MAX, req.inner),
            }
        } else {
            let mut seq = vec![inner];
            seq.extend(dummies(
                &mut items,
                req.edge,
                ranks[inner],
                bottom_rank,
                false,
            ));
            seq.push(port);
            Chain {
                edge: req.edge,
                seq,
                from_first: from_inside,
                nodes: (req.inner, usize::MAX),
            }
        };
        chains.push(chain);
    }

    // In a vertical chart the title shares its band with the ports on the same side; it takes
    // part there as an item of its own, so edges entering the subgraph pass beside the title
    // instead of through it.
    let title_item = match (cluster, ctx.horizontal) {
        (Some(g), false) if ctx.title_size[g].0 > 0.0 => {
            let rank = if ctx.flipped { bottom_rank } else { top_rank };
            items
                .iter()
                .any(|i| matches!(i.kind, Kind::Port(_)) && i.rank == rank)
                .then(|| {
                    items.push(Item {
                        kind: Kind::Title,
                        w: ctx.title_size[g].0 + 8.0,
                        h: 0.0,
                        rank,
                        extra: 0.0,
                    });
                    items.len() - 1
                })
        }
        _ => None,
    };

    // Layers and their order.
    let n = items.len();
    let rmin = items.iter().map(|i| i.rank).min().unwrap_or(0);
    let rtop = items.iter().map(|i| i.rank).max().unwrap_or(0);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); (rtop - rmin + 1) as usize];
    for (k, it) in items.iter().enumerate() {
        layers[(it.rank - rmin) as usize].push(k);
    }
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); n];
    for c in &chains {
        for w in c.seq.windows(2) {
            down[w[0]].push(w[1]);
            up[w[1]].push(w[0]);
        }
    }
    // Ports keep the order the parent gave them, so edges do not cross at the border.
    let pinned: Vec<bool> = layers
        .iter()
        .map(|l| {
            !l.is_empty()
                && l.iter()
                    .all(|&k| matches!(items[k].kind, Kind::Port(_) | Kind::Title))
        })
        .collect();
    order::order(&mut layers, &up, &down, n, &pinned);
    if let Some(t) = title_item {
        // The title reads best on the left.
        let layer = layers
            .iter_mut()
            .find(|l| l.contains(&t))
            .expect("title item is in a layer");
        layer.retain(|&k| k != t);
        layer.insert(0, t);
    }
    let mut index = vec![0usize; n];
    for l in &layers {
        for (i, &k) in l.iter().enumerate() {
            index[k] = i;
        }
    }
    for k in 0..nm {
        let Kind::Cluster(g) = items[k].kind else {
            continue;
        };
        // One port per chain ending at the subgraph, in the order of the chains' next items.
        let mut reqs: Vec<(usize, PortReq)> = Vec::new();
        for c in &chains {
            let last = c.seq.len() - 1;
            if c.seq[last] == k {
                reqs.push((
                    index[c.seq[last - 1]],
                    PortReq {
                        edge: c.edge,
                        top: true,
                        inner: c.nodes.1,
                    },
                ));
            }
            if c.seq[0] == k {
                reqs.push((
                    index[c.seq[1]],
                    PortReq {
                        edge: c.edge,
                        top: false,
                        inner: c.nodes.0,
                    },
                ));
            }
        }
        reqs.sort_by_key(|r| (r.1.top, r.0, r.1.edge));
        let reqs: Vec<PortReq> = reqs.into_iter().map(|r| r.1).collect();
        let child = layout(ctx, Some(g), &reqs);
        items[k].w = child.w;
        items[k].h = child.h;
        children[k] = Some(child);
    }

    // Ranks along the layout y axis.
    let (top, bottom, left, right, min_w, min_h) = insets(ctx, cluster);
    let band: Vec<f64> = layers
        .iter()
        .map(|l| l.iter().map(|&k| items[k].h).fold(0.0, f64::max))
        .collect();
    let half_gap = if ctx.horizontal { 26.0 } else { 22.0 };
    let mut y_mid = vec![0.0; layers.len()];
    let mut at = top;
    for r in 0..=rmax {
        let l = (r - rmin) as usize;
        y_mid[l] = at + band[l] / 2.0;
        at += band[l] + half_gap;
    }
    let content_bottom = at - half_gap;
    let height = (content_bottom + bottom).max(min_h);
    for r in rmin..0 {
        y_mid[(r - rmin) as usize] = if r == top_rank { 0.0 } else { top / 2.0 };
    }
    for r in rmax + 1..=rtop {
        y_mid[(r - rmin) as usize] = if r == bottom_rank {
            height
        } else {
            (content_bottom + height) / 2.0
        };
    }
    let band_top = |k: usize| {
        let l = (items[k].rank - rmin) as usize;
        y_mid[l] - band[l] / 2.0
    };
    let band_bottom = |k: usize| {
        let l = (items[k].rank - rmin) as usize;
        y_mid[l] + band[l] / 2.0
    };

    // Where each chain attaches to its end items, as an offset from the item's centre: edges
    // sharing a side of a node are spread in the order of their other ends (known now that the
    // layers are ordered), a subgraph's edges use its ports. Computed before the coordinates so
    // the placement can line each attachment up with the rest of its edge.
    let mut offsets: Vec<(f64, f64)> = vec![(0.0, 0.0); chains.len()];
    for k in 0..nm {
        for top_side in [true, false] {
            let mut here: Vec<(usize, usize)> = chains
                .iter()
                .enumerate()
                .filter_map(|(ci, c)| {
                    let (end, next) = if top_side {
                        (c.seq[c.seq.len() - 1], c.seq[c.seq.len() - 2])
                    } else {
                        (c.seq[0], c.seq[1])
                    };
                    (end == k).then_some((index[next], ci))
                })
                .collect();
            here.sort();
            let count = here.len();
            for (i, &(_, ci)) in here.iter().enumerate() {
                let off = match (items[k].kind, children[k].as_ref()) {
                    (Kind::Cluster(_), Some(child)) => child
                        .ports
                        .iter()
                        .find(|p| p.0 == chains[ci].edge)
                        .map(|p| p.1.x - child.w / 2.0)
                        .unwrap_or(0.0),
                    (Kind::Node(nd), _) => {
                        let (w, h) = ctx.node_size[nd];
                        let span =
                            shape::attach_span(ctx.chart.nodes[nd].shape, w, h, ctx.horizontal);
                        let step = if count > 1 {
                            (2.0 * span / (count - 1) as f64).min(14.0)
                        } else {
                            0.0
                        };
                        -items[k].extra / 2.0 + (i as f64 - (count - 1) as f64 / 2.0) * step
                    }
                    _ => 0.0,
                };
                if top_side {
                    offsets[ci].1 = off
                } else {
                    offsets[ci].0 = off
                }
            }
        }
    }

    // Positions along the layers.
    let gaps: Vec<Vec<f64>> = layers
        .iter()
        .map(|l| {
            l.windows(2)
                .map(|w| {
                    (items[w[0]].w + items[w[1]].w) / 2.0 + sep(ctx, &items[w[0]], &items[w[1]])
                })
                .collect()
        })
        .collect();
    let mut pull_up: Vec<Vec<coord::Pull>> = vec![Vec::new(); n];
    let mut pull_down: Vec<Vec<coord::Pull>> = vec![Vec::new(); n];
    for (ci, c) in chains.iter().enumerate() {
        let last = c.seq.len() - 2;
        for (wi, w) in c.seq.windows(2).enumerate() {
            let (p, q) = (w[0], w[1]);
            let small =
                |k: usize| matches!(items[k].kind, Kind::Dummy | Kind::Label(_) | Kind::Port(_));
            let weight = match (small(p), small(q)) {
                (true, true) => 8.0,
                (false, false) => 1.0,
                _ => 2.0,
            };
            let op = if wi == 0 { offsets[ci].0 } else { 0.0 };
            let oq = if wi == last { offsets[ci].1 } else { 0.0 };
            pull_down[p].push(coord::Pull {
                other: q,
                delta: oq - op,
                weight,
            });
            pull_up[q].push(coord::Pull {
                other: p,
                delta: op - oq,
                weight,
            });
        }
    }
    let mut x = coord::assign(&layers, &gaps, &pull_up, &pull_down, n);
    let min_left = (0..n)
        .map(|k| x[k] - items[k].w / 2.0)
        .fold(f64::INFINITY, f64::min);
    let max_right = (0..n)
        .map(|k| x[k] + items[k].w / 2.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut width = max_right - min_left + left + right;
    let mut shift = left - min_left;
    if width < min_w {
        shift += (min_w - width) / 2.0;
        width = min_w;
    }
    for v in &mut x {
        *v += shift;
    }
    let pos = |k: usize| Pt {
        x: x[k],
        y: y_mid[(items[k].rank - rmin) as usize],
    };

    // Where each chain touches its end items.
    let attach: Vec<(Pt, Pt)> = chains
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let end = |k: usize, off: f64, top: bool| {
                anchor(
                    ctx,
                    &items[k],
                    pos(k),
                    if k < nm { children[k].as_ref() } else { None },
                    c.edge,
                    off,
                    top,
                )
            };
            (
                end(c.seq[0], offsets[ci].0, false),
                end(c.seq[c.seq.len() - 1], offsets[ci].1, true),
            )
        })
        .collect();
    let mut segments = Vec::new();
    let mut labels = Vec::new();
    for (ci, c) in chains.iter().enumerate() {
        let (start, end) = attach[ci];
        let (first, last) = (c.seq[0], *c.seq.last().expect("chains have two ends"));
        let mut pts = vec![start];
        if first < nm {
            pts.push(Pt {
                x: start.x,
                y: band_bottom(first),
            });
        }
        for &d in &c.seq[1..c.seq.len() - 1] {
            pts.push(Pt {
                x: x[d],
                y: band_top(d),
            });
            pts.push(Pt {
                x: x[d],
                y: band_bottom(d),
            });
            if let Kind::Label(e) = items[d].kind {
                labels.push((e, pos(d)));
            }
        }
        if last < nm {
            pts.push(Pt {
                x: end.x,
                y: band_top(last),
            });
        }
        pts.push(end);
        pts.dedup_by(|a, b| (a.x - b.x).abs() < 1e-6 && (a.y - b.y).abs() < 1e-6);
        if !c.from_first {
            pts.reverse();
        }
        segments.push((c.edge, pts));
    }
    self_loops(ctx, &loops, &items, &pos, &mut segments, &mut labels);

    let mut nodes = Vec::new();
    let mut kids = Vec::new();
    for (k, child) in children.into_iter().enumerate() {
        let p = pos(k);
        match (items[k].kind, child) {
            (Kind::Node(id), _) => nodes.push((
                id,
                Pt {
                    x: p.x - items[k].extra / 2.0,
                    y: p.y,
                },
            )),
            (Kind::Cluster(g), Some(child)) => kids.push((
                g,
                Pt {
                    x: p.x - child.w / 2.0,
                    y: p.y - child.h / 2.0,
                },
                child,
            )),
            _ => {}
        }
    }
    let ports_out = (0..ports.len())
        .map(|p| (ports[p].edge, pos(nm + p)))
        .collect();
    let title_x = title_item.map(|t| x[t] - items[t].w / 2.0 + 4.0);
    Level {
        w: width,
        h: height,
        nodes,
        children: kids,
        ports: ports_out,
        segments,
        labels,
        title_x,
    }
}

/// Layout-space insets of a level (top, bottom, left, right) and its minimum size. A subgraph
/// keeps room for its title on the side that ends up on top of the final drawing.
fn insets(ctx: &Ctx, cluster: Option<usize>) -> (f64, f64, f64, f64, f64, f64) {
    let Some(g) = cluster else {
        return (MARGIN, MARGIN, MARGIN, MARGIN, 0.0, 0.0);
    };
    let (tw, th) = ctx.title_size[g];
    let title = if tw > 0.0 { th + 6.0 } else { 0.0 };
    let p = CLUSTER_PAD;
    let min_along = tw + 2.0 * p;
    match (ctx.horizontal, ctx.flipped) {
        (false, false) => (p + title, p, p, p, min_along, 0.0),
        (false, true) => (p, p + title, p, p, min_along, 0.0),
        (true, _) => (p, p, p + title, p, 0.0, min_along),
    }
}

/// Minimum clear space between two neighbours in a layer.
fn sep(ctx: &Ctx, a: &Item, b: &Item) -> f64 {
    let big = |i: &Item| matches!(i.kind, Kind::Node(_) | Kind::Cluster(_));
    let cluster = |i: &Item| matches!(i.kind, Kind::Cluster(_));
    if cluster(a) || cluster(b) {
        20.0
    } else if big(a) && big(b) {
        if ctx.horizontal || ctx.compact {
            20.0
        } else {
            28.0
        }
    } else if big(a) || big(b) {
        14.0
    } else {
        10.0
    }
}

/// The point where a chain meets item `it` (centred at `at`) on its top or bottom side, `off`
/// from its centre.
fn anchor(
    ctx: &Ctx,
    it: &Item,
    at: Pt,
    child: Option<&Level>,
    edge: usize,
    off: f64,
    top: bool,
) -> Pt {
    match it.kind {
        Kind::Node(n) => {
            let (w, h) = ctx.node_size[n];
            let centre_off = off + it.extra / 2.0;
            let e = shape::half_extent(ctx.chart.nodes[n].shape, w, h, ctx.horizontal, centre_off);
            Pt {
                x: at.x + off,
                y: if top { at.y - e } else { at.y + e },
            }
        }
        Kind::Cluster(_) => {
            let child = child.expect("a cluster item has its layout");
            let p = child
                .ports
                .iter()
                .find(|p| p.0 == edge)
                .map(|p| p.1)
                .unwrap_or_default();
            Pt {
                x: at.x - it.w / 2.0 + p.x,
                y: at.y - it.h / 2.0 + p.y,
            }
        }
        _ => at,
    }
}

/// Self-loops leave a node on its right (in layout space) and come back.
fn self_loops(
    ctx: &Ctx,
    loops: &[(usize, usize)],
    items: &[Item],
    pos: &dyn Fn(usize) -> Pt,
    segments: &mut Vec<(usize, Vec<Pt>)>,
    labels: &mut Vec<(usize, Pt)>,
) {
    let mut seen: Vec<usize> = Vec::new();
    for &(e, k) in loops {
        let nth = seen.iter().filter(|&&s| s == k).count() as f64;
        seen.push(k);
        let Kind::Node(n) = items[k].kind else {
            continue;
        };
        let (w, h) = ctx.node_size[n];
        let (_, lh) = ctx.ldims((w, h));
        let shape = ctx.chart.nodes[n].shape;
        let c = pos(k);
        let cx = c.x - items[k].extra / 2.0;
        let dy = (lh / 4.0).min(10.0);
        let ext = shape::half_extent(shape, w, h, !ctx.horizontal, dy);
        let out = cx + shape::half_extent(shape, w, h, !ctx.horizontal, 0.0) + 16.0 + 10.0 * nth;
        let pts = vec![
            Pt {
                x: cx + ext,
                y: c.y - dy,
            },
            Pt {
                x: out,
                y: c.y - dy,
            },
            Pt {
                x: out,
                y: c.y + dy,
            },
            Pt {
                x: cx + ext,
                y: c.y + dy,
            },
        ];
        segments.push((e, pts));
        if !ctx.chart.edges[e].label.is_empty() {
            let (lw, _) = ctx.ldims(ctx.label_size[e]);
            labels.push((
                e,
                Pt {
                    x: out + 4.0 + lw / 2.0,
                    y: c.y,
                },
            ));
        }
    }
}

//! Where edges meet their end items, and the polylines they run along: through their chains'
//! dummies and labels, or, for a self-loop, out on the right of the node and back.

use super::Level;
use super::items::{Chain, Item, Items, Kind, SelfLoop};
use super::place::Placement;
use crate::layout::{Ctx, Pt};
use crate::shape;

/// Where each chain attaches to its end items, as an offset from the item's centre: edges
/// sharing a side of a node are spread in the order of their other ends (known now that the
/// layers are ordered), a subgraph's edges use its ports. Computed before the coordinates so
/// the placement can line each attachment up with the rest of its edge.
pub(super) fn attachment_offsets(
    ctx: &Ctx,
    items: &Items,
    chains: &[Chain],
    children: &[Option<Level>],
    index: &[usize],
) -> Vec<(f64, f64)> {
    let items = &items.all;
    let mut offsets: Vec<(f64, f64)> = vec![(0.0, 0.0); chains.len()];
    for (k, child) in children.iter().enumerate() {
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
                let off = match (items[k].kind, child.as_ref()) {
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
    offsets
}

/// A level's route pieces and label centres, by edge.
pub(super) struct Routes {
    pub segments: Vec<(usize, Vec<Pt>)>,
    pub labels: Vec<(usize, Pt)>,
}

/// One polyline per chain, from its source side to its target side, then the self-loops.
pub(super) fn routes(
    ctx: &Ctx,
    chains: &[Chain],
    loops: &[SelfLoop],
    offsets: &[(f64, f64)],
    children: &[Option<Level>],
    place: &Placement,
) -> Routes {
    let items = place.items;
    let nm = children.len();
    // Where each chain touches its end items.
    let attach: Vec<(Pt, Pt)> = chains
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let end = |k: usize, off: f64, top: bool| {
                anchor(
                    ctx,
                    &items[k],
                    place.pos(k),
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
    let mut routes = Routes {
        segments: Vec::new(),
        labels: Vec::new(),
    };
    for (ci, c) in chains.iter().enumerate() {
        let (start, end) = attach[ci];
        let (first, last) = (c.seq[0], *c.seq.last().expect("chains have two ends"));
        let mut pts = vec![start];
        if first < nm {
            pts.push(Pt {
                x: start.x,
                y: place.band_bottom(first),
            });
        }
        for &d in &c.seq[1..c.seq.len() - 1] {
            pts.push(Pt {
                x: place.x[d],
                y: place.band_top(d),
            });
            pts.push(Pt {
                x: place.x[d],
                y: place.band_bottom(d),
            });
            if let Kind::Label(e) = items[d].kind {
                routes.labels.push((e, place.pos(d)));
            }
        }
        if last < nm {
            pts.push(Pt {
                x: end.x,
                y: place.band_top(last),
            });
        }
        pts.push(end);
        pts.dedup_by(|a, b| (a.x - b.x).abs() < 1e-6 && (a.y - b.y).abs() < 1e-6);
        if !c.from_first {
            pts.reverse();
        }
        routes.segments.push((c.edge, pts));
    }
    self_loops(ctx, loops, place, &mut routes);
    routes
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
fn self_loops(ctx: &Ctx, loops: &[SelfLoop], place: &Placement, routes: &mut Routes) {
    let items = place.items;
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
        let c = place.pos(k);
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
        routes.segments.push((e, pts));
        if !ctx.chart.edges[e].label.is_empty() {
            let (lw, _) = ctx.ldims(ctx.label_size[e]);
            routes.labels.push((
                e,
                Pt {
                    x: out + 4.0 + lw / 2.0,
                    y: c.y,
                },
            ));
        }
    }
}

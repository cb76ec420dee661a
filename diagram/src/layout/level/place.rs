//! Where a level's items go: layers and their order, each rank's band along the layout y axis,
//! and positions along the layers (x).

use super::items::{Chain, Item, Items, Kind};
use crate::layout::{Ctx, Pt, coord, order};

const MARGIN: f64 = 8.0;
const CLUSTER_PAD: f64 = 12.0;

/// The items by rank, each layer in its final order.
pub(super) struct Layers {
    pub list: Vec<Vec<usize>>,
    /// Each item's place in its layer.
    pub index: Vec<usize>,
    /// The lowest and highest ranks, ports included.
    pub rmin: i32,
    pub rtop: i32,
}

impl Layers {
    /// Layers and their order.
    pub fn order(items: &Items, chains: &[Chain], title_item: Option<usize>) -> Layers {
        let items = &items.all;
        let n = items.len();
        let rmin = items.iter().map(|i| i.rank).min().unwrap_or(0);
        let rtop = items.iter().map(|i| i.rank).max().unwrap_or(0);
        let mut layers: Vec<Vec<usize>> = vec![Vec::new(); (rtop - rmin + 1) as usize];
        for (k, it) in items.iter().enumerate() {
            layers[(it.rank - rmin) as usize].push(k);
        }
        let mut up: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut down: Vec<Vec<usize>> = vec![Vec::new(); n];
        for c in chains {
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
        Layers {
            list: layers,
            index,
            rmin,
            rtop,
        }
    }
}

/// Layout-space insets of a level and its minimum size.
pub(super) struct Insets {
    top: f64,
    bottom: f64,
    left: f64,
    right: f64,
    min_w: f64,
    min_h: f64,
}

impl Insets {
    /// A subgraph keeps room for its title on the side that ends up on top of the final
    /// drawing.
    pub fn of(ctx: &Ctx, cluster: Option<usize>) -> Insets {
        let (top, bottom, left, right, min_w, min_h) = match cluster {
            None => (MARGIN, MARGIN, MARGIN, MARGIN, 0.0, 0.0),
            Some(g) => {
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
        };
        Insets {
            top,
            bottom,
            left,
            right,
            min_w,
            min_h,
        }
    }
}

/// Ranks along the layout y axis: each layer's band is as tall as its tallest item.
pub(super) struct Bands {
    y_mid: Vec<f64>,
    band: Vec<f64>,
    rmin: i32,
    pub height: f64,
}

impl Bands {
    pub fn new(ctx: &Ctx, items: &Items, layers: &Layers, insets: &Insets) -> Bands {
        let (rmin, rmax, rtop) = (layers.rmin, items.rmax, layers.rtop);
        let top = insets.top;
        let band: Vec<f64> = layers
            .list
            .iter()
            .map(|l| l.iter().map(|&k| items.all[k].h).fold(0.0, f64::max))
            .collect();
        let half_gap = if ctx.horizontal { 26.0 } else { 22.0 };
        let mut y_mid = vec![0.0; layers.list.len()];
        let mut at = top;
        for r in 0..=rmax {
            let l = (r - rmin) as usize;
            y_mid[l] = at + band[l] / 2.0;
            at += band[l] + half_gap;
        }
        let content_bottom = at - half_gap;
        let height = (content_bottom + insets.bottom).max(insets.min_h);
        // Ports lie on the border, and the rank between a port and the content lies halfway
        // across the inset.
        for r in rmin..0 {
            y_mid[(r - rmin) as usize] = if r == items.top_rank { 0.0 } else { top / 2.0 };
        }
        for r in rmax + 1..=rtop {
            y_mid[(r - rmin) as usize] = if r == items.bottom_rank {
                height
            } else {
                (content_bottom + height) / 2.0
            };
        }
        Bands {
            y_mid,
            band,
            rmin,
            height,
        }
    }

    fn layer(&self, it: &Item) -> usize {
        (it.rank - self.rmin) as usize
    }
}

/// Positions along the layers: each item is pulled towards its neighbours in its chains (pulls
/// between small items are stronger, so long edges stay straight), keeping at least `sep`
/// clear between neighbours in a layer.
/// Returns the centres, shifted so the drawing starts at the left inset, and the level's width.
pub(super) fn along_layers(
    ctx: &Ctx,
    items: &Items,
    layers: &Layers,
    chains: &[Chain],
    offsets: &[(f64, f64)],
    insets: &Insets,
) -> (Vec<f64>, f64) {
    let items = &items.all;
    let n = items.len();
    let gaps: Vec<Vec<f64>> = layers
        .list
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
    let mut x = coord::assign(&layers.list, &gaps, &pull_up, &pull_down, n);
    let min_left = (0..n)
        .map(|k| x[k] - items[k].w / 2.0)
        .fold(f64::INFINITY, f64::min);
    let max_right = (0..n)
        .map(|k| x[k] + items[k].w / 2.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut width = max_right - min_left + insets.left + insets.right;
    let mut shift = insets.left - min_left;
    if width < insets.min_w {
        shift += (insets.min_w - width) / 2.0;
        width = insets.min_w;
    }
    for v in &mut x {
        *v += shift;
    }
    (x, width)
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

/// Where the items ended up: x along the layers, y at the middle of their rank's band.
pub(super) struct Placement<'a> {
    pub items: &'a [Item],
    pub x: Vec<f64>,
    pub bands: Bands,
    pub width: f64,
}

impl Placement<'_> {
    pub fn pos(&self, k: usize) -> Pt {
        Pt {
            x: self.x[k],
            y: self.bands.y_mid[self.bands.layer(&self.items[k])],
        }
    }

    /// The top of item `k`'s band.
    pub fn band_top(&self, k: usize) -> f64 {
        let l = self.bands.layer(&self.items[k]);
        self.bands.y_mid[l] - self.bands.band[l] / 2.0
    }

    /// The bottom of item `k`'s band.
    pub fn band_bottom(&self, k: usize) -> f64 {
        let l = self.bands.layer(&self.items[k]);
        self.bands.y_mid[l] + self.bands.band[l] / 2.0
    }
}

//! Layout of one level of the subgraph tree: the chart itself, or the inside of one subgraph.
//!
//! A subgraph is laid out on its own first and then takes part in its parent's layout as one
//! big item, so a cluster can never overlap a node or another cluster. Edges that cross a
//! subgraph's border go through a *port*: a point on the border, chosen by the inner layout
//! (ports are zero-size items on an extra layer above or below the content) and joined by the
//! parent's route. Everything here is in *layout space*: ranks grow downwards; horizontal charts
//! are laid out transposed and turned at the end.

mod items;
mod place;
mod route;

use super::{Ctx, Pt, rank};
use items::{Chain, Items, Kind, Members};
use place::{Bands, Insets, Layers, Placement};
use route::Routes;

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
    /// Left end of the subgraph's title, when it was placed among the ports (see `Items::title`).
    pub title_x: Option<f64>,
}

/// Lays out the level of `cluster` (the chart itself for `None`), with a port on its border for
/// each of `ports`, in the order given.
pub fn layout(ctx: &Ctx, cluster: Option<usize>, ports: &[PortReq]) -> Level {
    let members = Members::of(ctx, cluster);
    let (level_edges, loops) = members.edges();
    // An edge spans at least two ranks per unit of its length, so it has a rank halfway for its
    // label.
    let spec: Vec<(usize, usize, i32)> = level_edges
        .iter()
        .map(|&(e, a, b)| (a, b, 2 * ctx.chart.edges[e].length as i32))
        .collect();
    let (ranks, reversed) = rank::rank(members.count(), &spec);
    let mut items = Items::new(ctx, &members, &ranks, &loops, ports);
    let chains = items.chains(ctx, &members, &level_edges, &reversed, ports);
    let title_item = items.title(ctx, cluster);
    let layers = Layers::order(&items, &chains, title_item);
    let children = inner_layouts(ctx, &mut items, &chains, &layers.index);
    let insets = Insets::of(ctx, cluster);
    let bands = Bands::new(ctx, &items, &layers, &insets);
    let offsets = route::attachment_offsets(ctx, &items, &chains, &children, &layers.index);
    let (x, width) = place::along_layers(ctx, &items, &layers, &chains, &offsets, &insets);
    let place = Placement {
        items: &items.all,
        x,
        bands,
        width,
    };
    let routes = route::routes(ctx, &chains, &loops, &offsets, &children, &place);
    finish(ports, children, title_item, &place, routes)
}

/// The subgraphs' inner layouts, now that this level is ordered: each is laid out with one port
/// per chain ending at it, and its item takes the size of its layout.
fn inner_layouts(
    ctx: &Ctx,
    items: &mut Items,
    chains: &[Chain],
    index: &[usize],
) -> Vec<Option<Level>> {
    let mut children: Vec<Option<Level>> = Vec::with_capacity(items.members);
    for k in 0..items.members {
        let Kind::Cluster(g) = items.all[k].kind else {
            children.push(None);
            continue;
        };
        // One port per chain ending at the subgraph, in the order of the chains' next items.
        let mut reqs: Vec<(usize, PortReq)> = Vec::new();
        for c in chains {
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
        items.all[k].w = child.w;
        items.all[k].h = child.h;
        children.push(Some(child));
    }
    children
}

/// The resulting level: nodes at their centres, children at their top-left corners.
fn finish(
    ports: &[PortReq],
    children: Vec<Option<Level>>,
    title_item: Option<usize>,
    place: &Placement,
    routes: Routes,
) -> Level {
    let items = place.items;
    let nm = children.len();
    let mut nodes = Vec::new();
    let mut kids = Vec::new();
    for (k, child) in children.into_iter().enumerate() {
        let p = place.pos(k);
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
        .map(|p| (ports[p].edge, place.pos(nm + p)))
        .collect();
    let title_x = title_item.map(|t| place.x[t] - items[t].w / 2.0 + 4.0);
    Level {
        w: place.width,
        h: place.bands.height,
        nodes,
        children: kids,
        ports: ports_out,
        segments: routes.segments,
        labels: routes.labels,
        title_x,
    }
}

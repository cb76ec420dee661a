//! What a level lays out: its members (nodes and child subgraphs), the edges between them, and
//! the items that go into the layers — one per member, per port, per dummy or edge label on
//! each rank an edge crosses, and for the subgraph's title — joined into one chain per edge.

use super::PortReq;
use crate::layout::Ctx;
use crate::model::{Flowchart, Stroke};

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Node(usize),
    Cluster(usize),
    Port(usize),
    Dummy,
    Label(usize),
    /// Room for a subgraph's title on the layer of ports that shares its band.
    Title,
}

pub(super) struct Item {
    pub kind: Kind,
    pub w: f64,
    pub h: f64,
    pub rank: i32,
    /// Room on the right of a node for its self-loops.
    pub extra: f64,
}

pub(super) struct Chain {
    pub edge: usize,
    pub seq: Vec<usize>,
    pub from_first: bool,
    /// The chart nodes the chain reaches at its first and last item (through any subgraph).
    pub nodes: (usize, usize),
}

/// An edge between two members: (edge, source item, target item).
pub(super) type LevelEdge = (usize, usize, usize);

/// A self-loop: (edge, item of its node).
pub(super) type SelfLoop = (usize, usize);

/// The nodes and subgraphs directly in one level.
pub(super) struct Members<'a> {
    chart: &'a Flowchart,
    cluster: Option<usize>,
    /// Member ids and kinds, in the author's order (the id is where the member sorts).
    pub list: Vec<(usize, Kind)>,
    // Each member's item, by node and by subgraph: looked up once per edge end.
    node_item: Vec<usize>,
    cluster_item: Vec<usize>,
}

impl<'a> Members<'a> {
    /// Members in the author's order; a subgraph sorts where its first node was written.
    pub fn of(ctx: &Ctx<'a>, cluster: Option<usize>) -> Members<'a> {
        let chart = ctx.chart;
        let mut list: Vec<(usize, Kind)> = Vec::new();
        for (k, n) in chart.nodes.iter().enumerate() {
            if n.parent == cluster {
                list.push((k, Kind::Node(k)));
            }
        }
        for (g, s) in chart.subgraphs.iter().enumerate() {
            if s.parent == cluster {
                list.push((ctx.first_node[g], Kind::Cluster(g)));
            }
        }
        list.sort_by_key(|m| m.0);
        let mut node_item = vec![usize::MAX; chart.nodes.len()];
        let mut cluster_item = vec![usize::MAX; chart.subgraphs.len()];
        for (k, m) in list.iter().enumerate() {
            match m.1 {
                Kind::Node(n) => node_item[n] = k,
                Kind::Cluster(g) => cluster_item[g] = k,
                _ => {}
            }
        }
        Members {
            chart,
            cluster,
            list,
            node_item,
            cluster_item,
        }
    }

    pub fn count(&self) -> usize {
        self.list.len()
    }

    /// The member that holds chart node `node`: the node itself, or the child subgraph it lies
    /// in at any depth; `None` when the node is outside this level.
    pub fn item_of(&self, node: usize) -> Option<usize> {
        let mut cur = Kind::Node(node);
        let mut p = self.chart.nodes[node].parent;
        loop {
            if p == self.cluster {
                let k = match cur {
                    Kind::Node(n) => self.node_item[n],
                    Kind::Cluster(g) => self.cluster_item[g],
                    _ => usize::MAX,
                };
                return (k != usize::MAX).then_some(k);
            }
            let g = p?;
            cur = Kind::Cluster(g);
            p = self.chart.subgraphs[g].parent;
        }
    }

    /// Edges between members, and self-loops.
    pub fn edges(&self) -> (Vec<LevelEdge>, Vec<SelfLoop>) {
        let mut level_edges: Vec<LevelEdge> = Vec::new();
        let mut loops: Vec<SelfLoop> = Vec::new();
        for (e, edge) in self.chart.edges.iter().enumerate() {
            match (self.item_of(edge.from), self.item_of(edge.to)) {
                (Some(a), Some(b)) if a != b => level_edges.push((e, a, b)),
                (Some(a), Some(_)) if edge.from == edge.to => loops.push((e, a)),
                _ => {}
            }
        }
        (level_edges, loops)
    }
}

/// All the items of a level, indexed as the layers and chains refer to them: the members first
/// (item `k` is member `k`), then the ports (item `members + p` is port `p`), then the dummies
/// and labels of the chains, then the title.
pub(super) struct Items {
    pub all: Vec<Item>,
    pub members: usize,
    /// The last rank of the content (the first is 0). Ports sit two ranks beyond the content on
    /// either side; the rank between lies in the level's inset.
    pub rmax: i32,
    pub top_rank: i32,
    pub bottom_rank: i32,
}

impl Items {
    /// One item per member at its rank, then one zero-size item per port.
    pub fn new(
        ctx: &Ctx,
        members: &Members,
        ranks: &[i32],
        loops: &[SelfLoop],
        ports: &[PortReq],
    ) -> Items {
        let rmax = ranks.iter().copied().max().unwrap_or(0);
        // Subgraphs get their size once their ports are known, after this level is ordered.
        let mut all: Vec<Item> = Vec::new();
        for (k, &(_, kind)) in members.list.iter().enumerate() {
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
            all.push(Item {
                kind,
                w: w + extra,
                h,
                rank: ranks[k],
                extra,
            });
        }
        let mut items = Items {
            all,
            members: members.count(),
            rmax,
            top_rank: -2,
            bottom_rank: rmax + 2,
        };
        for (p, req) in ports.iter().enumerate() {
            let rank = if req.top {
                items.top_rank
            } else {
                items.bottom_rank
            };
            items.push(Kind::Port(p), 0.0, 0.0, rank);
        }
        items
    }

    fn push(&mut self, kind: Kind, w: f64, h: f64, rank: i32) -> usize {
        self.all.push(Item {
            kind,
            w,
            h,
            rank,
            extra: 0.0,
        });
        self.all.len() - 1
    }

    /// A dummy (or the label, halfway) on every rank strictly between `from` and `to`.
    fn dummies(&mut self, ctx: &Ctx, e: usize, from: i32, to: i32, labelled: bool) -> Vec<usize> {
        let mid = from + (to - from) / 2;
        (from + 1..to)
            .map(|r| {
                let (kind, (w, h)) = if labelled && r == mid {
                    (Kind::Label(e), ctx.ldims(ctx.label_size[e]))
                } else {
                    (Kind::Dummy, (0.0, 0.0))
                };
                self.push(kind, w, h, r)
            })
            .collect()
    }

    /// Chains of items, one per edge: endpoints and a dummy (or the label) on every rank
    /// between. Edges the ranking reversed run against their chain. A port's chain joins the
    /// port to the member that holds the edge's inner node.
    pub fn chains(
        &mut self,
        ctx: &Ctx,
        members: &Members,
        level_edges: &[LevelEdge],
        reversed: &[bool],
        ports: &[PortReq],
    ) -> Vec<Chain> {
        let chart = ctx.chart;
        let mut chains: Vec<Chain> = Vec::new();
        for (i, &(e, a, b)) in level_edges.iter().enumerate() {
            let (s, t) = if reversed[i] { (b, a) } else { (a, b) };
            let edge = &chart.edges[e];
            let labelled = !edge.label.is_empty() && edge.stroke != Stroke::Invisible;
            let mut seq = vec![s];
            let (rs, rt) = (self.all[s].rank, self.all[t].rank);
            seq.extend(self.dummies(ctx, e, rs, rt, labelled));
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
            let inner = members
                .item_of(req.inner)
                .expect("a port's node lies inside its subgraph");
            let port = self.members + p;
            let from_inside = members.item_of(chart.edges[req.edge].from) == Some(inner);
            let rank = self.all[inner].rank;
            let chain = if req.top {
                let mut seq = vec![port];
                seq.extend(self.dummies(ctx, req.edge, self.top_rank, rank, false));
                seq.push(inner);
                Chain {
                    edge: req.edge,
                    seq,
                    from_first: !from_inside,
                    nodes: (usize::MAX, req.inner),
                }
            } else {
                let mut seq = vec![inner];
                seq.extend(self.dummies(ctx, req.edge, rank, self.bottom_rank, false));
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
        chains
    }

    /// In a vertical chart the title shares its band with the ports on the same side; it takes
    /// part there as an item of its own, so edges entering the subgraph pass beside the title
    /// instead of through it.
    pub fn title(&mut self, ctx: &Ctx, cluster: Option<usize>) -> Option<usize> {
        match (cluster, ctx.horizontal) {
            (Some(g), false) if ctx.title_size[g].0 > 0.0 => {
                let rank = if ctx.flipped {
                    self.bottom_rank
                } else {
                    self.top_rank
                };
                self.all
                    .iter()
                    .any(|i| matches!(i.kind, Kind::Port(_)) && i.rank == rank)
                    .then(|| self.push(Kind::Title, ctx.title_size[g].0 + 8.0, 0.0, rank))
            }
            _ => None,
        }
    }
}

//! Geometric invariants of the layout, checked on the golden diagrams and on generated ones:
//! the same properties the browser test measures, computed from the layout itself.

use crate::layout::{self, Geometry, PlacedNode, Pt, Rect};
use crate::model::{Flowchart, Shape};

fn inside_shape(n: &PlacedNode, p: Pt) -> bool {
    const E: f64 = 1e-6;
    let (dx, dy) = ((p.x - n.center.x).abs(), (p.y - n.center.y).abs());
    let (hw, hh) = (n.w / 2.0, n.h / 2.0);
    match n.shape {
        Shape::Rect | Shape::Round | Shape::Subroutine => dx <= hw + E && dy <= hh + E,
        Shape::Stadium => {
            dy <= hh + E && (dx <= hw - hh || (dx - (hw - hh)).powi(2) + dy * dy <= hh * hh + E)
        }
        Shape::Diamond => dx / hw + dy / hh <= 1.0 + E,
        Shape::Circle => dx * dx + dy * dy <= hw * hw + E,
        Shape::Hexagon => dy <= hh + E && dx <= hw - (n.h / 4.0) * (dy / hh) + E,
    }
}

fn corners(r: &Rect) -> [Pt; 4] {
    [
        Pt { x: r.x, y: r.y },
        Pt {
            x: r.x + r.w,
            y: r.y,
        },
        Pt {
            x: r.x,
            y: r.y + r.h,
        },
        Pt {
            x: r.x + r.w,
            y: r.y + r.h,
        },
    ]
}

/// Whether the segment a–b passes through the inside of `r` (sampled: segments are short).
fn segment_hits(a: Pt, b: Pt, r: &Rect) -> bool {
    (0..=64).any(|i| {
        let t = i as f64 / 64.0;
        let (x, y) = (a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
        x > r.x + 0.5 && x < r.x + r.w - 0.5 && y > r.y + 0.5 && y < r.y + r.h - 0.5
    })
}

fn in_cluster(chart: &Flowchart, node: usize, g: usize) -> bool {
    let mut p = chart.nodes[node].parent;
    while let Some(q) = p {
        if q == g {
            return true;
        }
        p = chart.subgraphs[q].parent;
    }
    false
}

fn check(name: &str, src: &str) {
    let chart = crate::parse::parse(src).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    check_layout(name, &chart, false);
    check_layout(&format!("{name} (compact)"), &chart, true);
    // Turned a quarter, as a narrow screen or a slide may show it.
    let mut turned = chart.clone();
    turned.direction = if chart.direction.is_horizontal() {
        crate::model::Direction::TopDown
    } else {
        crate::model::Direction::LeftRight
    };
    check_layout(&format!("{name} (turned)"), &turned, true);
    let opts = crate::Options::default();
    assert_eq!(
        crate::render(src, &opts).unwrap().html,
        crate::render(src, &opts).unwrap().html,
        "{name}: not deterministic"
    );
}

fn check_layout(name: &str, chart: &crate::model::Flowchart, compact: bool) {
    let g: Geometry = layout::layout(chart, compact);
    let canvas = Rect {
        x: 0.0,
        y: 0.0,
        w: g.width,
        h: g.height,
    };
    for (i, n) in g.nodes.iter().enumerate() {
        let id = &chart.nodes[i].id;
        assert!(
            canvas.contains(&n.rect()),
            "{name}: node {id} outside the canvas"
        );
        let t = n.text_rect();
        for c in corners(&t) {
            assert!(
                inside_shape(n, c),
                "{name}: text of {id} ({t:?}) leaves its {:?} {:?}",
                n.shape,
                n.rect()
            );
        }
        for (j, m) in g.nodes.iter().enumerate().skip(i + 1) {
            assert!(
                !n.rect().overlaps(&m.rect()),
                "{name}: nodes {id} and {} overlap",
                chart.nodes[j].id
            );
        }
    }
    let labels: Vec<Rect> = g
        .edges
        .iter()
        .filter_map(|e| e.label.as_ref().map(|l| l.rect))
        .collect();
    for (k, l) in labels.iter().enumerate() {
        assert!(
            canvas.contains(l),
            "{name}: an edge label is outside the canvas"
        );
        for (i, n) in g.nodes.iter().enumerate() {
            assert!(
                !l.overlaps(&n.rect()),
                "{name}: an edge label overlaps node {}",
                chart.nodes[i].id
            );
        }
        for m in &labels[k + 1..] {
            assert!(!l.overlaps(m), "{name}: two edge labels overlap");
        }
    }
    for (k, c) in g.clusters.iter().enumerate() {
        for (i, n) in g.nodes.iter().enumerate() {
            if in_cluster(chart, i, k) {
                assert!(
                    c.rect.contains(&n.rect()),
                    "{name}: node {} sticks out of its subgraph",
                    chart.nodes[i].id
                );
            } else {
                assert!(
                    !c.rect.overlaps(&n.rect()),
                    "{name}: node {} overlaps subgraph {}",
                    chart.nodes[i].id,
                    chart.subgraphs[k].id
                );
            }
        }
        for (j, d) in g.clusters.iter().enumerate() {
            let nested = |a: usize, b: usize| {
                let mut p = chart.subgraphs[a].parent;
                while let Some(q) = p {
                    if q == b {
                        return true;
                    }
                    p = chart.subgraphs[q].parent;
                }
                false
            };
            if j != k && !nested(j, k) && !nested(k, j) {
                assert!(
                    !c.rect.overlaps(&d.rect),
                    "{name}: subgraphs {} and {} overlap",
                    chart.subgraphs[k].id,
                    chart.subgraphs[j].id
                );
            }
        }
    }
    for c in g.clusters.iter().filter(|c| !c.title.is_empty()) {
        let (tw, th) = crate::shape::text_size(&c.title);
        let title = Rect {
            x: c.title_x,
            y: c.rect.y + 6.0,
            w: tw,
            h: th,
        };
        assert!(
            c.rect.contains(&title),
            "{name}: a subgraph title sticks out of its box"
        );
        for e in &g.edges {
            for w in e.points.windows(2) {
                assert!(
                    !segment_hits(w[0], w[1], &title),
                    "{name}: an edge crosses the title {:?}",
                    c.title
                );
            }
        }
    }
    for (k, e) in g.edges.iter().enumerate() {
        let edge = &chart.edges[k];
        assert!(e.points.len() >= 2, "{name}: edge {k} has no route");
        let near = |p: Pt, n: usize| {
            let r = g.nodes[n].rect();
            p.x >= r.x - 1.0 && p.x <= r.x + r.w + 1.0 && p.y >= r.y - 1.0 && p.y <= r.y + r.h + 1.0
        };
        assert!(
            near(e.points[0], edge.from),
            "{name}: edge {k} does not start at its source"
        );
        assert!(
            near(*e.points.last().unwrap(), edge.to),
            "{name}: edge {k} does not end at its target: {:?} vs {:?}",
            e.points,
            g.nodes[edge.to].rect()
        );
    }
}

#[test]
fn golden_diagrams_keep_the_invariants() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
    let mut seen = 0;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        if path.extension().is_some_and(|e| e == "mmd") {
            check(
                &path.display().to_string(),
                &std::fs::read_to_string(&path).unwrap(),
            );
            seen += 1;
        }
    }
    assert!(seen >= 10);
}

#[test]
fn generated_diagrams_keep_the_invariants() {
    for seed in 0..300 {
        let src = crate::testing::flowchart(seed, 10 + (seed as usize % 11));
        check(&format!("seed {seed}\n{src}"), &src);
    }
}

#[test]
fn every_direction_keeps_the_invariants() {
    let body = "    A([开始]) --> B{资料是否齐全}\n    B -->|否| C[补充资料]\n    C --> B\n    B -->|是| D[[系统复核]]\n    subgraph 柜台\n      D --> E((办结))\n    end\n    E --> F{{归档}}\n    F --> F\n";
    // Edges between nested subgraphs of different parents, in both directions.
    let nested = "    subgraph 总部\n      subgraph 清算\n        A[日终清算] --> B[生成文件]\n      end\n      C[复核]\n    end\n    subgraph 营业部\n      subgraph 柜台\n        D[通知客户] --> E{客户确认}\n      end\n      F[归档]\n    end\n    B --> D\n    E -->|否| A\n    E -->|是| F\n    C --> F\n    X([开始]) --> A\n    F --> C\n";
    for dir in ["TD", "BT", "LR", "RL"] {
        check(dir, &format!("flowchart {dir}\n{body}"));
        check(
            &format!("nested {dir}"),
            &format!("flowchart {dir}\n{nested}"),
        );
    }
}

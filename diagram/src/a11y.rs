//! The text alternative: what a screen reader says instead of the picture, in Chinese.

use crate::layout::Geometry;
use crate::model::{Direction, Flowchart, Head, Shape, Stroke};

fn label(chart: &Flowchart, n: usize) -> String {
    let node = &chart.nodes[n];
    let text = node.label.join(" ");
    if node.shape == Shape::Diamond { format!("{text}（判断）") } else { text }
}

/// Nodes in reading order (along the flow, then across it), then each edge as
/// "甲 →（是）乙", sorted by where it starts; subgraphs say what they group.
pub fn describe(chart: &Flowchart, g: &Geometry) -> String {
    let key = |n: usize| {
        let c = g.nodes[n].center;
        let (along, across) = match chart.direction {
            Direction::TopDown => (c.y, c.x),
            Direction::BottomUp => (-c.y, c.x),
            Direction::LeftRight => (c.x, c.y),
            Direction::RightLeft => (-c.x, c.y),
        };
        ((along * 10.0).round() as i64, (across * 10.0).round() as i64, n)
    };
    let mut order: Vec<usize> = (0..chart.nodes.len()).collect();
    order.sort_by_key(|&n| key(n));
    let mut rank = vec![0; chart.nodes.len()];
    for (i, &n) in order.iter().enumerate() {
        rank[n] = i;
    }
    let names: Vec<String> = order.iter().map(|&n| label(chart, n)).collect();
    let mut out = format!("流程图，共 {} 个节点：{}。", chart.nodes.len(), names.join("、"));
    for (k, s) in chart.subgraphs.iter().enumerate() {
        let mut members: Vec<usize> = (0..chart.nodes.len())
            .filter(|&n| {
                let mut p = chart.nodes[n].parent;
                while let Some(q) = p {
                    if q == k {
                        return true;
                    }
                    p = chart.subgraphs[q].parent;
                }
                false
            })
            .collect();
        members.sort_by_key(|&n| rank[n]);
        let title = if s.title.iter().all(|t| t.is_empty()) { s.id.clone() } else { s.title.join(" ") };
        let list: Vec<String> = members.iter().map(|&n| chart.nodes[n].label.join(" ")).collect();
        out.push_str(&format!("分组「{title}」包含：{}。", list.join("、")));
    }
    let mut edges: Vec<usize> = (0..chart.edges.len()).filter(|&e| chart.edges[e].stroke != Stroke::Invisible).collect();
    edges.sort_by_key(|&e| (rank[chart.edges[e].from], rank[chart.edges[e].to], e));
    if !edges.is_empty() {
        let parts: Vec<String> = edges
            .iter()
            .map(|&e| {
                let edge = &chart.edges[e];
                let arrow = match (edge.head_start != Head::None, edge.head_end != Head::None) {
                    (true, true) => "↔",
                    (false, true) => "→",
                    (true, false) => "←",
                    (false, false) => "—",
                };
                let text = edge.label.join(" ");
                let mid = if text.is_empty() { arrow.to_string() } else { format!("{arrow}（{text}）") };
                format!("{} {mid} {}", chart.nodes[edge.from].label.join(" "), chart.nodes[edge.to].label.join(" "))
            })
            .collect();
        out.push_str(&format!("连线：{}。", parts.join("；")));
    }
    out
}

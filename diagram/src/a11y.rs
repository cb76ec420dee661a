//! The text alternative: what a screen reader says instead of the picture, in Chinese.

use crate::layout::Geometry;
use crate::model::{Direction, Flowchart, Head, Shape, Stroke};

/// Joins the lines of a label: no space between two Chinese lines, one between Latin words.
fn join(lines: &[String]) -> String {
    let mut out = String::new();
    for l in lines.iter().filter(|l| !l.is_empty()) {
        let wide = |c: char| unicode_width::UnicodeWidthChar::width(c) == Some(2);
        let latin = out.chars().last().is_some_and(|c| !wide(c))
            || l.chars().next().is_some_and(|c| !wide(c));
        if latin && !out.is_empty() {
            out.push(' ');
        }
        out.push_str(l);
    }
    out
}

fn label(chart: &Flowchart, n: usize) -> String {
    let node = &chart.nodes[n];
    let text = join(&node.label);
    if node.shape == Shape::Diamond {
        format!("{text}（判断）")
    } else {
        text
    }
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
        (
            (along * 10.0).round() as i64,
            (across * 10.0).round() as i64,
            n,
        )
    };
    let mut order: Vec<usize> = (0..chart.nodes.len()).collect();
    order.sort_by_key(|&n| key(n));
    let mut rank = vec![0; chart.nodes.len()];
    for (i, &n) in order.iter().enumerate() {
        rank[n] = i;
    }
    let names: Vec<String> = order.iter().map(|&n| label(chart, n)).collect();
    let mut out = format!(
        "流程图，共 {} 个节点：{}。",
        chart.nodes.len(),
        names.join("、")
    );
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
        let title = if s.title.iter().all(|t| t.is_empty()) {
            s.id.clone()
        } else {
            join(&s.title)
        };
        let list: Vec<String> = members
            .iter()
            .map(|&n| join(&chart.nodes[n].label))
            .collect();
        out.push_str(&format!("分组「{title}」包含：{}。", list.join("、")));
    }
    let mut edges: Vec<usize> = (0..chart.edges.len())
        .filter(|&e| chart.edges[e].stroke != Stroke::Invisible)
        .collect();
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
                let text = join(&edge.label);
                let mid = if text.is_empty() {
                    format!("{arrow} ")
                } else {
                    format!("{arrow}（{text}）")
                };
                format!(
                    "{} {mid}{}",
                    join(&chart.nodes[edge.from].label),
                    join(&chart.nodes[edge.to].label)
                )
            })
            .collect();
        out.push_str(&format!("连线：{}。", parts.join("；")));
    }
    out
}

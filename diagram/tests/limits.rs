//! Hostile diagrams: each size limit gives an error at its line, quickly, and a diagram just
//! inside every limit is drawn in bounded time.

use std::time::{Duration, Instant};

use qaportal_diagram::{Options, render};

fn fails_fast(source: &str) -> Vec<String> {
    let started = Instant::now();
    let errors = render(source, &Options::default()).expect_err("a limit is reached");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    errors
        .iter()
        .map(|e| {
            format!(
                "{}:{}: {} ({})",
                e.line,
                e.column,
                e.message,
                e.hint.clone().unwrap_or_default()
            )
        })
        .collect()
}

/// A xorshift generator: the same graphs on every run.
fn random_graph(nodes: usize, edges: usize, seed: u64) -> String {
    let mut state = seed;
    let mut next = |m: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % m as u64) as usize
    };
    let mut s = String::from("flowchart TD\n");
    for i in 0..nodes {
        s.push_str(&format!("  N{i}[步骤{i}]\n"));
    }
    for _ in 0..edges {
        s.push_str(&format!("  N{} --> N{}\n", next(nodes), next(nodes)));
    }
    s
}

#[test]
fn deeply_nested_subgraphs_are_an_error_not_a_stack_overflow() {
    let mut s = String::from("flowchart TD\n");
    for i in 0..1000 {
        s.push_str(&format!("subgraph S{i}\n"));
    }
    s.push_str("A --> B\n");
    for _ in 0..1000 {
        s.push_str("end\n");
    }
    let errors = fails_fast(&s);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .starts_with("10:1: subgraphs are nested more than 8 deep here (split the process"),
        "{errors:?}"
    );
}

#[test]
fn an_edge_product_over_the_limit_is_an_error() {
    let left: Vec<String> = (0..300).map(|i| format!("A{i}")).collect();
    let right: Vec<String> = (0..300).map(|i| format!("B{i}")).collect();
    let s = format!(
        "flowchart TD\n{} --> {}\n",
        left.join(" & "),
        right.join(" & ")
    );
    let errors = fails_fast(&s);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("2:"), "{errors:?}");
    assert!(
        errors[0].contains("the diagram has more than 300 nodes")
            || errors[0].contains("more than 600 links"),
        "{errors:?}"
    );
    let left: Vec<String> = (0..30).map(|i| format!("A{i}")).collect();
    let right: Vec<String> = (0..30).map(|i| format!("B{i}")).collect();
    let s = format!(
        "flowchart TD\n{} --> {}\n",
        left.join(" & "),
        right.join(" & ")
    );
    let errors = fails_fast(&s);
    assert!(
        errors[0].contains(
            "more than 600 links (this line alone makes 900: 30 × 30 nodes joined with `&`)"
        ),
        "{errors:?}"
    );
}

#[test]
fn a_huge_random_graph_is_an_error() {
    let errors = fails_fast(&random_graph(10_000, 20_000, 7));
    assert!(
        errors[0].starts_with("1:1: the diagram is 541 KB long; a diagram may be at most 64 KB"),
        "{errors:?}"
    );
    let errors = fails_fast(&random_graph(1_000, 200, 7));
    assert!(errors[0].starts_with("302:"), "{errors:?}");
    assert!(errors[0].contains("more than 300 nodes"), "{errors:?}");
}

/// A chain through every node with links from the first node to each of them: the links span
/// up to the whole height, the worst case for the dummy items of long links.
fn chain_and_fan(nodes: usize) -> String {
    let mut s = String::from("flowchart TD\n");
    for i in 1..nodes {
        s.push_str(&format!("  N{} --> N{i}\n", i - 1));
    }
    for i in 2..nodes {
        s.push_str(&format!("  N0 --> N{i}\n"));
        s.push_str(&format!("  N{i} --> N0\n"));
    }
    s
}

/// The most a diagram may hold, wired at random (long links, cycles, crossings): drawn within
/// seconds, not minutes. The figure is for a debug build; a release build is ~20× faster.
#[test]
fn a_diagram_at_the_limits_is_drawn_in_bounded_time() {
    for seed in [1, 2, 3] {
        let s = random_graph(300, 600, seed);
        let started = Instant::now();
        let diagram = render(&s, &Options::default()).expect("within the limits");
        let took = started.elapsed();
        eprintln!(
            "seed {seed}: {took:?}, {}×{}",
            diagram.width, diagram.height
        );
        assert!(took < Duration::from_secs(60), "seed {seed} took {took:?}");
    }
    let started = Instant::now();
    render(&chain_and_fan(200), &Options::default()).expect("within the limits");
    let took = started.elapsed();
    eprintln!("chain and fan: {took:?}");
    assert!(took < Duration::from_secs(60), "took {took:?}");
}

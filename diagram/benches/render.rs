//! Renders 1,000 generated flowcharts of 10–20 nodes with Chinese labels (the budget:
//! under 1 s) several times and reports min / median / max wall time.
//!
//! `cargo bench -p qaportal-diagram --bench render` (BENCH_RUNS=n to change the 7 runs), or
//! `bench/diagram/run.sh`.

use std::time::{Duration, Instant};

use qaportal_diagram::{Options, render, testing};

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    let sources: Vec<String> = (0..1000u64)
        .map(|s| testing::flowchart(s, 10 + (s as usize % 11)))
        .collect();
    let nodes: usize = (0..1000usize).map(|s| 10 + s % 11).sum();
    let opts: Vec<Options> = (0..sources.len())
        .map(|i| Options {
            id_prefix: format!("d{i}"),
            ..Default::default()
        })
        .collect();
    let mut bytes = 0;
    // One untimed pass warms caches and the allocator.
    for (src, o) in sources.iter().zip(&opts) {
        bytes += render(src, o)
            .expect("generated diagrams are valid")
            .html
            .len();
    }
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        for (src, o) in sources.iter().zip(&opts) {
            std::hint::black_box(render(std::hint::black_box(src), o).expect("valid"));
        }
        times.push(t.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "render 1000 diagrams ({nodes} nodes, {:.1} MB of SVG): min {:.1} ms, median {:.1} ms, max {:.1} ms over {runs} runs",
        bytes as f64 / 1e6,
        ms(times[0]),
        ms(times[runs / 2]),
        ms(times[runs - 1])
    );
}

//! Writes generated sample flowcharts (the benchmark's) as `.mmd` files, to look at them with
//! `test_page`: `cargo run -p qaportal-diagram --example generated -- DIR [COUNT]`.

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: generated DIR [COUNT]");
    let count: u64 = args
        .next()
        .map(|c| c.parse().expect("COUNT is a number"))
        .unwrap_or(20);
    std::fs::create_dir_all(&dir).expect("create DIR");
    for seed in 0..count {
        let src = qaportal_diagram::testing::flowchart(seed, 10 + (seed as usize % 11));
        std::fs::write(format!("{dir}/gen-{seed:03}.mmd"), src).expect("write");
    }
}

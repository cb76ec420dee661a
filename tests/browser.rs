//! The site in a real headless Chromium (Debian's `chromium`, driven by playwright-core from
//! npm): builds the sample knowledge base, serves it like a production server, and runs the
//! browser suites in `tests/browser/` and `diagram/browser-test/`. `.ci/run` installs what they
//! need; without it this test fails and says what to install.

mod common;

use std::path::Path;
use std::process::Command;

fn require(path: &Path, how: &str) {
    assert!(path.exists(), "{} is missing: {how}", path.display());
}

fn build_sample(out: &Path) {
    let output = common::qaportal()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--quiet", "--as-of", "2026-11-22", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", common::stderr(&output));
}

fn node(args: &[&str], site: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("node")
        .args(args)
        .current_dir(repo)
        .env("QAPORTAL_SITE", site)
        .output()
        .expect("node (v20) is needed for the browser tests");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "node {}:\n{text}\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_sample_site_works_in_headless_chromium() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    require(
        Path::new(&chromium),
        "install Debian's chromium (apt-get install chromium fonts-noto-cjk), or run .ci/run",
    );
    require(
        &repo.join("node_modules/playwright-core"),
        "run `npm ci` at the repository root, or .ci/run",
    );
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("public");
    build_sample(&site);
    node(&["--test", "--test-concurrency=1", "tests/browser/"], &site);
}

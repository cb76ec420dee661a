//! The site in a real headless Chromium (Debian's `chromium`, driven by playwright-core from
//! npm): builds the sample knowledge base (and the site of script payloads in
//! `tests/fixtures/script-payloads`), serves it like a production server, and runs the browser
//! suites in `tests/browser/` and `diagram/browser-test/`. `.ci/run` installs what they
//! need; without it this test fails and says what to install.

mod common;

use std::path::Path;
use std::process::Command;

fn require(path: &Path, how: &str) {
    assert!(path.exists(), "{} is missing: {how}", path.display());
}

fn build_sample(root: &Path, out: &Path) {
    let output = common::qaportal()
        .current_dir(root)
        .args(["build", "--quiet", "--as-of", "2026-11-22", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", common::stderr(&output));
}

/// The sample knowledge base with `[offline] enabled = false`, for the test that turns the
/// service worker off: the same content (linked), another `qaportal.toml`.
fn sample_without_offline(repo: &Path, dir: &Path) -> std::path::PathBuf {
    let root = dir.join("no-offline");
    std::fs::create_dir_all(&root).unwrap();
    for linked in ["content", "data"] {
        std::os::unix::fs::symlink(repo.join(linked), root.join(linked)).unwrap();
    }
    let config = std::fs::read_to_string(repo.join("qaportal.toml")).unwrap();
    std::fs::write(
        root.join("qaportal.toml"),
        format!("{config}\n[offline]\nenabled = false\n"),
    )
    .unwrap();
    root
}

/// The site of every script payload that builds (tests/fixtures/script-payloads), copied out
/// of the repository (a build writes caches beside its source) and built into `out`.
fn build_payload_site(repo: &Path, dir: &Path, out: &Path) {
    let from = repo.join("tests/fixtures/script-payloads");
    let root = dir.join("script-payloads");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let to = root.join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    build_sample(&root, out);
}

fn node(args: &[&str], site: &Path, site_without_offline: &Path, payload_site: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("node")
        .args(args)
        .current_dir(repo)
        .env("QAPORTAL_SITE", site)
        .env("QAPORTAL_SITE_NO_OFFLINE", site_without_offline)
        .env("QAPORTAL_PAYLOAD_SITE", payload_site)
        // For the suites that run `qaportal serve` or `init` themselves.
        .env("QAPORTAL_BIN", env!("CARGO_BIN_EXE_qaportal"))
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
    build_sample(repo, &site);
    let without_offline = dir.path().join("public-no-offline");
    build_sample(&sample_without_offline(repo, dir.path()), &without_offline);
    let payloads = dir.path().join("public-script-payloads");
    build_payload_site(repo, dir.path(), &payloads);
    node(
        &["--test", "--test-concurrency=1", "tests/browser/"],
        &site,
        &without_offline,
        &payloads,
    );
}

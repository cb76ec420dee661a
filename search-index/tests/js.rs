//! Runs the JS tests (`search-index/tests/js/*.test.js`, node's test runner) from `cargo test`,
//! on indexes this test writes through the library API. Needs node and the repo's npm packages.
use std::path::{Path, PathBuf};
use std::process::Command;

use search_index::client::builder_input;
use search_index::{ClientOptions, Config, SearchDocument, Synonyms, build_client_index};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn export(docs: &[SearchDocument], dir: &Path, shards: usize, first_tier: usize) {
    let config = Config::default();
    let opts = ClientOptions {
        shards: Some(shards),
        first_tier,
        ..Default::default()
    };
    for f in build_client_index(docs, &Synonyms::default(), &config, &opts) {
        let path = dir.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &f.bytes).unwrap();
    }
    std::fs::write(
        dir.join("lunr-docs.json"),
        builder_input(docs, &Synonyms::default(), &config),
    )
    .unwrap();
}

#[test]
fn js_tests_pass() {
    let repo = repo();
    assert!(
        repo.join("node_modules/lunr/package.json").exists(),
        "node_modules is missing: run `npm ci` in {} (installs lunr 2.3.9 for the JS tests)",
        repo.display()
    );
    let docs: Vec<SearchDocument> =
        serde_json::from_str(include_str!("fixtures/sample-docs.json")).expect("sample docs");
    let tmp = tempfile::tempdir().unwrap();
    // As lunr.test.js's own exports: whole in one file; 8 shards with a two-posting first tier.
    export(&docs, &tmp.path().join("whole"), 1, usize::MAX);
    export(&docs, &tmp.path().join("sharded"), 8, 2);
    let out = Command::new("node")
        .args(["--test", "search-index/tests/js/"])
        .current_dir(&repo)
        .env("QAPORTAL_SAMPLE_INDEX", tmp.path())
        .output()
        .expect("node is needed for the JS tests (node 20)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "JS tests failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("# fail 0") && !text.contains("# pass 0"),
        "{text}"
    );
}

//! Offline support as the build writes it: the service worker, the web app manifest, the offline
//! page, under the site's base path, versioned by the content, and switched off by the config.
//! (What they do in a browser: tests/browser/offline.test.mjs.)

mod common;

use common::{TestSite, stderr};

/// The worker's configuration, as the build wrote it into `sw.js`.
fn worker_config(site: &TestSite, out: &str) -> serde_json::Value {
    let worker = site.read(&format!("{out}/sw.js"));
    let line = worker
        .lines()
        .find_map(|l| l.strip_prefix("var CONFIG = "))
        .expect("sw.js sets CONFIG");
    serde_json::from_str(line.trim_end_matches(';')).unwrap()
}

#[test]
fn pages_register_a_worker_that_saves_the_shell_of_the_site() {
    let site = TestSite::new();
    site.build_ok();
    let home = site.read("public/index.html");
    assert!(home.contains("<link rel=\"manifest\" href=\"/manifest.webmanifest\">"));
    assert!(home.contains("navigator.serviceWorker.register(\"/sw.js\", { scope: \"/\" })"));

    let config = worker_config(&site, "public");
    assert_eq!(config["scope"], "/");
    let precache: Vec<&str> = config["precache"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    for url in [
        "/",
        "/search/",
        "/offline/",
        "/account/",
        "/search/manifest.json",
    ] {
        assert!(precache.contains(&url), "{url} in {precache:?}");
    }
    assert!(
        precache
            .iter()
            .any(|u| u.starts_with("/static/style.css?v=")),
        "{precache:?}"
    );
    // Every saved URL is a file of the site.
    let files = common::tree(&site.path("public"));
    for url in &precache {
        let path = url.split('?').next().unwrap();
        assert!(
            files.contains_key(&qaportal::output::file_for(path)),
            "{url} is not in the site"
        );
    }
    let base = config["searchBase"].as_str().unwrap();
    assert!(
        site.path(&format!("public{base}t")).is_dir(),
        "searchBase {base} names the index's content-hash folder"
    );

    let manifest: serde_json::Value =
        serde_json::from_str(&site.read("public/manifest.webmanifest")).unwrap();
    assert_eq!(manifest["name"], "测试服务中心");
    assert_eq!(manifest["start_url"], "/");
    assert_eq!(manifest["display"], "standalone");
    let icon = manifest["icons"][0]["src"].as_str().unwrap();
    assert!(
        site.path(&format!("public{}", icon.split('?').next().unwrap()))
            .exists()
    );

    let offline = site.read("public/offline/index.html");
    assert!(offline.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(!site.read("public/sitemap.xml").contains("/offline/"));
}

#[test]
fn the_worker_follows_the_base_path() {
    let site = TestSite::new();
    let output = site.run(&[
        "build",
        "--as-of",
        "2026-11-22",
        "--base-url",
        "https://example.com/help/",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let article = site.read("public/account/reset-password/index.html");
    assert!(article.contains("register(\"/help/sw.js\", { scope: \"/help/\" })"));
    assert!(article.contains("href=\"/help/manifest.webmanifest\""));
    let config = worker_config(&site, "public");
    assert_eq!(config["scope"], "/help/");
    assert_eq!(config["offlinePage"], "/help/offline/");
    assert!(
        config["searchBase"]
            .as_str()
            .unwrap()
            .starts_with("/help/search/")
    );
    for url in config["precache"].as_array().unwrap() {
        assert!(url.as_str().unwrap().starts_with("/help/"), "{url}");
    }
    let manifest = site.read("public/manifest.webmanifest");
    assert!(manifest.contains("\"start_url\": \"/help/\""));
    assert!(manifest.contains("\"scope\": \"/help/\""));
}

#[test]
fn the_cache_version_changes_with_the_content_only() {
    let site = TestSite::new();
    site.run(&["build", "--as-of", "2026-11-22", "--out", "one"]);
    site.run(&["build", "--as-of", "2026-11-22", "--out", "two"]);
    let one = worker_config(&site, "one")["version"].clone();
    assert_eq!(one, worker_config(&site, "two")["version"]);

    let article = site.read("content/account/reset-password.md");
    site.write(
        "content/account/reset-password.md",
        article.replace("设置新密码。", "设置新的交易密码。"),
    );
    site.run(&["build", "--as-of", "2026-11-22", "--out", "three"]);
    assert_ne!(one, worker_config(&site, "three")["version"]);
}

#[test]
fn turned_off_the_worker_removes_itself() {
    let site = TestSite::new();
    site.write(
        "qaportal.toml",
        format!("{}\n[offline]\nenabled = false\n", common::CONFIG),
    );
    site.build_ok();
    let home = site.read("public/index.html");
    assert!(!home.contains("serviceWorker"), "pages do not register it");
    let worker = site.read("public/sw.js");
    assert!(!worker.contains("var CONFIG"));
    assert!(worker.contains("caches.delete"));
    assert!(worker.contains("self.registration.unregister()"));
}

#[test]
fn shared_answers_preview_with_title_and_summary() {
    let site = TestSite::new();
    site.write(
        "content/account/reset-password.md",
        common::ARTICLE.replace(
            "category: 咨询类\n",
            "category: 咨询类\nsummary: 在 APP 上自助重置交易密码。\n",
        ),
    );
    site.build_ok();
    let article = site.read("public/account/reset-password/index.html");
    for meta in [
        "<meta name=\"description\" content=\"在 APP 上自助重置交易密码。\">",
        "<meta property=\"og:title\" content=\"交易密码忘记了怎么办？\">",
        "<meta property=\"og:description\" content=\"在 APP 上自助重置交易密码。\">",
        "<meta property=\"og:site_name\" content=\"测试服务中心\">",
        "<meta property=\"og:url\" content=\"https://qa.example.com/account/reset-password/\">",
    ] {
        assert!(article.contains(meta), "{meta}");
    }
}

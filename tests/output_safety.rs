//! Nothing is lost: `--out` never replaces what qaportal did not write, two sources of one
//! output file are an error naming both, two builds into one folder never publish a mix, and
//! nothing outside the site source is published through a theme or a link.

mod common;

use common::{ARTICLE, TestSite, qaportal, stderr, tree};

fn assert_has(err: &str, expected: &[&str]) {
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
}

#[test]
fn out_naming_a_file_is_refused_and_the_file_is_untouched() {
    let site = TestSite::new();
    site.write("notes.txt", "我的笔记");
    let output = site.run(&["build", "--as-of", "2026-11-22", "--out", "notes.txt"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_has(
        &err,
        &[
            "notes.txt is a file, not a folder written by qaportal; refusing to replace it",
            "Choose another --out folder",
        ],
    );
    assert_eq!(site.read("notes.txt"), "我的笔记");
    // Nothing was made beside it either; a second try changes nothing.
    assert!(!site.path(".notes.txt.prev").exists());
    let again = site.run(&["build", "--as-of", "2026-11-22", "--out", "notes.txt"]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(site.read("notes.txt"), "我的笔记");
}

#[test]
fn a_foreign_folder_beside_the_output_is_not_taken_over() {
    let site = TestSite::new();
    site.write(".public.prev/keep.txt", "mine");
    let output = site.build();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_has(&err, &[".public.prev", "was not written by qaportal"]);
    assert_eq!(site.read(".public.prev/keep.txt"), "mine");
}

#[test]
fn an_alias_over_the_home_page_is_an_error_and_removing_it_restores_the_page() {
    let site = TestSite::new();
    site.build_ok();
    let home = site.read("public/index.html");
    let with_alias = ARTICLE.replace("/old/password]", "/old/password, /index.html]");
    site.write("content/account/reset-password.md", &with_alias);
    let output = site.build();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_has(
        &err,
        &[
            "alias `/index.html` collides with a page qaportal generates",
            "content/account/reset-password.md:5:42",
        ],
    );
    assert_eq!(
        site.read("public/index.html"),
        home,
        "the site is as it was"
    );
    // An alias onto an answer's own page, in another spelling, names both sources.
    let onto_answer = ARTICLE.replace(
        "/old/password]",
        "/old/password, /account/reset-password/index.html]",
    );
    site.write("content/account/reset-password.md", &onto_answer);
    let err = stderr(&site.build());
    assert_has(
        &err,
        &[
            "error[path-collision]: two pages would be written at /account/reset-password/index.html",
            "the alias `/account/reset-password/index.html` of KB-0001",
            "the answer KB-0001 (content/account/reset-password.md)",
        ],
    );
    site.write("content/account/reset-password.md", ARTICLE);
    for _ in 0..3 {
        site.build_ok();
        assert_eq!(
            site.read("public/index.html"),
            home,
            "the home page is back at once"
        );
    }
}

#[test]
fn system_folders_named_like_qaportal_pages_are_errors_naming_both() {
    for (folder, file, other) in [
        (
            "search",
            "/search/index.html",
            "qaportal's search.html page",
        ),
        ("hot", "/hot/index.html", "qaportal's hot.html page"),
        (
            "offline",
            "/offline/index.html",
            "qaportal's offline.html page",
        ),
    ] {
        let site = TestSite::new();
        site.write(
            &format!("content/{folder}/_system.md"),
            "---\ntitle: 系统\n---\n",
        );
        let output = site.build();
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{folder}: {err}");
        assert_has(
            &err,
            &[
                &format!(
                    "two pages would be written at {file}: the system page of content/{folder}/ and {other}"
                ),
                &format!("content/{folder}/_system.md:1:1"),
            ],
        );
    }
    // A folder named like a file qaportal writes: that file would have to be a folder.
    let site = TestSite::new();
    site.write("content/feed.xml/_system.md", "---\ntitle: 系统\n---\n");
    let err = stderr(&site.build());
    assert_has(
        &err,
        &[
            "/feed.xml is a file (qaportal's feed.xml page) and also a folder holding /feed.xml/index.html (the system page of content/feed.xml/)",
            "content/feed.xml/_system.md:1:1",
        ],
    );
}

#[test]
fn a_content_file_in_place_of_a_generated_one_is_an_error() {
    let site = TestSite::new();
    // An image whose path is that of the search page's folder file.
    site.write("content/sitemap.xml/x.png", b"\x89PNG");
    site.write(
        "content/account/img.md",
        "---\nid: KB-0002\ntitle: 图片\ncategory: 咨询类\n---\n\n![图](/sitemap.xml/x.png)\n",
    );
    let output = site.build();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}

/// Two checkouts with different content build into one `--out` at the same time, again and
/// again: the output is always one of the two complete sites.
#[test]
fn concurrent_builds_into_one_folder_publish_one_complete_site() {
    let make = |title: &str| {
        let site = TestSite::new();
        for i in 2..40 {
            site.write(
                &format!("content/account/a{i}.md"),
                format!(
                    "---\nid: KB-{i:04}\ntitle: {title}第{i}个问题\ncategory: 咨询类\n---\n\n## 处理步骤\n\n1. 第一步。\n"
                ),
            );
        }
        site
    };
    let (a, b) = (make("甲"), make("乙"));
    let shared = tempfile::tempdir().unwrap();
    let out = shared.path().join("site");
    let reference = |site: &TestSite, name: &str| {
        let dir = shared.path().join(name);
        let output = site.run(&[
            "build",
            "--as-of",
            "2026-11-22",
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        tree(&dir)
    };
    let (tree_a, tree_b) = (reference(&a, "a"), reference(&b, "b"));
    assert_ne!(tree_a, tree_b);
    let build = |site: &TestSite| {
        qaportal()
            .current_dir(site.root())
            .args(["build", "--quiet", "--as-of", "2026-11-22", "--out"])
            .arg(&out)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap()
    };
    for round in 0..4 {
        let (ra, rb) = std::thread::scope(|s| {
            let ha = s.spawn(|| build(&a));
            let hb = s.spawn(|| build(&b));
            (ha.join().unwrap(), hb.join().unwrap())
        });
        assert!(ra.status.success(), "round {round}: {}", stderr(&ra));
        assert!(rb.status.success(), "round {round}: {}", stderr(&rb));
        let got = tree(&out);
        assert!(
            got == tree_a || got == tree_b,
            "round {round}: the output is a mix of both sites ({} files; the sites have {} and {})",
            got.len(),
            tree_a.len(),
            tree_b.len()
        );
    }
}

fn with_theme(site: &TestSite, name: &str) {
    site.write(
        "qaportal.toml",
        format!("{}theme = \"{name}\"\n", common::CONFIG),
    );
}

#[test]
fn a_theme_outside_the_site_is_an_error() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join("static")).unwrap();
    std::fs::write(outside.path().join("static/secret.txt"), "secret").unwrap();
    for name in ["../x", outside.path().to_str().unwrap()] {
        let site = TestSite::new();
        with_theme(&site, name);
        let output = site.build();
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{name}: {err}");
        assert_has(
            &err,
            &[&format!(
                "theme `{name}` is not the name of a folder under themes/"
            )],
        );
        assert!(!site.path("public").exists());
    }
    // themes/x itself a link to a folder outside the site.
    let site = TestSite::new();
    std::fs::create_dir_all(site.path("themes")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path("themes/x")).unwrap();
    with_theme(&site, "x");
    let err = stderr(&site.build());
    assert_has(
        &err,
        &[
            "error[outside-site]: themes/x leads to",
            "outside the site folder",
        ],
    );
}

#[test]
fn links_out_of_the_site_in_a_theme_or_content_are_errors_and_hidden_files_are_skipped() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("id_rsa"), "PRIVATE KEY").unwrap();

    // A symlinked static/ folder (how an id_rsa was published).
    let site = TestSite::new();
    site.write("themes/x/templates/.keep", "");
    std::os::unix::fs::symlink(outside.path(), site.path("themes/x/static")).unwrap();
    with_theme(&site, "x");
    let output = site.build();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_has(
        &err,
        &[
            "error[outside-site]: themes/x/static leads to",
            "copy the files into the site folder",
        ],
    );

    // A linked file inside a real static/ folder.
    let site = TestSite::new();
    site.write("themes/x/static/extra.css", "p{}");
    std::os::unix::fs::symlink(
        outside.path().join("id_rsa"),
        site.path("themes/x/static/key.txt"),
    )
    .unwrap();
    with_theme(&site, "x");
    let err = stderr(&site.build());
    assert_has(
        &err,
        &["error[outside-site]: themes/x/static/key.txt leads to"],
    );

    // Hidden files: skipped with one warning, never published.
    let site = TestSite::new();
    site.write("themes/x/static/extra.css", "p{}");
    site.write("themes/x/static/.env", "SECRET=1");
    site.write("themes/x/static/.git/config", "[core]");
    site.write("themes/x/static/img/.DS_Store", "x");
    with_theme(&site, "x");
    let output = site.build_ok();
    let err = stderr(&output);
    assert_has(
        &err,
        &["warning[theme-hidden-file]: themes/x: .env, .git, img/.DS_Store not published"],
    );
    let files = tree(&site.path("public"));
    assert!(files.contains_key("static/extra.css"));
    assert!(
        files
            .keys()
            .all(|f| !f.contains(".env") && !f.contains(".git/") && !f.contains(".DS_Store")),
        "{:?}",
        files.keys()
    );

    // Content: a link to a file outside the site.
    let site = TestSite::new();
    std::os::unix::fs::symlink(
        outside.path().join("id_rsa"),
        site.path("content/account/key.png"),
    )
    .unwrap();
    let output = site.build();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_has(
        &err,
        &["error[outside-site]: content/account/key.png leads to"],
    );
    assert!(!site.path("public").exists() && !site.path(".public.prev").exists());
}

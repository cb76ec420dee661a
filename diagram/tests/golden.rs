//! Golden tests: every `tests/golden/NAME.mmd` renders byte-for-byte to `NAME.svg` (the HTML
//! fragment the generator inlines). After an intended change, regenerate with
//! `UPDATE_GOLDEN=1 cargo test -p qaportal-diagram --test golden` and review the diff (and the
//! pictures: see README).

use std::path::Path;

use qaportal_diagram::{Fit, Options, PHONE_COLUMN, render};

#[test]
fn golden_files_match() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v != "0");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for mmd in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "mmd"))
    {
        let name = mmd.file_stem().unwrap().to_string_lossy().to_string();
        let src = std::fs::read_to_string(mmd).unwrap();
        let opts = Options {
            id_prefix: name.clone(),
            title: Some(format!("示例：{name}")),
            ..Default::default()
        };
        let got = render(&src, &opts)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"))
            .html
            + "\n";
        let expected_path = mmd.with_extension("svg");
        if update {
            std::fs::write(&expected_path, &got).unwrap();
        } else {
            let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
                panic!(
                    "{} missing: run with UPDATE_GOLDEN=1",
                    expected_path.display()
                )
            });
            if expected != got {
                mismatches.push(name);
            }
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} golden inputs");
    assert!(
        mismatches.is_empty(),
        "output differs from the golden file for: {mismatches:?} (UPDATE_GOLDEN=1 to accept)"
    );
}

#[test]
fn output_is_static_accessible_svg() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let src = std::fs::read_to_string(dir.join("biz-08-suitability-check.mmd")).unwrap();
    let d = render(
        &src,
        &Options {
            id_prefix: "kb-0042-d1".into(),
            title: Some("被 accTitle 覆盖".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let h = &d.html;
    assert!(h.starts_with(
        "<div class=\"dg\" id=\"kb-0042-d1\" tabindex=\"0\" role=\"group\" aria-labelledby=\"kb-0042-d1-title\"><svg "
    ));
    assert!(h.contains("role=\"img\" aria-labelledby=\"kb-0042-d1-title kb-0042-d1-desc\""));
    assert!(h.contains("<title id=\"kb-0042-d1-title\">理财产品适当性校验</title>"));
    assert_eq!(d.title, "理财产品适当性校验");
    assert!(
        d.description
            .starts_with("客户购买理财产品前，系统依次校验"),
        "{}",
        d.description
    );
    assert!(
        d.description
            .contains("风险等级是否匹配 →（不匹配）签署风险不匹配警示书"),
        "{}",
        d.description
    );
    assert!(h.contains("<tspan") && h.contains(">允许购买</tspan>"));
    for banned in [
        "foreignObject",
        "<script",
        "href",
        "url(",
        "<style",
        "@import",
    ] {
        assert!(!h.contains(banned), "output contains {banned}");
    }
}

#[test]
fn fallback_title_and_generated_description() {
    let d = render(
        "graph LR\n  A[开始] -->|是| B[审核]\n  B --> C[结束]",
        &Options {
            title: Some("转账流程".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(d.title, "转账流程");
    assert_eq!(
        d.description,
        "流程图，共 3 个节点：开始、审核、结束。连线：开始 →（是）审核；审核 → 结束。"
    );
    let d = render("graph LR\n  A --> B", &Options::default()).unwrap();
    assert_eq!(d.title, "流程图");
}

#[test]
fn ids_are_sanitised_and_unique_per_prefix() {
    let a = render(
        "graph TD\n A-->B",
        &Options {
            id_prefix: "文章 1/图".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(a.html.contains("id=\"---1--\""), "{}", &a.html[..120]);
    let b = render(
        "graph TD\n A-->B",
        &Options {
            id_prefix: "d2".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(b.html.contains("id=\"d2-title\""));
}

#[test]
fn a_chart_too_wide_for_a_phone_is_turned_or_compacted_before_it_scrolls() {
    // Left to right, seven boxes: 600+ px as written; turned top-down it fits a phone.
    let chain = "flowchart LR\n A[一] --> B[二] --> C[三] --> D[四] --> E[五] --> F[六] --> G[七]";
    let as_written = render(
        chain,
        &Options {
            fit: Fit::AsWritten,
            ..Options::default()
        },
    )
    .unwrap();
    assert!(as_written.width > 600.0);
    let phone = render(chain, &Options::default()).unwrap();
    assert!(phone.width <= PHONE_COLUMN, "{}", phone.width);
    assert!(phone.height > phone.width, "turned top-down");
    assert!(!phone.html.contains("dg-bar"), "nothing to scroll");

    // On a slide (16:9), the same chart stays left to right.
    let slide = render(
        chain,
        &Options {
            fit: Fit::Screen {
                width: 1824.0,
                height: 930.0,
            },
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(slide.width, as_written.width);

    // Eight branches side by side cannot fit: shown at 13/14 of its size at least (13 px
    // text), the box scrolls, a bar says so and links to the box to open it full screen.
    let fan = "flowchart TD\n A[开始] --> B1[甲] & B2[乙] & B3[丙] & B4[丁] & B5[戊] & B6[己] & B7[庚] & B8[辛]";
    let d = render(fan, &Options::default()).unwrap();
    assert!(d.width * 13.0 / 14.0 > PHONE_COLUMN, "{}", d.width);
    let min = format!(
        "min-width:{}px",
        (d.width * 13.0 / 14.0 * 10.0).round() / 10.0
    );
    assert!(d.html.contains(&min), "{min} not in {}", &d.html[..400]);
    assert!(
        d.html.starts_with("<p class=\"dg-bar\" id=\"dg-bar\">"),
        "{}",
        &d.html[..200]
    );
    assert!(d.html.contains("<a href=\"#dg\">全屏查看</a>"));
    assert!(d.html.contains("<a class=\"dg-close\" href=\"#dg-bar\">"));
    assert!(qaportal_diagram::CSS.contains("overflow-x: auto"));
    assert!(qaportal_diagram::CSS.contains(".dg:target"));
    assert!(qaportal_diagram::CSS.contains("prefers-color-scheme: dark"));
}

#[test]
fn a_node_belongs_to_the_innermost_subgraph_that_mentions_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let src = std::fs::read_to_string(dir.join("subgraph-nested.mmd")).unwrap();
    let d = render(&src, &Options::default()).unwrap();
    assert!(
        d.description
            .contains("分组「总部运营中心」包含：集中复核、日终清算、生成对账文件。"),
        "{}",
        d.description
    );
    assert!(
        d.description
            .contains("分组「清算组」包含：日终清算、生成对账文件。"),
        "{}",
        d.description
    );
}

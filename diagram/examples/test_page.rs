//! Renders `.mmd` files into one HTML page, the way an article page would inline them: the page
//! the headless-browser check (`browser-test/check.mjs`) opens.
//!
//! `cargo run -p qaportal-diagram --example test_page -- OUT.html FILE.mmd...`

use std::fmt::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().expect("usage: test_page OUT.html FILE.mmd...");
    let mut files: Vec<String> = args.collect();
    files.sort();
    let mut body = String::new();
    let mut failed = false;
    for (i, f) in files.iter().enumerate() {
        let src = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{f}: {e}"));
        let name = std::path::Path::new(f)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let opts = qaportal_diagram::Options {
            id_prefix: format!("d{}", i + 1),
            title: Some(name.clone()),
            ..Default::default()
        };
        match qaportal_diagram::render(&src, &opts) {
            Ok(d) => {
                let _ = write!(body, "<section><h2>{name}</h2>\n{}\n</section>\n", d.html);
            }
            Err(errs) => {
                failed = true;
                for e in errs {
                    eprintln!("{f}:{e}");
                }
            }
        }
    }
    let page = format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>diagram test page</title><style>\n\
body {{ margin: 0 auto; padding: 0 16px; max-width: 720px; font: 16px/1.6 -apple-system, \"PingFang SC\", \"Noto Sans CJK SC\", \"Microsoft YaHei\", sans-serif; color: #1f2328; background: #fff; }}\n\
@media (prefers-color-scheme: dark) {{ body {{ color: #e6e9ef; background: #1b1f24; }} }}\n\
h2 {{ font-size: 15px; }}\n{}</style></head><body>\n{body}</body></html>\n",
        qaportal_diagram::CSS
    );
    std::fs::write(&out, page).expect("write page");
    if failed {
        std::process::exit(1);
    }
}

//! The search log end to end, as the team will run it: the sample site served by a real nginx
//! (Debian's `nginx-light`, which `.ci/run` installs) configured with the lines of
//! docs/search-log.md, searches typed and answers opened in headless Chromium
//! (tests/nginx/search-log.mjs), then nginx's own access log read by `qaportal week
//! --search-log`, and the site rebuilt learning from it. A query holding a valid resident ID
//! number or a mobile number appears nowhere in the output or the site.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const ID_NUMBER: &str = "11010519491231002X";
const MOBILE: &str = "13912345678";

/// The nginx lines of docs/search-log.md: what goes in the http block, and the location block.
fn documented_nginx(repo: &Path) -> (String, String) {
    let docs = std::fs::read_to_string(repo.join("docs/search-log.md")).unwrap();
    let block = docs
        .split("```nginx\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/search-log.md has an nginx block");
    let start = block.find("\nlocation").expect("a location block") + 1;
    let end = start + block[start..].find("\n}").expect("the block ends") + 2;
    (
        format!("{}{}", &block[..start], &block[end..]),
        block[start..end].to_string(),
    )
}

struct Nginx {
    child: Child,
    url: String,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// nginx in the foreground as the current user (no master process: no user switch, so it reads
/// the temporary folder the site is in), everything it writes under `dir`.
fn start_nginx(nginx: &Path, repo: &Path, site: &Path, dir: &Path, log: &Path) -> Nginx {
    let (http, location) = documented_nginx(repo);
    let location = location.replace("/var/log/nginx/qaportal-search.log", &log.to_string_lossy());
    let port = free_port();
    let d = dir.display();
    let config = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n\
           access_log {d}/access.log;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
           fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
           gzip_static on;\n{http}\n\
           server {{\n    listen 127.0.0.1:{port};\n    root {};\n    error_page 404 /404.html;\n{location}\n  }}\n}}\n",
        site.display()
    );
    let conf = dir.join("nginx.conf");
    std::fs::write(&conf, &config).unwrap();
    let check = Command::new(nginx)
        .args(["-t", "-e"])
        .arg(dir.join("error.log"))
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&conf)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "nginx refuses the documented configuration:\n{config}\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let child = Command::new(nginx)
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Nginx {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = std::time::Instant::now() + common::PATIENCE;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(std::time::Instant::now() < deadline, "nginx did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    server
}

/// Every file under `dir` that holds `needle` (gzip files decompressed).
fn files_holding(dir: &Path, needle: &str) -> Vec<PathBuf> {
    use std::io::Read;
    common::tree(dir)
        .into_iter()
        .filter(|(path, bytes)| {
            let mut text = bytes.clone();
            if path.ends_with(".gz") {
                text.clear();
                let _ = flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).contains(needle)
        })
        .map(|(path, _)| PathBuf::from(path))
        .collect()
}

#[test]
fn searches_logged_by_nginx_make_the_weekly_report_and_teach_search() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let nginx = Path::new("/usr/sbin/nginx");
    assert!(
        nginx.exists(),
        "/usr/sbin/nginx is missing: install Debian's nginx-light (apt-get install nginx-light), or run .ci/run"
    );
    assert!(
        repo.join("node_modules/playwright-core").exists(),
        "run `npm ci` at the repository root, or .ci/run"
    );
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("public");
    let output = common::qaportal()
        .current_dir(repo)
        .args(["build", "--quiet", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", common::stderr(&output));
    let log = dir.path().join("qaportal-search.log");
    let server = start_nginx(nginx, repo, &site, dir.path(), &log);

    let browser = Command::new("node")
        .arg("tests/nginx/search-log.mjs")
        .current_dir(repo)
        .env("NGINX_URL", &server.url)
        .output()
        .expect("node (v20) is needed");
    assert!(
        browser.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&browser.stdout),
        String::from_utf8_lossy(&browser.stderr)
    );
    drop(server);

    // nginx logged the beacons, and only them, in the documented file and format.
    let logged = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = logged.lines().collect();
    assert!(
        lines
            .iter()
            .all(|l| l.contains("/search/log?") && l.contains("\" 204 ")),
        "{logged}"
    );
    let main_log = std::fs::read_to_string(dir.path().join("access.log")).unwrap();
    assert!(
        main_log.contains("GET / ") && !main_log.contains("/search/log?"),
        "{main_log}"
    );
    // The search page kept the ID number out of its address, so out of every Referer too.
    assert!(!main_log.contains(ID_NUMBER), "{main_log}");
    assert!(
        !logged.contains(ID_NUMBER),
        "the page withheld the ID number"
    );
    assert!(
        logged.contains(MOBILE),
        "the old page's query reached the server's log"
    );

    // The week the searches were made in (the log's own day).
    let week = week_of_first_line(lines[0]);
    let report = common::qaportal()
        .current_dir(repo)
        .args(["week", &week, "--search-log"])
        .arg(&log)
        .output()
        .unwrap();
    assert!(report.status.success(), "{}", common::stderr(&report));
    let (out, err) = (common::stdout(&report), common::stderr(&report));
    assert!(err.is_empty(), "nginx's log reads without a warning: {err}");
    // 转账失败 (box) and 转帐失败 (page), zzqqxx, and three withheld: the ID number and the mobile
    // the pages kept to themselves, and the old page's mobile number.
    assert!(
        out.contains(&format!(
            "searches in {week}: 6 (1 found nothing, 3 opened no answer)"
        )),
        "{out}"
    );
    assert!(
        out.contains("3 search(es) held customer data: counted, never shown"),
        "{out}"
    );
    let top = out.split("top searches").nth(1).unwrap();
    let first = top.lines().nth(2).unwrap();
    // One group, named by either spelling (each was typed once).
    assert!(
        first.trim_start().starts_with("2  转账失败  ") && first.contains("(also “转帐失败” 1)")
            || first.trim_start().starts_with("2  转帐失败  ")
                && first.contains("(also “转账失败” 1)"),
        "{first}"
    );
    let nothing = out.split("searches that found nothing").nth(1).unwrap();
    assert_eq!(
        nothing.lines().nth(2).map(str::trim),
        Some("1  zzqqxx"),
        "{out}"
    );
    for secret in [ID_NUMBER, MOBILE, "110105", "1391234"] {
        assert!(
            !out.contains(secret) && !err.contains(secret),
            "{secret} printed"
        );
    }

    // The site rebuilt from this log, learning from it: counts on /hot/, no customer data.
    let source = dir.path().join("source");
    std::fs::create_dir_all(source.join("data/search-logs")).unwrap();
    for linked in ["content", "data/tickets"] {
        std::os::unix::fs::symlink(repo.join(linked), source.join(linked)).unwrap();
    }
    std::fs::copy(&log, source.join("data/search-logs/qaportal-search.log")).unwrap();
    let config = std::fs::read_to_string(repo.join("qaportal.toml")).unwrap();
    assert!(config.contains("[search]\nlog = true\n"));
    std::fs::write(
        source.join("qaportal.toml"),
        config.replace(
            "[search]\nlog = true\n",
            "[search]\nlog = true\nlearn_from_log = true\nlearn_min_days = 1\n",
        ),
    )
    .unwrap();
    let output = common::qaportal()
        .current_dir(&source)
        .args(["build", "--quiet"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", common::stderr(&output));
    assert!(
        common::stderr(&output).is_empty(),
        "{}",
        common::stderr(&output)
    );
    let public = source.join("public");
    assert!(
        std::fs::read_to_string(public.join("hot/index.html"))
            .unwrap()
            .contains(&format!("{week}</th><td>6</td>")),
        "the searches per week on /hot/"
    );
    for secret in [ID_NUMBER, MOBILE] {
        assert_eq!(
            files_holding(&public, secret),
            Vec::<PathBuf>::new(),
            "{secret} published"
        );
        assert_eq!(
            files_holding(&source.join(".qaportal"), secret),
            Vec::<PathBuf>::new()
        );
    }
}

/// `2026-W49` of a log line's `[07/Dec/2026:…]`.
fn week_of_first_line(line: &str) -> String {
    let day = &line[line.find('[').unwrap() + 1..][..11];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = months.iter().position(|m| *m == &day[3..6]).unwrap() + 1;
    let date = jiff::civil::Date::new(
        day[7..11].parse().unwrap(),
        month as i8,
        day[..2].parse().unwrap(),
    )
    .unwrap();
    let iso = date.iso_week_date();
    format!("{}-W{:02}", iso.year(), iso.week())
}

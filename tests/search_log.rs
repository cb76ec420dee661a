//! The search log: `qaportal week --search-log`, bad logs, customer data in queries, what
//! `build` shows and learns from `data/search-logs/`.

mod common;

use std::io::Write;

use common::{TestSite, stderr, stdout};

/// A resident ID number with a valid check character, and a mobile number: customer data.
const ID_NUMBER: &str = "11010519491231002X";
const MOBILE: &str = "13912345678";

/// Four answers: the test site's KB-0001 (交易密码) and three more.
fn site() -> TestSite {
    let site = TestSite::new();
    for (n, title) in [
        (2, "银证转账失败怎么办？"),
        (3, "基金赎回多久到账？"),
        (4, "港股通怎么开通？"),
    ] {
        site.write(
            &format!("content/account/a{n}.md"),
            format!("---\nid: KB-000{n}\ntitle: {title}\ncategory: 咨询类\n---\n\n## 处理步骤\n\n1. 第一步\n2. 第二步\n"),
        );
    }
    site
}

/// Percent-encodes a beacon parameter as the page does (encodeURIComponent).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'!' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A log line of the docs' nginx format for a beacon at `time` (`14/Nov/2026:09:12:03`).
fn beacon(time: &str, params: &[(&str, &str)]) -> String {
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    format!(
        "10.1.2.3 - - [{time} +0800] \"POST /search/log?{}&v=1 HTTP/1.1\" 204 0 \"-\" \"Mozilla/5.0 (iPhone) MicroMessenger/8.0\"\n",
        query.join("&")
    )
}

fn search(time: &str, session: &str, q: &str, results: u32) -> String {
    let results = results.to_string();
    let outcome = if results == "0" { "none" } else { "answers" };
    beacon(
        time,
        &[
            ("event", "search"),
            ("q", q),
            ("results", &results),
            ("outcome", outcome),
            ("session", session),
        ],
    )
}

fn open(time: &str, session: &str, q: &str, answer: &str) -> String {
    beacon(
        time,
        &[
            ("event", "open"),
            ("q", q),
            ("answer", answer),
            ("rank", "1"),
            ("session", session),
        ],
    )
}

/// A week of searches (2026-W46, 9 to 15 November) in several spellings.
fn week_log() -> String {
    let mut log = String::new();
    // 转账失败 four ways, three of them opening KB-0002.
    log += &search("09/Nov/2026:09:00:00", "s1", "转账失败", 3);
    log += &open("09/Nov/2026:09:00:20", "s1", "转账失败", "KB-0002");
    log += &search("09/Nov/2026:10:00:00", "s2", "转帐失败？", 3);
    log += &open("09/Nov/2026:10:00:09", "s2", "转帐失败？", "KB-0002");
    log += &search("10/Nov/2026:11:00:00", "s3", "zhuanzhang shibai", 2);
    log += &search("10/Nov/2026:11:30:00", "s4", "请问转账失败了", 3);
    log += &open("10/Nov/2026:11:30:30", "s4", "请问转账失败了", "KB-0002");
    // Nothing found, twice, spelled two ways.
    log += &search("11/Nov/2026:14:00:00", "s5", "期权开户", 0);
    log += &search("12/Nov/2026:14:00:00", "s6", "期权 开户吗", 0);
    // Results, nothing opened; then another search in the same session.
    log += &search("12/Nov/2026:15:00:00", "s7", "基金", 4);
    log += &search("12/Nov/2026:15:00:30", "s7", "基金赎回到账", 1);
    log += &open("12/Nov/2026:15:00:40", "s7", "基金赎回到账", "KB-0003");
    // Customer data: found by the log reader, and withheld by the page itself.
    log += &search(
        "13/Nov/2026:09:00:00",
        "s8",
        &format!("{ID_NUMBER} 开户"),
        0,
    );
    log += &open(
        "13/Nov/2026:09:00:10",
        "s8",
        &format!("客户{MOBILE}收不到验证码"),
        "KB-0001",
    );
    log += &beacon(
        "13/Nov/2026:09:05:00",
        &[
            ("event", "search"),
            ("withheld", "1"),
            ("results", "0"),
            ("session", "s9"),
        ],
    );
    // The week after: not this week's.
    log += &search("16/Nov/2026:09:00:00", "s10", "转账失败", 3);
    log
}

fn week_with_log(site: &TestSite, log: &str, extra: &[&str]) -> (String, String) {
    site.write("access.log", log);
    let mut args = vec![
        "week",
        "2026-W46",
        "--as-of",
        "2026-11-22",
        "--search-log",
        "access.log",
    ];
    args.extend(extra);
    let output = site.run(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    (stdout(&output), stderr(&output))
}

#[test]
fn the_week_report_counts_and_groups_searches_by_meaning() {
    let site = site();
    let (out, err) = week_with_log(&site, &week_log(), &[]);
    assert!(err.is_empty(), "no warnings for a clean log: {err}");
    // 转账失败 ×4, 期权开户 ×2, 基金 then 基金赎回到账, and two withheld: s8's search and the
    // open that followed it are one search (both withheld), s9's the other.
    assert!(
        out.contains("searches in 2026-W46: 10 (4 found nothing, 2 opened no answer)"),
        "{out}"
    );
    assert!(
        out.contains("2 search(es) held customer data: counted, never shown"),
        "{out}"
    );
    let top = out.split("top searches").nth(1).unwrap();
    let first = top.lines().nth(2).unwrap();
    assert!(first.trim_start().starts_with("4  转账失败"), "{first}");
    assert!(
        first.contains("→ KB-0002") && first.contains("×3"),
        "{first}"
    );
    for spelling in [
        "“转帐失败？” 1",
        "“请问转账失败了” 1",
        "“zhuanzhang shibai” 1",
    ] {
        assert!(first.contains(spelling), "{spelling} in {first}");
    }
    let nothing = out.split("searches that found nothing").nth(1).unwrap();
    let line = nothing.lines().nth(2).unwrap();
    assert!(
        line.trim_start().starts_with("2  期权开户") && line.contains("“期权 开户吗” 1"),
        "{line}"
    );
    let unopened = out
        .split("searches after which no answer was opened")
        .nth(1)
        .unwrap();
    let lines: Vec<&str> = unopened.lines().skip(2).map(str::trim).collect();
    assert_eq!(
        lines,
        [
            "1  转账失败  (also “转帐失败？” 1, “请问转账失败了” 1, “zhuanzhang shibai” 1)",
            "1  基金"
        ],
        "{unopened}"
    );
    for secret in [ID_NUMBER, MOBILE, "1101", "1391"] {
        assert!(!out.contains(secret) && !err.contains(secret), "{secret}");
    }
}

#[test]
fn week_write_puts_the_searches_in_the_draft_as_inline_code() {
    let site = site();
    let mut log = week_log();
    log += &search("14/Nov/2026:09:00:00", "x1", "<script>alert(1)</script>", 0);
    log += &search("14/Nov/2026:09:10:00", "x2", "a`b [链接](javascript:x)", 0);
    let (out, _) = week_with_log(&site, &log, &["--write"]);
    assert!(out.contains("wrote "), "{out}");
    let draft = site.read("content/weekly/2026-W46.md");
    assert!(draft.contains("## 本周搜索"), "{draft}");
    assert!(
        draft.contains("- `转账失败`：4 次，3 次打开了[银证转账失败怎么办？](KB-0002)"),
        "{draft}"
    );
    assert!(draft.contains("### 没有找到答案的搜索"), "{draft}");
    assert!(
        draft.contains("- `<script>alert(1)</script>`：1 次"),
        "{draft}"
    );
    assert!(draft.contains("``a`b [链接](javascript:x)``"), "{draft}");
    assert!(draft.contains("另有 2 次搜索含客户信息"), "{draft}");
    assert!(!draft.contains(ID_NUMBER) && !draft.contains(MOBILE));
    // The draft builds, and its queries are text on the page, not markup.
    site.build_ok();
    let page = site.read("public/hot/2026-W46/index.html");
    assert!(page.contains("<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>"));
    assert!(!page.contains("javascript:x\""), "no link made of a query");
}

#[test]
fn bad_logs_are_counted_and_skipped_with_warnings_that_show_nothing_of_them() {
    let site = site();
    let mut log = Vec::new();
    log.extend(search("09/Nov/2026:09:00:00", "s1", "转账失败", 3).bytes());
    // Another log format, an error log line, a line cut short, binary junk, an overlong line.
    log.extend(
        format!("{{\"time\":\"2026-11-09T09:00:00+08:00\",\"uri\":\"/search/log?q={MOBILE}\"}}\n")
            .bytes(),
    );
    log.extend(b"2026/11/09 09:00:01 [error] 7#7: *3 open() failed (2: No such file)\n");
    let cut = search("09/Nov/2026:09:00:02", "s2", &format!("转账 {MOBILE}"), 3);
    log.extend(&cut.as_bytes()[..cut.len() - 40]);
    log.push(b'\n');
    log.extend(b"\x89PNG\x1a\x00\x00\x00\x0dIHDR\x00\xff\xfe binary\n");
    log.extend(std::iter::repeat_n(b'x', 40_000));
    log.push(b'\n');
    // Requests to search/log the pages never make.
    log.extend(beacon("09/Nov/2026:09:00:03", &[("event", "drop"), ("q", "x")]).bytes());
    log.extend(b"10.1.2.3 - - [09/Nov/2026:09:00:04 +0800] \"GET /search/log?event=search&q=%FF%FE HTTP/1.1\" 204 0 \"-\" \"-\"\n");
    // Other requests of a full access log are fine and ignored.
    log.extend(b"10.1.2.3 - - [09/Nov/2026:09:00:05 +0800] \"GET /account/ HTTP/1.1\" 200 5120 \"-\" \"Mozilla/5.0\"\n");
    log.extend(b"\n");
    log.extend(search("09/Nov/2026:09:01:00", "s3", "转账失败", 3).bytes());
    site.write("bad.log", &log);
    let output = site.run(&[
        "week",
        "2026-W46",
        "--as-of",
        "2026-11-22",
        "--search-log",
        "bad.log",
    ]);
    assert!(
        output.status.success(),
        "a bad log never fails: {}",
        stderr(&output)
    );
    let (out, err) = (stdout(&output), stderr(&output));
    assert!(out.contains("searches in 2026-W46: 2 "), "{out}");
    for expected in [
        "bad.log: 3 line(s) skipped, not an access log line in the common or combined format (line 2, 3, 4)",
        "bad.log: 1 line(s) skipped, binary data, not text (line 5)",
        "bad.log: 1 line(s) skipped, longer than any request this site makes (line 6)",
        "bad.log: 1 line(s) skipped, a search-log request with an unknown event (line 7)",
        "bad.log: 1 line(s) skipped, a search-log request with a value that is not UTF-8 text (line 8)",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
    assert!(!err.contains("1391") && !out.contains("1391"), "{err}");
    assert!(!err.contains("PNG") && !err.contains("xxxx"), "{err}");
}

#[test]
fn gzip_logs_rotated_logs_and_a_gzip_cut_short_are_read() {
    let site = site();
    let log = week_log();
    let half_end = log[..log.find("11/Nov").unwrap()].rfind('\n').unwrap() + 1;
    let gzip = |text: &str| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap()
    };
    // As logrotate leaves them: the older part compressed, the newer plain.
    site.write("data/search-logs/access.log.1.gz", gzip(&log[..half_end]));
    site.write("data/search-logs/access.log", &log[half_end..]);
    let output = site.run(&["week", "2026-W46", "--as-of", "2026-11-22"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("searches in 2026-W46: 10 "),
        "{}",
        stdout(&output)
    );
    // A compressed log cut short: what it holds is read, then a warning.
    let whole = gzip(&log);
    site.write(
        "data/search-logs/access.log.1.gz",
        &whole[..whole.len() / 2],
    );
    let output = site.run(&["week", "2026-W46", "--as-of", "2026-11-22"]);
    assert!(output.status.success());
    assert!(
        stderr(&output).contains("access.log.1.gz: stopped reading after line"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn hot_shows_searches_per_week_and_no_query_reaches_the_site() {
    let site = site();
    site.write("data/search-logs/access.log", week_log());
    site.build_ok();
    let hot = site.read("public/hot/index.html");
    assert!(hot.contains("每周搜索"), "{hot}");
    assert!(
        hot.contains(
            "<th scope=\"row\">2026-W46</th><td>10</td><td>4（40.0%）</td><td>2（20.0%）</td>"
        ),
        "{hot}"
    );
    // Counts only: no query is published anywhere, least of all customer data.
    for file in common::tree(&site.path("public")).values() {
        let text = String::from_utf8_lossy(file);
        for needle in ["期权", ID_NUMBER, MOBILE, "zhuanzhang shibai"] {
            assert!(!text.contains(needle), "{needle} published");
        }
    }
}

/// Searches that led to `answer` on `days` distinct days, each the last of its session.
fn teaching_log(query: &str, answer: &str, days: u32) -> String {
    let mut log = String::new();
    for day in 0..days {
        let date = format!("{:02}/Nov/2026", 9 + day);
        // One reader a day, each time another (sessions are random ids).
        let session = format!("{}{day}", encode(query).replace('%', ""));
        log += &search(&format!("{date}:10:00:00"), &session, query, 2);
        log += &open(&format!("{date}:10:00:15"), &session, query, answer);
    }
    log
}

#[test]
fn phrasings_learned_from_the_log_index_like_front_matter_questions() {
    const LEARN: &str = "\n[search]\nlearn_from_log = true\nlearn_min_days = 3\n";
    let learning = site();
    learning.write("qaportal.toml", format!("{}{LEARN}", common::CONFIG));
    let mut log = teaching_log("钱转不出去", "KB-0002", 3);
    // Two days only: not learned. Searched again after opening: not learned either.
    log += &teaching_log("基金到账慢", "KB-0003", 2);
    for day in 0..3 {
        let date = format!("{:02}/Nov/2026", 9 + day);
        log += &search(
            &format!("{date}:15:00:00"),
            &format!("r{day}"),
            "港股开户",
            2,
        );
        log += &open(
            &format!("{date}:15:00:10"),
            &format!("r{day}"),
            "港股开户",
            "KB-0004",
        );
        log += &search(
            &format!("{date}:15:01:00"),
            &format!("r{day}"),
            "港股通 条件",
            2,
        );
    }
    // Customer data never teaches.
    log += &teaching_log(&format!("{MOBILE}转账"), "KB-0002", 3);
    learning.write("data/search-logs/access.log", log);

    let written = site();
    written.write(
        "content/account/a2.md",
        "---\nid: KB-0002\ntitle: 银证转账失败怎么办？\ncategory: 咨询类\nquestions: [钱转不出去]\n---\n\n## 处理步骤\n\n1. 第一步\n2. 第二步\n",
    );
    // The same log, without learning: only the searches per week differ from `learning`.
    written.write(
        "qaportal.toml",
        format!("{}\n[search]\nlearn_min_days = 3\n", common::CONFIG),
    );
    written.write(
        "data/search-logs/access.log",
        learning.read("data/search-logs/access.log"),
    );
    learning.build_ok();
    written.build_ok();
    let index = |site: &TestSite| {
        let mut files = common::tree(&site.path("public/search"));
        files.retain(|path, _| !path.ends_with(".html"));
        files
    };
    let (a, b) = (index(&learning), index(&written));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(
            *bytes == b[path],
            "{path} differs:\n{}\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&b[path])
        );
    }
    // And `qaportal search` ranks with them, as the site does.
    let output = learning.run(&["search", "钱转不出去", "--json", "--as-of", "2026-11-22"]);
    let hits: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(hits["hits"][0]["id"], "KB-0002", "{hits}");
}

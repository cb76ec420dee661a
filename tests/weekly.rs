//! Weekly hot-issue pages from ticket exports, live sessions, and `qaportal week`.

mod common;

use common::{TestSite, stderr, stdout};

/// Three more articles beside the test site's KB-0001.
fn site_with_articles() -> TestSite {
    let site = TestSite::new();
    for (n, category) in [(2, "数据类"), (3, "程序类"), (4, "咨询类")] {
        site.write(
            &format!("content/account/a{n}.md"),
            format!("---\nid: KB-000{n}\ntitle: 问题 {n}\ncategory: {category}\n---\n\n## 处理步骤\n\n1. 第一步\n2. 第二步\n"),
        );
    }
    site
}

/// A ticket export: (time, article) rows, category left to the article.
fn export(rows: &[(&str, &str)]) -> String {
    let mut csv = String::from("工单号,提单时间,解决文章,问题描述\n");
    for (i, (time, article)) in rows.iter().enumerate() {
        csv.push_str(&format!("INC{i},{time},{article},客户的问题 {i}\n"));
    }
    csv
}

fn repeat<'a>(n: usize, time: &'a str, article: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![(time, article); n]
}

fn week_output(site: &TestSite, week: &str, as_of: &str) -> String {
    let output = site.run(&["week", week, "--as-of", as_of]);
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
}

#[test]
fn ranking_and_changes_across_a_year_boundary() {
    let site = site_with_articles();
    let mut rows = Vec::new();
    // 2017-W52 (Mon 25 Dec – Sun 31 Dec): KB-0001 5, KB-0002 3, KB-0003 1.
    rows.extend(repeat(5, "2017-12-25 09:00", "KB-0001"));
    rows.extend(repeat(3, "2017-12-31 23:59", "KB-0002"));
    rows.extend(repeat(1, "2017-12-27 10:00", "KB-0003"));
    // 2018-W01 (Mon 1 Jan): KB-0002 6, KB-0001 4, KB-0004 2 (new), KB-0003 none.
    rows.extend(repeat(6, "2018-01-01 08:00", "KB-0002"));
    rows.extend(repeat(4, "2018/01/03 11:30", "KB-0001"));
    rows.extend(repeat(2, "2018-01-07", "KB-0004"));
    site.write("data/tickets/itsm.csv", export(&rows));

    let text = week_output(&site, "2018-W01", "2018-01-10");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("2018-W01 (2018-01-01 to 2018-01-07): 12 tickets"),
        "{text}"
    );
    let ranked: Vec<Vec<&str>> = lines[2..5]
        .iter()
        .map(|l| l.split_whitespace().take(4).collect())
        .collect();
    assert_eq!(ranked[0], ["1", "6", "+1", "KB-0002"], "{text}");
    assert_eq!(ranked[1], ["2", "4", "-1", "KB-0001"], "{text}");
    assert_eq!(ranked[2], ["3", "2", "new", "KB-0004"], "{text}");

    site.run(&["build", "--as-of", "2018-01-10"]);
    let page = site.read("public/hot/2018-W01/index.html");
    assert!(page.contains("2018-01-01 至 2018-01-07"));
    let row = |id: &str| {
        let start = page
            .find(&format!("<tr data-id=\"{id}\">"))
            .unwrap_or_else(|| panic!("{id} ranked"));
        page[start..start + page[start..].find("</tr>").unwrap()].to_string()
    };
    assert!(row("KB-0002").contains("<td>1</td>") && row("KB-0002").contains("上升 1 位"));
    // The week before's place and tickets, each named: 上周 is not read as a rank by mistake.
    assert!(row("KB-0001").contains("<td>2</td>"));
    assert!(
        row("KB-0001").contains("下降 1 位，上周第 1 名"),
        "{}",
        row("KB-0001")
    );
    assert!(row("KB-0001").contains("上周 5 件"), "{}", row("KB-0001"));
    assert!(row("KB-0004").contains("新上榜"));
    assert!(
        !page.contains("data-id=\"KB-0003\""),
        "no tickets this week, not hot: not ranked"
    );
    assert!(site.path("public/hot/2017-W52/index.html").exists());
    let index = site.read("public/hot/index.html");
    assert!(
        index.find("2018 年第 1 周").unwrap() < index.find("2017 年第 52 周").unwrap(),
        "newest first"
    );
}

#[test]
fn iso_week_53_is_its_own_week() {
    let site = site_with_articles();
    let mut rows = Vec::new();
    // 2020 has 53 ISO weeks: 28 Dec 2020 – 3 Jan 2021 is 2020-W53.
    rows.extend(repeat(2, "2020-12-21 09:00", "KB-0001")); // 2020-W52
    rows.extend(repeat(3, "2021-01-03 09:00", "KB-0001")); // 2020-W53
    rows.extend(repeat(4, "2020-12-28 09:00", "KB-0002")); // 2020-W53
    rows.extend(repeat(1, "2021-01-04 09:00", "KB-0002")); // 2021-W01
    site.write("data/tickets/itsm.csv", export(&rows));

    let w53 = week_output(&site, "2020-W53", "2021-01-10");
    assert!(
        w53.starts_with("2020-W53 (2020-12-28 to 2021-01-03): 7 tickets"),
        "{w53}"
    );
    assert!(w53.contains("   1       4    new  KB-0002"), "{w53}");
    assert!(w53.contains("   2       3     -1  KB-0001"), "{w53}");
    let w01 = week_output(&site, "2021-W01", "2021-01-10");
    assert!(
        w01.contains("   1       1      =  KB-0002"),
        "first in both weeks: {w01}"
    );
    site.run(&["build", "--as-of", "2021-01-10"]);
    assert!(site.path("public/hot/2020-W53/index.html").exists());
    assert!(
        site.read("public/hot/2021-W01/index.html")
            .contains("href=\"/hot/2020-W53/\""),
        "links the previous week"
    );
}

#[test]
fn malformed_rows_are_reported_with_line_numbers_and_skipped() {
    let site = site_with_articles();
    site.write(
        "data/tickets/app.csv",
        "id,created,article,system,category,question\n\
         1,2026-11-16 09:00,KB-0001,account,咨询类,忘记密码\n\
         2,not a date,KB-0001,account,咨询类,x\n\
         3,2026-11-17,KB-0999,account,咨询类,x\n\
         4,2026-11-17,KB-0002,trading,数据类,x\n\
         5,2026-11-18,KB-0002,account,数据类,余额不对\n",
    );
    let output = site.build();
    assert!(
        output.status.success(),
        "malformed rows do not stop the build:\n{}",
        stderr(&output)
    );
    let err = stderr(&output);
    assert!(
        err.contains("warning[ticket-row]: `not a date` is not a ticket time"),
        "{err}"
    );
    assert!(err.contains("data/tickets/app.csv:3:1"), "{err}");
    assert!(
        err.contains("`KB-0999`, which is not an article (1 tickets, first on line 4)"),
        "{err}"
    );
    assert!(err.contains("data/tickets/app.csv:4:1"), "{err}");
    assert!(
        err.contains("the system `trading`, which the site does not have"),
        "{err}"
    );
    let text = week_output(&site, "2026-W47", "2026-11-22");
    assert!(
        text.starts_with("2026-W47 (2026-11-16 to 2026-11-22): 4 tickets"),
        "the other rows count:\n{text}"
    );

    site.write(
        "qaportal.toml",
        format!("{}[tickets]\nstrict = true\n", common::CONFIG),
    );
    let output = site.build();
    assert_eq!(
        output.status.code(),
        Some(1),
        "strict sites fail on malformed rows"
    );
    assert!(stderr(&output).contains("error[ticket-row]"));
}

#[test]
fn the_category_chart_shows_the_counts() {
    let site = site_with_articles();
    let mut csv = String::from("time,article,category\n");
    for (n, category) in [(6, "咨询类"), (3, "data"), (1, "程序类")] {
        for _ in 0..n {
            csv.push_str(&format!("2026-11-17 10:00,KB-0001,{category}\n"));
        }
    }
    csv.push_str("2026-11-17 10:00,,\n"); // a ticket no answer solved: counts, as the article's category is unknown → 其他类
    site.write("data/tickets/t.csv", csv);
    site.build_ok();
    let page = site.read("public/hot/2026-W47/index.html");
    assert!(page.contains("共 11 件工单"), "total");
    for expected in [
        "咨询类：6 件（54.5%）",
        "数据类：3 件（27.3%）",
        "程序类：1 件（9.1%）",
        "其他类：1 件（9.1%）",
    ] {
        assert!(page.contains(expected), "figcaption {expected}");
    }
    let desc_start = page.find("<desc").unwrap();
    let desc = &page[desc_start..page[desc_start..].find("</desc>").unwrap() + desc_start];
    assert!(
        desc.contains("咨询类 6 件（54.5%）") && desc.contains("数据类 3 件（27.3%）"),
        "{desc}"
    );
    // Bar lengths follow the counts: the 6-ticket bar is twice the 3-ticket bar.
    let width = |key: &str| -> f64 {
        let at = page.find(&format!("class=\"bar bar-{key}\"")).unwrap();
        let rect = &page[page[..at].rfind("<rect").unwrap()..at];
        let w = rect
            .split("width=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        w.parse().unwrap()
    };
    assert!((width("consultation") - 2.0 * width("data")).abs() <= 1.0);
}

#[test]
fn ticket_questions_become_search_phrasings() {
    let site = site_with_articles();
    site.write("data/tickets/t.csv", "time,article,question\n2026-11-17,KB-0002,客户说余额对不上\n2026-11-17,KB-0002,客户说余额对不上？\n2026-11-18,KB-0002, 钱少了 \n");
    let mut sources = qaportal::source::Sources::default();
    let mut diagnostics = qaportal::diagnostic::Diagnostics::default();
    let options = common::stages_only(site.root().to_path_buf());
    let built = qaportal::build::prepare(&options, &mut sources, &mut diagnostics).unwrap();
    let id = qaportal::model::ArticleId("KB-0002".into());
    assert_eq!(
        built.tickets.phrasings[&id],
        vec!["客户说余额对不上".to_string(), "钱少了".to_string()]
    );
}

/// The relevance bench's "phrasings via tickets" setting rests on this: clients' questions that
/// arrive as a ticket export make the same search index as the same questions written in the
/// front matter.
#[test]
fn ticket_phrasings_index_like_front_matter_questions() {
    let phrasings = [
        ("KB-0002", "客户说余额对不上"),
        ("KB-0002", "钱少了"),
        ("KB-0003", "转账,一直失败"),
    ];
    let by_front_matter = site_with_articles();
    let by_tickets = site_with_articles();
    let mut csv = String::from("time,article,question\n");
    for (id, question) in phrasings {
        csv.push_str(&format!("2026-11-17,{id},\"{question}\"\n"));
    }
    by_tickets.write("data/tickets/t.csv", csv);
    for n in [2, 3] {
        let questions: Vec<String> = phrasings
            .iter()
            .filter(|(id, _)| *id == format!("KB-000{n}"))
            .map(|(_, q)| format!("\"{q}\""))
            .collect();
        let category = if n == 2 { "数据类" } else { "程序类" };
        by_front_matter.write(
            &format!("content/account/a{n}.md"),
            format!("---\nid: KB-000{n}\ntitle: 问题 {n}\ncategory: {category}\nquestions: [{}]\n---\n\n## 处理步骤\n\n1. 第一步\n2. 第二步\n", questions.join(", ")),
        );
    }
    by_front_matter.build_ok();
    by_tickets.build_ok();
    // The index, not the search page (its "nothing found" state lists the week's hot issues,
    // which the tickets change).
    let index = |site: &TestSite| {
        let mut files = common::tree(&site.path("public/search"));
        files.retain(|path, _| !path.ends_with(".html"));
        files
    };
    let (a, b) = (index(&by_front_matter), index(&by_tickets));
    assert!(a.keys().any(|p| p.ends_with(".json")));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(
            *bytes == b[path],
            "{path} differs:\n{}\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&b[path])
        );
    }
    // And the phrasings are searchable: the index knows a bigram only a ticket question has.
    let shards: String = b
        .iter()
        .filter(|(p, _)| p.contains("/t/") && p.ends_with(".json"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    assert!(shards.contains("\"钱少\""));
}

#[test]
fn ticket_questions_with_customer_data_are_not_published() {
    let site = site_with_articles();
    site.write(
        "data/tickets/t.csv",
        "time,article,question\n2026-11-17,KB-0002,手机13812345678收不到验证码\n2026-11-17,KB-0002,验证码一直收不到\n",
    );
    let output = site.build_ok();
    let log = format!("{}{}", stdout(&output), stderr(&output));
    assert!(log.contains("1 client question(s)"), "{log}");
    let index: String = common::tree(&site.path("public/search"))
        .into_iter()
        .filter(|(path, _)| path.ends_with(".json"))
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
        .collect();
    assert!(
        index.contains("\"验证\""),
        "the clean question is a phrasing"
    );
    assert!(!index.contains("13812345678") && !index.contains("5678"));
}

#[test]
fn hot_field_and_current_week_on_home_and_system_pages() {
    let site = site_with_articles();
    site.write(
        "content/account/a4.md",
        "---\nid: KB-0004\ntitle: 例会选定的问题\ncategory: 咨询类\nhot: [2026-W47]\n---\n",
    );
    site.write(
        "data/tickets/t.csv",
        export(&repeat(2, "2026-11-16", "KB-0002")),
    );
    site.build_ok();
    let home = site.read("public/index.html");
    assert!(home.contains("本周热点"));
    assert!(
        home.find("问题 2").unwrap() < home.find("例会选定的问题").unwrap(),
        "tickets rank before chosen ones"
    );
    assert!(site.read("public/account/index.html").contains("本周热点"));
    // Chosen in the meeting, no tickets: listed after the ranked ones, never "新上榜".
    let week = site.read("public/hot/2026-W47/index.html");
    let start = week
        .find("<tr data-id=\"KB-0004\">")
        .expect("KB-0004 listed");
    let row = &week[start..start + week[start..].find("</tr>").unwrap()];
    assert!(!row.contains("新上榜"), "{row}");
    assert!(row.contains("例会选定，本周无工单"), "{row}");
    assert!(week.contains("新上榜"), "KB-0002, with tickets, is new");

    // Three weeks later, with no newer data: the home page says which week it shows, and
    // how old it is, instead of calling it this week.
    let output = site.run(&["build", "--as-of", "2026-12-10"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let home = site.read("public/index.html");
    assert!(!home.contains("本周热点"), "W47 is not this week in W50");
    assert!(home.contains("2026 年第 47 周热点（3 周前）"), "{home}");
    let output = site.run(&["build", "--as-of", "2026-11-25"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        site.read("public/index.html")
            .contains("上周热点（2026 年第 47 周）")
    );
}

#[test]
fn week_write_prefills_the_weekly_page_and_never_overwrites() {
    let site = site_with_articles();
    site.write(
        "data/tickets/t.csv",
        export(&repeat(3, "2026-11-16", "KB-0002")),
    );
    let output = site.run(&["week", "--write", "--as-of", "2026-11-22"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let note = site.read("content/weekly/2026-W47.md");
    assert!(note.contains("title: 2026 年第 47 周热点问题"));
    assert!(note.contains("**[问题 2](KB-0002)**：3 件工单"));
    site.write("content/weekly/2026-W47.md", "---\ntitle: 已编辑\n---\n");
    let output = site.run(&["week", "--write", "--as-of", "2026-11-22"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("--force"));
    assert_eq!(
        site.read("content/weekly/2026-W47.md"),
        "---\ntitle: 已编辑\n---\n"
    );
    assert!(
        site.run(&["week", "--write", "--force", "--as-of", "2026-11-22"])
            .status
            .success()
    );
    site.build_ok();
    assert!(
        site.read("public/hot/2026-W47/index.html")
            .contains("2026 年第 47 周热点问题"),
        "the note's title heads the page"
    );
}

#[test]
fn sessions_list_the_answers_they_covered() {
    let site = site_with_articles();
    site.write(
        "content/sessions/opening.md",
        "---\ntitle: 开户专项分享\ndate: 2026-10-15\npresenter: 李娜\nreplay: https://live.example.com/replay/1\narticles: [KB-0002, KB-0001]\n---\n\n议程：开户常见问题。\n",
    );
    site.build_ok();
    let page = site.read("public/sessions/opening/index.html");
    assert!(
        page.find("data-id=\"KB-0002\"").unwrap() < page.find("data-id=\"KB-0001\"").unwrap(),
        "in the session's order"
    );
    assert!(page.contains("主讲：李娜") && page.contains("观看回放"));
    assert!(
        site.read("public/sessions/index.html")
            .contains("开户专项分享")
    );
    assert!(
        site.read("public/account/a2/index.html")
            .contains("讲解过这个问题的直播")
    );
    let present = site.read("public/sessions/opening/present/index.html");
    // A title slide, then each answer (two steps each: one slide).
    assert_eq!(present.matches("data-slide=").count(), 3, "{present}");
    assert!(present.contains("class=\"slide deck-title\""));
    assert_eq!(present.matches("class=\"slide deck-answer\"").count(), 2);
    assert!(
        present.find("id=\"KB-0002-1\"").unwrap() < present.find("id=\"KB-0001-1\"").unwrap(),
        "in the session's order"
    );
    assert!(site.read("public/index.html").contains("最近一期直播"));

    site.write(
        "content/sessions/bad.md",
        "---\ntitle: 坏\ndate: 2026-10-16\narticles: [KB-0404]\n---\n",
    );
    let output = site.build();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("session covers `KB-0404`, which is not published"));
}

#[test]
fn the_feed_lists_weeks_and_updated_answers() {
    let site = site_with_articles();
    site.write("content/account/a4.md", "---\nid: KB-0004\ntitle: 新近更新\ncategory: 咨询类\nupdated: 2026-11-20\nhot: [2026-W46]\n---\n");
    site.build_ok();
    let feed = site.read("public/feed.xml");
    assert!(feed.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\""
    ));
    assert!(feed.contains("<title>更新：新近更新</title>"));
    assert!(feed.contains("<id>https://qa.example.com/hot/2026-W46/</id>"));
    assert!(feed.contains("<updated>2026-11-20T00:00:00Z</updated>"));
}

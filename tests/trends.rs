//! Trends on the site: `/hot/` over every week with tickets, the monthly pages, an answer's last
//! 8 weeks, and the answers whose tickets fell after the team acted on them.

mod common;

use common::TestSite;

/// KB-0001 (consultation) and three more answers; KB-0002 updated on 2026-10-14 (W42).
fn site() -> TestSite {
    let site = TestSite::new();
    for (n, category, extra) in [
        (2, "数据类", "updated: 2026-10-14\n"),
        (3, "程序类", ""),
        (4, "咨询类", ""),
    ] {
        site.write(
            &format!("content/account/a{n}.md"),
            format!("---\nid: KB-000{n}\ntitle: 问题 {n}\ncategory: {category}\n{extra}---\n\n## 处理步骤\n\n1. 第一步\n2. 第二步\n"),
        );
    }
    site
}

/// A ticket export of (day, article, count) rows.
fn export(rows: &[(&str, &str, usize)]) -> String {
    let mut csv = String::from("工单号,提单时间,解决文章\n");
    let mut n = 0;
    for (day, article, count) in rows {
        for _ in 0..*count {
            n += 1;
            csv.push_str(&format!("INC{n},{day} 10:00,{article}\n"));
        }
    }
    csv
}

fn build(site: &TestSite, as_of: &str) {
    let output = site.run(&["build", "--as-of", as_of]);
    assert!(output.status.success(), "{}", common::stderr(&output));
}

/// The text of an HTML fragment, tags removed, whitespace collapsed.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut tag = false;
    for c in html.chars() {
        match c {
            '<' => tag = true,
            '>' => {
                tag = false;
                out.push(' ');
            }
            _ if !tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn hot_shows_every_week_with_tickets_by_category_with_gaps() {
    let site = site();
    site.write(
        "data/tickets/t.csv",
        export(&[
            // W40: 8 consultations (KB-0001), 2 data (KB-0002).
            ("2026-09-28", "KB-0001", 8),
            ("2026-09-29", "KB-0002", 2),
            // W41: no export. W42: 3 program, 1 consultation.
            ("2026-10-12", "KB-0003", 3),
            ("2026-10-13", "KB-0004", 1),
        ]),
    );
    build(&site, "2026-10-20");
    let hot = site.read("public/hot/index.html");
    let table = text(&hot[hot.find("每周工单（按类别）</caption>").unwrap()..]);
    assert!(
        table.contains("2026-W40 8 2 0 0 10 80.0%"),
        "consultation, data, program, other, total, share: {table}"
    );
    assert!(table.contains("2026-W41 无工单数据"), "{table}");
    assert!(table.contains("2026-W42 1 0 3 0 4 25.0%"), "{table}");
    assert!(
        text(&hot).contains(
            "2026-W40 至 2026-W42 共 14 件工单，其中咨询类占 64.3%；2 周中有 1 周咨询类超过 80%"
        ),
        "{}",
        text(&hot)
    );
    // The chart: an image with a title, a bar per week, the gap week without one.
    let svg = &hot[hot.find("<svg class=\"chart chart-trend\"").unwrap()..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    assert!(svg.contains("role=\"img\"") && svg.contains("<title"));
    assert_eq!(svg.matches("class=\"bar bar-").count(), 4, "{svg}");
    assert!(svg.contains(">W41<") && svg.contains(">–<"));
}

#[test]
fn monthly_pages_rank_the_month_against_the_month_before() {
    let site = site();
    site.write(
        "data/tickets/t.csv",
        export(&[
            // September, from the first export (Monday 28th).
            ("2026-09-28", "KB-0001", 5),
            ("2026-09-30", "KB-0002", 2),
            // W44 spans October and November: 31 October counts in October, 1 November in
            // November.
            ("2026-10-05", "KB-0002", 6),
            ("2026-10-31", "KB-0001", 3),
            ("2026-11-01", "KB-0003", 4),
            ("2026-11-02", "KB-0001", 1),
        ]),
    );
    build(&site, "2026-11-04");
    let october = site.read("public/hot/2026-10/index.html");
    let lead = text(&october[october.find("<p class=\"lead\">").unwrap()..]);
    assert!(
        lead.starts_with("2026-10-01 至 2026-10-31 · 共 9 件工单（上月 7 件，+28.6%）"),
        "{lead}"
    );
    let ranking: Vec<String> = october
        .split("<tr data-id=")
        .skip(1)
        .map(|row| text(&format!("<x {row}")))
        .collect();
    assert_eq!(ranking.len(), 2, "{ranking:?}");
    assert!(
        ranking[0].starts_with("1 问题 2")
            && ranking[0].contains("上升 1 位，上月第 2 名 6 件 上月 2 件"),
        "{}",
        ranking[0]
    );
    assert!(
        ranking[1].contains("下降 1 位，上月第 1 名 3 件 上月 5 件"),
        "{}",
        ranking[1]
    );
    // Last month's mix beside this month's.
    let mix = text(&october[october.find("各类工单与上月比较").unwrap()..]);
    assert!(mix.contains("咨询类 3 33.3% 5 71.4%"), "{mix}");
    // September is known from the first export on; November up to the last week exported.
    assert!(
        site.read("public/hot/2026-09/index.html")
            .contains("工单数据只覆盖 2026-09-28 至 2026-09-30")
    );
    let november = site.read("public/hot/2026-11/index.html");
    assert!(
        november.contains("工单数据只覆盖 2026-11-01 至 2026-11-08"),
        "{november}"
    );
    assert!(!october.contains("只覆盖"));
    // The months on /hot/, the sitemap, and from the weekly pages.
    let hot = site.read("public/hot/index.html");
    assert!(hot.contains("href=\"/hot/2026-10/\">2026 年 10 月</a>"));
    assert!(site.read("public/sitemap.xml").contains("/hot/2026-11/"));
    assert!(
        site.read("public/hot/2026-W44/index.html")
            .contains("href=\"/hot/2026-10/\">2026 年 10 月月度汇总")
    );
}

#[test]
fn an_answer_shows_its_last_eight_weeks_of_tickets() {
    let site = site();
    site.write(
        "data/tickets/t.csv",
        export(&[
            ("2026-08-03", "KB-0001", 9), // W32: more than 8 weeks before the last.
            ("2026-09-07", "KB-0001", 2), // W37
            ("2026-10-19", "KB-0001", 4), // W43
            ("2026-10-26", "KB-0003", 1), // W44, the last week with tickets
        ]),
    );
    build(&site, "2026-11-22");
    let page = site.read("public/account/reset-password/index.html");
    let section = &page[page.find("<section class=\"ticket-history\"").unwrap()..];
    let section = text(&section[..section.find("</section>").unwrap()]);
    // W37 to W44; W38–W42 have no export at all (W32's tickets are older).
    assert_eq!(
        section,
        "近 8 周工单 共 6 件 W37 2 件 W38 无数据 W39 无数据 W40 无数据 W41 无数据 W42 无数据 W43 4 件 W44 0 件",
    );
    // An answer without tickets in those weeks shows none.
    assert!(
        !site
            .read("public/account/a4/index.html")
            .contains("ticket-history")
    );
}

#[test]
fn weekly_pages_mark_answers_whose_tickets_fell_after_an_action() {
    let site = site();
    // A live session on 2026-10-15 (W42) covered KB-0003.
    site.write(
        "content/sessions/s.md",
        "---\ntitle: 专项分享\ndate: 2026-10-15\narticles: [KB-0003]\n---\n\n内容。\n",
    );
    site.write(
        "data/tickets/t.csv",
        export(&[
            // KB-0002, updated in W42: 6 and 8 the two weeks before, 2 in W44.
            ("2026-10-01", "KB-0002", 6),
            ("2026-10-08", "KB-0002", 8),
            ("2026-10-28", "KB-0002", 2),
            // KB-0003, covered in W42: 4 and 4 before, 2 in W44 (exactly half).
            ("2026-09-30", "KB-0003", 4),
            ("2026-10-07", "KB-0003", 4),
            ("2026-10-27", "KB-0003", 2),
            // KB-0004: no action; a fall alone is not credited to anything.
            ("2026-10-06", "KB-0004", 9),
            ("2026-10-29", "KB-0004", 1),
            // KB-0001 fills the other weeks.
            ("2026-10-14", "KB-0001", 1),
            ("2026-10-21", "KB-0001", 1),
        ]),
    );
    build(&site, "2026-11-01");
    let week = site.read("public/hot/2026-W44/index.html");
    let falls = &week[week.find("处理后工单下降").unwrap()..];
    let falls = text(&falls[..falls.find("</section>").unwrap()]);
    assert_eq!(
        falls,
        "处理后工单下降 问题 2 2026-10-14 更新后，工单由每周 7 件降至 2 件 \
         问题 3 2026-10-15 直播“专项分享”讲解后，工单由每周 4 件降至 2 件"
    );
    let row = &week[week.find("<tr data-id=\"KB-0002\">").unwrap()..];
    assert!(
        row[..row.find("</tr>").unwrap()]
            .contains("<span class=\"fell\">2026-10-14 更新后，工单由每周 7 件降至 2 件</span>")
    );
    let row = &week[week.find("<tr data-id=\"KB-0004\">").unwrap()..];
    assert!(!row[..row.find("</tr>").unwrap()].contains("fell"));
    assert!(!falls.contains("问题 4"));
    // Four weeks after the action, it is no longer credited.
    site.write(
        "data/tickets/t2.csv",
        export(&[("2026-11-18", "KB-0002", 1), ("2026-11-18", "KB-0003", 1)]),
    );
    build(&site, "2026-11-22");
    assert!(
        !site
            .read("public/hot/2026-W47/index.html")
            .contains("处理后工单下降")
    );
}

//! The weekly hot-issue pages: `/hot/` and `/hot/<year>-W<week>/`, and the hot lists on the home
//! and system pages.

use serde::Serialize;

use super::views::{ArticleLink, article_link};
use crate::hot::{Change, WeekReport};
use crate::model::{IsoWeek, Site};
use crate::render::Rendered;

#[derive(Serialize, Clone)]
pub struct ChangeView {
    /// `new`, `up`, `down` or `same`.
    pub kind: &'static str,
    /// Places gained or lost.
    pub places: usize,
    /// In words, for screen readers and the text version: "上升 2 位".
    pub text: String,
}

#[derive(Serialize, Clone)]
pub struct HotItem {
    pub rank: usize,
    pub article: ArticleLink,
    pub system_title: String,
    pub tickets: u32,
    pub previous_tickets: u32,
    /// Place the week before, if the answer was listed then.
    pub previous_rank: Option<usize>,
    pub change: ChangeView,
    /// Chosen as hot by the team (the article's `hot` field).
    pub chosen: bool,
}

#[derive(Serialize, Clone)]
pub struct CategoryCount {
    pub key: &'static str,
    pub label: &'static str,
    pub count: u32,
    pub percent: f64,
}

/// A weekly page: `week` in `week.html`.
#[derive(Serialize)]
pub struct WeekView {
    /// `2017-W31`.
    pub week: String,
    /// `2017 年第 31 周`.
    pub title: String,
    /// `2017-07-31 至 2017-08-06`.
    pub dates: String,
    pub url: String,
    pub items: Vec<HotItem>,
    pub total: u32,
    pub categories: Vec<CategoryCount>,
    /// The category mix as an inline SVG bar chart (empty without tickets).
    pub chart: String,
    pub added: Vec<ArticleLink>,
    pub updated: Vec<ArticleLink>,
    pub note_title: Option<String>,
    pub note: String,
    pub previous: Option<WeekLink>,
    pub next: Option<WeekLink>,
}

#[derive(Serialize, Clone)]
pub struct WeekLink {
    pub week: String,
    pub title: String,
    pub url: String,
}

/// A week in the `/hot/` list, and the hot list of the home and system pages.
#[derive(Serialize, Clone)]
pub struct WeekSummary {
    pub week: String,
    pub title: String,
    /// Weeks between this week and the build's (`--as-of`): 0 for the current week. The home
    /// page shows the latest week with hot issues, which is not always this week.
    pub weeks_ago: i64,
    /// What to call the list: "本周热点", "上周热点（2026 年第 48 周）", or the week and its
    /// age ("2026 年第 46 周热点（3 周前）").
    pub heading: String,
    pub dates: String,
    pub url: String,
    pub total: u32,
    pub items: Vec<HotItem>,
}

/// Whole weeks from `from` to `to` (their Mondays are a multiple of 7 days apart).
fn weeks_between(from: IsoWeek, to: IsoWeek) -> i64 {
    // `Date - Date` is a span of days (its largest unit).
    i64::from((to.monday() - from.monday()).get_days()) / 7
}

pub fn week_path(week: IsoWeek) -> String {
    format!("/hot/{week}/")
}

pub fn week_title(week: IsoWeek) -> String {
    format!("{} 年第 {} 周", week.year, week.week)
}

fn dates(week: IsoWeek) -> String {
    format!("{} 至 {}", week.monday(), week.sunday())
}

pub fn week_link(site: &Site, week: IsoWeek) -> WeekLink {
    WeekLink {
        week: week.to_string(),
        title: week_title(week),
        url: site.url(&week_path(week)),
    }
}

fn change_view(change: Change) -> ChangeView {
    match change {
        Change::New => ChangeView {
            kind: "new",
            places: 0,
            text: "新上榜".into(),
        },
        Change::Up(n) => ChangeView {
            kind: "up",
            places: n,
            text: format!("上升 {n} 位"),
        },
        Change::Down(n) => ChangeView {
            kind: "down",
            places: n,
            text: format!("下降 {n} 位"),
        },
        Change::Same => ChangeView {
            kind: "same",
            places: 0,
            text: "排名不变".into(),
        },
        Change::Chosen => ChangeView {
            kind: "chosen",
            places: 0,
            text: "例会选定，本周无工单".into(),
        },
    }
}

pub fn items(site: &Site, rendered: &Rendered, report: &WeekReport) -> Vec<HotItem> {
    report
        .entries
        .iter()
        .map(|entry| {
            let article = &site.content.articles[entry.article];
            HotItem {
                rank: entry.rank,
                article: article_link(site, article, &rendered.articles[entry.article]),
                system_title: site
                    .system(&article.system)
                    .map_or_else(String::new, |s| s.title.clone()),
                tickets: entry.tickets,
                previous_tickets: entry.previous_tickets,
                previous_rank: entry.previous_rank,
                change: change_view(entry.change),
                chosen: entry.chosen,
            }
        })
        .collect()
}

pub fn summary(site: &Site, rendered: &Rendered, report: &WeekReport, limit: usize) -> WeekSummary {
    let mut items = items(site, rendered, report);
    items.truncate(limit);
    let weeks_ago = weeks_between(report.week, IsoWeek::of(site.as_of));
    WeekSummary {
        week: report.week.to_string(),
        title: week_title(report.week),
        weeks_ago,
        heading: match weeks_ago {
            0 => "本周热点".to_string(),
            1 => format!("上周热点（{}）", week_title(report.week)),
            n => format!("{}热点（{n} 周前）", week_title(report.week)),
        },
        dates: dates(report.week),
        url: site.url(&week_path(report.week)),
        total: report.total,
        items,
    }
}

pub fn week_view(
    site: &Site,
    rendered: &Rendered,
    report: &WeekReport,
    neighbours: (Option<IsoWeek>, Option<IsoWeek>),
) -> WeekView {
    let link = |i: &usize| article_link(site, &site.content.articles[*i], &rendered.articles[*i]);
    let categories: Vec<CategoryCount> = report
        .category_shares()
        .into_iter()
        .map(|(category, count, percent)| CategoryCount {
            key: category.key(),
            label: category.label(),
            count,
            percent,
        })
        .collect();
    let note = site
        .content
        .weekly
        .iter()
        .position(|n| n.week == report.week);
    WeekView {
        week: report.week.to_string(),
        title: week_title(report.week),
        dates: dates(report.week),
        url: site.url(&week_path(report.week)),
        items: items(site, rendered, report),
        total: report.total,
        chart: chart(&report.week, &categories, report.total),
        categories,
        added: report.added.iter().map(link).collect(),
        updated: report.updated.iter().map(link).collect(),
        note_title: note.and_then(|i| site.content.weekly[i].title.clone()),
        note: note
            .map(|i| rendered.weekly[i].html.clone())
            .unwrap_or_default(),
        previous: neighbours.0.map(|w| week_link(site, w)),
        next: neighbours.1.map(|w| week_link(site, w)),
    }
}

/// The category mix as horizontal bars: inline SVG with a text alternative, colours from the
/// theme's CSS (classes), so it follows light and dark mode.
fn chart(week: &IsoWeek, categories: &[CategoryCount], total: u32) -> String {
    if total == 0 {
        return String::new();
    }
    const WIDTH: u32 = 320;
    const LABEL: u32 = 64;
    const BAR: u32 = 22;
    const GAP: u32 = 10;
    let height = categories.len() as u32 * (BAR + GAP);
    let max = categories.iter().map(|c| c.count).max().unwrap_or(1).max(1);
    let description: Vec<String> = categories
        .iter()
        .map(|c| format!("{} {} 件（{}%）", c.label, c.count, c.percent))
        .collect();
    let id = format!("mix-{week}");
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">{} 工单类别分布（共 {total} 件）</title><desc id=\"{id}-d\">{}</desc>",
        week_title(*week),
        description.join("，")
    );
    let bar_space = WIDTH - LABEL - 96;
    for (i, c) in categories.iter().enumerate() {
        let y = i as u32 * (BAR + GAP);
        let width = (c.count as u64 * bar_space as u64 / max as u64) as u32;
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" class=\"chart-label\">{}</text>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{}\" height=\"{BAR}\" rx=\"3\" class=\"bar bar-{}\"/>\
             <text x=\"{}\" y=\"{}\" class=\"chart-value\">{}（{}%）</text>",
            y + BAR - 6,
            c.label,
            width.max(1),
            c.key,
            LABEL + width.max(1) + 6,
            y + BAR - 6,
            c.count,
            c.percent
        ));
    }
    svg.push_str("</svg>");
    svg
}

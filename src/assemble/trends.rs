//! The trend pages: the trend over every week with tickets on `/hot/`, the monthly pages
//! `/hot/YYYY-MM/`, an answer's recent weeks, and the answers whose tickets fell on a weekly
//! page. The numbers come from [`crate::trends`].

use serde::Serialize;

use super::charts::{self, Share, Stack};
use super::views::{ArticleLink, CategoryView, article_link};
use super::weekly::{CategoryCount, WeekLink, week_link, week_path};
use crate::model::{Article, Category, IsoWeek, Month, Site};
use crate::render::Rendered;
use crate::trends::{self, Action, Counts, MonthReport};

/// The share of consultations the team's account of its service center reports for every
/// period; the trend chart draws it as a reference line.
const CONSULTATION_REFERENCE: f64 = 80.0;

/// Answers ranked on a monthly page; the others are counted.
const MONTH_RANKING: usize = 20;

/// A row of the trend table: one week (or month).
#[derive(Serialize)]
pub struct PeriodRow {
    /// `2026-W39` or `2026-09`.
    pub key: String,
    /// `2026 年第 39 周`.
    pub title: String,
    /// The period's page, when it has one.
    pub url: Option<String>,
    /// Whether an export covers the period; without one the counts are empty.
    pub has_data: bool,
    /// Tickets by category, in the order of `categories` of the trend.
    pub counts: Vec<u32>,
    pub total: u32,
    /// Share of consultations in percent, one decimal.
    pub consultation_percent: Option<f64>,
}

/// The trend on `/hot/`: `trend` in `hot.html`.
#[derive(Serialize)]
pub struct TrendView {
    /// `2026-W39 至 2026-W46`.
    pub range: String,
    pub weeks: Vec<PeriodRow>,
    /// The four categories, in the order of the chart's stacks and the table's columns.
    pub categories: Vec<CategoryView>,
    /// Tickets per week by category (inline SVG).
    pub chart: String,
    /// The share of consultations per week (inline SVG).
    pub share_chart: String,
    /// Over all the weeks.
    pub total: u32,
    pub consultation_percent: Option<f64>,
    /// Weeks whose share of consultations was at least 80 %, of those with tickets.
    pub weeks_over_reference: usize,
    pub weeks_with_tickets: usize,
    pub months: Vec<PeriodRow>,
}

/// A week of the search log on `/hot/`.
#[derive(Serialize)]
pub struct SearchWeek {
    /// `2026-W46`.
    pub week: String,
    pub url: Option<String>,
    pub searches: u32,
    /// Found nothing, and the share of all searches in percent.
    pub nothing: u32,
    pub nothing_percent: f64,
    /// Found answers but none was opened.
    pub not_opened: u32,
    pub not_opened_percent: f64,
}

/// The searches per week from the search log (`data/search-logs/`), oldest first; counts only,
/// never a query.
pub fn search_weeks(site: &Site, pages: &[IsoWeek]) -> Vec<SearchWeek> {
    site.searches
        .weeks
        .range(..=IsoWeek::of(site.as_of))
        .map(|(&week, c)| SearchWeek {
            week: week.to_string(),
            url: pages.contains(&week).then(|| site.url(&week_path(week))),
            searches: c.searches,
            nothing: c.nothing,
            nothing_percent: trends::percent(c.nothing, c.searches).unwrap_or(0.0),
            not_opened: c.not_opened,
            not_opened_percent: trends::percent(c.not_opened, c.searches).unwrap_or(0.0),
        })
        .collect()
}

pub fn month_path(month: Month) -> String {
    format!("/hot/{month}/")
}

pub fn month_title(month: Month) -> String {
    format!("{} 年 {} 月", month.year, month.month)
}

fn categories() -> Vec<CategoryView> {
    Category::ALL.iter().map(|&c| c.into()).collect()
}

fn row(key: String, title: String, url: Option<String>, counts: Option<Counts>) -> PeriodRow {
    let c = counts.unwrap_or_default();
    PeriodRow {
        key,
        title,
        url,
        has_data: counts.is_some(),
        counts: c.by_category.to_vec(),
        total: c.total,
        consultation_percent: c.consultation_percent(),
    }
}

/// The trend over every week with ticket data; `None` without tickets. `pages` are the weeks
/// that have a weekly page.
pub fn trend_view(site: &Site, pages: &[IsoWeek]) -> Option<TrendView> {
    let series = trends::weekly_series(site, &site.tickets);
    let (first, last) = (series.first()?.week, series.last()?.week);
    let weeks: Vec<PeriodRow> = series
        .iter()
        .map(|p| {
            row(
                p.week.to_string(),
                super::weekly::week_title(p.week),
                pages
                    .contains(&p.week)
                    .then(|| site.url(&week_path(p.week))),
                p.tickets,
            )
        })
        .collect();
    let short = |w: IsoWeek| format!("W{:02}", w.week);
    let stacks: Vec<Stack> = series
        .iter()
        .map(|p| Stack {
            label: short(p.week),
            values: p.tickets.map(|c| c.by_category),
        })
        .collect();
    let range = format!("{first} 至 {last}");
    let order: Vec<&str> = Category::ALL.iter().map(|c| c.label()).collect();
    let chart = charts::stacked_bars(
        "trend",
        &format!("每周工单（按类别），{range}"),
        &format!(
            "堆叠柱形图：每根柱子是一周的工单数，自下而上依次为{}；各周数字见下表",
            order.join("、")
        ),
        &stacks,
    );
    let points: Vec<(String, Option<f64>)> = series
        .iter()
        .map(|p| {
            (
                short(p.week),
                p.tickets.and_then(|c| c.consultation_percent()),
            )
        })
        .collect();
    let share_chart = charts::share_line(
        "share",
        &format!("咨询类工单占比，{range}"),
        "折线图：每周咨询类工单占全部工单的百分比，虚线为 80%；各周数字见下表",
        &points,
        CONSULTATION_REFERENCE,
    );
    let mut all = Counts::default();
    for counts in series.iter().filter_map(|p| p.tickets) {
        all.total += counts.total;
        for (sum, n) in all.by_category.iter_mut().zip(counts.by_category) {
            *sum += n;
        }
    }
    let shares: Vec<f64> = series
        .iter()
        .filter_map(|p| p.tickets.and_then(|c| c.consultation_percent()))
        .collect();
    let months = trends::months(site, &site.tickets)
        .into_iter()
        .map(|m| {
            row(
                m.to_string(),
                month_title(m),
                Some(site.url(&month_path(m))),
                site.tickets.months.get(&m).map(|t| Counts {
                    by_category: t.by_category,
                    total: t.total,
                }),
            )
        })
        .collect();
    Some(TrendView {
        range,
        weeks,
        categories: categories(),
        chart,
        share_chart,
        total: all.total,
        consultation_percent: all.consultation_percent(),
        weeks_over_reference: shares
            .iter()
            .filter(|&&p| p >= CONSULTATION_REFERENCE)
            .count(),
        weeks_with_tickets: shares.len(),
        months,
    })
}

#[derive(Serialize)]
pub struct MonthItem {
    pub rank: usize,
    pub article: ArticleLink,
    pub system_title: String,
    pub tickets: u32,
    pub previous_tickets: u32,
    pub previous_rank: Option<usize>,
    pub change: super::weekly::ChangeView,
}

#[derive(Serialize)]
pub struct MonthLink {
    pub month: String,
    pub title: String,
    pub url: String,
}

/// A monthly page: `month` in `month.html`.
#[derive(Serialize)]
pub struct MonthView {
    /// `2026-10`.
    pub month: String,
    /// `2026 年 10 月`.
    pub title: String,
    /// `2026-10-01 至 2026-10-31`.
    pub dates: String,
    /// When the exports cover only part of the month: `2026-10-05 至 2026-10-25`.
    pub covered: Option<String>,
    pub url: String,
    /// The first [`MONTH_RANKING`] answers by tickets.
    pub items: Vec<MonthItem>,
    /// Answers with tickets beyond those.
    pub more: usize,
    pub total: u32,
    /// The month before, when the exports cover it.
    pub previous_total: Option<u32>,
    /// Change of the total against the month before: `+12.5%`.
    pub total_change: Option<String>,
    pub categories: Vec<CategoryCount>,
    /// Category shares of the month before, in the same order.
    pub previous_categories: Vec<CategoryCount>,
    pub consultation_percent: Option<f64>,
    pub chart: String,
    /// The weeks of the month that have a weekly page.
    pub weeks: Vec<WeekLink>,
    pub previous: Option<MonthLink>,
    pub next: Option<MonthLink>,
}

/// The monthly page of the month a week's Thursday is in, when there is one.
pub fn month_of_week(site: &Site, week: IsoWeek) -> Option<MonthLink> {
    let thursday = week.monday() + jiff::Span::new().days(3);
    let month = Month::of(thursday);
    (site.tickets.months.contains_key(&month) && month <= Month::of(site.as_of))
        .then(|| month_link(site, month))
}

fn month_link(site: &Site, month: Month) -> MonthLink {
    MonthLink {
        month: month.to_string(),
        title: month_title(month),
        url: site.url(&month_path(month)),
    }
}

fn category_counts(counts: &Counts) -> Vec<CategoryCount> {
    Category::ALL
        .iter()
        .zip(counts.by_category)
        .map(|(c, n)| CategoryCount {
            key: c.key(),
            label: c.label(),
            count: n,
            percent: trends::percent(n, counts.total).unwrap_or(0.0),
        })
        .collect()
}

pub fn month_view(
    site: &Site,
    rendered: &Rendered,
    report: &MonthReport,
    pages: &[IsoWeek],
    neighbours: (Option<Month>, Option<Month>),
) -> MonthView {
    let month = report.month;
    let items = report
        .entries
        .iter()
        .take(MONTH_RANKING)
        .map(|e| {
            let article = &site.content.articles[e.article];
            MonthItem {
                rank: e.rank,
                article: article_link(site, article, &rendered.articles[e.article]),
                system_title: site
                    .system(&article.system)
                    .map_or_else(String::new, |s| s.title.clone()),
                tickets: e.tickets,
                previous_tickets: e.previous_tickets,
                previous_rank: e.previous_rank,
                change: super::weekly::change_view(e.change),
            }
        })
        .collect();
    let categories = category_counts(&report.tickets);
    let shares: Vec<Share> = categories
        .iter()
        .zip(Category::ALL)
        .map(|(c, category)| Share {
            category,
            count: c.count,
            percent: c.percent,
        })
        .collect();
    let (first, last) = (month.first_day(), month.last_day());
    let covered = (report.covered != (first, last))
        .then(|| format!("{} 至 {}", report.covered.0, report.covered.1));
    let total_change = report.previous.filter(|p| p.total > 0).map(|p| {
        let change = (report.tickets.total as f64 - p.total as f64) * 100.0 / p.total as f64;
        format!("{:+.1}%", change)
    });
    MonthView {
        month: month.to_string(),
        title: month_title(month),
        dates: format!("{first} 至 {last}"),
        covered,
        url: site.url(&month_path(month)),
        items,
        more: report.entries.len().saturating_sub(MONTH_RANKING),
        total: report.tickets.total,
        previous_total: report.previous.map(|p| p.total),
        total_change,
        previous_categories: report
            .previous
            .map(|p| category_counts(&p))
            .unwrap_or_default(),
        consultation_percent: report.tickets.consultation_percent(),
        chart: charts::category_bars(
            &format!("mix-{month}"),
            &format!("{} 工单类别分布", month_title(month)),
            &shares,
            report.tickets.total,
        ),
        categories,
        weeks: report
            .weeks
            .iter()
            .filter(|w| pages.contains(w))
            .map(|&w| week_link(site, w))
            .collect(),
        previous: neighbours.0.map(|m| month_link(site, m)),
        next: neighbours.1.map(|m| month_link(site, m)),
    }
}

/// An answer's tickets in its last weeks: `article.tickets` in `article.html`.
#[derive(Serialize)]
pub struct TicketHistory {
    /// The bars (inline SVG).
    pub chart: String,
    pub weeks: Vec<TicketWeek>,
    pub total: u32,
}

#[derive(Serialize)]
pub struct TicketWeek {
    /// `2026-W46`.
    pub week: String,
    /// `W46`.
    pub label: String,
    /// `None`: no export covers the week.
    pub tickets: Option<u32>,
}

/// The answer's tickets over the last 8 weeks with ticket data, when it had any.
pub fn ticket_history(site: &Site, article: &Article) -> Option<TicketHistory> {
    let weeks = trends::article_weeks(site, &site.tickets, &article.id.value);
    if weeks.is_empty() {
        return None;
    }
    let values: Vec<Option<u32>> = weeks.iter().map(|(_, n)| *n).collect();
    Some(TicketHistory {
        chart: charts::sparkline(&values),
        total: values.iter().flatten().sum(),
        weeks: weeks
            .iter()
            .map(|(w, n)| TicketWeek {
                week: w.to_string(),
                label: format!("W{:02}", w.week),
                tickets: *n,
            })
            .collect(),
    })
}

/// An answer whose tickets fell after the team acted on it, on a weekly page.
#[derive(Serialize)]
pub struct FallView {
    pub article: ArticleLink,
    /// `published`, `updated` or `session`.
    pub action: &'static str,
    /// `2026-10-13 更新`, `2026-10-15 直播“事件流程分享”讲解`.
    pub what: String,
    pub date: String,
    /// The session's page, for a session.
    pub session_url: Option<String>,
    /// Tickets a week before the action, on average (`7.5`).
    pub before: String,
    pub after: u32,
    /// In words: `2026-10-13 更新后，工单由每周 7.5 件降至 2 件`.
    pub text: String,
}

pub fn fall_views(site: &Site, rendered: &Rendered, week: IsoWeek) -> Vec<FallView> {
    trends::falls(site, &site.tickets, week)
        .into_iter()
        .map(|fall| {
            let article = &site.content.articles[fall.article];
            let (action, what, session_url) = match fall.action {
                Action::Published => ("published", format!("{} 发布", fall.date), None),
                Action::Updated => ("updated", format!("{} 更新", fall.date), None),
                Action::Session(s) => {
                    let session = &site.content.sessions[s];
                    (
                        "session",
                        format!("{} 直播“{}”讲解", fall.date, session.title),
                        Some(site.url(&session.path())),
                    )
                }
            };
            // One decimal only where the average is not whole.
            let before = if fall.before.fract() == 0.0 {
                format!("{}", fall.before)
            } else {
                format!("{:.1}", fall.before)
            };
            FallView {
                article: article_link(site, article, &rendered.articles[fall.article]),
                action,
                text: format!("{what}后，工单由每周 {before} 件降至 {} 件", fall.after),
                what,
                date: fall.date.to_string(),
                session_url,
                before,
                after: fall.after,
            }
        })
        .collect()
}

//! Weekly hot issues: which answers were asked about most in an ISO week, and how that changed
//! against the week before.
//!
//! A week's ranking comes from the ticket exports (tickets per article) and from the articles'
//! `hot` field (the team's own choice in the Tuesday meeting). Articles with tickets come first,
//! most tickets first; articles marked hot without tickets follow.

use std::collections::{BTreeSet, HashMap};

use crate::load::tickets::{TicketData, WeekTickets};
use crate::model::{Category, IsoWeek, Site};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Not in the previous week's ranking.
    New,
    /// Places gained.
    Up(usize),
    /// Places lost.
    Down(usize),
    Same,
    /// No tickets this week: listed because the team chose it (`hot`), not ranked by tickets,
    /// so it neither rose nor entered the ranking.
    Chosen,
}

#[derive(Debug, Clone)]
pub struct HotEntry {
    /// Index into `site.content.articles`.
    pub article: usize,
    pub rank: usize,
    pub tickets: u32,
    /// Tickets the week before.
    pub previous_tickets: u32,
    /// Place the week before, if it was listed.
    pub previous_rank: Option<usize>,
    pub change: Change,
    /// Marked hot by the team (`hot` field) for this week.
    pub chosen: bool,
}

#[derive(Debug, Clone)]
pub struct WeekReport {
    pub week: IsoWeek,
    pub entries: Vec<HotEntry>,
    /// Tickets per category, indexed like [`Category::ALL`].
    pub by_category: [u32; 4],
    pub total: u32,
    /// Articles whose `created` date falls in the week.
    pub added: Vec<usize>,
    /// Articles whose `updated` date falls in the week (and were not added in it).
    pub updated: Vec<usize>,
}

/// The weeks that have something to show (tickets, hot articles, an editorial note), up to and
/// including the week of `site.as_of`, newest first.
pub fn weeks(site: &Site, tickets: &TicketData) -> Vec<IsoWeek> {
    let current = IsoWeek::of(site.as_of);
    let mut weeks: BTreeSet<IsoWeek> = tickets.weeks.keys().copied().collect();
    weeks.extend(
        site.content
            .articles
            .iter()
            .flat_map(|a| a.hot.iter().copied()),
    );
    weeks.extend(site.content.weekly.iter().map(|w| w.week));
    weeks.into_iter().rev().filter(|w| *w <= current).collect()
}

/// The week whose hot issues the home page shows: the current week if it has any, otherwise the
/// latest week before it that has.
pub fn current_week(site: &Site, tickets: &TicketData) -> Option<IsoWeek> {
    weeks(site, tickets).into_iter().find(|w| {
        tickets
            .weeks
            .get(w)
            .is_some_and(|t| !t.by_article.is_empty())
            || site.content.articles.iter().any(|a| a.hot.contains(w))
    })
}

pub fn report(site: &Site, tickets: &TicketData, week: IsoWeek) -> WeekReport {
    let empty = WeekTickets::default();
    let this = tickets.weeks.get(&week).unwrap_or(&empty);
    let previous_week = week.previous();
    let previous = ranking(
        site,
        tickets.weeks.get(&previous_week).unwrap_or(&empty),
        previous_week,
    );
    let previous_rank: HashMap<usize, (usize, u32)> = previous
        .iter()
        .map(|(article, rank, tickets, _)| (*article, (*rank, *tickets)))
        .collect();

    let entries = ranking(site, this, week)
        .into_iter()
        .map(|(article, rank, count, chosen)| {
            let before = previous_rank.get(&article).copied();
            let change = match before {
                _ if count == 0 => Change::Chosen,
                None => Change::New,
                Some((before, _)) if before > rank => Change::Up(before - rank),
                Some((before, _)) if before < rank => Change::Down(rank - before),
                Some(_) => Change::Same,
            };
            HotEntry {
                article,
                rank,
                tickets: count,
                previous_tickets: before.map_or(0, |b| b.1),
                previous_rank: before.map(|b| b.0),
                change,
                chosen,
            }
        })
        .collect();

    let (monday, sunday) = (week.monday(), week.sunday());
    let in_week = |d: Option<jiff::civil::Date>| d.is_some_and(|d| d >= monday && d <= sunday);
    let articles = &site.content.articles;
    let added: Vec<usize> = (0..articles.len())
        .filter(|&i| in_week(articles[i].created))
        .collect();
    let updated = (0..articles.len())
        .filter(|&i| in_week(articles[i].updated) && !added.contains(&i))
        .collect();

    WeekReport {
        week,
        entries,
        by_category: this.by_category,
        total: this.total,
        added,
        updated,
    }
}

/// (article index, rank, tickets, chosen) in ranking order.
fn ranking(site: &Site, tickets: &WeekTickets, week: IsoWeek) -> Vec<(usize, usize, u32, bool)> {
    let mut ranked: Vec<(usize, u32, bool)> = Vec::new();
    for (id, &count) in &tickets.by_article {
        if let Some(&i) = site.by_id.get(id) {
            ranked.push((i, count, site.content.articles[i].hot.contains(&week)));
        }
    }
    for (i, article) in site.content.articles.iter().enumerate() {
        if article.hot.contains(&week) && !tickets.by_article.contains_key(&article.id.value) {
            ranked.push((i, 0, true));
        }
    }
    // Most tickets first; among equals, the team's choice, then the id for a stable order.
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then_with(|| {
            site.content.articles[a.0]
                .id
                .value
                .cmp(&site.content.articles[b.0].id.value)
        })
    });
    ranked
        .into_iter()
        .enumerate()
        .map(|(rank, (i, n, chosen))| (i, rank + 1, n, chosen))
        .collect()
}

impl WeekReport {
    /// Share of each category in percent (one decimal), for the chart's text.
    pub fn category_shares(&self) -> [(Category, u32, f64); 4] {
        let total = self.total.max(1) as f64;
        let mut shares = [(Category::Data, 0, 0.0); 4];
        for (i, category) in Category::ALL.iter().enumerate() {
            let n = self.by_category[i];
            shares[i] = (*category, n, (n as f64 * 1000.0 / total).round() / 10.0);
        }
        shares
    }
}

impl Change {
    /// Short form for the terminal: `new`, `+2`, `-1`, `=`.
    pub fn short(self) -> String {
        match self {
            Change::New => "new".into(),
            Change::Up(n) => format!("+{n}"),
            Change::Down(n) => format!("-{n}"),
            Change::Same => "=".into(),
            Change::Chosen => "chosen".into(),
        }
    }
}

/// The week's ranking as a terminal table, for `qaportal week`.
pub fn format_report(site: &Site, report: &WeekReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let week = report.week;
    let _ = writeln!(
        out,
        "{week} ({} to {}): {} tickets",
        week.monday(),
        week.sunday(),
        report.total
    );
    if report.entries.is_empty() {
        let _ = writeln!(out, "no hot issues this week");
    } else {
        let _ = writeln!(
            out,
            "{:>4} {:>7} {:>6}  {:<8} title",
            "rank", "tickets", "change", "id"
        );
    }
    for entry in &report.entries {
        let article = &site.content.articles[entry.article];
        let chosen = if entry.chosen { "  [hot]" } else { "" };
        let _ = writeln!(
            out,
            "{:>4} {:>7} {:>6}  {:<8} {}{chosen}",
            entry.rank,
            entry.tickets,
            entry.change.short(),
            article.id.value,
            article.title
        );
    }
    if report.total > 0 {
        let mix: Vec<String> = report
            .category_shares()
            .iter()
            .map(|(category, n, percent)| format!("{} {n} ({percent}%)", category.label()))
            .collect();
        let _ = writeln!(out, "categories: {}", mix.join(" · "));
    }
    out
}

/// A weekly page prefilled from the numbers, for the team to edit after the Tuesday meeting.
pub fn weekly_note(site: &Site, report: &WeekReport) -> String {
    use std::fmt::Write as _;
    let week = report.week;
    let mut out = format!(
        "---\ntitle: {} 年第 {} 周热点问题\n---\n\n",
        week.year, week.week
    );
    let _ = writeln!(
        out,
        "本周（{} 至 {}）共受理工单 {} 件。以下是例会讨论的热点问题，请补充结论和提醒。\n",
        week.monday(),
        week.sunday(),
        report.total
    );
    for entry in report.entries.iter().take(5) {
        let article = &site.content.articles[entry.article];
        let change = match entry.change {
            Change::New => "，新上榜".to_string(),
            Change::Up(n) => format!("，上升 {n} 位"),
            Change::Down(n) => format!("，下降 {n} 位"),
            Change::Same => "，排名不变".to_string(),
            Change::Chosen => String::new(),
        };
        let _ = writeln!(
            out,
            "- **[{}]({})**：{} 件工单{change}。结论：",
            article.title, article.id.value, entry.tickets
        );
    }
    out
}

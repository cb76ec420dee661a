//! Trends in the ticket data: every week and month with tickets, an answer's recent weeks, and
//! the answers whose tickets fell after the team acted on them (published, updated, or covered
//! them in a live session).
//!
//! [`crate::hot`] ranks one week; this module looks across periods. Both read the
//! [`TicketData`] of the load stage; nothing here reads files.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::hot::Change;
use crate::load::tickets::{TicketData, WeekTickets};
use crate::model::{ArticleId, Category, IsoWeek, Month, Site};

/// Weeks of an answer's ticket history on its page.
pub const ARTICLE_WEEKS: usize = 8;

/// How far back an action may lie for the weekly page to credit it with a fall (in weeks before
/// the page's week): an update shows in the tickets within a month, or not at all.
pub const FALL_LOOKBACK_WEEKS: usize = 4;

/// Weeks before an action whose tickets are its baseline.
pub const FALL_BASELINE_WEEKS: usize = 2;

/// A baseline below this many tickets a week is noise, not a trend.
pub const FALL_MIN_BASELINE: f64 = 3.0;

/// A week: tickets by category, or `None` when no export covers it (a gap in the data is not
/// a week without tickets).
#[derive(Debug, Clone)]
pub struct WeekPoint {
    pub week: IsoWeek,
    pub tickets: Option<Counts>,
}

/// Tickets of a period by category (indexed like [`Category::ALL`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub by_category: [u32; 4],
    pub total: u32,
}

impl Counts {
    fn of(tickets: &WeekTickets) -> Counts {
        Counts {
            by_category: tickets.by_category,
            total: tickets.total,
        }
    }

    /// Share of consultations (`咨询类`) in percent, one decimal; `None` without tickets.
    pub fn consultation_percent(&self) -> Option<f64> {
        let i = Category::ALL
            .iter()
            .position(|c| *c == Category::Consultation)
            .expect("a known category");
        percent(self.by_category[i], self.total)
    }
}

/// `part` of `total` in percent with one decimal; `None` when `total` is 0.
pub fn percent(part: u32, total: u32) -> Option<f64> {
    (total > 0).then(|| (part as f64 * 1000.0 / total as f64).round() / 10.0)
}

/// The latest week with ticket data, up to the week of `site.as_of`.
pub fn last_ticket_week(site: &Site, tickets: &TicketData) -> Option<IsoWeek> {
    tickets
        .weeks
        .range(..=IsoWeek::of(site.as_of))
        .next_back()
        .map(|(week, _)| *week)
}

/// Every week from the first with tickets to the last (up to the week of `site.as_of`), oldest
/// first; weeks without an export in between are there, without tickets.
pub fn weekly_series(site: &Site, tickets: &TicketData) -> Vec<WeekPoint> {
    let Some(last) = last_ticket_week(site, tickets) else {
        return Vec::new();
    };
    let first = *tickets.weeks.keys().next().expect("a week with tickets");
    let mut points = Vec::new();
    let mut week = first;
    loop {
        points.push(WeekPoint {
            week,
            tickets: tickets.weeks.get(&week).map(Counts::of),
        });
        if week >= last {
            break;
        }
        week = week.next();
    }
    points
}

/// The months with tickets up to the month of `site.as_of`, newest first.
pub fn months(site: &Site, tickets: &TicketData) -> Vec<Month> {
    tickets
        .months
        .range(..=Month::of(site.as_of))
        .rev()
        .map(|(month, _)| *month)
        .collect()
}

#[derive(Debug, Clone)]
pub struct MonthEntry {
    /// Index into `site.content.articles`.
    pub article: usize,
    pub rank: usize,
    pub tickets: u32,
    pub previous_tickets: u32,
    /// Its place the month before, if it had tickets then.
    pub previous_rank: Option<usize>,
    pub change: Change,
}

#[derive(Debug, Clone)]
pub struct MonthReport {
    pub month: Month,
    pub entries: Vec<MonthEntry>,
    pub tickets: Counts,
    /// The month before, when the exports cover it.
    pub previous: Option<Counts>,
    /// The days of the month the exports cover: it may begin late (the first export) or end
    /// early (the current month).
    pub covered: (Date, Date),
    /// The ISO weeks that overlap the month, oldest first.
    pub weeks: Vec<IsoWeek>,
}

pub fn month_report(site: &Site, tickets: &TicketData, month: Month) -> MonthReport {
    let empty = WeekTickets::default();
    let this = tickets.months.get(&month).unwrap_or(&empty);
    let before = tickets.months.get(&month.previous());
    let previous_rank: HashMap<usize, (usize, u32)> = before
        .map(|b| ranking(site, b))
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, (article, n))| (article, (i + 1, n)))
        .collect();
    let entries = ranking(site, this)
        .into_iter()
        .enumerate()
        .map(|(i, (article, count))| {
            let rank = i + 1;
            let before = previous_rank.get(&article).copied();
            let change = Change::between(before.map(|b| b.0), rank);
            MonthEntry {
                article,
                rank,
                tickets: count,
                previous_tickets: before.map_or(0, |b| b.1),
                previous_rank: before.map(|b| b.0),
                change,
            }
        })
        .collect();
    // Exports come by week: the month is known from the first week with tickets to the last
    // (a month that began before the first export, or the current month, is known in part).
    let (first, last) = (month.first_day(), month.last_day());
    let data_weeks = tickets.weeks.range(..=IsoWeek::of(site.as_of));
    let known_from = data_weeks.clone().next().map_or(first, |(w, _)| w.monday());
    let known_to = data_weeks.last().map_or(last, |(w, _)| w.sunday());
    let covered = (first.max(known_from), last.min(known_to));
    let mut weeks = Vec::new();
    let mut week = IsoWeek::of(first);
    while week.monday() <= last {
        weeks.push(week);
        week = week.next();
    }
    MonthReport {
        month,
        entries,
        tickets: Counts::of(this),
        previous: before.map(Counts::of),
        covered,
        weeks,
    }
}

/// Articles with tickets in the period, most first (then by id, for a stable order).
fn ranking(site: &Site, tickets: &WeekTickets) -> Vec<(usize, u32)> {
    let mut ranked: Vec<(usize, u32)> = tickets
        .by_article
        .iter()
        .filter_map(|(id, &n)| site.by_id.get(id).map(|&i| (i, n)))
        .collect();
    let id = |i: usize| &site.content.articles[i].id.value;
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| id(a.0).cmp(id(b.0))));
    ranked
}

/// An answer's tickets in the [`ARTICLE_WEEKS`] weeks up to the last week with ticket data,
/// oldest first (`None`: no export covers the week); empty when it had none in them.
pub fn article_weeks(
    site: &Site,
    tickets: &TicketData,
    id: &ArticleId,
) -> Vec<(IsoWeek, Option<u32>)> {
    let Some(last) = last_ticket_week(site, tickets) else {
        return Vec::new();
    };
    let mut weeks = vec![last];
    while weeks.len() < ARTICLE_WEEKS {
        let earlier = weeks.last().expect("not empty").previous();
        weeks.push(earlier);
    }
    weeks.reverse();
    let counts: Vec<(IsoWeek, Option<u32>)> = weeks
        .into_iter()
        .map(|w| {
            let n = tickets
                .weeks
                .get(&w)
                .map(|t| t.by_article.get(id).copied().unwrap_or(0));
            (w, n)
        })
        .collect();
    if counts.iter().any(|(_, n)| n.is_some_and(|n| n > 0)) {
        counts
    } else {
        Vec::new()
    }
}

/// What the team did to an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Published,
    Updated,
    /// Covered in the live session of this index in `site.content.sessions`.
    Session(usize),
}

/// An answer whose tickets fell after an action: the baseline is the average of the
/// [`FALL_BASELINE_WEEKS`] weeks before the action's week (those with ticket data), `after` the
/// page's week.
#[derive(Debug, Clone)]
pub struct Fall {
    pub article: usize,
    pub action: Action,
    pub date: Date,
    /// Tickets a week before the action, on average.
    pub before: f64,
    pub after: u32,
}

/// The answers whose tickets in `week` fell to at most half their level before an action of
/// the team in the [`FALL_LOOKBACK_WEEKS`] weeks before, from a baseline of at least
/// [`FALL_MIN_BASELINE`] a week; the latest such action per answer, biggest fall first.
///
/// Half, and not any fall, because weekly counts of a few tickets vary by chance: a baseline of
/// four tickets a week gives a week with two or fewer about one time in four by chance alone,
/// but one with a single ticket or none far more rarely; the page shows the numbers, so the
/// team judges the rest.
pub fn falls(site: &Site, tickets: &TicketData, week: IsoWeek) -> Vec<Fall> {
    let Some(this) = tickets.weeks.get(&week) else {
        return Vec::new();
    };
    let mut actions: Vec<Vec<(Date, Action)>> = vec![Vec::new(); site.content.articles.len()];
    for (i, article) in site.content.articles.iter().enumerate() {
        actions[i].extend(article.created.map(|d| (d, Action::Published)));
        actions[i].extend(article.updated.map(|d| (d, Action::Updated)));
    }
    for (s, session) in site.content.sessions.iter().enumerate() {
        for id in &session.articles {
            if let Some(&i) = site.by_id.get(&id.value) {
                actions[i].push((session.date, Action::Session(s)));
            }
        }
    }
    let earliest = (0..FALL_LOOKBACK_WEEKS).fold(week, |w, _| w.previous());
    let mut found = Vec::new();
    for (i, mut acts) in actions.into_iter().enumerate() {
        // The latest action first: the one most likely to explain this week.
        acts.sort_by_key(|a| std::cmp::Reverse(a.0));
        let id = &site.content.articles[i].id.value;
        let after = this.by_article.get(id).copied().unwrap_or(0);
        for (date, action) in acts {
            let acted = IsoWeek::of(date);
            if acted >= week || acted < earliest {
                continue;
            }
            let mut baseline = Vec::new();
            let mut w = acted;
            for _ in 0..FALL_BASELINE_WEEKS {
                w = w.previous();
                if let Some(t) = tickets.weeks.get(&w) {
                    baseline.push(t.by_article.get(id).copied().unwrap_or(0));
                }
            }
            if baseline.is_empty() {
                continue;
            }
            let before = baseline.iter().sum::<u32>() as f64 / baseline.len() as f64;
            if before >= FALL_MIN_BASELINE && after as f64 * 2.0 <= before {
                found.push(Fall {
                    article: i,
                    action,
                    date,
                    before,
                    after,
                });
                break;
            }
        }
    }
    found.sort_by(|a, b| {
        (b.before - b.after as f64)
            .total_cmp(&(a.before - a.after as f64))
            .then(a.article.cmp(&b.article))
    });
    found
}

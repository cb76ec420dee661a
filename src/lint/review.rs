//! Reviews: every answer is confirmed by its system's product owner at least once per review
//! interval (`[review] interval_days`), counted to the build's `--as-of` date so that the
//! result does not depend on the day it runs.

use jiff::civil::Date;
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Article, Site};
use crate::source::Span;

/// An answer due for review.
#[derive(Debug, Serialize)]
pub struct Due {
    pub id: String,
    pub title: String,
    /// The source file, relative to `content/`.
    pub file: String,
    /// The last review, `None` if there never was one.
    pub reviewed_on: Option<String>,
    pub reviewed_by: Option<String>,
    /// Days since the last review.
    pub days: Option<i32>,
}

/// The answers due for review of one owner.
#[derive(Debug, Serialize)]
pub struct OwnerList {
    /// The system's `owner`; `None` for systems without one.
    pub owner: Option<String>,
    pub articles: Vec<Due>,
}

fn age(article: &Article, as_of: Date) -> Option<i32> {
    let review = article.reviewed.as_ref()?;
    Some((as_of - review.on).get_days())
}

fn is_due(article: &Article, site: &Site) -> bool {
    age(article, site.as_of).is_none_or(|days| days > site.config.review.interval_days as i32)
}

/// A warning for every answer due for review.
pub fn check(site: &Site, diagnostics: &mut Diagnostics) {
    let interval = site.config.review.interval_days;
    for article in &site.content.articles {
        if !is_due(article, site) {
            continue;
        }
        let owner = site
            .system(&article.system)
            .and_then(|s| s.owner.clone())
            .unwrap_or_else(|| "the system's owner".into());
        let today = site.as_of;
        let diagnostic = match (&article.reviewed, age(article, site.as_of)) {
            (Some(review), Some(days)) => Diagnostic::warning(
                "review-overdue",
                format!(
                    "{} was last reviewed {days} days ago (the review interval is {interval} days)",
                    article.id.value
                ),
            )
            .at(review.on_span)
            .label(format!("reviewed by {} on {}", review.by, review.on)),
            _ => Diagnostic::warning(
                "never-reviewed",
                format!("{} has never been reviewed", article.id.value),
            )
            .at(Span::new(article.source, article.id.span.range()))
            .label("no `reviewed` field"),
        };
        diagnostics.push(diagnostic.help(format!(
            "ask {owner} to confirm the answer, then write `reviewed: {{ by: {owner}, on: {today} }}`"
        )));
    }
}

/// The answers due for review, by owner (owners in name order, systems without one last),
/// oldest review first.
pub fn due_by_owner(site: &Site) -> Vec<OwnerList> {
    // Keyed by (no owner, owner) so that answers without an owner come last.
    type Aged<'a> = (&'a Article, Option<i32>);
    let mut lists: std::collections::BTreeMap<(bool, String), Vec<Aged>> = Default::default();
    for article in &site.content.articles {
        if !is_due(article, site) {
            continue;
        }
        let owner = site.system(&article.system).and_then(|s| s.owner.clone());
        lists
            .entry((owner.is_none(), owner.unwrap_or_default()))
            .or_default()
            .push((article, age(article, site.as_of)));
    }
    lists
        .into_iter()
        .map(|((no_owner, owner), mut articles)| {
            // Never reviewed first, then the longest ago; ties by id.
            articles.sort_by(|a, b| {
                let key = |x: &(&Article, Option<i32>)| std::cmp::Reverse(x.1.unwrap_or(i32::MAX));
                key(a)
                    .cmp(&key(b))
                    .then_with(|| a.0.id.value.cmp(&b.0.id.value))
            });
            OwnerList {
                owner: (!no_owner).then_some(owner),
                articles: articles
                    .into_iter()
                    .map(|(article, days)| Due {
                        id: article.id.value.to_string(),
                        title: article.title.clone(),
                        file: article.content_path.clone(),
                        reviewed_on: article.reviewed.as_ref().map(|r| r.on.to_string()),
                        reviewed_by: article.reviewed.as_ref().map(|r| r.by.clone()),
                        days,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The lists as text for the terminal.
pub fn format(lists: &[OwnerList], interval_days: u32) -> String {
    let total: usize = lists.iter().map(|l| l.articles.len()).sum();
    let mut out =
        format!("{total} answers not reviewed in the last {interval_days} days (or never)\n");
    for list in lists {
        let owner = list
            .owner
            .as_deref()
            .unwrap_or("(no owner: set `owner` in the system's _system.md)");
        out.push_str(&format!("\n{owner}: {}\n", list.articles.len()));
        for due in &list.articles {
            let when = match (&due.reviewed_on, due.days) {
                (Some(on), Some(days)) => format!("reviewed {on} ({days} days ago)"),
                _ => "never reviewed".to_string(),
            };
            out.push_str(&format!(
                "  {:<9} {}  {}  content/{}\n",
                due.id, when, due.title, due.file
            ));
        }
    }
    out
}

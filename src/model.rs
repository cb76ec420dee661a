//! The validated site: what the rest of the pipeline may rely on.
//!
//! Everything here has passed the rules of the load stage (required fields present, categories
//! known, weeks and dates valid). Cross-file rules (unique ids, colliding aliases, links) are checked
//! by `validate` and `render` on these values.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use jiff::civil::{Date, ISOWeekDate, Weekday};
use serde::Serialize;

use crate::source::{SourceId, Span};

/// The four kinds of incident the team sorts every answer into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Data,
    Program,
    Consultation,
    Other,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Consultation,
        Category::Data,
        Category::Program,
        Category::Other,
    ];

    /// The label the team uses, e.g. `咨询类`.
    pub fn label(self) -> &'static str {
        match self {
            Category::Data => "数据类",
            Category::Program => "程序类",
            Category::Consultation => "咨询类",
            Category::Other => "其他类",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Category::Data => "data",
            Category::Program => "program",
            Category::Consultation => "consultation",
            Category::Other => "other",
        }
    }

    /// Accepts the Chinese label or the English key (any case).
    pub fn parse(text: &str) -> Option<Category> {
        let text = text.trim();
        Category::ALL
            .into_iter()
            .find(|c| c.label() == text || c.key().eq_ignore_ascii_case(text))
    }

    /// A category the author probably meant, for the error hint (`咨询` → `咨询类`).
    pub fn suggest(text: &str) -> Option<Category> {
        let text = text.trim().trim_end_matches('类');
        if text.is_empty() {
            return None;
        }
        Category::ALL.into_iter().find(|c| {
            c.label().starts_with(text) || c.key().starts_with(&text.to_ascii_lowercase())
        })
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The years qaportal handles (dates, weeks, `--as-of`): a week's neighbours must exist in the
/// calendar (jiff's ends at 9999-12-31, inside 9999-W52).
pub const FIRST_YEAR: i16 = 1000;
pub const LAST_YEAR: i16 = 9998;

/// An ISO 8601 week, written `2017-W31`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    pub year: i16,
    pub week: i8,
}

impl IsoWeek {
    pub fn of(date: Date) -> IsoWeek {
        let iso = date.iso_week_date();
        IsoWeek {
            year: iso.year(),
            week: iso.week(),
        }
    }

    // Weeks come from parsed text or dates, which stay within FIRST_YEAR..=LAST_YEAR, so
    // that the week before and after exist too; the arithmetic below still saturates at the
    // ends of the calendar instead of panicking, whatever a future caller passes.

    pub fn monday(self) -> Date {
        ISOWeekDate::new(self.year, self.week, Weekday::Monday).map_or(Date::MAX, |d| d.date())
    }

    pub fn sunday(self) -> Date {
        ISOWeekDate::new(self.year, self.week, Weekday::Sunday).map_or(Date::MAX, |d| d.date())
    }

    pub fn previous(self) -> IsoWeek {
        self.monday()
            .checked_sub(jiff::Span::new().days(7))
            .map_or(self, IsoWeek::of)
    }

    pub fn next(self) -> IsoWeek {
        self.monday()
            .checked_add(jiff::Span::new().days(7))
            .map_or(self, IsoWeek::of)
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

/// Why a week did not parse; the message is shown to authors.
#[derive(Debug, PartialEq, Eq)]
pub enum WeekError {
    Format,
    OutOfRange {
        year: i16,
    },
    NoSuchWeek {
        year: i16,
        week: i8,
        weeks_in_year: i8,
    },
}

impl fmt::Display for WeekError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WeekError::Format => f.write_str("an ISO week is written YYYY-Www, e.g. 2017-W31"),
            WeekError::OutOfRange { year } => write!(
                f,
                "the year {year} is out of range: weeks from {FIRST_YEAR} to {LAST_YEAR} are supported"
            ),
            WeekError::NoSuchWeek {
                year,
                week,
                weeks_in_year,
            } => write!(
                f,
                "{year} has {weeks_in_year} ISO weeks, so W{week:02} does not exist"
            ),
        }
    }
}

impl FromStr for IsoWeek {
    type Err = WeekError;

    fn from_str(text: &str) -> Result<IsoWeek, WeekError> {
        let (year, week) = text.trim().split_once("-W").ok_or(WeekError::Format)?;
        if year.len() != 4 || week.len() != 2 {
            return Err(WeekError::Format);
        }
        let year: i16 = year.parse().map_err(|_| WeekError::Format)?;
        let week: i8 = week.parse().map_err(|_| WeekError::Format)?;
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(WeekError::OutOfRange { year });
        }
        let weeks_in_year = weeks_in_year(year);
        if week < 1 || week > weeks_in_year {
            return Err(WeekError::NoSuchWeek {
                year,
                week,
                weeks_in_year,
            });
        }
        Ok(IsoWeek { year, week })
    }
}

/// 52 or 53: the ISO week of 28 December is always the year's last.
pub fn weeks_in_year(year: i16) -> i8 {
    Date::new(year, 12, 28)
        .map(|d| d.iso_week_date().week())
        .unwrap_or(52)
}

/// A stable article identifier such as `KB-0042`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ArticleId(pub String);

impl ArticleId {
    /// `KB-` (or another upper-case prefix) followed by digits.
    pub fn is_valid(text: &str) -> bool {
        let Some((prefix, digits)) = text.split_once('-') else {
            return false;
        };
        !prefix.is_empty()
            && prefix.bytes().all(|b| b.is_ascii_uppercase())
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The numeric part, used to find the next free id.
    pub fn number(&self) -> Option<u64> {
        self.0.split_once('-')?.1.parse().ok()
    }
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug)]
pub struct Review {
    pub by: String,
    pub on: Date,
    /// Where the date is written, for the warning when it is too old.
    pub on_span: Span,
}

/// A value together with where it was written, for errors found after loading.
#[derive(Clone, Debug)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

/// An answer: one markdown file under `content/<system>/`.
#[derive(Clone, Debug)]
pub struct Article {
    pub id: Located<ArticleId>,
    pub title: String,
    pub questions: Vec<String>,
    pub category: Category,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub hot: Vec<IsoWeek>,
    /// When the answer was first published; the weekly page lists the week's new answers.
    pub created: Option<Date>,
    pub updated: Option<Date>,
    pub reviewed: Option<Review>,
    pub aliases: Vec<Located<String>>,
    pub draft: bool,
    /// Folder name of the system, e.g. `bank-transfer`.
    pub system: String,
    /// File name without `.md`; the last URL segment.
    pub slug: String,
    pub source: SourceId,
    /// Byte offset of the markdown body in the source file (after the front matter).
    pub body_start: usize,
    /// Path of the source file relative to `content/`, e.g. `bank-transfer/balance.md`.
    pub content_path: String,
}

impl Article {
    /// Site path of the article page, e.g. `/bank-transfer/balance/`.
    pub fn path(&self) -> String {
        format!("/{}/{}/", self.system, self.slug)
    }
}

/// A core system (开户, 交易 …): one folder under `content/`.
#[derive(Clone, Debug)]
pub struct System {
    /// Folder name, used in URLs.
    pub key: String,
    pub title: String,
    pub description: Option<String>,
    pub order: Option<i64>,
    pub owner: Option<String>,
    /// Markdown shown at the top of the system page.
    pub source: Option<SourceId>,
    pub body_start: usize,
}

impl System {
    pub fn path(&self) -> String {
        format!("/{}/", self.key)
    }
}

/// A weekly live training session: `content/sessions/<slug>.md`.
#[derive(Clone, Debug)]
pub struct Session {
    pub slug: String,
    pub title: String,
    pub date: Date,
    pub presenter: Option<String>,
    pub replay: Option<String>,
    pub articles: Vec<Located<ArticleId>>,
    pub source: SourceId,
    pub body_start: usize,
}

impl Session {
    pub fn path(&self) -> String {
        format!("/sessions/{}/", self.slug)
    }
}

/// Editorial text of a week's hot-issue page: `content/weekly/2017-W31.md`.
#[derive(Clone, Debug)]
pub struct WeeklyNote {
    pub week: IsoWeek,
    pub title: Option<String>,
    pub source: SourceId,
    pub body_start: usize,
}

/// Everything loaded from `content/`, in a stable order.
#[derive(Debug, Default)]
pub struct Content {
    /// In display order.
    pub systems: Vec<System>,
    /// Sorted by id.
    pub articles: Vec<Article>,
    /// Newest first.
    pub sessions: Vec<Session>,
    pub weekly: Vec<WeeklyNote>,
    /// Every other file under `content/` (images, attachments), relative to `content/`.
    pub assets: Vec<PathBuf>,
}

/// The validated site, ready to render: content without unpublished drafts, with lookups.
#[derive(Debug)]
pub struct Site {
    pub config: crate::config::Config,
    pub content: Content,
    /// The build's "today": the current week and review ages follow it.
    pub as_of: Date,
    pub by_id: std::collections::HashMap<ArticleId, usize>,
    /// Article index by path relative to `content/` (`trading/locked.md`).
    pub by_content_path: std::collections::HashMap<String, usize>,
    /// Ids of drafts left out of this build, so a link to one gets a precise message.
    pub unpublished: std::collections::HashSet<ArticleId>,
    /// Ticket exports aggregated per week (empty without `data/tickets/`).
    pub tickets: crate::load::tickets::TicketData,
    /// Interchangeable terms from `synonyms.txt`, expanded when indexing.
    pub synonyms: search_index::Synonyms,
}

impl Site {
    pub fn article(&self, id: &ArticleId) -> Option<&Article> {
        self.by_id.get(id).map(|&i| &self.content.articles[i])
    }

    pub fn system(&self, key: &str) -> Option<&System> {
        self.content.systems.iter().find(|s| s.key == key)
    }

    /// A site path (`/trading/x/`) as a link in a page: prefixed with the base path.
    pub fn url(&self, site_path: &str) -> String {
        let base = self.config.base_path();
        format!("{}{}", base.trim_end_matches('/'), site_path)
    }

    /// A site path as an absolute URL, for QR codes, feeds and sitemaps.
    pub fn absolute_url(&self, site_path: &str) -> String {
        self.config.absolute_url(site_path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks_parse_and_validate() {
        assert_eq!(
            "2017-W31".parse(),
            Ok(IsoWeek {
                year: 2017,
                week: 31
            })
        );
        assert_eq!(
            "2020-W53".parse(),
            Ok(IsoWeek {
                year: 2020,
                week: 53
            })
        );
        assert_eq!(
            "2017-W53".parse::<IsoWeek>(),
            Err(WeekError::NoSuchWeek {
                year: 2017,
                week: 53,
                weeks_in_year: 52
            })
        );
        assert!("2017-W00".parse::<IsoWeek>().is_err());
        assert_eq!("2017W31".parse::<IsoWeek>(), Err(WeekError::Format));
        assert_eq!("2017-W3".parse::<IsoWeek>(), Err(WeekError::Format));
    }

    #[test]
    fn weeks_cross_year_boundaries() {
        let w52: IsoWeek = "2017-W52".parse().unwrap();
        assert_eq!(w52.next().to_string(), "2018-W01");
        assert_eq!(
            "2021-W01"
                .parse::<IsoWeek>()
                .unwrap()
                .previous()
                .to_string(),
            "2020-W53"
        );
        assert_eq!(
            IsoWeek::of(Date::new(2021, 1, 3).unwrap()).to_string(),
            "2020-W53"
        );
    }

    #[test]
    fn categories_accept_labels_and_keys() {
        assert_eq!(Category::parse("咨询类"), Some(Category::Consultation));
        assert_eq!(Category::parse("Data"), Some(Category::Data));
        assert_eq!(Category::parse("咨询"), None);
        assert_eq!(Category::suggest("咨询"), Some(Category::Consultation));
        assert_eq!(Category::suggest("prog"), Some(Category::Program));
    }

    #[test]
    fn article_ids() {
        assert!(ArticleId::is_valid("KB-0042"));
        assert!(!ArticleId::is_valid("kb-0042"));
        assert!(!ArticleId::is_valid("KB0042"));
        assert_eq!(ArticleId("KB-0042".into()).number(), Some(42));
    }
}

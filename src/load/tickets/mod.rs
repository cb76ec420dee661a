//! Ticket exports: `data/tickets/*.csv` from the ticketing (ITSM) and mobile-feedback systems.
//!
//! Each row is one ticket. Columns are found by their header name (English or the Chinese names
//! the team's exports use), in any order; other columns are ignored:
//!
//! | column | header names | required |
//! |---|---|---|
//! | time | `time`, `date`, `created`, `时间`, `日期`, `创建时间`, `提单时间` | yes: `YYYY-MM-DD`, optionally followed by a time; `/` also accepted |
//! | article | `article`, `article_id`, `kb`, `文章编号`, `知识编号`, `解决文章` | yes (the cell may be empty: a ticket no answer solved) |
//! | system | `system`, `系统`, `所属系统` | no: folder name or title of the system |
//! | category | `category`, `类别`, `分类`, `事件类别` | no: 数据类/程序类/咨询类/其他类 or data/program/consultation/other; default: the article's |
//! | question | `question`, `text`, `问题`, `问题描述`, `客户问题` | no: the client's question in their own words |
//!
//! Tickets are counted per ISO week of their time. A malformed row is reported (file and line)
//! and skipped; the other rows still count, unless the site sets `[tickets] strict = true`.
//! The question texts of the tickets an article answered become extra search phrasings of it.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{ArticleId, Category, Content, IsoWeek, Month};
use crate::source::{SourceFile, SourceId, Sources, Span, display_path};

mod encoding;
mod rows;

use encoding::decode;
use rows::{FileTickets, parse_file};

pub const TICKETS_DIR: &str = "data/tickets";

/// The largest ticket export read: a week of a busy system is a few megabytes.
pub const MAX_TICKETS_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// At most this many phrasings per article are kept (the most frequent): enough to learn how
/// users ask, without letting one noisy article dominate the search index.
pub const MAX_PHRASINGS: usize = 200;

/// A client question longer than this is not kept as a phrasing: search phrasings are how
/// people ask, in a sentence or two; longer texts are pasted logs or conversations.
const MAX_PHRASING_CHARS: usize = 200;

/// Row problems shown per file; the rest are counted in one message.
const MAX_ROW_REPORTS: usize = 20;

/// The tickets of one ISO week.
#[derive(Debug, Default, Clone)]
pub struct WeekTickets {
    pub by_article: HashMap<ArticleId, u32>,
    /// Indexed like [`Category::ALL`].
    pub by_category: [u32; 4],
    pub total: u32,
}

#[derive(Debug, Default)]
pub struct TicketData {
    pub weeks: BTreeMap<IsoWeek, WeekTickets>,
    /// The same tickets per calendar month, for the monthly trend pages.
    pub months: BTreeMap<Month, WeekTickets>,
    /// The clients' own words, per article: distinct, most frequent first; with `[search]
    /// learn_from_log`, followed by the queries learned from the search log (`build`).
    pub phrasings: HashMap<ArticleId, Vec<String>>,
    pub rows: usize,
}

/// What a ticket may refer to, from the loaded content. Rows refer to articles by their index
/// in `content.articles`: a million rows must not mean a million id strings.
struct Known<'a> {
    articles: FxHashMap<&'a [u8], (u32, Category)>,
    systems: FxHashSet<&'a [u8]>,
}

pub fn load(
    root: &Path,
    content: &Content,
    strict: bool,
    sources: &mut Sources,
    diagnostics: &mut Diagnostics,
) -> TicketData {
    let dir = root.join(TICKETS_DIR);
    let mut paths: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
            .collect(),
        Err(_) => return TicketData::default(),
    };
    paths.sort();

    let mut known = Known {
        articles: FxHashMap::default(),
        systems: FxHashSet::default(),
    };
    for (i, article) in content.articles.iter().enumerate() {
        known.articles.insert(
            article.id.value.as_str().as_bytes(),
            (i as u32, article.category),
        );
    }
    for system in &content.systems {
        known.systems.insert(system.key.as_bytes());
        known.systems.insert(system.title.as_bytes());
    }
    let id_of = |i: u32| content.articles[i as usize].id.value.clone();

    let first_id = sources.len();
    let parsed: Vec<(SourceFile, FileTickets)> = paths
        .par_iter()
        .enumerate()
        .map(|(i, path)| {
            let id = SourceId::from_index(first_id + i);
            let _processing = crate::crash::processing(display_path(root, path));
            let mut file = FileTickets::default();
            let text = match crate::source::read_at_most(path, MAX_TICKETS_FILE_BYTES) {
                Ok(bytes) => {
                    let (text, problem) = decode(bytes);
                    if let Some(problem) = problem {
                        file.problems.push(problem.at(Span::new(id, 0..0)));
                    }
                    text
                }
                Err(crate::source::ReadProblem::TooLarge) => {
                    file.problems.push(
                        Diagnostic::error(
                            "tickets",
                            format!(
                                "{} holds more than {}, the most one ticket export may have",
                                display_path(root, path),
                                crate::load::human_size(MAX_TICKETS_FILE_BYTES)
                            ),
                        )
                        .help("export one week per file"),
                    );
                    String::new()
                }
                Err(crate::source::ReadProblem::Io(error)) => {
                    file.problems.push(Diagnostic::error(
                        "io",
                        format!("cannot read {}: {error}", display_path(root, path)),
                    ));
                    String::new()
                }
            };
            parse_file(&text, id, &known, strict, &mut file);
            (
                SourceFile::new(path.clone(), display_path(root, path), text),
                file,
            )
        })
        .collect();

    let mut data = TicketData::default();
    let mut phrasings: HashMap<ArticleId, FxHashMap<String, u32>> = HashMap::new();
    for (source, file) in parsed {
        sources.add(source);
        diagnostics.extend(file.problems);
        data.rows += file.rows;
        // A week that spans two months is counted in parts, one per month: each part adds to
        // its week and to its month.
        for ((week, month), tickets) in file.weeks {
            for total in [
                data.weeks.entry(week).or_default(),
                data.months.entry(month).or_default(),
            ] {
                total.total += tickets.total;
                for (i, n) in tickets.by_category.iter().enumerate() {
                    total.by_category[i] += n;
                }
                for (&article, n) in &tickets.by_article {
                    *total.by_article.entry(id_of(article)).or_default() += n;
                }
            }
        }
        for (article, texts) in file.phrasings {
            let merged = phrasings.entry(id_of(article)).or_default();
            for (text, n) in texts {
                *merged.entry(text).or_default() += n;
            }
        }
    }
    // Clients' own words sometimes hold their phone or ID number ("13812345678 收不到验证码"):
    // the lint withholds those (`lint::customer_data::withhold_ticket_questions`).
    data.phrasings = phrasings
        .into_iter()
        .map(|(article, texts)| {
            let mut texts: Vec<(String, u32)> = texts.into_iter().collect();
            texts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            texts.truncate(MAX_PHRASINGS);
            (article, texts.into_iter().map(|(t, _)| t).collect())
        })
        .collect();
    data
}

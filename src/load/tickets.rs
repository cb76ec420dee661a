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
use crate::model::{ArticleId, Category, Content, IsoWeek};
use crate::source::{SourceFile, SourceId, Sources, Span, display_path};

pub const TICKETS_DIR: &str = "data/tickets";

/// At most this many phrasings per article are kept (the most frequent): enough to learn how
/// users ask, without letting one noisy article dominate the search index.
const MAX_PHRASINGS: usize = 200;

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
    /// The clients' own words, per article: distinct, most frequent first.
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
            let text = match std::fs::read(path) {
                Ok(bytes) => String::from_utf8(bytes)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
                Err(_) => String::new(),
            };
            let mut file = FileTickets::default();
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
        for (week, tickets) in file.weeks {
            let total = data.weeks.entry(week).or_default();
            total.total += tickets.total;
            for (i, n) in tickets.by_category.iter().enumerate() {
                total.by_category[i] += n;
            }
            for (article, n) in tickets.by_article {
                *total.by_article.entry(id_of(article)).or_default() += n;
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

/// The tickets of one week in one file, articles by index.
#[derive(Default)]
struct FileWeek {
    by_article: FxHashMap<u32, u32>,
    by_category: [u32; 4],
    total: u32,
}

#[derive(Default)]
struct FileTickets {
    weeks: FxHashMap<IsoWeek, FileWeek>,
    phrasings: FxHashMap<u32, FxHashMap<String, u32>>,
    rows: usize,
    problems: Vec<Diagnostic>,
}

#[derive(Clone, Copy, Debug)]
struct Columns {
    time: usize,
    article: usize,
    system: Option<usize>,
    category: Option<usize>,
    question: Option<usize>,
}

fn find_columns(headers: &csv::ByteRecord) -> Result<Columns, String> {
    let find = |names: &[&str]| {
        headers.iter().position(|h| {
            let h = String::from_utf8_lossy(h);
            let h = h.trim().trim_start_matches('\u{feff}').to_lowercase();
            names.contains(&h.as_str())
        })
    };
    let time = find(&[
        "time",
        "date",
        "created",
        "created_at",
        "时间",
        "日期",
        "创建时间",
        "提单时间",
    ]);
    let article = find(&[
        "article",
        "article_id",
        "kb",
        "文章",
        "文章编号",
        "知识编号",
        "解决文章",
    ]);
    match (time, article) {
        (Some(time), Some(article)) => Ok(Columns {
            time,
            article,
            system: find(&["system", "系统", "所属系统"]),
            category: find(&["category", "类别", "分类", "事件类别"]),
            question: find(&["question", "text", "问题", "问题描述", "客户问题"]),
        }),
        (None, _) => Err("no `time` column".into()),
        (_, None) => Err("no `article` column".into()),
    }
}

/// Unknown ids and systems are reported once per value, with a count and the first line.
#[derive(Default)]
struct Unknown {
    first_offset: usize,
    first_line: u64,
    count: u32,
}

fn parse_file(text: &str, source: SourceId, known: &Known, strict: bool, out: &mut FileTickets) {
    let severity = |code, message: String| {
        if strict {
            Diagnostic::error(code, message)
        } else {
            Diagnostic::warning(code, message)
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let columns = match reader
        .byte_headers()
        .map_err(|e| e.to_string())
        .and_then(find_columns)
    {
        Ok(columns) => columns,
        Err(why) => {
            out.problems.push(
                Diagnostic::error("tickets", format!("ticket export without the needed columns: {why}"))
                    .at(Span::file_start(source))
                    .label("header row")
                    .help("the first row names the columns; `time` and `article` are required (see README: ticket data)"),
            );
            return;
        }
    };

    let mut record = csv::ByteRecord::new();
    let mut categories: FxHashMap<Vec<u8>, Option<Category>> = FxHashMap::default();
    let mut week_of_day: FxHashMap<[u8; 10], IsoWeek> = FxHashMap::default();
    let mut unknown_articles: BTreeMap<Vec<u8>, Unknown> = BTreeMap::new();
    let mut unknown_systems: BTreeMap<Vec<u8>, Unknown> = BTreeMap::new();
    let mut row_problems = 0usize;
    let mut report_row = |out: &mut FileTickets, offset: usize, message: String, help: &str| {
        row_problems += 1;
        if row_problems <= MAX_ROW_REPORTS {
            out.problems.push(
                severity("ticket-row", message)
                    .at(Span::new(source, offset..offset))
                    .label("this row is skipped")
                    .help(help.to_string()),
            );
        }
    };

    loop {
        let offset = reader.position().byte() as usize;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                report_row(
                    out,
                    offset,
                    format!("unreadable row: {error}"),
                    "fix the quoting of this row",
                );
                continue;
            }
        }
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line());
        let Some(time) = record.get(columns.time) else {
            report_row(
                out,
                offset,
                "row has too few columns".into(),
                "every row needs as many fields as the header",
            );
            continue;
        };
        let Some(week) = week_of(time, &mut week_of_day) else {
            let shown = String::from_utf8_lossy(time);
            report_row(
                out,
                offset,
                format!("`{}` is not a ticket time", shown.trim()),
                "write times as YYYY-MM-DD or YYYY-MM-DD HH:MM",
            );
            continue;
        };
        let article_cell = trim(record.get(columns.article).unwrap_or_default());
        let article = if article_cell.is_empty() {
            None
        } else {
            match known.articles.get(article_cell) {
                Some(found) => Some(*found),
                None => {
                    let entry = unknown_articles
                        .entry(article_cell.to_vec())
                        .or_insert(Unknown {
                            first_offset: offset,
                            first_line: line,
                            count: 0,
                        });
                    entry.count += 1;
                    None
                }
            }
        };
        if let Some(system) = columns.system.and_then(|c| record.get(c)).map(trim)
            && !system.is_empty()
            && !known.systems.contains(system)
        {
            let entry = unknown_systems.entry(system.to_vec()).or_insert(Unknown {
                first_offset: offset,
                first_line: line,
                count: 0,
            });
            entry.count += 1;
        }
        let cell = columns
            .category
            .and_then(|c| record.get(c))
            .map(trim)
            .unwrap_or_default();
        // An export has a handful of distinct category cells: parse each once.
        let parsed = *categories.entry(cell.to_vec()).or_insert_with(|| {
            std::str::from_utf8(cell)
                .ok()
                .filter(|c| !c.is_empty())
                .and_then(Category::parse)
        });
        let category = parsed
            .or(article.map(|(_, c)| c))
            .unwrap_or(Category::Other);

        out.rows += 1;
        let tickets = out.weeks.entry(week).or_default();
        tickets.total += 1;
        let category_index = Category::ALL
            .iter()
            .position(|c| *c == category)
            .expect("known category");
        tickets.by_category[category_index] += 1;
        if let Some((index, _)) = article {
            *tickets.by_article.entry(index).or_default() += 1;
            if let Some(question) = columns.question.and_then(|c| record.get(c)).map(trim) {
                add_phrasing(out.phrasings.entry(index).or_default(), question);
            }
        }
    }

    if row_problems > MAX_ROW_REPORTS {
        out.problems.push(severity(
            "ticket-row",
            format!(
                "{} more malformed rows were skipped",
                row_problems - MAX_ROW_REPORTS
            ),
        ));
    }
    for (id, unknown) in unknown_articles {
        out.problems.push(
            severity(
                "ticket-unknown-article",
                format!(
                    "tickets name `{}`, which is not an article ({} tickets, first on line {})",
                    String::from_utf8_lossy(&id),
                    unknown.count,
                    unknown.first_line
                ),
            )
            .at(Span::new(source, unknown.first_offset..unknown.first_offset))
            .label("first ticket with this id")
            .help("check the id in the ticketing system; these tickets count in the week's totals but rank no article"),
        );
    }
    for (system, unknown) in unknown_systems {
        out.problems.push(
            severity(
                "ticket-unknown-system",
                format!(
                    "tickets name the system `{}`, which the site does not have ({} tickets, first on line {})",
                    String::from_utf8_lossy(&system),
                    unknown.count,
                    unknown.first_line
                ),
            )
            .at(Span::new(source, unknown.first_offset..unknown.first_offset))
            .label("first ticket with this system")
            .help("use a system's folder name or title, as in content/<system>/_system.md"),
        );
    }
}

fn trim(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

/// The ISO week of a ticket time `YYYY-MM-DD…` (or `YYYY/MM/DD…`); days are cached, as a big
/// export has a million rows over a few hundred days.
fn week_of(time: &[u8], cache: &mut FxHashMap<[u8; 10], IsoWeek>) -> Option<IsoWeek> {
    let time = trim(time);
    let day: [u8; 10] = time.get(..10)?.try_into().ok()?;
    if time.len() > 10 && !matches!(time[10], b' ' | b'T') {
        return None;
    }
    if let Some(week) = cache.get(&day) {
        return Some(*week);
    }
    let mut normalized = day;
    for i in [4, 7] {
        if normalized[i] == b'/' {
            normalized[i] = b'-';
        }
    }
    let date = super::fields::parse_date(std::str::from_utf8(&normalized).ok()?)?;
    let week = IsoWeek::of(date);
    cache.insert(day, week);
    Some(week)
}

fn add_phrasing(texts: &mut FxHashMap<String, u32>, question: &[u8]) {
    let Ok(question) = std::str::from_utf8(question) else {
        return;
    };
    // Whitespace and the trailing question mark do not make another phrasing. Most questions
    // need no change: those are looked up without building a new string.
    let question = question.trim_end_matches(['?', '？']).trim_end();
    let tidy =
        !question.contains(|c: char| c.is_whitespace() && c != ' ') && !question.contains("  ");
    let rebuilt;
    let normalized = if tidy {
        question
    } else {
        rebuilt = question.split_whitespace().collect::<Vec<_>>().join(" ");
        rebuilt.as_str()
    };
    if normalized.chars().nth(1).is_none() {
        return;
    }
    match texts.get_mut(normalized) {
        Some(n) => *n += 1,
        None => {
            texts.insert(normalized.to_string(), 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_times_map_to_iso_weeks() {
        let mut cache = FxHashMap::default();
        assert_eq!(
            week_of(b"2017-12-31 23:59", &mut cache)
                .unwrap()
                .to_string(),
            "2017-W52"
        );
        assert_eq!(
            week_of(b"2018/01/01", &mut cache).unwrap().to_string(),
            "2018-W01"
        );
        assert_eq!(
            week_of(b"2021-01-03T08:00:00", &mut cache)
                .unwrap()
                .to_string(),
            "2020-W53"
        );
        assert!(week_of(b"2017-13-01", &mut cache).is_none());
        assert!(week_of(b"yesterday", &mut cache).is_none());
        assert!(week_of(b"2017-12-3199", &mut cache).is_none());
    }

    #[test]
    fn headers_are_found_by_name_in_any_order_and_language() {
        let headers = csv::ByteRecord::from(vec!["工单号", "问题描述", "解决文章", "提单时间"]);
        let columns = find_columns(&headers).unwrap();
        assert_eq!(
            (columns.time, columns.article, columns.question),
            (3, 2, Some(1))
        );
        let headers = csv::ByteRecord::from(vec!["time", "system"]);
        assert_eq!(find_columns(&headers).unwrap_err(), "no `article` column");
    }
}

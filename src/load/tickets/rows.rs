//! The rows of one export: its columns found by header name, each row's time, article, system,
//! category and question read, damage (stray quotes, unknown ids) reported at its line.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::{Known, MAX_PHRASING_CHARS, MAX_ROW_REPORTS};
use crate::diagnostic::Diagnostic;
use crate::model::{Category, IsoWeek, Month};
use crate::source::{SourceId, Span};

/// The tickets of one week in one file, articles by index.
#[derive(Default)]
pub(super) struct FileWeek {
    pub(super) by_article: FxHashMap<u32, u32>,
    pub(super) by_category: [u32; 4],
    pub(super) total: u32,
}

#[derive(Default)]
pub(super) struct FileTickets {
    /// By week and month: a week may span two months.
    pub(super) weeks: FxHashMap<(IsoWeek, Month), FileWeek>,
    pub(super) phrasings: FxHashMap<u32, FxHashMap<String, u32>>,
    pub(super) rows: usize,
    pub(super) problems: Vec<Diagnostic>,
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

/// What reading the rows of one file keeps between rows.
struct Rows<'k> {
    source: SourceId,
    known: &'k Known<'k>,
    columns: Columns,
    strict: bool,
    categories: FxHashMap<Vec<u8>, Option<Category>>,
    days: FxHashMap<[u8; 10], Day>,
    unknown_articles: BTreeMap<Vec<u8>, Unknown>,
    unknown_systems: BTreeMap<Vec<u8>, Unknown>,
    row_problems: usize,
}

impl Rows<'_> {
    fn severity(&self, code: &'static str, message: String) -> Diagnostic {
        if self.strict {
            Diagnostic::error(code, message)
        } else {
            Diagnostic::warning(code, message)
        }
    }

    fn report_row(&mut self, out: &mut FileTickets, offset: usize, message: String, help: &str) {
        self.row_problems += 1;
        if self.row_problems <= MAX_ROW_REPORTS {
            let diagnostic = self
                .severity("ticket-row", message)
                .at(Span::new(self.source, offset..offset))
                .label("this row is skipped")
                .help(help.to_string());
            out.problems.push(diagnostic);
        }
    }

    /// Counts one row (starting at byte `offset`, on `line`).
    fn take(&mut self, record: &csv::ByteRecord, offset: usize, line: u64, out: &mut FileTickets) {
        let columns = self.columns;
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            return;
        }
        let Some(time) = record.get(columns.time) else {
            self.report_row(
                out,
                offset,
                "row has too few columns".into(),
                "every row needs as many fields as the header",
            );
            return;
        };
        let Some(day) = day_of(time, &mut self.days) else {
            let shown = String::from_utf8_lossy(time);
            self.report_row(
                out,
                offset,
                format!("`{}` is not a ticket time", shown.trim()),
                "write times as YYYY-MM-DD or YYYY-MM-DD HH:MM",
            );
            return;
        };
        let article_cell = trim(record.get(columns.article).unwrap_or_default());
        let article = if article_cell.is_empty() {
            None
        } else {
            match self.known.articles.get(article_cell) {
                Some(found) => Some(*found),
                None => {
                    let entry = self
                        .unknown_articles
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
            && !self.known.systems.contains(system)
        {
            let entry = self
                .unknown_systems
                .entry(system.to_vec())
                .or_insert(Unknown {
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
        let parsed = *self.categories.entry(cell.to_vec()).or_insert_with(|| {
            std::str::from_utf8(cell)
                .ok()
                .filter(|c| !c.is_empty())
                .and_then(Category::parse)
        });
        let category = parsed
            .or(article.map(|(_, c)| c))
            .unwrap_or(Category::Other);

        out.rows += 1;
        let tickets = out.weeks.entry((day.week, day.month)).or_default();
        tickets.total += 1;
        let category_index = Category::ALL
            .iter()
            .position(|c| *c == category)
            .unwrap_or(Category::ALL.len() - 1);
        tickets.by_category[category_index] += 1;
        if let Some((index, _)) = article {
            *tickets.by_article.entry(index).or_default() += 1;
            if let Some(question) = columns.question.and_then(|c| record.get(c)).map(trim) {
                add_phrasing(out.phrasings.entry(index).or_default(), question);
            }
        }
    }

    /// Whether the record read is quote damage: one `"` that opened a quoted field which then
    /// ran over the following lines, swallowing whole rows. A field other than the question
    /// never spans lines; a question may (clients press Enter), but not over lines that read
    /// as rows of this export (a ticket time where the time column is). The number of rows
    /// it holds.
    fn damage(&mut self, record: &csv::ByteRecord, width: usize) -> Option<usize> {
        let columns = self.columns;
        // A quote that opened a field and swallowed separators leaves the row with another
        // number of fields than the header (at the end of the file, fewer): then any field
        // holding a separator got it from the stray quote.
        let shifted = record.len() != width;
        let mut damaged = None;
        for (i, field) in record.iter().enumerate() {
            if shifted && field.contains(&b',') && !field.contains(&b'\n') {
                damaged = Some(damaged.unwrap_or(0));
                continue;
            }
            if !field.contains(&b'\n') {
                continue;
            }
            let rows = field
                .split(|&b| b == b'\n')
                .skip(1)
                .filter(|line| {
                    // A ticket time where the time column is, or a row's worth of commas (a
                    // swallowed row may end in the middle, at the next quote): client questions
                    // use full-width punctuation, and rarely three ASCII commas in a line.
                    let cells: Vec<&[u8]> = line.split(|&b| b == b',').collect();
                    cells.len() + 1 >= width.max(4)
                        || (cells.len() > columns.time
                            && day_of(cells[columns.time], &mut self.days).is_some())
                })
                .count();
            if Some(i) != columns.question || rows > 0 || shifted {
                damaged = Some(damaged.unwrap_or(0) + rows);
            }
        }
        damaged
    }
}

pub(super) fn parse_file(
    text: &str,
    source: SourceId,
    known: &Known,
    strict: bool,
    out: &mut FileTickets,
) {
    let bytes = text.as_bytes();
    let mut header = csv::ByteRecord::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes);
    let columns = match reader
        .read_byte_record(&mut header)
        .map_err(|e| e.to_string())
        .and_then(|read| {
            if read {
                find_columns(&header)
            } else {
                Err("the file is empty".into())
            }
        }) {
        Ok(columns) => columns,
        Err(why) => {
            out.problems.push(
                Diagnostic::error("tickets", format!("ticket export without the needed columns: {why}"))
                    .at(Span::new(source, 0..0))
                    .label("header row")
                    .help("the first row names the columns; `time` and `article` are required (see README: ticket data)"),
            );
            return;
        }
    };
    let width = header.len();
    let mut rows = Rows {
        source,
        known,
        columns,
        strict,
        categories: FxHashMap::default(),
        days: FxHashMap::default(),
        unknown_articles: BTreeMap::new(),
        unknown_systems: BTreeMap::new(),
        row_problems: 0,
    };

    // Rows are read from `start` (a line start) on; after quote damage, the damaged line is
    // read again without quotes and reading starts over on the line after it.
    let mut start = reader.position().byte() as usize;
    let mut lines_before = reader.position().line().saturating_sub(1);
    let mut damaged_lines = Vec::new();
    let mut record = csv::ByteRecord::new();
    'file: loop {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(&bytes[start..]);
        loop {
            let offset = start + reader.position().byte() as usize;
            match reader.read_byte_record(&mut record) {
                Ok(false) => break 'file,
                Ok(true) => {}
                Err(error) => {
                    rows.report_row(
                        out,
                        offset,
                        format!("unreadable row: {error}"),
                        "fix the quoting of this row",
                    );
                    continue;
                }
            }
            let line = lines_before + record.position().map_or(1, |p| p.line());
            if let Some(swallowed) = rows.damage(&record, width) {
                let end = start + reader.position().byte() as usize;
                let spans = text[offset..end]
                    .trim_end_matches(['\n', '\r'])
                    .matches('\n')
                    .count();
                let line_end = text[offset..]
                    .find('\n')
                    .map_or(text.len(), |i| offset + i + 1);
                damaged_lines.push((offset, line, spans, swallowed));
                // The damaged line on its own, its quotes taken as text.
                let mut unquoted = csv::ReaderBuilder::new()
                    .flexible(true)
                    .has_headers(false)
                    .quoting(false)
                    .from_reader(&bytes[offset..line_end]);
                if unquoted.read_byte_record(&mut record).unwrap_or(false) {
                    rows.take(&record, offset, line, out);
                }
                start = line_end;
                lines_before = line;
                continue 'file;
            }
            rows.take(&record, offset, line, out);
        }
    }

    for (offset, line, spans, swallowed) in damaged_lines {
        let message = format!(
            "a `\"` on line {line} opens a quoted field that runs over the next {spans} lines{}",
            if swallowed > 0 {
                format!(", swallowing {swallowed} rows")
            } else {
                String::new()
            }
        );
        let diagnostic = rows
            .severity("ticket-quote", message)
            .at(Span::new(source, offset..offset))
            .label("line read again with its quotes as text; the lines after it are read as rows")
            .help("a `\"` inside a field must be doubled (`\"\"`) with the whole field in quotes; remove or double the stray quote in the export, or fix the ticket text in the ticket system");
        out.problems.push(diagnostic);
    }
    if rows.row_problems > MAX_ROW_REPORTS {
        let more = rows.row_problems - MAX_ROW_REPORTS;
        out.problems.push(rows.severity(
            "ticket-row",
            format!("{more} more malformed rows were skipped"),
        ));
    }
    for (id, unknown) in std::mem::take(&mut rows.unknown_articles) {
        out.problems.push(
            rows.severity(
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
    for (system, unknown) in std::mem::take(&mut rows.unknown_systems) {
        out.problems.push(
            rows.severity(
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

/// The periods a day of tickets counts in.
#[derive(Clone, Copy)]
struct Day {
    week: IsoWeek,
    month: Month,
}

/// The day of a ticket time `YYYY-MM-DD…` (or `YYYY/MM/DD…`); days are cached, as a big export
/// has a million rows over a few hundred days.
fn day_of(time: &[u8], cache: &mut FxHashMap<[u8; 10], Day>) -> Option<Day> {
    let time = trim(time);
    let day: [u8; 10] = time.get(..10)?.try_into().ok()?;
    if time.len() > 10 && !matches!(time[10], b' ' | b'T') {
        return None;
    }
    if let Some(found) = cache.get(&day) {
        return Some(*found);
    }
    let mut normalized = day;
    for i in [4, 7] {
        if normalized[i] == b'/' {
            normalized[i] = b'-';
        }
    }
    let date = crate::load::fields::parse_date(std::str::from_utf8(&normalized).ok()?)?;
    let found = Day {
        week: IsoWeek::of(date),
        month: Month::of(date),
    };
    cache.insert(day, found);
    Some(found)
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
    if normalized.chars().nth(1).is_none() || normalized.chars().nth(MAX_PHRASING_CHARS).is_some() {
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

    fn week_of(time: &[u8], cache: &mut FxHashMap<[u8; 10], Day>) -> Option<IsoWeek> {
        day_of(time, cache).map(|day| day.week)
    }

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

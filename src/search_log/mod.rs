//! The search log: what client managers searched for, what they found and what they did not,
//! read from the web server's own access logs. No server of ours: the pages report each search
//! and each answer opened as a request to `<base>search/log?…` (see [`beacon`]), which the web
//! server logs and answers with nothing (docs/search-log.md has the nginx and Apache lines).
//!
//! Reading is one pass over each log, a line at a time ([`access`]): beacons become events, the
//! events of one browser tab's session become searches ([`Search`]: what was asked, what it
//! found, which answer was opened, whether the user searched again), and each search is handed
//! to the [`Sink`]s that sum up what they need: the week's report ([`report`]), the phrasings
//! search learns ([`learn`]), the searches per week on `/hot/` ([`report::Totals`]). Memory
//! grows with the number of distinct queries and of sessions open at once, never with the log.
//!
//! Customer data in a query (the content lint's rules, through [`holds_customer_data`]) is never
//! kept: the query is dropped as soon as it is decoded, and the search counted apart.

pub mod access;
pub mod beacon;
pub mod learn;
pub mod meaning;
pub mod report;

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rustc_hash::FxHashMap;

use crate::diagnostic::Diagnostic;
use crate::model::ArticleId;
use access::Stamp;
use beacon::{Event, Kind, Outcome, Query};

/// The folder of a site source that `build` and `week` read access logs from.
pub const LOGS_DIR: &str = "data/search-logs";

/// A session ends after this long without a search or an open (the usual web-analytics rule).
const SESSION_GAP_SECONDS: i64 = 30 * 60;

/// Line numbers shown per kind of problem and file; the rest are counted.
const SHOWN_LINES: usize = 5;

/// Whether a text holds customer data, by the content lint's rules: the one place the search
/// log asks, so that every improvement of the lint applies here too.
pub fn holds_customer_data(text: &str) -> bool {
    crate::lint::customer_data::contains_customer_data(text)
}

/// One search as the user made it: the query they settled on, and what followed.
#[derive(Debug, Clone)]
pub struct Search {
    pub time: Stamp,
    pub query: Query,
    /// [`meaning::key`] of the query; empty for a withheld one.
    pub key: String,
    pub system: Option<String>,
    pub results: Option<u32>,
    pub outcome: Option<Outcome>,
    /// The answer opened from its results (the last one, if several).
    pub opened: Option<ArticleId>,
    /// No other search followed in the same session.
    pub last: bool,
}

impl Search {
    /// Found nothing: the page said so (`none`), or counted no results.
    pub fn found_nothing(&self) -> bool {
        self.outcome == Some(Outcome::None) || (self.outcome.is_none() && self.results == Some(0))
    }
}

/// Receives every search of the logs read, in no particular order.
pub trait Sink {
    fn add(&mut self, search: &Search);
}

/// What reading the logs found, besides the searches.
#[derive(Debug, Default)]
pub struct Reading {
    pub files: usize,
    pub lines: u64,
    /// Beacon requests read.
    pub events: u64,
    /// Searches handed to the sinks.
    pub searches: u64,
    /// Lines skipped (not a log line, or a malformed beacon).
    pub skipped: u64,
    /// Events after `--as-of`, left out.
    pub later: u64,
    pub problems: Vec<Diagnostic>,
}

/// The log files of a site source's `data/search-logs/`: every file in it (rotated logs are
/// `access.log`, `access.log.1`, `access.log.2.gz`), by name.
pub fn log_files(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root.join(LOGS_DIR)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !n.starts_with('.') && !n.eq_ignore_ascii_case("README.md"))
        })
        .collect();
    files.sort();
    files
}

/// Reads `paths` and hands their searches to `sink`; events after `as_of` are left out.
/// Problems (unreadable files and lines) are warnings: a log is never a reason to fail.
pub fn read(paths: &[PathBuf], root: &Path, as_of: Date, sink: &mut dyn Sink) -> Reading {
    let mut reading = Reading::default();
    for path in paths {
        let shown = crate::source::display_path(root, path);
        match access::open(path) {
            Ok(reader) => {
                reading.files += 1;
                read_one(reader, &shown, as_of, sink, &mut reading);
            }
            Err(error) => reading.problems.push(
                Diagnostic::warning("search-log", format!("cannot read {shown}: {error}"))
                    .help("pass access logs of the web server (plain or .gz)"),
            ),
        }
    }
    reading
}

/// Problems of one kind in one file: how many, and the first lines.
#[derive(Default)]
struct Skipped {
    count: u64,
    lines: Vec<u64>,
}

impl Skipped {
    fn add(&mut self, line: u64) {
        self.count += 1;
        if self.lines.len() < SHOWN_LINES {
            self.lines.push(line);
        }
    }
}

fn read_one(
    reader: Box<dyn std::io::BufRead + Send>,
    shown: &str,
    as_of: Date,
    sink: &mut dyn Sink,
    reading: &mut Reading,
) {
    let mut lines = access::Lines::new(reader);
    let mut sessions = Sessions::default();
    let mut unreadable: FxHashMap<&'static str, Skipped> = FxHashMap::default();
    let mut bad_beacons: FxHashMap<&'static str, Skipped> = FxHashMap::default();
    let mut read_error = None;
    loop {
        let (number, line) = match lines.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(error) => {
                read_error = Some(error);
                break;
            }
        };
        let request = match line {
            // An empty line (a log's last newline doubled) is nothing, not a problem.
            Ok(text) if text.iter().all(u8::is_ascii_whitespace) => continue,
            Ok(text) => access::parse(text),
            Err(why) => Err(why),
        };
        let request = match request {
            Ok(request) => request,
            Err(why) => {
                unreadable.entry(why.describe()).or_default().add(number);
                continue;
            }
        };
        let Some(query) = beacon::split(request.target) else {
            continue;
        };
        let event = beacon::decode(&access::unescape(query));
        reading.events += 1;
        match event {
            Ok(_) if request.time.date > as_of => reading.later += 1,
            Ok(event) => {
                let session = session_key(&event, request.client, request.user_agent);
                sessions.event(session, request.time, event, sink, reading);
            }
            Err(why) => bad_beacons.entry(why).or_default().add(number),
        }
    }
    reading.lines += lines.number;
    sessions.finish(sink, reading);

    let mut report = |what: String, skipped: Skipped, help: &str| {
        reading.skipped += skipped.count;
        let more = if skipped.count > skipped.lines.len() as u64 {
            ", …"
        } else {
            ""
        };
        let at: Vec<String> = skipped.lines.iter().map(u64::to_string).collect();
        reading.problems.push(
            Diagnostic::warning(
                "search-log",
                format!(
                    "{shown}: {} line(s) skipped, {what} (line {}{more})",
                    skipped.count,
                    at.join(", ")
                ),
            )
            .help(help.to_string()),
        );
    };
    let mut unreadable: Vec<_> = unreadable.into_iter().collect();
    unreadable.sort_by_key(|(_, s)| s.lines[0]);
    for (why, skipped) in unreadable {
        report(
            why.to_string(),
            skipped,
            "the log must be in nginx's or Apache's common or combined format; other lines are skipped",
        );
    }
    let mut bad: Vec<_> = bad_beacons.into_iter().collect();
    bad.sort_by_key(|(_, s)| s.lines[0]);
    for (why, skipped) in bad {
        report(
            format!("a search-log request with {why}"),
            skipped,
            "these requests were not made by the site's pages; nothing to do",
        );
    }
    if let Some(error) = read_error {
        reading.problems.push(
            Diagnostic::warning(
                "search-log",
                format!(
                    "{shown}: stopped reading after line {}: {error}",
                    lines.number
                ),
            )
            .help("a compressed log that was cut short; the lines before were read"),
        );
    }
}

/// The session of an event: the page's own id, or else the client's address and browser (as
/// web analytics do without cookies), hashed: neither is kept.
fn session_key(event: &Event, client: &[u8], user_agent: Option<&[u8]>) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    match &event.session {
        Some(id) => {
            hasher.update(b"s");
            hasher.update(id.as_bytes());
        }
        None => {
            hasher.update(b"c");
            hasher.update(client);
            hasher.update(b"\0");
            hasher.update(user_agent.unwrap_or_default());
        }
    }
    hasher.digest()
}

/// The sessions open while a log is read: each holds its latest search until the next search,
/// or the session's end, says how it ended.
#[derive(Default)]
struct Sessions {
    open: FxHashMap<u64, (i64, Search)>,
    latest: i64,
    since_sweep: u32,
    /// [`meaning::key`] of the queries seen: most searches repeat one (cleared when big).
    keys: FxHashMap<String, String>,
}

/// Distinct queries whose keys are remembered at once.
const KEYS_CACHED: usize = 100_000;

impl Sessions {
    fn event(
        &mut self,
        session: u64,
        time: Stamp,
        event: Event,
        sink: &mut dyn Sink,
        reading: &mut Reading,
    ) {
        self.latest = self.latest.max(time.seconds);
        let key = match &event.query {
            Query::Text(q) => match self.keys.get(q) {
                Some(key) => key.clone(),
                None => {
                    if self.keys.len() >= KEYS_CACHED {
                        self.keys.clear();
                    }
                    let key = meaning::key(q);
                    self.keys.insert(q.clone(), key.clone());
                    key
                }
            },
            Query::Withheld => String::new(),
        };
        let current = self.open.remove(&session).and_then(|(seen, search)| {
            if time.seconds - seen > SESSION_GAP_SECONDS {
                finish(search, true, sink, reading);
                None
            } else {
                Some(search)
            }
        });
        let same = |s: &Search| s.key == key && s.query.is_withheld() == event.query.is_withheld();
        let search = match (event.kind, current) {
            // The same search again (back from an answer, or a space added): one search.
            (_, Some(mut search)) if same(&search) => {
                if event.kind == Kind::Search {
                    search.results = event.results.or(search.results);
                    search.outcome = event.outcome.or(search.outcome);
                    search.system = event.system.or(search.system);
                } else {
                    search.opened = event.answer;
                }
                search
            }
            (kind, current) => {
                if let Some(previous) = current {
                    finish(previous, false, sink, reading);
                }
                Search {
                    time,
                    query: event.query,
                    key,
                    system: event.system,
                    results: event.results,
                    outcome: event.outcome,
                    opened: if kind == Kind::Open {
                        event.answer
                    } else {
                        None
                    },
                    last: false,
                }
            }
        };
        self.open.insert(session, (time.seconds, search));
        self.since_sweep += 1;
        if self.since_sweep >= 4096 {
            self.since_sweep = 0;
            self.sweep(sink, reading);
        }
    }

    /// Ends the sessions idle for longer than the gap: their searches were their last.
    fn sweep(&mut self, sink: &mut dyn Sink, reading: &mut Reading) {
        let horizon = self.latest - SESSION_GAP_SECONDS;
        let ended: Vec<u64> = self
            .open
            .iter()
            .filter(|(_, (seen, _))| *seen < horizon)
            .map(|(id, _)| *id)
            .collect();
        for id in ended {
            let (_, search) = self.open.remove(&id).expect("listed");
            finish(search, true, sink, reading);
        }
    }

    fn finish(self, sink: &mut dyn Sink, reading: &mut Reading) {
        for (_, (_, search)) in self.open {
            finish(search, true, sink, reading);
        }
    }
}

fn finish(mut search: Search, last: bool, sink: &mut dyn Sink, reading: &mut Reading) {
    search.last = last;
    reading.searches += 1;
    sink.add(&search);
}

impl Query {
    pub fn is_withheld(&self) -> bool {
        matches!(self, Query::Withheld)
    }
}

/// Several sinks fed by one reading.
pub struct Both<'a, A: Sink, B: Sink>(pub &'a mut A, pub &'a mut B);

impl<A: Sink, B: Sink> Sink for Both<'_, A, B> {
    fn add(&mut self, search: &Search) {
        self.0.add(search);
        self.1.add(search);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(time: &str, query: &str) -> String {
        format!(
            "10.0.0.1 - - [{time} +0800] \"POST /search/log?{query} HTTP/1.1\" 204 0 \"-\" \"UA\"\n"
        )
    }

    fn read_text(text: &str, sink: &mut dyn Sink) -> Reading {
        let mut reading = Reading::default();
        let reader: Box<dyn std::io::BufRead + Send> =
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        read_one(
            reader,
            "test.log",
            Date::constant(2026, 12, 31),
            sink,
            &mut reading,
        );
        reading
    }

    #[test]
    fn a_search_then_an_open_that_ends_the_session_teaches() {
        let mut log = String::new();
        for day in 9..12u32 {
            log += &line(
                &format!("{day:02}/Nov/2026:10:00:00"),
                &format!("event=search&q=%E9%92%B1&results=2&session=d{day}"),
            );
            log += &line(
                &format!("{day:02}/Nov/2026:10:00:15"),
                &format!("event=open&q=%E9%92%B1&answer=KB-0002&rank=1&session=d{day}"),
            );
        }
        let mut learner = learn::Learner::new(3);
        let reading = read_text(&log, &mut learner);
        assert_eq!(
            (reading.events, reading.searches),
            (6, 3),
            "{:?}",
            reading.problems
        );
        let learned = learner.phrasings();
        assert_eq!(
            learned.get(&ArticleId("KB-0002".into())),
            Some(&vec!["钱".to_string()])
        );
    }
}

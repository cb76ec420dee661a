//! Errors and warnings about the site source.
//!
//! Every stage reports problems as [`Diagnostic`]s into a list instead of returning early, so that
//! one build shows the author every problem at once. A diagnostic points at a [`Span`]; the line,
//! column and the quoted source line are produced only when it is shown.

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::term::{self, termcolor};

use crate::lint::customer_data;
use crate::source::{SourceId, Sources, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A short stable name of the rule, e.g. `broken-link`, for filtering and JSON output.
    pub code: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where; `None` for problems that are not about one place (e.g. a missing folder).
    pub span: Option<Span>,
    /// Text shown under the quoted source, next to the marked place.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span: None,
            label: String::new(),
            help: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, span: Span) -> Diagnostic {
        self.span = Some(span);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The problems found so far by a build.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(diagnostics);
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Puts the diagnostics in a stable order (file, position, severity, message), whatever the
    /// order in which parallel stages produced them, so that output is reproducible.
    pub fn sort(&mut self, sources: &Sources) {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.span
                    .map(|s| (sources.get(s.source).display_path.clone(), s.start))
                    .unwrap_or_default()
            };
            key(a)
                .cmp(&key(b))
                .then(a.severity.cmp(&b.severity))
                .then_with(|| a.message.cmp(&b.message))
        });
        self.items.dedup_by(|a, b| {
            a.span == b.span && a.message == b.message && a.severity == b.severity
        });
    }

    /// Renders every diagnostic with its quoted source line, then a one-line count.
    pub fn render(&self, sources: &Sources, color: bool) -> String {
        let mut buffer = if color {
            termcolor::Buffer::ansi()
        } else {
            termcolor::Buffer::no_color()
        };
        let config = term::Config::default();
        let styles = term::Styles::default();
        let mut writer = term::StylesWriter::new(&mut buffer, &styles);
        let quoted = Quoted::new(sources, &self.items);
        for (index, diagnostic) in self.items.iter().enumerate() {
            let diagnostic = &masked(diagnostic);
            let report = to_report(diagnostic, quoted.place(index, diagnostic));
            // Rendering only fails when a span points outside its file, which is a bug; fall back
            // to the message alone rather than losing the diagnostic.
            if term::emit_to_write_style(&mut writer, &config, &quoted, &report).is_err() {
                use std::io::Write;
                let _ = writeln!(
                    writer,
                    "{}: {}",
                    severity_word(diagnostic),
                    diagnostic.message
                );
            }
        }
        String::from_utf8_lossy(buffer.as_slice()).into_owned()
    }

    /// One line per diagnostic, `path:line:col: severity[code]: message`, for terse output.
    pub fn render_short(&self, sources: &Sources) -> String {
        let mut out = String::new();
        for d in &self.items {
            let d = &masked(d);
            if let Some(span) = d.span {
                out.push_str(&mask_plain(&sources.position(span)));
                out.push_str(": ");
            }
            out.push_str(&format!(
                "{}[{}]: {}\n",
                severity_word(d),
                d.code,
                d.message
            ));
        }
        out
    }

    /// Machine-readable form for CI annotations.
    pub fn to_json(&self, sources: &Sources) -> serde_json::Value {
        let items: Vec<_> = self
            .items
            .iter()
            .map(|d| {
                let d = &masked(d);
                let mut item = serde_json::json!({
                    "severity": severity_word(d),
                    "code": d.code,
                    "message": d.message,
                    "help": d.help,
                });
                if let Some(span) = d.span {
                    let file = sources.get(span.source);
                    let (line, column) = file.line_col(span.start);
                    let (end_line, end_column) = file.line_col(span.end);
                    item["file"] = mask_plain(&file.display_path).into();
                    item["line"] = line.into();
                    item["column"] = column.into();
                    item["end_line"] = end_line.into();
                    item["end_column"] = end_column.into();
                }
                item
            })
            .collect();
        serde_json::Value::Array(items)
    }

    pub fn summary(&self) -> String {
        let errors = self.error_count();
        let warnings = self.warning_count();
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("1 {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        match (errors, warnings) {
            (0, 0) => "no problems".to_string(),
            (0, w) => plural(w, "warning"),
            (e, 0) => plural(e, "error"),
            (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Customer data is never printed in full, whatever the diagnostic: a YAML error quoting the
/// line of a phone number, a ticket row's bad cell, a file named after a customer. Messages,
/// labels, help, file names and quoted source lines all pass through the same mask.
fn masked(d: &Diagnostic) -> Diagnostic {
    Diagnostic {
        message: mask_plain(&d.message),
        label: mask_plain(&d.label),
        help: d.help.as_deref().map(mask_plain),
        ..d.clone()
    }
}

fn mask_plain(text: &str) -> String {
    customer_data::mask(text, customer_data::Syntax::Plain)
}

/// The sources as diagnostics quote them: the files the diagnostics point into, with customer
/// data masked in place (same byte length, so lines and columns stay), and their names masked.
/// Only the lines a diagnostic quotes are masked (with one line around, for a number broken
/// across lines): `check` may print warnings about thousands of files.
struct Quoted<'a> {
    sources: &'a Sources,
    patched: std::collections::HashMap<SourceId, (String, String)>,
    /// Per diagnostic (same order), the window quoted instead of its line when that is long.
    windows: Vec<Option<Window>>,
}

/// Longest line quoted whole, in characters. A longer one (minified HTML pasted into an answer,
/// a CSV row, a one-line JSON file) is quoted as a window around the marked place, so that one
/// bad line cannot flood the terminal with kilobytes.
const QUOTED_LINE_CHARS: usize = 160;

/// Characters of a long line kept before the marked place.
const WINDOW_LEAD_CHARS: usize = 60;

/// A window of one long line, quoted as if it were a file of one line, with the real line and
/// column numbers in the report.
struct Window {
    name: String,
    /// The kept characters, with `…` where the line was cut.
    text: String,
    /// 0-based index of the line in its file.
    line: usize,
    /// Characters of the real line before the window's first character.
    columns_before: usize,
    /// The marked place, as bytes of `text`.
    marked: std::ops::Range<usize>,
}

/// Which text a report quotes: a source file, or the window of a long line (by diagnostic).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Quote {
    File(SourceId),
    Window(usize),
}

impl<'a> Quoted<'a> {
    fn new(sources: &'a Sources, items: &[Diagnostic]) -> Quoted<'a> {
        let mut quoted: std::collections::HashMap<SourceId, Vec<(usize, usize)>> =
            std::collections::HashMap::new();
        for span in items.iter().filter_map(|d| d.span) {
            let file = sources.get(span.source);
            let first = file.line_index(span.start).saturating_sub(1);
            let last = file.line_index(span.end) + 1;
            quoted.entry(span.source).or_default().push((first, last));
        }
        let patched = quoted
            .into_iter()
            .map(|(id, mut lines)| {
                let file = sources.get(id);
                let syntax = customer_data::syntax_of(&file.display_path);
                lines.sort_unstable();
                let mut text = file.text.clone();
                let mut done = 0;
                for (first, last) in lines {
                    let start = file
                        .line_range(first.max(done))
                        .map_or(text.len(), |r| r.start);
                    let end = file
                        .line_range(last)
                        .or_else(|| file.line_range(file.line_starts().len() - 1))
                        .map_or(text.len(), |r| r.end);
                    if start < end {
                        let masked = customer_data::mask(&file.text[start..end], syntax);
                        text.replace_range(start..end, &masked);
                    }
                    done = last + 1;
                }
                (id, (mask_plain(&file.display_path), text))
            })
            .collect();
        let mut quoted = Quoted {
            sources,
            patched,
            windows: Vec::new(),
        };
        quoted.windows = items
            .iter()
            .map(|d| d.span.and_then(|span| quoted.window(span)))
            .collect();
        quoted
    }

    /// The window quoted for `span` when it lies on one line longer than [`QUOTED_LINE_CHARS`].
    fn window(&self, span: Span) -> Option<Window> {
        use codespan_reporting::files::Files as _;
        let file = self.sources.get(span.source);
        let line = file.line_index(span.start);
        if file.line_index(span.end) != line {
            return None;
        }
        let text = self.source(Quote::File(span.source)).ok()?;
        let range = file.line_range(line)?;
        let whole = &text[range.clone()];
        if whole.chars().count() <= QUOTED_LINE_CHARS {
            return None;
        }
        // Character positions in the line: the window starts a little before the mark and
        // keeps as much of the mark as fits.
        let starts: Vec<usize> = whole.char_indices().map(|(at, _)| at).collect();
        let mark_start = starts.partition_point(|&at| at < span.start - range.start);
        let first = mark_start.saturating_sub(WINDOW_LEAD_CHARS);
        let last = (first + QUOTED_LINE_CHARS).min(starts.len());
        let byte = |char_index: usize| starts.get(char_index).copied().unwrap_or(whole.len());
        let mut kept = String::new();
        if first > 0 {
            kept.push('…');
        }
        let offset = kept.len() as isize - byte(first) as isize;
        kept.push_str(&whole[byte(first)..byte(last)]);
        let at = |byte_in_line: usize| {
            (byte_in_line.clamp(byte(first), byte(last)) as isize + offset) as usize
        };
        let marked = at(span.start - range.start)..at(span.end.min(range.end) - range.start);
        if last < starts.len() {
            kept.push('…');
        }
        Some(Window {
            name: self.name(Quote::File(span.source)).ok()?.to_string(),
            text: kept,
            line,
            columns_before: first.saturating_sub(usize::from(first > 0)),
            marked,
        })
    }

    /// Where the report of the `index`th diagnostic points: its window, or its file.
    fn place(&self, index: usize, d: &Diagnostic) -> Option<(Quote, std::ops::Range<usize>)> {
        match self.windows.get(index).and_then(Option::as_ref) {
            Some(window) => Some((Quote::Window(index), window.marked.clone())),
            None => d.span.map(|span| (Quote::File(span.source), span.range())),
        }
    }

    fn window_at(&self, index: usize) -> Result<&Window, codespan_reporting::files::Error> {
        self.windows
            .get(index)
            .and_then(Option::as_ref)
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Quoted<'_> {
    type FileId = Quote;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: Quote) -> Result<&'a str, codespan_reporting::files::Error> {
        match id {
            Quote::File(id) => match self.patched.get(&id) {
                Some((name, _)) => Ok(name),
                None => self.sources.name(id),
            },
            Quote::Window(index) => Ok(&self.window_at(index)?.name),
        }
    }

    fn source(&'a self, id: Quote) -> Result<&'a str, codespan_reporting::files::Error> {
        match id {
            Quote::File(id) => match self.patched.get(&id) {
                Some((_, text)) => Ok(text),
                None => self.sources.source(id),
            },
            Quote::Window(index) => Ok(&self.window_at(index)?.text),
        }
    }

    fn line_index(
        &'a self,
        id: Quote,
        at: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        match id {
            Quote::File(id) => self.sources.line_index(id, at),
            Quote::Window(_) => Ok(0),
        }
    }

    fn line_number(
        &'a self,
        id: Quote,
        line: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        match id {
            Quote::File(_) => Ok(line + 1),
            Quote::Window(index) => Ok(self.window_at(index)?.line + 1),
        }
    }

    fn column_number(
        &'a self,
        id: Quote,
        line: usize,
        at: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let source = self.source(id)?;
        let range = self.line_range(id, line)?;
        let column = codespan_reporting::files::column_index(source, range, at) + 1;
        match id {
            Quote::File(_) => Ok(column),
            Quote::Window(index) => Ok(column + self.window_at(index)?.columns_before),
        }
    }

    fn line_range(
        &'a self,
        id: Quote,
        line: usize,
    ) -> Result<std::ops::Range<usize>, codespan_reporting::files::Error> {
        match id {
            Quote::File(id) => self.sources.line_range(id, line),
            Quote::Window(index) if line == 0 => Ok(0..self.window_at(index)?.text.len()),
            Quote::Window(_) => Err(codespan_reporting::files::Error::LineTooLarge {
                given: line,
                max: 0,
            }),
        }
    }
}

fn severity_word(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn to_report(d: &Diagnostic, place: Option<(Quote, std::ops::Range<usize>)>) -> Report<Quote> {
    let report = match d.severity {
        Severity::Error => Report::error(),
        Severity::Warning => Report::warning(),
    };
    let mut report = report.with_message(&d.message).with_code(d.code);
    if let Some((quote, range)) = place {
        report = report.with_labels(vec![Label::primary(quote, range).with_message(&d.label)]);
    }
    if let Some(help) = &d.help {
        report = report.with_notes(vec![format!("help: {help}")]);
    }
    report
}

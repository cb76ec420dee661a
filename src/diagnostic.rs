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
        for diagnostic in &self.items {
            let diagnostic = &masked(diagnostic);
            // Rendering only fails when a span points outside its file, which is a bug; fall back
            // to the message alone rather than losing the diagnostic.
            if term::emit_to_write_style(&mut writer, &config, &quoted, &to_report(diagnostic))
                .is_err()
            {
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
        Quoted { sources, patched }
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Quoted<'_> {
    type FileId = SourceId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: SourceId) -> Result<&'a str, codespan_reporting::files::Error> {
        match self.patched.get(&id) {
            Some((name, _)) => Ok(name),
            None => self.sources.name(id),
        }
    }

    fn source(&'a self, id: SourceId) -> Result<&'a str, codespan_reporting::files::Error> {
        match self.patched.get(&id) {
            Some((_, text)) => Ok(text),
            None => self.sources.source(id),
        }
    }

    fn line_index(
        &'a self,
        id: SourceId,
        at: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        self.sources.line_index(id, at)
    }

    fn line_range(
        &'a self,
        id: SourceId,
        line: usize,
    ) -> Result<std::ops::Range<usize>, codespan_reporting::files::Error> {
        self.sources.line_range(id, line)
    }
}

fn severity_word(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn to_report(d: &Diagnostic) -> Report<crate::source::SourceId> {
    let report = match d.severity {
        Severity::Error => Report::error(),
        Severity::Warning => Report::warning(),
    };
    let mut report = report.with_message(&d.message).with_code(d.code);
    if let Some(span) = d.span {
        report = report.with_labels(vec![
            Label::primary(span.source, span.range()).with_message(&d.label),
        ]);
    }
    if let Some(help) = &d.help {
        report = report.with_notes(vec![format!("help: {help}")]);
    }
    report
}

//! The checks of what the site publishes: files, file names, ticket questions.

use super::{Allowed, Finding, MARKER, Syntax, mask_findings, scan, scan_as};
use crate::diagnostic::Diagnostic;
use crate::load::tickets::{TICKETS_DIR, TicketData};
use crate::source::{SourceFile, SourceId, Sources, Span};

/// Errors for the customer data in one published file (an answer, `qaportal.toml`,
/// `synonyms.txt`) that neither a marker nor the allow-list allows.
pub fn check(
    file: &SourceFile,
    source: SourceId,
    syntax: Syntax,
    allowed: &Allowed,
) -> Vec<Diagnostic> {
    let how_to_allow = match syntax {
        Syntax::Markdown => format!(
            "if it is a test account, add `<!-- {MARKER} -->` at the end of the line (`# {MARKER}` \
             in front matter), or list it under [lint] allow in qaportal.toml"
        ),
        _ => format!(
            "if it is a test account, add `# {MARKER}` on the line before, or list it under \
             [lint] allow in qaportal.toml"
        ),
    };
    scan_as(&file.text, syntax)
        .into_iter()
        .filter(|f| !allowed.allows(f) && !marked(file, f.range.start))
        .map(|f| {
            let what = f.kind.describe();
            Diagnostic::error(
                "customer-data",
                format!("{what} is in the text: {}", f.masked()),
            )
            .at(Span::new(source, f.range.clone()))
            .label(format!("{what}: do not publish customer data"))
            .help(format!(
                "replace it with the team's test data; {how_to_allow}"
            ))
        })
        .collect()
}

/// Errors for customer data in the name of a published file or folder, which becomes part of
/// page addresses, the sitemap and the search data. `source` is the file the error points at.
pub fn check_path(path: &str, source: Option<SourceId>, allowed: &Allowed) -> Vec<Diagnostic> {
    scan(path)
        .into_iter()
        .filter(|f| !allowed.allows(f))
        .map(|f| {
            let what = f.kind.describe();
            let diagnostic = Diagnostic::error(
                "customer-data",
                format!(
                    "{what} is in a file name: {} ({})",
                    f.masked(),
                    mask_findings(path, std::slice::from_ref(&f))
                ),
            )
            .label(format!(
                "{what} in the file name: it becomes the page's address"
            ))
            .help(
                "rename the file or folder: its name is published in page addresses, the \
                 sitemap and the search data; if it is a test account, list it under [lint] \
                 allow in qaportal.toml",
            );
            match source {
                Some(source) => diagnostic.at(Span::file_start(source)),
                None => diagnostic,
            }
        })
        .collect()
}

/// Whether the line of `offset`, or a line just before it holding only the marker, allows it.
fn marked(file: &SourceFile, offset: usize) -> bool {
    let line = file.line_index(offset);
    let text = |line: usize| file.line_range(line).map(|r| &file.text[r]);
    if text(line).is_some_and(|t| t.contains(MARKER)) {
        return true;
    }
    line > 0 && text(line - 1).is_some_and(is_marker_line)
}

fn is_marker_line(line: &str) -> bool {
    let line = line.trim();
    let inner = line
        .strip_prefix("<!--")
        .and_then(|l| l.strip_suffix("-->"))
        .or_else(|| line.strip_prefix('#'));
    inner.is_some_and(|i| i.trim() == MARKER)
}

/// Clients' questions in ticket exports become search phrasings of the answers they were
/// solved by. They are the clients' words, not the team's: one that holds customer data is left
/// out (unless the allow-list allows it) instead of stopping the build, with one warning that
/// counts them and points at the first.
pub fn withhold_ticket_questions(
    tickets: &mut TicketData,
    allowed: &Allowed,
    sources: &Sources,
) -> Option<Diagnostic> {
    let mut withheld: Vec<(String, Finding)> = Vec::new();
    for texts in tickets.phrasings.values_mut() {
        texts.retain(
            |text| match scan(text).into_iter().find(|f| !allowed.allows(f)) {
                Some(first) => {
                    withheld.push((text.clone(), first));
                    false
                }
                None => true,
            },
        );
    }
    withheld.sort_by(|a, b| a.0.cmp(&b.0));
    let (question, first) = withheld.first()?;
    let what = first.kind.describe();
    let mut warning = Diagnostic::warning(
        "ticket-customer-data",
        format!(
            "{} client question(s) in {TICKETS_DIR}/ hold customer data ({what}: {}); they are \
             left out of the search phrasings",
            withheld.len(),
            first.masked()
        ),
    )
    .help(
        "nothing to do for the site; ask the ticket system's owners to mask such data in \
         exports; if it is a test account, list it under [lint] allow in qaportal.toml",
    );
    // Where the first one is written: the export holding its text.
    let location = (0..sources.len()).map(SourceId::from_index).find_map(|id| {
        let file = sources.get(id);
        let in_tickets = file
            .display_path
            .strip_prefix(TICKETS_DIR)
            .is_some_and(|rest| rest.starts_with('/'));
        let at = file.text.find(question.as_str()).filter(|_| in_tickets)?;
        Some(Span::new(id, at + first.range.start..at + first.range.end))
    });
    if let Some(span) = location {
        warning = warning
            .at(span)
            .label(format!("{what} in a client's question: not published"));
    }
    Some(warning)
}

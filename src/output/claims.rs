//! Every file of the output has one source. Two pages (an alias and the home page, a system
//! folder named `search` and the search page, a session and a redirect) that would write the
//! same file are an error naming both, before anything is written: otherwise whichever is
//! written last wins, and the manifest of the output no longer says what is on disk.
//!
//! The check runs on the list of every output file with where it comes from, so a new kind of
//! page is covered as soon as it is in that list (see `build::claims`).

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::source::{Sources, Span};

/// One output file and what makes it.
pub struct Claim {
    /// Relative to the output folder, with `/` (as [`super::file_for`] gives it).
    pub file: String,
    /// What writes it, in the author's words: "the alias `/index.html` of KB-0001".
    pub source: String,
    /// Where the author can change that, when it is in a source file.
    pub at: Option<Span>,
}

impl Claim {
    pub fn new(file: String, source: impl Into<String>, at: Option<Span>) -> Claim {
        Claim {
            file,
            source: source.into(),
            at,
        }
    }

    /// `source` (`content/x.md:3:5`) when the place is known.
    fn described(&self, sources: &Sources) -> String {
        match self.at {
            Some(span) => format!("{} ({})", self.source, sources.position(span)),
            None => self.source.clone(),
        }
    }
}

/// One error per output file that two sources claim, and per file that another source needs
/// as a folder (`feed.xml` and `feed.xml/index.html`). Linear in the number of files (times
/// the depth of their paths).
pub fn check(claims: &[Claim], sources: &Sources) -> Vec<Diagnostic> {
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(claims.len());
    let mut problems = Vec::new();
    for (i, claim) in claims.iter().enumerate() {
        match first.get(claim.file.as_str()) {
            Some(&j) => problems.push(collision(&claims[j], claim, sources)),
            None => {
                first.insert(&claim.file, i);
            }
        }
    }
    for claim in claims {
        for (i, _) in claim.file.match_indices('/') {
            if let Some(&j) = first.get(&claim.file[..i]) {
                problems.push(folder_collision(&claims[j], claim, sources));
            }
        }
    }
    problems
}

/// The diagnostic points at whichever of the two the author wrote (an alias, a folder name),
/// and names the other.
fn collision(a: &Claim, b: &Claim, sources: &Sources) -> Diagnostic {
    let (here, other) = if b.at.is_some() { (b, a) } else { (a, b) };
    let diagnostic = Diagnostic::error(
        "path-collision",
        format!(
            "two pages would be written at /{}: {} and {}",
            a.file,
            here.source,
            other.described(sources)
        ),
    )
    .help(
        "each page needs its own path: remove the alias, or rename the folder or file so \
         that its path differs (qaportal's own pages use /, /search/, /hot/, /sessions/, /a/, \
         /offline/, /static/ and the files at the top of the site)",
    );
    match here.at {
        Some(span) => diagnostic.at(span).label("this path is already taken"),
        None => diagnostic,
    }
}

fn folder_collision(file: &Claim, inside: &Claim, sources: &Sources) -> Diagnostic {
    // The diagnostic points at the one the author wrote; the other is named with its place.
    let point_at_inside = inside.at.is_some();
    let (file_source, inside_source) = if point_at_inside {
        (file.described(sources), inside.source.clone())
    } else {
        (file.source.clone(), inside.described(sources))
    };
    let diagnostic = Diagnostic::error(
        "path-collision",
        format!(
            "/{} is a file ({file_source}) and also a folder holding /{} ({inside_source})",
            file.file, inside.file
        ),
    )
    .help("rename one of them: a path cannot be both a file and a folder");
    let (here, label) = if point_at_inside {
        (inside, "its path needs a folder where a file is")
    } else {
        (file, "this file is where a folder is needed")
    };
    match here.at {
        Some(span) => diagnostic.at(span).label(label),
        None => diagnostic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_sources_of_one_file_and_a_file_used_as_a_folder_are_errors() {
        let sources = Sources::default();
        let claims = [
            Claim::new("index.html".into(), "the home page", None),
            Claim::new("feed.xml".into(), "the feed", None),
            Claim::new("a/b/index.html".into(), "an answer", None),
            Claim::new("index.html".into(), "an alias", None),
            Claim::new("feed.xml/index.html".into(), "a system page", None),
        ];
        let problems = check(&claims, &sources);
        let messages: Vec<String> = problems.iter().map(|d| d.message.clone()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("/index.html: the home page and an alias"));
        assert!(messages[1].contains("/feed.xml is a file (the feed)"));
        assert!(check(&claims[..3], &sources).is_empty());
    }
}

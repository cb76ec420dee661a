//! Lints: rules about what the answers say, run over the validated site and its rendered
//! documents, after the rules that decide whether the site can be built at all.
//!
//! Two sets: [`Set::Publish`] holds what must stop a publication (customer data) and runs in
//! `build` and `serve`; [`Set::All`] adds the editorial warnings of `check` (reviews, duplicate
//! questions, empty sections and systems, unused images), which are about the knowledge base as
//! a whole and would only be noise on every save.

pub mod customer_data;
pub mod duplicates;
pub mod review;
pub mod structure;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::render::Rendered;
use crate::source::{SourceId, Sources};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Set {
    /// What must not be published: `build` and `serve`.
    Publish,
    /// Everything: `check`.
    All,
}

/// Runs the lints of `set`. With `cache_root`, files found clean by an earlier build of that
/// site source are not read for customer data again (the caller holds the caches' lock).
pub fn run(
    set: Set,
    site: &Site,
    rendered: &Rendered,
    sources: &Sources,
    diagnostics: &mut Diagnostics,
    cache_root: Option<&std::path::Path>,
) {
    diagnostics.extend(customer_data_everywhere(site, sources, cache_root));
    if set == Set::All {
        review::check(site, diagnostics);
        duplicates::check(site, sources, diagnostics);
        structure::check(site, rendered, sources, diagnostics);
    }
}

/// Customer data in every published string: the text of every published file, the names of
/// their files and folders (page addresses, the sitemap, search data), `qaportal.toml` (its
/// title and description are on every page) and `synonyms.txt` (the search index). Ticket
/// questions are checked as they are loaded ([`customer_data::withhold_ticket_questions`]).
fn customer_data_everywhere(
    site: &Site,
    sources: &Sources,
    cache_root: Option<&std::path::Path>,
) -> Vec<Diagnostic> {
    use customer_data::Syntax;
    let allowed = customer_data::Allowed::new(&site.config.lint);
    let clean = cache_root.map(|root| customer_data::clean::CleanFiles::load(root, &allowed));
    let mut found: Vec<Diagnostic> = published_sources(site)
        .par_iter()
        .flat_map_iter(|&id| {
            let file = sources.get(id);
            let mut found = match &clean {
                Some(clean) => {
                    let key = clean.key(&file.text, Syntax::Markdown);
                    if clean.known(key) {
                        Vec::new()
                    } else {
                        let found = customer_data::check(file, id, Syntax::Markdown, &allowed);
                        if found.is_empty() {
                            clean.clean(key);
                        }
                        found
                    }
                }
                None => customer_data::check(file, id, Syntax::Markdown, &allowed),
            };
            found.extend(customer_data::check_path(
                &file.display_path,
                Some(id),
                &allowed,
            ));
            found
        })
        .collect();
    for i in 0..sources.len() {
        let id = SourceId::from_index(i);
        let file = sources.get(id);
        let syntax = match file.display_path.as_str() {
            crate::config::CONFIG_FILE => Syntax::Toml,
            crate::search::SYNONYMS_FILE => Syntax::Plain,
            _ => continue,
        };
        found.extend(customer_data::check(file, id, syntax, &allowed));
    }
    if let Some(clean) = clean {
        clean.save();
    }
    found
}

/// The markdown files whose text reaches the site: systems, published articles, sessions and
/// weekly notes.
pub fn published_sources(site: &Site) -> Vec<SourceId> {
    let content = &site.content;
    content
        .systems
        .iter()
        .filter_map(|s| s.source)
        .chain(content.articles.iter().map(|a| a.source))
        .chain(content.sessions.iter().map(|s| s.source))
        .chain(content.weekly.iter().map(|w| w.source))
        .collect()
}

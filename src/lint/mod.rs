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

pub fn run(
    set: Set,
    site: &Site,
    rendered: &Rendered,
    sources: &Sources,
    diagnostics: &mut Diagnostics,
) {
    let allowed = customer_data::Allowed::new(&site.config.lint);
    let found: Vec<Diagnostic> = published_sources(site)
        .par_iter()
        .flat_map_iter(|&id| customer_data::check(sources.get(id), id, &allowed))
        .collect();
    diagnostics.extend(found);
    if set == Set::All {
        review::check(site, diagnostics);
        duplicates::check(site, sources, diagnostics);
        structure::check(site, rendered, sources, diagnostics);
    }
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

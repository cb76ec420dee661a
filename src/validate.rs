//! Validate: the rules that concern several files at once, and the choice of what is published.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::tickets::TicketData;
use crate::model::{ArticleId, Content, Site};
use crate::source::{SourceId, Sources, Span};

/// Site paths the generator writes itself; an alias may not take them over.
pub const RESERVED_PREFIXES: &[&str] = &[
    "/a/",
    "/static/",
    "/search/",
    "/hot/",
    "/sessions/",
    "/offline/",
];
pub const RESERVED_FILES: &[&str] = &[
    "/",
    "/index.html",
    "/404.html",
    "/sitemap.xml",
    "/robots.txt",
    "/feed.xml",
    "/sw.js",
    "/manifest.webmanifest",
];

pub struct Options {
    pub drafts: bool,
    pub as_of: Date,
}

pub fn validate(
    config: Config,
    config_source: SourceId,
    mut content: Content,
    tickets: TicketData,
    options: &Options,
    sources: &Sources,
    diagnostics: &mut Diagnostics,
) -> Site {
    order_systems(&config, config_source, &mut content, sources, diagnostics);
    check_article_systems(&content, diagnostics);
    check_unique_ids(&content, sources, diagnostics);

    let unpublished: HashSet<ArticleId> = if options.drafts {
        HashSet::new()
    } else {
        content
            .articles
            .iter()
            .filter(|a| a.draft)
            .map(|a| a.id.value.clone())
            .collect()
    };
    content.articles.retain(|a| options.drafts || !a.draft);

    let mut by_id = HashMap::new();
    let mut by_content_path = HashMap::new();
    for (i, article) in content.articles.iter().enumerate() {
        by_id.entry(article.id.value.clone()).or_insert(i);
        by_content_path.insert(article.content_path.clone(), i);
    }

    check_aliases(&content, diagnostics);
    check_sessions(&content, &by_id, &unpublished, diagnostics);

    Site {
        config,
        content,
        as_of: options.as_of,
        by_id,
        by_content_path,
        unpublished,
        tickets,
        synonyms: search_index::Synonyms::default(),
    }
}

/// Puts systems in home-page order: the config's list first, then by `order`, then by name.
fn order_systems(
    config: &Config,
    config_source: SourceId,
    content: &mut Content,
    sources: &Sources,
    diagnostics: &mut Diagnostics,
) {
    let config_text = &sources.get(config_source).text;
    for key in &config.systems {
        if !content.systems.iter().any(|s| &s.key == key) {
            let span = config_text
                .find(&format!("\"{key}\""))
                .map(|start| Span::new(config_source, start..start + key.len() + 2))
                .unwrap_or(Span::file_start(config_source));
            diagnostics.push(
                Diagnostic::error(
                    "unknown-system",
                    format!("`systems` lists `{key}`, which has no folder"),
                )
                .at(span)
                .label("no content/ folder with this name")
                .help(format!(
                    "create content/{key}/_system.md, or remove it from `systems`"
                )),
            );
        }
    }
    let position = |key: &str| {
        config
            .systems
            .iter()
            .position(|k| k == key)
            .unwrap_or(usize::MAX)
    };
    content.systems.sort_by(|a, b| {
        position(&a.key)
            .cmp(&position(&b.key))
            .then(
                a.order
                    .unwrap_or(i64::MAX)
                    .cmp(&b.order.unwrap_or(i64::MAX)),
            )
            .then(a.key.cmp(&b.key))
    });
}

fn check_article_systems(content: &Content, diagnostics: &mut Diagnostics) {
    let systems: HashSet<&str> = content.systems.iter().map(|s| s.key.as_str()).collect();
    let mut reported = HashSet::new();
    for article in &content.articles {
        if !systems.contains(article.system.as_str()) && reported.insert(article.system.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    "missing-system",
                    format!("content/{}/ has articles but no _system.md", article.system),
                )
                .at(Span::file_start(article.source))
                .label("this article's system is not described")
                .help(format!(
                    "create content/{}/_system.md with at least a title, e.g.\n---\ntitle: 交易\n---",
                    article.system
                )),
            );
        }
    }
}

fn check_unique_ids(content: &Content, sources: &Sources, diagnostics: &mut Diagnostics) {
    let next_free = content
        .articles
        .iter()
        .filter_map(|a| a.id.value.number())
        .max()
        .unwrap_or(0)
        + 1;
    let mut seen: HashMap<&ArticleId, Span> = HashMap::new();
    for article in &content.articles {
        match seen.get(&article.id.value) {
            Some(first) => diagnostics.push(
                Diagnostic::error("duplicate-id", format!("id `{}` is used twice", article.id.value))
                    .at(article.id.span)
                    .label(format!("also the id of {}", sources.position(*first)))
                    .help(format!(
                        "ids are never reused: give one of the two a new id (the next free number is {next_free:04})"
                    )),
            ),
            None => {
                seen.insert(&article.id.value, article.id.span);
            }
        }
    }
}

/// The output file an alias path becomes: `/old/x.html` as is, `/old/x` as `/old/x/`.
pub fn normalize_alias(alias: &str) -> Result<String, &'static str> {
    if !alias.starts_with('/') {
        return Err("an alias is a site path starting with `/`");
    }
    if alias.split('/').any(|part| part == ".." || part == ".") {
        return Err("an alias may not contain `.` or `..` segments");
    }
    if alias.contains(['?', '#', '\\', '&', '"', '\'', '<', '>'])
        || alias.chars().any(char::is_whitespace)
    {
        return Err("an alias may not contain spaces or any of ? # \\ & \" ' < >");
    }
    let last = alias.rsplit('/').next().unwrap_or("");
    if alias.ends_with('/') || last.contains('.') {
        Ok(alias.to_string())
    } else {
        Ok(format!("{alias}/"))
    }
}

/// Whether `path` (a normalized alias) is where qaportal writes, or will write, its own pages.
pub fn is_reserved(path: &str) -> bool {
    RESERVED_FILES.contains(&path) || RESERVED_PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Aliases must be site paths outside qaportal's own folders. That two aliases, or an alias and
/// a page, name the same file is found with every other collision by `output::claims`.
fn check_aliases(content: &Content, diagnostics: &mut Diagnostics) {
    for article in &content.articles {
        for alias in &article.aliases {
            let path = match normalize_alias(&alias.value) {
                Ok(path) => path,
                Err(why) => {
                    diagnostics.push(
                        Diagnostic::error("invalid-alias", format!("alias `{}` is not a site path", alias.value))
                            .at(alias.span)
                            .label(why)
                            .help("write the old path as it appeared in the browser, e.g. `/faq/kaihu/123.html`"),
                    );
                    continue;
                }
            };
            if is_reserved(&path) {
                diagnostics.push(
                    Diagnostic::error(
                        "alias-collision",
                        format!("alias `{}` collides with a page qaportal generates", alias.value),
                    )
                    .at(alias.span)
                    .label("this path is qaportal's")
                    .help("an alias may not be /, /index.html or under /a/, /static/, /search/, /hot/, /sessions/ or /offline/; remove it"),
                );
            }
        }
    }
}

fn check_sessions(
    content: &Content,
    by_id: &HashMap<ArticleId, usize>,
    unpublished: &HashSet<ArticleId>,
    diagnostics: &mut Diagnostics,
) {
    for session in &content.sessions {
        for id in &session.articles {
            if by_id.contains_key(&id.value) {
                continue;
            }
            let (label, help) = if unpublished.contains(&id.value) {
                (
                    "this article is a draft",
                    "publish the article (remove `draft: true`) or leave it out",
                )
            } else {
                (
                    "no article has this id",
                    "check the id; `qaportal search` finds articles by title",
                )
            };
            diagnostics.push(
                Diagnostic::error(
                    "broken-link",
                    format!("session covers `{}`, which is not published", id.value),
                )
                .at(id.span)
                .label(label)
                .help(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_normalize_to_output_paths() {
        assert_eq!(
            normalize_alias("/faq/kaihu/123.html"),
            Ok("/faq/kaihu/123.html".into())
        );
        assert_eq!(normalize_alias("/faq/kaihu"), Ok("/faq/kaihu/".into()));
        assert!(normalize_alias("faq/x").is_err());
        assert!(normalize_alias("/faq/../etc").is_err());
    }
}

//! `qaportal search`: the site's own ranking from the terminal, or `--text` for an author's
//! full-text search.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use super::usage_error;
use crate::build;

/// What `qaportal search` asks: one query, every line of a file, or a text to find.
pub(super) enum Queries<'a> {
    One(&'a str),
    File(&'a Path),
    Text(&'a str),
}

pub(super) fn run_search(
    options: &build::Options,
    queries: Queries<'_>,
    system: Option<&str>,
    limit: usize,
    json: bool,
    color: bool,
) -> ExitCode {
    let mut sources = crate::source::Sources::default();
    let mut diagnostics = crate::diagnostic::Diagnostics::default();
    let site = build::prepare(options, &mut sources, &mut diagnostics);
    let rendered = site
        .as_ref()
        .map(|site| crate::render::render(site, &sources, &mut diagnostics, None));
    diagnostics.sort(&sources);
    if diagnostics.has_errors() {
        eprint!("{}", diagnostics.render(&sources, color));
        eprintln!("error: {}", diagnostics.summary());
        return ExitCode::from(1);
    }
    let (Some(site), Some(rendered)) = (site, rendered) else {
        return ExitCode::from(1);
    };
    if let Some(key) = system
        && site.system(key).is_none()
    {
        let keys: Vec<&str> = site
            .content
            .systems
            .iter()
            .map(|s| s.key.as_str())
            .collect();
        return usage_error(&format!(
            "no system `{key}`; the systems are: {}",
            keys.join(", ")
        ));
    }
    let documents = crate::search::documents(&site, &rendered);
    if let Queries::Text(query) = queries {
        return run_text_search(options, &site, &documents, query, system, limit, json);
    }
    let index = match crate::search::client_index(&options.root, &documents, &site.synonyms) {
        Ok(index) => index,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(1);
        }
    };
    let search = |query: &str| {
        index.search(query, system, limit).unwrap_or_else(|e| {
            eprintln!("error: {e}");
            std::process::exit(1)
        })
    };
    match queries {
        Queries::File(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(e) => return usage_error(&format!("cannot read {}: {e}", path.display())),
            };
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for query in text.lines().map(str::trim).filter(|q| !q.is_empty()) {
                let line = serde_json::json!({"query": query, "results": search(query)});
                if writeln!(out, "{line}").is_err() {
                    break;
                }
            }
        }
        Queries::One(query) => {
            let results = search(query);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&results).expect("results serialize")
                );
            } else {
                print_results(&site, query, &results);
            }
        }
        Queries::Text(_) => unreachable!("searched above"),
    }
    ExitCode::SUCCESS
}

/// `qaportal search --text`: the answers whose text holds the query, each with the place.
fn run_text_search(
    options: &build::Options,
    site: &crate::model::Site,
    documents: &[search_index::SearchDocument],
    query: &str,
    system: Option<&str>,
    limit: usize,
    json: bool,
) -> ExitCode {
    let _caches = build::lock_caches(&options.root);
    let index = match crate::search::text_index(&options.root, documents) {
        Ok(index) => index,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(1);
        }
    };
    let hits = match index.search(query, system, limit) {
        Ok(hits) => hits,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let parts = search_index::tantivy_index::query_parts(query);
    let found: Vec<serde_json::Value> = hits
        .iter()
        .map(|hit| {
            let doc = documents.iter().find(|d| d.id == hit.id);
            let excerpt = doc
                .map(|d| crate::search::excerpt(d, &parts))
                .unwrap_or_default();
            serde_json::json!({
                "id": hit.id, "title": hit.title, "url": hit.url, "system": hit.system,
                "score": hit.score, "excerpt": excerpt,
            })
        })
        .collect();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&found).expect("hits serialize")
        );
    } else if found.is_empty() {
        println!("no answer's text has “{query}”");
    } else {
        for (rank, (hit, value)) in hits.iter().zip(&found).enumerate() {
            println!("{:>2}. {}  {}", rank + 1, hit.id, hit.title);
            println!("    {}{}", site.config.origin(), hit.url);
            if let Some(excerpt) = value["excerpt"].as_str().filter(|e| !e.is_empty()) {
                println!("    {excerpt}");
            }
        }
    }
    ExitCode::SUCCESS
}

/// The results as the search page shows them: a weak search's under "可能相关".
fn print_results(site: &crate::model::Site, query: &str, results: &search_index::engine::Results) {
    use search_index::engine::Outcome;
    match results.outcome {
        Outcome::None => {
            println!("no answers found for “{query}”");
            return;
        }
        Outcome::Weak => println!("可能相关 (only partial matches for “{query}”):"),
        Outcome::Answers => {}
    }
    for (rank, hit) in results.hits.iter().enumerate() {
        println!("{:>2}. {}  {}", rank + 1, hit.id, hit.title);
        println!(
            "    {} · {} · {}{}",
            hit.system_title,
            hit.category,
            site.config.origin(),
            hit.url
        );
    }
}

//! Related answers of the sample site against a set judged by hand
//! (`tests/data/related-judged.tsv`): precision (the share of listed related answers judged
//! related), the share of first-listed judged related, how many are listed, with and without
//! the authors' links. `cargo test --test related -- --nocapture` prints the figures;
//! `python3 bench/related.py precision BINARY…` reads the same off built pages, for any build.

mod common;

use std::collections::{HashMap, HashSet};

use qaportal::related::{self, RelatedAnswers};

/// Below these the test fails. Measured with this module: precision 0.871 over 85 listed (0.868
/// over 68 without the links), every first-listed related, one answer (KB-0070) with none;
/// tantivy's related answers before it: 0.361 over 108, first-listed 0.682
/// (`python3 bench/related.py precision BINARY` on the binaries before and after).
const PRECISION_FLOOR: f64 = 0.85;
const FIRST_FLOOR: f64 = 0.95;
/// Precision alone is won by listing nothing: the judged answers must list this many together.
const LISTED_FLOOR: usize = 70;

fn judged() -> Vec<(String, HashSet<String>)> {
    include_str!("data/related-judged.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let mut columns = line.split('\t');
            let answer = columns.next().unwrap().to_string();
            let related = columns
                .next()
                .unwrap()
                .split_whitespace()
                .map(str::to_string)
                .collect();
            (answer, related)
        })
        .collect()
}

struct Figures {
    listed: usize,
    good: usize,
    firsts: usize,
    first_good: usize,
    none: usize,
}

impl Figures {
    fn precision(&self) -> f64 {
        self.good as f64 / self.listed.max(1) as f64
    }
    fn first(&self) -> f64 {
        self.first_good as f64 / self.firsts.max(1) as f64
    }
}

fn score(found: &RelatedAnswers, judged: &[(String, HashSet<String>)]) -> Figures {
    let mut f = Figures {
        listed: 0,
        good: 0,
        firsts: 0,
        first_good: 0,
        none: 0,
    };
    for (answer, related) in judged {
        let listed = &found[answer];
        f.listed += listed.len();
        f.good += listed.iter().filter(|r| related.contains(&r.id)).count();
        match listed.first() {
            Some(first) => {
                f.firsts += 1;
                f.first_good += usize::from(related.contains(&first.id));
            }
            None => f.none += 1,
        }
    }
    f
}

/// The sample's search documents and links, as a build computes them.
fn sample() -> (
    Vec<search_index::SearchDocument>,
    Vec<Vec<usize>>,
    search_index::Synonyms,
) {
    let mut sources = qaportal::source::Sources::default();
    let mut diagnostics = qaportal::diagnostic::Diagnostics::default();
    let options = common::stages_only(env!("CARGO_MANIFEST_DIR").into());
    let site = qaportal::build::prepare(&options, &mut sources, &mut diagnostics).unwrap();
    let rendered = qaportal::render::render(&site, &sources, &mut diagnostics, None);
    assert!(!diagnostics.has_errors());
    let documents = qaportal::search::documents(&site, &rendered);
    let links = related::links(&site, &rendered);
    (documents, links, site.synonyms.clone())
}

#[test]
fn related_answers_of_the_sample_are_judged_related() {
    let judged = judged();
    let (documents, links, synonyms) = sample();
    let with_links = related::related(&documents, &links, &synonyms);
    let without = related::related(&documents, &vec![Vec::new(); links.len()], &synonyms);
    let all: HashSet<&str> = documents.iter().map(|d| d.id.as_str()).collect();
    for (answer, related) in &judged {
        assert!(
            all.contains(answer.as_str()),
            "{answer} is not in the sample"
        );
        for id in related {
            assert!(
                all.contains(id.as_str()),
                "{answer}: {id} is not in the sample"
            );
        }
    }
    let titles: HashMap<&str, &str> = documents
        .iter()
        .map(|d| (d.id.as_str(), d.title.as_str()))
        .collect();
    for (name, found) in [("with links", &with_links), ("without links", &without)] {
        let f = score(found, &judged);
        println!(
            "{name}: {} judged answers, {} related listed, precision {:.3}, first listed related {:.3} ({}/{}), {} listing none",
            judged.len(),
            f.listed,
            f.precision(),
            f.first(),
            f.first_good,
            f.firsts,
            f.none
        );
    }
    for (answer, related) in &judged {
        let listed: Vec<String> = with_links[answer]
            .iter()
            .map(|r| {
                let mark = if related.contains(&r.id) { "" } else { " ✗" };
                format!("{} {:.2} {}{mark}", r.id, r.score, titles[r.id.as_str()])
            })
            .collect();
        println!(
            "{answer} {}\n    {}",
            titles[answer.as_str()],
            listed.join("\n    ")
        );
    }
    let f = score(&with_links, &judged);
    assert!(
        f.precision() >= PRECISION_FLOOR,
        "precision {:.3}",
        f.precision()
    );
    assert!(f.first() >= FIRST_FLOOR, "first listed {:.3}", f.first());
    assert!(f.listed >= LISTED_FLOOR, "only {} listed", f.listed);
    // The two pages issue 12 named.
    for (answer, related) in judged
        .iter()
        .filter(|(a, _)| a == "KB-0071" || a == "KB-0019")
    {
        let listed = &with_links[answer];
        assert!(!listed.is_empty(), "{answer} lists none");
        assert!(
            listed.iter().all(|r| related.contains(&r.id)),
            "{answer}: {listed:?}"
        );
    }
}

/// What the pages show is what the module computes, every answer, in its order.
#[test]
fn the_built_pages_show_the_related_answers() {
    let (documents, links, synonyms) = sample();
    let expected = related::related(&documents, &links, &synonyms);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let output = common::qaportal()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--quiet", "--as-of", "2026-11-22", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", common::stderr(&output));
    for doc in &documents {
        let page =
            std::fs::read_to_string(out.join(doc.url.trim_start_matches('/')).join("index.html"))
                .unwrap_or_else(|e| panic!("{}: {e}", doc.url));
        let section = page
            .split("<section aria-labelledby=\"related-heading\">")
            .nth(1)
            .map(|rest| rest.split("</section>").next().unwrap());
        let shown: Vec<&str> = section
            .map(|s| {
                s.split("data-id=\"")
                    .skip(1)
                    .map(|rest| rest.split('"').next().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        let computed: Vec<&str> = expected[&doc.id].iter().map(|r| r.id.as_str()).collect();
        assert_eq!(shown, computed, "{}", doc.id);
        // No related answers: no empty heading either.
        assert_eq!(section.is_some(), !computed.is_empty(), "{}", doc.id);
    }
    // A site whose answers all share a subject still builds one whose URLs are known.
    assert!(expected.values().any(|r| r.len() == related::LIMIT));
}

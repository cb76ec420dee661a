//! The client search index, rebuilt beside the edits rather than in their way.
//!
//! Its BM25 weights are global, so one changed answer can change every shard: the index is built
//! again from all search documents. On a large site that takes longer than the rest of an update,
//! and no open page shows the index (the search box fetches it when asked), so a thread of its
//! own does it once the edits pause, on one core so that the next edit has the other. Edits made meanwhile are merged into the next run;
//! a result that a full build has overtaken is dropped. The documents' analyses stay in memory
//! between runs, so a run tokenizes only the answers changed since the one before.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use search_index::{SearchDocument, Synonyms};

use super::http::Shared;
use super::state::Served;
use crate::search;

/// How long the edits must pause before the index is rebuilt.
const PAUSE: Duration = Duration::from_millis(300);

struct Job {
    documents: Vec<Arc<SearchDocument>>,
    synonyms: Synonyms,
    /// The full build the documents belong to.
    epoch: u64,
}

pub struct Indexer {
    jobs: Sender<Job>,
    /// Counts full builds: each one writes a complete index of its own.
    epoch: Arc<AtomicU64>,
}

impl Indexer {
    /// `root`: the site, whose `.qaportal` holds the documents' analyses of the last build.
    pub fn start(shared: Arc<Shared>, verbose: bool, root: PathBuf) -> Indexer {
        let (jobs, receiver) = channel();
        let epoch = Arc::new(AtomicU64::new(0));
        let current = Arc::clone(&epoch);
        std::thread::spawn(move || run(&receiver, &shared, &current, verbose, &root));
        Indexer { jobs, epoch }
    }

    /// A full build replaced the output, search index included.
    pub fn full_build(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }

    /// Asks for the index of these documents.
    pub fn submit(&self, documents: Vec<Arc<SearchDocument>>, synonyms: Synonyms) {
        let epoch = self.epoch.load(Ordering::SeqCst);
        let _ = self.jobs.send(Job {
            documents,
            synonyms,
            epoch,
        });
    }
}

fn run(jobs: &Receiver<Job>, shared: &Shared, epoch: &AtomicU64, verbose: bool, root: &Path) {
    // A pool of its own: in rayon's global pool, the index's long tasks would queue ahead of
    // the next edit's short ones.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread can be started");
    // The documents' analyses, kept between runs: after a save only the answers it changed
    // are tokenized again. The first run reads those the first build left on disk.
    let mut analyses: Option<search::AnalysesFor> = None;
    while let Ok(mut job) = jobs.recv() {
        // Only the latest documents matter; while the author keeps saving, the cores go to the
        // pages.
        while let Ok(newer) = jobs.recv_timeout(PAUSE) {
            job = newer;
        }
        let started = Instant::now();
        let documents: Vec<&SearchDocument> = job.documents.iter().map(|d| &**d).collect();
        let analyses =
            analyses.get_or_insert_with(|| search::AnalysesFor::read(root, &job.synonyms));
        let built = pool.install(|| {
            search::client_files_with(
                &documents,
                &job.synonyms,
                analyses.for_synonyms(&job.synonyms),
            )
        });
        let dir = format!("{}/", search_index::ClientOptions::default().dir);
        let mut files = shared.files.write().expect("not poisoned");
        if epoch.load(Ordering::SeqCst) != job.epoch {
            continue;
        }
        let (changed, moved) = replace_index(&mut files, &dir, built);
        drop(files);
        super::give_back_memory();
        if verbose {
            eprintln!(
                "search index rebuilt in {} ms: {} files changed, {moved} moved with its folder",
                started.elapsed().as_millis(),
                changed.len()
            );
        }
        if !changed.is_empty() {
            shared.reload(&changed, false);
        }
    }
}

/// Puts a new index in place of the served one; returns the paths whose bytes changed (sorted)
/// and the number of files that only moved.
///
/// The index's files sit in a folder named by the index's digest, so that a browser never pairs
/// a manifest with shards of another build; one changed answer moves every path but changes the
/// bytes of a few dozen files. Like the build's writer, which renames the folder and writes only
/// those, serve keeps the bytes it holds for a file that only moved, and tells open pages only
/// of the files that changed.
fn replace_index(
    files: &mut super::state::Files,
    dir: &str,
    built: Vec<(String, Vec<u8>)>,
) -> (Vec<String>, usize) {
    // The index's files (not the search page) as they were, by their path within the folder.
    let old_paths: Vec<String> = files
        .keys()
        .filter(|p| p.starts_with(dir) && !p.ends_with(".html"))
        .cloned()
        .collect();
    let mut old: HashMap<String, (String, Served)> = HashMap::with_capacity(old_paths.len());
    for path in old_paths {
        let served = files.remove(&path).expect("listed above");
        old.insert(within_folder(dir, &path).to_string(), (path, served));
    }
    let mut changed = Vec::new();
    let mut moved = 0;
    for (path, bytes) in built {
        let served = match old.remove(within_folder(dir, &path)) {
            Some((old_path, Served::Bytes(held))) if *held == *bytes => {
                if old_path != path {
                    moved += 1;
                }
                Served::Bytes(held)
            }
            _ => {
                changed.push(path.clone());
                Served::Bytes(bytes.into())
            }
        };
        files.insert(path, served);
    }
    // Files the new index no longer has.
    changed.extend(old.into_values().map(|(path, _)| path));
    changed.sort();
    (changed, moved)
}

/// A path of the index without its digest folder: `search/2d5824ca6d2b/t/a.json` → `t/a.json`;
/// files beside the folder (`search/manifest.json`) keep their name.
fn within_folder<'a>(dir: &str, path: &'a str) -> &'a str {
    let relative = &path[dir.len()..];
    match relative.split_once('/') {
        Some((_, rest)) => rest,
        None => relative,
    }
}

//! The client search index, rebuilt beside the edits rather than in their way.
//!
//! Its BM25 weights are global, so one changed answer can change every shard: the index is built
//! again from all search documents. On a large site that takes longer than the rest of an update,
//! and no open page shows the index (the search box fetches it when asked), so a thread of its
//! own does it once the edits pause, on one core so that the next edit has the other. Edits made meanwhile are merged into the next run;
//! a result that a full build has overtaken is dropped. The documents' analyses stay in memory
//! between runs, so a run tokenizes only the answers changed since the one before.

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
        let fresh: std::collections::HashSet<&str> =
            built.iter().map(|(p, _)| p.as_str()).collect();
        // The index's files (not the search page) that the new index no longer has.
        let mut changed: Vec<String> = files
            .keys()
            .filter(|p| p.starts_with(&dir) && !p.ends_with(".html") && !fresh.contains(p.as_str()))
            .cloned()
            .collect();
        for stale in &changed {
            files.remove(stale);
        }
        for (path, bytes) in built {
            let unchanged = matches!(files.get(&path), Some(Served::Bytes(old)) if **old == *bytes);
            if !unchanged {
                changed.push(path.clone());
                files.insert(path, Served::Bytes(bytes.into()));
            }
        }
        drop(files);
        super::give_back_memory();
        if verbose {
            eprintln!(
                "search index rebuilt in {} ms: {} files changed",
                started.elapsed().as_millis(),
                changed.len()
            );
        }
        if !changed.is_empty() {
            changed.sort();
            shared.reload(&changed, false);
        }
    }
}

//! Watching the site source: notify, debounced by notify-debouncer-full, which also pairs the
//! events of editors that save by writing a temporary file and renaming it over the original.
//!
//! Only what the site is made from is watched (the config, `synonyms.txt`, `content/`,
//! `data/`, `themes/`), never the output or `.git`, whose writes would trigger rebuilds.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, ModifyKind};
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

/// How long the files must be quiet before a rebuild. Editors write a file in a few
/// milliseconds (a temporary file, a rename, a metadata update): this groups one save into one
/// rebuild while adding little to the time until the page reloads.
const QUIET: Duration = Duration::from_millis(20);

/// The folders watched recursively, beside the root's own files.
const FOLDERS: [&str; 3] = ["content", "data", "themes"];

/// The debounced watcher, and what it watches.
pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
}

impl Watcher {
    /// A watched folder that is deleted loses its watch, and one created after the start
    /// (`data/` added, `content/` restored from a backup or by `git checkout`) has none: when
    /// a batch names one of them, it is watched (again). The batch then rebuilds the whole
    /// site, which reads whatever was written into the folder before the watch began.
    pub fn rewatch(&mut self, batch: &BTreeSet<PathBuf>) {
        for dir in FOLDERS {
            let path = self.root.join(dir);
            if batch.contains(&path) && path.is_dir() {
                let _ = self.debouncer.unwatch(&path);
                if let Err(error) = self.debouncer.watch(&path, RecursiveMode::Recursive) {
                    eprintln!("warning: cannot watch {}: {error}", path.display());
                }
            }
        }
    }
}

/// Whether an event can change what a file holds. Reading files (every build does) and
/// metadata updates must not count, or each build would trigger the next.
fn changes_contents(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        _ => true,
    }
}

/// Starts watching `root`; each batch of changed paths is sent to `changes`.
pub fn start(root: &Path, changes: Sender<BTreeSet<PathBuf>>) -> Result<Watcher, String> {
    let mut debouncer = new_debouncer(
        QUIET,
        Some(QUIET / 4),
        move |result: DebounceEventResult| {
            let Ok(events) = result else { return };
            let paths: BTreeSet<PathBuf> = events
                .into_iter()
                .filter(|event| changes_contents(&event.event.kind))
                .flat_map(|event| event.event.paths)
                .collect();
            if !paths.is_empty() {
                let _ = changes.send(paths);
            }
        },
    )
    .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    let watch =
        |debouncer: &mut Debouncer<RecommendedWatcher, RecommendedCache>, path: &Path, mode| {
            debouncer
                .watch(path, mode)
                .map_err(|e| format!("cannot watch {}: {e}", path.display()))
        };
    watch(&mut debouncer, root, RecursiveMode::NonRecursive)?;
    for dir in FOLDERS {
        let path = root.join(dir);
        if path.is_dir() {
            watch(&mut debouncer, &path, RecursiveMode::Recursive)?;
        }
    }
    Ok(Watcher {
        debouncer,
        root: root.to_path_buf(),
    })
}

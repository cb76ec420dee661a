//! Pages whose inputs did not change are not templated again.
//!
//! Applying the templates is most of a rebuild's time (tens of thousands of pages at 10,000
//! answers), and a weekly republish changes a few dozen of them. A page's HTML is a function
//! of its inputs alone: the page's values, the values every page sees (`site`), the theme's
//! templates and qaportal itself (filters, QR codes, the Content-Security-Policy). Each build
//! remembers, per file, a fingerprint of those inputs and the hash of the HTML they gave
//! (`.qaportal/pages`); when a page's fingerprint is the remembered one and the folder being
//! brought up to date already holds that HTML, the page is neither templated nor written.
//! Anything unknown (no record, another qaportal binary, a damaged file) means templating.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use xxhash_rust::xxh3::Xxh3Default;

use super::{Staging, Written};

/// What a page's HTML was made from, hashed (see [`super::fingerprint`]).
pub type Fingerprint = u128;

/// The pages of the last build and the pages of this one.
pub struct Remembered {
    /// Mixed into every fingerprint: the templates, `site` and the binary.
    salt: u128,
    /// The `pages` file as read, to leave it as it is when this build's pages are the same.
    file: Vec<u8>,
    /// The last build's pages, by [`key`] of their file: salted inputs, HTML hash and size.
    last: HashMap<u128, Record>,
    now: Mutex<Vec<(u128, Record)>>,
    /// Pages reused as they were.
    reused: AtomicUsize,
}

impl Remembered {
    /// What the last build of `root` recorded, for pages made with the same templates (their
    /// hash), the same `site` values and this binary.
    pub fn load(root: &Path, templates: u128, site: &impl serde::Serialize) -> Remembered {
        let mut salt = Xxh3Default::new();
        salt.update(&templates.to_le_bytes());
        salt.update(&serde_json::to_vec(site).unwrap_or_default());
        salt.update(binary_identity().as_bytes());
        let file = std::fs::read(path(root)).unwrap_or_default();
        let last = read(&file).unwrap_or_default();
        Remembered {
            salt: salt.digest128(),
            file,
            last,
            now: Mutex::new(Vec::new()),
            reused: AtomicUsize::new(0),
        }
    }

    /// The page's file as the folder already holds it, if its inputs are those of the last
    /// build and the folder holds what they gave.
    pub fn reuse(&self, file: &str, inputs: Fingerprint, staging: &Staging) -> Option<Written> {
        let inputs = self.salted(inputs);
        let key = key(file);
        let &(last, hash, len) = self.last.get(&key)?;
        // The folder must hold, at this very path, the HTML these inputs gave: two paths
        // sharing a key can at worst both miss.
        (last == inputs && staging.holds(file, hash)).then(|| {
            self.record(key, (inputs, hash, len));
            self.reused.fetch_add(1, Ordering::Relaxed);
            Written {
                path: file.to_string(),
                len,
                hash,
            }
        })
    }

    /// Notes what the page's inputs gave in this build.
    pub fn made(&self, inputs: Fingerprint, written: &Written) {
        self.record(
            key(&written.path),
            (self.salted(inputs), written.hash, written.len),
        );
    }

    /// How many pages were reused as they were.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    fn salted(&self, inputs: Fingerprint) -> Fingerprint {
        inputs ^ self.salt
    }

    fn record(&self, key: u128, record: Record) {
        self.now.lock().expect("not poisoned").push((key, record));
    }

    /// Keeps this build's pages for the next one; after the site was written (a failed build
    /// keeps the last record, which still describes the folders). A failure to save only costs
    /// the next build time.
    pub fn save(self, root: &Path) {
        let mut now = self.now.into_inner().expect("not poisoned");
        now.sort_unstable();
        let mut bytes = Vec::with_capacity(now.len() * RECORD);
        for (key, (inputs, hash, len)) in &now {
            bytes.extend_from_slice(&key.to_le_bytes());
            bytes.extend_from_slice(&inputs.to_le_bytes());
            bytes.extend_from_slice(&hash.to_le_bytes());
            bytes.extend_from_slice(&len.to_le_bytes());
        }
        if bytes == self.file {
            return;
        }
        let path = path(root);
        let partial = path.with_extension("partial");
        let _ = std::fs::create_dir_all(root.join(".qaportal"));
        if std::fs::write(&partial, bytes).is_ok() {
            let _ = std::fs::rename(&partial, &path);
        }
    }
}

fn path(root: &Path) -> PathBuf {
    root.join(".qaportal").join("pages")
}

/// A page's record: its salted inputs, the hash and the size of the HTML they gave.
type Record = (Fingerprint, u128, u64);

/// The bytes of a record in the `pages` file, with its key.
const RECORD: usize = 16 + 16 + 16 + 8;

/// The key of a page's file in the records: a hash of its path (40,000 paths at 10,000 answers
/// are read and written by every build; their hashes are a fraction of the bytes and need no
/// allocation).
fn key(file: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(file.as_bytes())
}

/// The records of a `pages` file; `None` if it is damaged.
fn read(bytes: &[u8]) -> Option<HashMap<u128, Record>> {
    if !bytes.len().is_multiple_of(RECORD) {
        return None;
    }
    let number = |at: usize, len: usize| -> u128 {
        let mut le = [0u8; 16];
        le[..len].copy_from_slice(&bytes[at..at + len]);
        u128::from_le_bytes(le)
    };
    let mut records = HashMap::with_capacity(bytes.len() / RECORD);
    for at in (0..bytes.len()).step_by(RECORD) {
        records.insert(
            number(at, 16),
            (
                number(at + 16, 16),
                number(at + 32, 16),
                number(at + 48, 8) as u64,
            ),
        );
    }
    Some(records)
}

/// This qaportal binary: its version, size and modification time. Another binary may template
/// differently (a fixed filter, a changed policy), so its records are not trusted; when the
/// binary cannot be identified, every page is templated.
pub(crate) fn binary_identity() -> String {
    let found = std::env::current_exe()
        .and_then(std::fs::metadata)
        .and_then(|m| Ok((m.len(), m.modified()?)));
    match found {
        Ok((len, modified)) => format!("{} {len} {modified:?}", env!("CARGO_PKG_VERSION")),
        // Unique per process: nothing recorded before matches.
        Err(_) => format!("unknown {:?}", std::time::SystemTime::now()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_a_save_and_damage_means_none() {
        let dir = tempfile::tempdir().unwrap();
        let remembered = Remembered::load(dir.path(), 1, &"site");
        let written = Written {
            path: "a/KB-1/index.html".into(),
            len: 42,
            hash: 7,
        };
        remembered.made(99, &written);
        remembered.save(dir.path());
        let again = Remembered::load(dir.path(), 1, &"site");
        let &(inputs, hash, len) = again.last.get(&key("a/KB-1/index.html")).unwrap();
        assert_eq!((inputs, hash, len), (99 ^ again.salt, 7, 42));
        // Other templates or other `site` values: another salt, so nothing matches.
        assert_ne!(Remembered::load(dir.path(), 2, &"site").salt, again.salt);
        assert_ne!(Remembered::load(dir.path(), 1, &"other").salt, again.salt);

        let mut bytes = std::fs::read(path(dir.path())).unwrap();
        bytes.truncate(bytes.len() - 3);
        assert!(read(&bytes).is_none());
    }
}

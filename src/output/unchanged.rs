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
    last: HashMap<String, (Fingerprint, u128, u64)>,
    now: Mutex<Vec<(String, Fingerprint, u128, u64)>>,
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
        let last = std::fs::read(path(root))
            .ok()
            .and_then(|bytes| read(&bytes))
            .unwrap_or_default();
        Remembered {
            salt: salt.digest128(),
            last,
            now: Mutex::new(Vec::new()),
            reused: AtomicUsize::new(0),
        }
    }

    /// The page's file as the folder already holds it, if its inputs are those of the last
    /// build and the folder holds what they gave.
    pub fn reuse(&self, file: &str, inputs: Fingerprint, staging: &Staging) -> Option<Written> {
        let inputs = self.salted(inputs);
        let &(last, hash, len) = self.last.get(file)?;
        (last == inputs && staging.holds(file, hash)).then(|| {
            self.record(file, inputs, hash, len);
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
            &written.path,
            self.salted(inputs),
            written.hash,
            written.len,
        );
    }

    /// How many pages were reused as they were.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    fn salted(&self, inputs: Fingerprint) -> Fingerprint {
        inputs ^ self.salt
    }

    fn record(&self, file: &str, inputs: Fingerprint, hash: u128, len: u64) {
        self.now
            .lock()
            .expect("not poisoned")
            .push((file.to_string(), inputs, hash, len));
    }

    /// Keeps this build's pages for the next one; after the site was written (a failed build
    /// keeps the last record, which still describes the folders). A failure to save only costs
    /// the next build time.
    pub fn save(self, root: &Path) {
        let mut now = self.now.into_inner().expect("not poisoned");
        now.sort_unstable();
        let mut bytes = Vec::with_capacity(now.len() * 80);
        for (file, inputs, hash, len) in &now {
            bytes.extend_from_slice(&(file.len() as u32).to_le_bytes());
            bytes.extend_from_slice(file.as_bytes());
            bytes.extend_from_slice(&inputs.to_le_bytes());
            bytes.extend_from_slice(&hash.to_le_bytes());
            bytes.extend_from_slice(&len.to_le_bytes());
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

/// The records of a `pages` file; `None` if it is damaged.
fn read(mut bytes: &[u8]) -> Option<HashMap<String, (Fingerprint, u128, u64)>> {
    let mut records = HashMap::new();
    while !bytes.is_empty() {
        let (len, rest) = bytes.split_first_chunk::<4>()?;
        let len = u32::from_le_bytes(*len) as usize;
        let file = std::str::from_utf8(rest.get(..len)?).ok()?.to_string();
        let rest = &rest[len..];
        let (inputs, rest) = rest.split_first_chunk::<16>()?;
        let (hash, rest) = rest.split_first_chunk::<16>()?;
        let (size, rest) = rest.split_first_chunk::<8>()?;
        records.insert(
            file,
            (
                u128::from_le_bytes(*inputs),
                u128::from_le_bytes(*hash),
                u64::from_le_bytes(*size),
            ),
        );
        bytes = rest;
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
        let &(inputs, hash, len) = again.last.get("a/KB-1/index.html").unwrap();
        assert_eq!((inputs, hash, len), (99 ^ again.salt, 7, 42));
        // Other templates or other `site` values: another salt, so nothing matches.
        assert_ne!(Remembered::load(dir.path(), 2, &"site").salt, again.salt);
        assert_ne!(Remembered::load(dir.path(), 1, &"other").salt, again.salt);

        let mut bytes = std::fs::read(path(dir.path())).unwrap();
        bytes.truncate(bytes.len() - 3);
        assert!(read(&bytes).is_none());
    }
}

//! Files known to be clean are not read for customer data again.
//!
//! The check reads every published file as a reader sees it, a tenth of a warm rebuild at
//! 10,000 answers, and nearly every file is as clean as it was in the last build. Whether a file
//! holds customer data depends only on its bytes, its syntax, the site's allow-list and the
//! rules (qaportal itself): a build records the hash of all four for each file without
//! findings (`.qaportal/lint-clean`), and a later build skips a file whose hash it finds there.
//! A file with findings is never recorded, so its errors are reported by every build; another
//! binary or allow-list gives other hashes, so every file is read again.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use xxhash_rust::xxh3::Xxh3Default;

use super::{Allowed, Syntax};

/// Changes when the file's layout changes (a new binary invalidates the hashes anyway).
const FORMAT: &[u8] = b"qaportal lint-clean 1";

pub struct CleanFiles {
    file: PathBuf,
    salt: u128,
    last: HashSet<u128>,
    /// The clean files of this build.
    now: Mutex<Vec<u128>>,
}

impl CleanFiles {
    /// The clean files recorded under `root`, for the rules of this binary and `allowed`.
    pub fn load(root: &Path, allowed: &Allowed) -> CleanFiles {
        let file = root.join(".qaportal").join("lint-clean");
        let mut salt = Xxh3Default::new();
        salt.update(FORMAT);
        salt.update(crate::output::unchanged::binary_identity().as_bytes());
        for value in allowed.values.iter().chain(&allowed.domains) {
            salt.update(&(value.len() as u64).to_le_bytes());
            salt.update(value.as_bytes());
        }
        salt.update(&(allowed.values.len() as u64).to_le_bytes());
        let last = std::fs::read(&file)
            .map(|bytes| {
                bytes
                    .chunks_exact(16)
                    .map(|c| u128::from_le_bytes(c.try_into().expect("16 bytes")))
                    .collect()
            })
            .unwrap_or_default();
        CleanFiles {
            file,
            salt: salt.digest128(),
            last,
            now: Mutex::default(),
        }
    }

    /// The hash under which `text`, read as `syntax`, is recorded.
    pub fn key(&self, text: &str, syntax: Syntax) -> u128 {
        let mut hasher = Xxh3Default::new();
        hasher.update(&self.salt.to_le_bytes());
        hasher.update(format!("{syntax:?}").as_bytes());
        hasher.update(&[0]);
        hasher.update(text.as_bytes());
        hasher.digest128()
    }

    /// Whether the file of `key` was clean in the last build; it is recorded as clean again.
    pub fn known(&self, key: u128) -> bool {
        let known = self.last.contains(&key);
        if known {
            self.clean(key);
        }
        known
    }

    /// Records that the file of `key` has no customer data.
    pub fn clean(&self, key: u128) {
        self.now.lock().expect("not poisoned").push(key);
    }

    /// Keeps this build's clean files, when they differ from the last build's. A failure only
    /// costs the next build time.
    pub fn save(self) {
        let mut now = self.now.into_inner().expect("not poisoned");
        now.sort_unstable();
        now.dedup();
        if now.len() == self.last.len() && now.iter().all(|k| self.last.contains(k)) {
            return;
        }
        let bytes: Vec<u8> = now.iter().flat_map(|k| k.to_le_bytes()).collect();
        let partial = self.file.with_extension("partial");
        if let Some(dir) = self.file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if std::fs::write(&partial, bytes).is_ok() {
            let _ = std::fs::rename(&partial, &self.file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LintConfig;

    #[test]
    fn clean_files_are_remembered_for_the_same_rules_and_allow_list() {
        let dir = tempfile::tempdir().unwrap();
        let allowed = Allowed::new(&LintConfig::default());
        let clean = CleanFiles::load(dir.path(), &allowed);
        let key = clean.key("没有客户信息。", Syntax::Markdown);
        assert!(!clean.known(key));
        clean.clean(key);
        clean.save();

        let again = CleanFiles::load(dir.path(), &allowed);
        assert!(again.known(again.key("没有客户信息。", Syntax::Markdown)));
        assert!(!again.known(again.key("没有客户信息。", Syntax::Toml)));
        assert!(!again.known(again.key("没有客户信息!", Syntax::Markdown)));

        let other = Allowed::new(&LintConfig {
            allow: vec!["13800000000".into()],
        });
        let other = CleanFiles::load(dir.path(), &other);
        assert!(!other.known(other.key("没有客户信息。", Syntax::Markdown)));
    }
}

//! Writing the site so that a failed build never leaves a half-written one, and a rebuild
//! touches only what changed.
//!
//! Two folders take turns: the live site (`public/`) and the previous one beside it
//! (`.public.prev/`). A build brings the previous folder up to date with the new site (writing
//! only files whose content differs from what it holds, deleting files the site no longer has),
//! then swaps the two in one atomic rename. Readers of `public/` (a web server, a sync to object
//! storage) see the old site or the new one, never a mix; a failed build touches only the folder
//! nobody reads. On this kind of disk a file's creation or removal costs about as much as
//! writing it, so a weekly republish of a 10,000-answer site, which changes a few dozen files,
//! does a few dozen writes instead of tens of thousands.
//!
//! Each folder has a manifest (the [`MARKER`] file: content hash and path of every file), so
//! deciding what changed reads no files; it also marks the folder as qaportal's to replace.
//!
//! [`Staging`] takes the files one at a time (from several threads), so that a build can write
//! each page as soon as its template is applied instead of holding the whole site in memory.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Contents, MARKER, OutputFile};

/// Marks the folder beside the output while a build brings it up to date: its content is
/// unknown (a build may have stopped half-way), but it is qaportal's to replace.
const STAGING_MARKER: &str = ".qaportal-staging";

/// What was written for one file: its path, size and content hash (the manifest's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub path: String,
    pub len: u64,
    pub hash: u128,
}

/// The content hash of the manifest (and of the service worker's version).
pub fn digest(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// The previous site's folder, being brought up to date with a new site.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    /// What the folder held when the build started (path → hash).
    old: HashMap<String, u128>,
    /// The output's lock, held from the first change to the folders until the swap: a second
    /// build into the same `--out` (from another checkout, another terminal) waits instead of
    /// writing into the same staging folder, which would publish a mix of both sites.
    _lock: std::fs::File,
}

impl Staging {
    /// Prepares the folder beside `out` for the site whose files are `paths` (relative, with
    /// `/`): removes the files it no longer has ([`Staging::put`] makes the new folders).
    pub fn open<'a>(
        out: &Path,
        paths: impl IntoIterator<Item = &'a str>,
    ) -> Result<Staging, String> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        std::fs::create_dir_all(&parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        let lock = lock_output(&parent.join(format!(".{name}.lock")), out)?;
        // Checked under the lock: the previous holder may just have made `out`.
        check_replaceable(out)?;
        let dir = parent.join(format!(".{name}.prev"));
        check_staging(&dir, out)?;
        let mut staging = Staging {
            out: out.to_path_buf(),
            dir,
            old: HashMap::new(),
            _lock: lock,
        };
        let paths: HashSet<&str> = paths.into_iter().collect();
        match staging.prepare(paths) {
            Ok(()) => Ok(staging),
            Err(error) => Err(staging.failed(error)),
        }
    }

    fn prepare(&mut self, paths: HashSet<&str>) -> io::Result<()> {
        let dir = &self.dir;
        self.old = match manifest(dir) {
            Some(old) => old,
            None => {
                // Unknown content (first build, or a write that failed): start from nothing.
                if dir.exists() {
                    remove_tree(dir)?;
                }
                HashMap::new()
            }
        };
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join(STAGING_MARKER), "")?;
        // From here the manifest no longer describes the folder.
        let _ = std::fs::remove_file(dir.join(MARKER));

        for (from, to) in moved_folders(self.old.keys().map(String::as_str), &paths) {
            if std::fs::rename(dir.join(&from), dir.join(&to)).is_err() {
                // Only a saving: the files are then written where they belong.
                continue;
            }
            let old = std::mem::take(&mut self.old);
            self.old = old
                .into_iter()
                .map(|(path, hash)| match path.strip_prefix(&from) {
                    Some(rest) if rest.starts_with('/') => (format!("{to}{rest}"), hash),
                    _ => (path, hash),
                })
                .collect();
        }

        let gone: Vec<PathBuf> = self
            .old
            .keys()
            .filter(|path| !paths.contains(path.as_str()))
            .map(|path| dir.join(path))
            .collect();
        gone.par_iter()
            .try_for_each(|path| match std::fs::remove_file(path) {
                Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
                _ => Ok(()),
            })?;
        remove_empty_dirs(dir, &gone)?;
        self.old.retain(|path, _| paths.contains(path.as_str()));
        Ok(())
    }

    /// Whether the folder holds, at `path`, the file whose content hash is `hash`.
    pub fn holds(&self, path: &str, hash: u128) -> bool {
        self.old.get(path) == Some(&hash)
    }

    /// Writes `contents` at `path` unless the folder already holds the same bytes there.
    pub fn put(&self, path: String, contents: &Contents) -> io::Result<Written> {
        let copied;
        let bytes: &[u8] = match contents {
            Contents::Bytes(bytes) => bytes,
            Contents::Static(bytes) => bytes,
            Contents::Copy(source) => {
                copied = std::fs::read(source)?;
                &copied
            }
        };
        self.put_bytes(path, bytes)
    }

    /// [`Staging::put`] of `bytes`.
    pub fn put_bytes(&self, path: String, bytes: &[u8]) -> io::Result<Written> {
        let hash = digest(bytes);
        let old = self.old.get(&path);
        if old != Some(&hash) {
            let target = self.dir.join(&path);
            if old.is_some() {
                // A file may be hard-linked from an older layout or shared: replace, never
                // overwrite.
                let _ = std::fs::remove_file(&target);
            }
            match std::fs::write(&target, bytes) {
                // A folder new in this build is made by whichever thread writes its first
                // file: the folders' creation (3,000 at 1,000 answers, each costing this disk
                // about as much as a file) then runs on both cores beside the templating,
                // instead of one by one before it. A folder is never made twice: a second
                // thread finds it made.
                Err(error) if error.kind() == io::ErrorKind::NotFound => {
                    if let Some(folder) = target.parent() {
                        std::fs::create_dir_all(folder)?;
                    }
                    std::fs::write(&target, bytes)?;
                }
                result => result?,
            }
        }
        Ok(Written {
            path,
            len: bytes.len() as u64,
            hash,
        })
    }

    /// Records what the folder now holds (`written`: every file of the site) and swaps it in
    /// place of the live site.
    pub fn finish(self, written: &[Written]) -> Result<(), String> {
        let mut entries: Vec<(&str, u128)> =
            written.iter().map(|w| (w.path.as_str(), w.hash)).collect();
        entries.sort_unstable();
        // Collisions are reported before anything is written (`super::claims`); a page kind
        // that escaped that check must not publish whichever of two files was written last.
        if let Some(w) = entries.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(self.failed(io::Error::other(format!(
                "internal error: two files were written at {}; please report this",
                w[0].0
            ))));
        }
        let mut manifest = String::with_capacity(written.len() * 80);
        for (path, hash) in entries {
            use std::fmt::Write as _;
            let _ = writeln!(manifest, "{hash:032x}\t{path}");
        }
        std::fs::write(self.dir.join(MARKER), manifest)
            .and_then(|()| std::fs::remove_file(self.dir.join(STAGING_MARKER)))
            .and_then(|()| swap(&self.dir, &self.out))
            .map_err(|error| self.failed(error))
    }

    /// The message for a failed write; the folder's manifest no longer vouches for it (it was
    /// removed when the build started writing).
    pub fn failed(&self, error: io::Error) -> String {
        let _ = std::fs::remove_file(self.dir.join(MARKER));
        format!("cannot write the site to {}: {error}", self.out.display())
    }
}

/// Folders to rename before writing (old name, new name): where a folder of the previous site
/// is gone and exactly one new folder takes its place beside it, such as the search index's
/// content-named folder (`search/<hash>/`) after an edit. Its files are then moved in one
/// rename, and only those whose content changed are written, instead of the whole folder being
/// deleted and written again under its new name. Renaming is always safe: every file is still
/// compared with its new content, and files the site no longer has are deleted afterwards.
fn moved_folders<'a>(
    old: impl Iterator<Item = &'a str>,
    new: &HashSet<&'a str>,
) -> Vec<(String, String)> {
    let old_dirs: HashSet<&str> = old.flat_map(ancestors).collect();
    let new_dirs: HashSet<&str> = new.iter().flat_map(|p| ancestors(p)).collect();
    let parent = |d: &'a str| d.rsplit_once('/').map_or("", |(p, _)| p);
    // The topmost folders only gone (or only new), by their parent folder.
    let mut by_parent: std::collections::BTreeMap<&str, (Vec<&str>, Vec<&str>)> =
        Default::default();
    for &d in &old_dirs {
        if !new_dirs.contains(d) && (parent(d).is_empty() || new_dirs.contains(parent(d))) {
            by_parent.entry(parent(d)).or_default().0.push(d);
        }
    }
    for &d in &new_dirs {
        if !old_dirs.contains(d) && (parent(d).is_empty() || old_dirs.contains(parent(d))) {
            by_parent.entry(parent(d)).or_default().1.push(d);
        }
    }
    by_parent
        .into_values()
        .filter_map(|(gone, fresh)| match (gone.as_slice(), fresh.as_slice()) {
            ([from], [to]) => Some((from.to_string(), to.to_string())),
            _ => None,
        })
        .collect()
}

/// `a/b/c.html` → `a`, `a/b`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(|(i, _)| &path[..i])
}

/// Writes `files` as the new content of `out`, replacing what was there only on success.
pub fn write_atomically(out: &Path, files: &[OutputFile]) -> Result<(), String> {
    let staging = Staging::open(out, files.iter().map(|f| f.path.as_str()))?;
    let written: Vec<Written> = files
        .par_iter()
        .map(|file| staging.put(file.path.clone(), &file.contents))
        .collect::<io::Result<_>>()
        .map_err(|error| staging.failed(error))?;
    staging.finish(&written)
}

/// Refuses to replace anything at `out` that qaportal did not write: `--out content` must not
/// delete the knowledge base, nor `--out notes.txt` a file.
fn check_replaceable(out: &Path) -> Result<(), String> {
    let Ok(meta) = std::fs::symlink_metadata(out) else {
        return Ok(());
    };
    if !meta.is_dir() {
        let what = if meta.is_symlink() {
            "a symbolic link"
        } else {
            "a file"
        };
        return Err(format!(
            "{} is {what}, not a folder written by qaportal; refusing to replace it. \
             Choose another --out folder, or delete it first",
            out.display()
        ));
    }
    if is_empty_dir(out) || out.join(MARKER).is_file() {
        return Ok(());
    }
    Err(format!(
        "{} exists and was not written by qaportal; refusing to replace it. \
         Choose another --out folder, or delete it first",
        out.display()
    ))
}

/// The folder beside the output that a build brings up to date (`.public.prev`) is replaced
/// only when it is qaportal's: it holds a manifest or the staging mark, or the output beside it
/// is qaportal's (the name is then ours), or it is empty.
fn check_staging(dir: &Path, out: &Path) -> Result<(), String> {
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return Ok(());
    };
    let ours = meta.is_dir()
        && (is_empty_dir(dir)
            || dir.join(MARKER).is_file()
            || dir.join(STAGING_MARKER).is_file()
            || out.join(MARKER).is_file());
    if ours {
        return Ok(());
    }
    Err(format!(
        "{} (where qaportal prepares the next version of {}) exists and was not written by \
         qaportal; refusing to replace it. Move it away, or choose another --out folder",
        dir.display(),
        out.display()
    ))
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// Takes the output's lock (`.public.lock` beside it), waiting for another build that holds it.
fn lock_output(path: &Path, out: &Path) -> Result<std::fs::File, String> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| format!("cannot create the lock {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => return Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => eprintln!(
            "note: another qaportal build is writing {}; waiting for it to finish",
            out.display()
        ),
        Err(std::fs::TryLockError::Error(error)) => {
            return Err(format!(
                "cannot lock {} (needed so that two builds never write {} at once): {error}",
                path.display(),
                out.display()
            ));
        }
    }
    file.lock().map_err(|error| {
        format!(
            "cannot lock {} (needed so that two builds never write {} at once): {error}",
            path.display(),
            out.display()
        )
    })?;
    Ok(file)
}

/// What a folder holds, from its manifest: path → content hash.
/// A manifest naming a path twice (written by a version that let two pages share a file)
/// does not say which one is on disk: it counts as none.
fn manifest(dir: &Path) -> Option<HashMap<String, u128>> {
    let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    let mut files = HashMap::new();
    for line in text.lines() {
        let (hash, path) = line.split_once('\t')?;
        let hash = u128::from_str_radix(hash, 16).ok()?;
        if files.insert(path.to_string(), hash).is_some() {
            return None;
        }
    }
    Some(files)
}

/// Removes the folders left empty by deleting `gone`, deepest first.
fn remove_empty_dirs(root: &Path, gone: &[PathBuf]) -> io::Result<()> {
    let mut candidates: BTreeSet<PathBuf> = BTreeSet::new();
    for path in gone {
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| d.starts_with(root) && *d != root) {
            candidates.insert(d.to_path_buf());
            dir = d.parent();
        }
    }
    let mut by_depth: Vec<PathBuf> = candidates.into_iter().collect();
    by_depth.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for dir in by_depth {
        if std::fs::read_dir(&dir).is_ok_and(|mut entries| entries.next().is_none()) {
            std::fs::remove_dir(&dir)?;
        }
    }
    Ok(())
}

/// Puts the brought-up-to-date `previous` in place of `out`; the old site becomes `previous`.
fn swap(previous: &Path, out: &Path) -> io::Result<()> {
    if !out.exists() {
        return std::fs::rename(previous, out);
    }
    #[cfg(target_os = "linux")]
    {
        // One atomic exchange: there is no moment without a site at `out`.
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, previous, CWD, out, RenameFlags::EXCHANGE).is_ok() {
            return Ok(());
        }
    }
    // Elsewhere (or on file systems without exchange): three renames, a very short gap.
    let parked = previous.with_extension("swap");
    std::fs::rename(out, &parked)?;
    std::fs::rename(previous, out)?;
    std::fs::rename(&parked, previous)
}

/// `remove_dir_all`, with the files removed in parallel: a site has tens of thousands.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            dirs.push((entry.depth(), entry.into_path()));
        } else {
            files.push(entry.into_path());
        }
    }
    files.par_iter().try_for_each(std::fs::remove_file)?;
    dirs.sort_by_key(|d| std::cmp::Reverse(d.0));
    dirs.into_iter()
        .try_for_each(|(_, d)| std::fs::remove_dir(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(text.as_bytes().to_vec()),
        }
    }

    #[test]
    fn replaces_only_its_own_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomically(&out, &[file("a/index.html", "one")]).unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");

        write_atomically(&out, &[file("b.txt", "two")]).unwrap();
        assert!(
            !out.join("a").exists(),
            "files the site no longer has are gone, with their folders"
        );
        assert_eq!(std::fs::read(out.join("b.txt")).unwrap(), b"two");
        assert_eq!(
            std::fs::read(dir.path().join(".public.prev/a/index.html")).unwrap(),
            b"one",
            "the previous site is kept"
        );

        let foreign = dir.path().join("content");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("x.md"), "keep").unwrap();
        assert!(write_atomically(&foreign, &[file("b.txt", "two")]).is_err());
        assert_eq!(
            std::fs::read_to_string(foreign.join("x.md")).unwrap(),
            "keep"
        );
    }

    #[test]
    fn a_rebuild_writes_only_what_changed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let site = |b: &str| {
            vec![
                file("a.html", "same"),
                file("b.html", b),
                file("x/c.html", "gone soon"),
            ]
        };
        write_atomically(&out, &site("1")).unwrap();
        write_atomically(&out, &site("2")).unwrap();
        // The folder being brought up to date holds build 1; build 3 keeps a.html as it is.
        let prev = dir.path().join(".public.prev");
        let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
        let a_before = inode(&prev.join("a.html"));
        write_atomically(&out, &[file("a.html", "same"), file("b.html", "3")]).unwrap();
        assert_eq!(
            inode(&out.join("a.html")),
            a_before,
            "an unchanged file is not written again"
        );
        assert_eq!(std::fs::read(out.join("b.html")).unwrap(), b"3");
        assert!(!out.join("x").exists());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names.len(),
            3,
            "public, .public.prev and the lock only: {names:?}"
        );
    }

    #[test]
    fn a_renamed_folder_keeps_its_unchanged_files() {
        // The search index lives in a folder named by its content: after one answer changes,
        // most of its files are the same under the new name.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let site = |hash: &str, second: &str| {
            vec![
                file("index.html", "home"),
                file(&format!("search/{hash}/t/1.json"), "same"),
                file(&format!("search/{hash}/t/2.json"), second),
                file(&format!("search/{hash}/m/0.json"), "meta"),
                file("search/manifest.json", hash),
            ]
        };
        write_atomically(&out, &site("aaa", "old")).unwrap();
        write_atomically(&out, &site("aaa", "old")).unwrap();
        // Marks the file the manifest says holds "same" (inode numbers are reused, so they
        // cannot tell a moved file from a rewritten one): a moved file keeps the mark.
        let prev = dir.path().join(".public.prev");
        std::fs::write(prev.join("search/aaa/t/1.json"), "moved, not written").unwrap();
        write_atomically(&out, &site("bbb", "new")).unwrap();
        assert_eq!(
            std::fs::read(out.join("search/bbb/t/1.json")).unwrap(),
            b"moved, not written",
            "an unchanged file of the renamed folder is not written again"
        );
        assert_eq!(
            std::fs::read(out.join("search/bbb/t/2.json")).unwrap(),
            b"new"
        );
        assert_eq!(
            std::fs::read(out.join("search/bbb/m/0.json")).unwrap(),
            b"meta"
        );
        assert!(!out.join("search/aaa").exists());
        // The folder left behind (the previous site) is whole, and the manifest right: the
        // next build from it gives the same site.
        assert_eq!(
            std::fs::read(prev.join("search/aaa/t/2.json")).unwrap(),
            b"old"
        );
        write_atomically(&out, &site("bbb", "new")).unwrap();
        assert_eq!(
            std::fs::read(out.join("search/bbb/t/2.json")).unwrap(),
            b"new"
        );
        assert!(!out.join("search/aaa").exists());
    }

    #[test]
    fn moved_folders_are_one_for_one() {
        let new: HashSet<&str> = ["s/b/t/1.json", "a/x/index.html", "a/y/index.html"].into();
        let old = ["s/a/t/1.json", "a/z/index.html", "gone/f.txt"];
        assert_eq!(
            moved_folders(old.into_iter(), &new),
            vec![("s/a".to_string(), "s/b".to_string())],
            "a/z has two candidates, gone/ none"
        );
    }

    #[test]
    fn a_damaged_manifest_means_a_full_write() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomically(&out, &[file("a.html", "1")]).unwrap();
        write_atomically(&out, &[file("a.html", "2")]).unwrap();
        let prev = dir.path().join(".public.prev");
        std::fs::write(prev.join("a.html"), "edited by hand").unwrap();
        std::fs::remove_file(prev.join(MARKER)).unwrap();
        write_atomically(&out, &[file("a.html", "2")]).unwrap();
        assert_eq!(std::fs::read(out.join("a.html")).unwrap(), b"2");
    }

    #[test]
    fn a_manifest_naming_a_path_twice_means_a_full_write() {
        // Left by a version that let an alias and the home page share index.html: the
        // manifest cannot say which one is on disk.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomically(&out, &[file("index.html", "home")]).unwrap();
        write_atomically(&out, &[file("index.html", "home")]).unwrap();
        let prev = dir.path().join(".public.prev");
        std::fs::write(prev.join("index.html"), "redirect").unwrap();
        let hash = format!("{:032x}", digest(b"home"));
        std::fs::write(
            prev.join(MARKER),
            format!("{hash}\tindex.html\n{hash}\tindex.html\n"),
        )
        .unwrap();
        write_atomically(&out, &[file("index.html", "home")]).unwrap();
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"home");
    }

    #[test]
    fn a_second_writer_waits_for_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::open(&out, ["a.html"]).unwrap();
        let waited = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&waited);
        let out2 = out.clone();
        let second = std::thread::spawn(move || {
            let result = write_atomically(&out2, &[file("a.html", "second")]);
            assert!(flag.load(std::sync::atomic::Ordering::SeqCst), "it waited");
            result
        });
        std::thread::sleep(std::time::Duration::from_millis(300));
        let written = staging
            .put("a.html".into(), &Contents::Bytes(b"first".to_vec()))
            .unwrap();
        waited.store(true, std::sync::atomic::Ordering::SeqCst);
        staging.finish(&[written]).unwrap();
        second.join().unwrap().unwrap();
        assert_eq!(std::fs::read(out.join("a.html")).unwrap(), b"second");
    }
}

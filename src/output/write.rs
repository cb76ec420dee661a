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

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Contents, MARKER, OutputFile};

/// Writes `files` as the new content of `out`, replacing what was there only on success.
pub fn write_atomically(out: &Path, files: &[OutputFile]) -> Result<(), String> {
    check_replaceable(out)?;
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
    let previous = parent.join(format!(".{name}.prev"));
    let failed = |error: io::Error| format!("cannot write the site to {}: {error}", out.display());
    sync(&previous, files).map_err(|error| {
        // Whatever it holds now, its manifest must not vouch for it.
        let _ = std::fs::remove_file(previous.join(MARKER));
        failed(error)
    })?;
    swap(&previous, out).map_err(failed)
}

/// Refuses to replace a folder that qaportal did not write: `--out content` must not delete the
/// knowledge base.
fn check_replaceable(out: &Path) -> Result<(), String> {
    let Ok(mut entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    if entries.next().is_none() || out.join(MARKER).exists() {
        return Ok(());
    }
    Err(format!(
        "{} exists and was not written by qaportal; refusing to replace it. \
         Choose another --out folder, or delete it first",
        out.display()
    ))
}

/// What a folder holds, from its manifest: path → content hash.
fn manifest(dir: &Path) -> Option<HashMap<String, String>> {
    let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    text.lines()
        .map(|line| {
            line.split_once('\t')
                .map(|(hash, path)| (path.to_string(), hash.to_string()))
        })
        .collect()
}

fn hash(file: &OutputFile) -> io::Result<String> {
    let digest = |bytes: &[u8]| format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes));
    Ok(match &file.contents {
        Contents::Bytes(bytes) => digest(bytes),
        Contents::Static(bytes) => digest(bytes),
        Contents::Copy(source) => digest(&std::fs::read(source)?),
    })
}

/// Makes `dir` hold exactly `files`, writing only what its manifest says differs.
fn sync(dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    let old = match manifest(dir) {
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
    // From here the manifest no longer describes the folder.
    let _ = std::fs::remove_file(dir.join(MARKER));

    let hashes: Vec<String> = files.par_iter().map(hash).collect::<io::Result<_>>()?;
    let changed: Vec<&OutputFile> = files
        .iter()
        .zip(&hashes)
        .filter(|(file, hash)| old.get(&file.path) != Some(*hash))
        .map(|(file, _)| file)
        .collect();
    let new_paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let gone: Vec<PathBuf> = old
        .keys()
        .filter(|path| !new_paths.contains(path.as_str()))
        .map(|path| dir.join(path))
        .collect();

    gone.par_iter()
        .try_for_each(|path| match std::fs::remove_file(path) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        })?;
    remove_empty_dirs(dir, &gone)?;
    let dirs: BTreeSet<&str> = changed
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    for sub in dirs {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    changed.par_iter().try_for_each(|file| {
        let target = dir.join(&file.path);
        // A file may be hard-linked from an older layout or shared: replace, never overwrite.
        let _ = std::fs::remove_file(&target);
        match &file.contents {
            Contents::Bytes(bytes) => std::fs::write(&target, bytes),
            Contents::Static(bytes) => std::fs::write(&target, bytes),
            Contents::Copy(source) => std::fs::copy(source, &target).map(|_| ()),
        }
    })?;

    let mut manifest = String::with_capacity(files.len() * 80);
    let mut entries: Vec<(&str, &str)> = files
        .iter()
        .zip(&hashes)
        .map(|(f, h)| (f.path.as_str(), h.as_str()))
        .collect();
    entries.sort();
    for (path, hash) in entries {
        manifest.push_str(hash);
        manifest.push('\t');
        manifest.push_str(path);
        manifest.push('\n');
    }
    std::fs::write(dir.join(MARKER), manifest)
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
        assert_eq!(names.len(), 2, "public and .public.prev only: {names:?}");
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
}

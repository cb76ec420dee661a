//! Output: templates applied to the assembled pages, and the files written so that a failed
//! build never leaves a half-written site.
//!
//! Everything is written to a fresh folder beside the target, which is swapped in only when the
//! whole site is there. Readers of the target (a web server, a sync to object storage) see the
//! old site or the new one, never a mix.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::assemble::{Assembled, Page};
use crate::diagnostic::Diagnostic;

/// Marks a folder as written by qaportal, so that it may be replaced by the next build.
pub const MARKER: &str = ".qaportal-output";

pub enum Contents {
    Bytes(Vec<u8>),
    Static(Cow<'static, [u8]>),
    /// A file copied from the site source.
    Copy(PathBuf),
}

pub struct OutputFile {
    /// Relative to the output folder, with `/`.
    pub path: String,
    pub contents: Contents,
}

/// Files worth a precompressed `.gz` sibling: text that browsers fetch.
pub fn compressible(path: &str) -> bool {
    [
        ".css",
        ".js",
        ".svg",
        ".json",
        ".txt",
        ".xml",
        ".webmanifest",
    ]
    .iter()
    .any(|ext| path.ends_with(ext))
}

/// Gzip with a fixed header (no name, no time), so the same input gives the same bytes.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// `/trading/locked/` → `trading/locked/index.html`; `/sitemap.xml` → `sitemap.xml`.
pub fn file_for(site_path: &str) -> String {
    let relative = site_path.trim_start_matches('/');
    if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else {
        relative.to_string()
    }
}

/// Applies the templates to every page, in parallel.
pub fn render_pages(
    tera: &mut tera::Tera,
    assembled: &Assembled,
    on_page: &(dyn Fn() + Sync),
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    tera.global_context().insert("site", &assembled.site);
    let pages: Vec<&Page> = assembled.pages().collect();
    apply_templates(tera, &pages, on_page)
}

/// Applies the templates to `pages`, in parallel; the global context (`site`) is already set.
pub fn apply_templates(
    tera: &tera::Tera,
    pages: &[&Page],
    on_page: &(dyn Fn() + Sync),
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let results: Vec<Result<OutputFile, Box<Diagnostic>>> = pages
        .par_iter()
        .map(|page| {
            let html = tera.render(page.template, &page.context).map_err(|error| {
                Box::new(Diagnostic::error(
                    "template",
                    format!("template {} failed for {}: {error}", page.template, page.path),
                )
                .help("fix the theme's template; see themes/default/templates for the values available"))
            })?;
            on_page();
            Ok(OutputFile { path: file_for(&page.path), contents: Contents::Bytes(html.into_bytes()) })
        })
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(error) if errors.len() < 20 => errors.push(*error),
            Err(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

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
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let result = write_tree(&staging, files, out).and_then(|()| swap_in(&staging, out));
    if let Err(error) = result {
        let _ = remove_tree(&staging);
        return Err(format!(
            "cannot write the site to {}: {error}",
            out.display()
        ));
    }
    Ok(())
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

fn write_tree(root: &Path, files: &[OutputFile], previous: &Path) -> io::Result<()> {
    if root.exists() {
        remove_tree(root)?;
    }
    std::fs::create_dir_all(root)?;
    let dirs: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    for dir in dirs {
        std::fs::create_dir_all(root.join(dir))?;
    }
    files.par_iter().try_for_each(|file| {
        let target = root.join(&file.path);
        // A weekly republish changes few pages: an unchanged file is linked from the current
        // site instead of written again, which saves most of the disk writes, and deleting the
        // old site afterwards frees almost nothing.
        let old = previous.join(&file.path);
        if is_unchanged(&old, &file.contents) && std::fs::hard_link(&old, &target).is_ok() {
            return Ok(());
        }
        match &file.contents {
            Contents::Bytes(bytes) => std::fs::write(&target, bytes),
            Contents::Static(bytes) => std::fs::write(&target, bytes),
            Contents::Copy(source) => std::fs::copy(source, &target).map(|_| ()),
        }
    })?;
    std::fs::write(root.join(MARKER), b"")
}

/// Whether `old` already holds exactly `contents`.
fn is_unchanged(old: &Path, contents: &Contents) -> bool {
    let Ok(metadata) = std::fs::symlink_metadata(old) else {
        return false;
    };
    if !metadata.is_file() {
        return false;
    }
    let same = |bytes: &[u8]| {
        metadata.len() == bytes.len() as u64 && std::fs::read(old).is_ok_and(|b| b == bytes)
    };
    match contents {
        Contents::Bytes(bytes) => same(bytes),
        Contents::Static(bytes) => same(bytes),
        Contents::Copy(source) => std::fs::read(source).is_ok_and(|bytes| same(&bytes)),
    }
}

/// Puts `staging` in place of `out` and removes the old site.
fn swap_in(staging: &Path, out: &Path) -> io::Result<()> {
    if !out.exists() {
        return std::fs::rename(staging, out);
    }
    #[cfg(target_os = "linux")]
    {
        // One atomic exchange: there is no moment without a site at `out`.
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, out, RenameFlags::EXCHANGE).is_ok() {
            return remove_tree(staging);
        }
    }
    // Elsewhere (or on file systems without exchange): two renames, a very short gap.
    let old = staging.with_extension("old");
    std::fs::rename(out, &old)?;
    std::fs::rename(staging, out)?;
    remove_tree(&old)
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

    #[test]
    fn site_paths_map_to_files() {
        assert_eq!(file_for("/"), "index.html");
        assert_eq!(file_for("/trading/locked/"), "trading/locked/index.html");
        assert_eq!(file_for("/sitemap.xml"), "sitemap.xml");
        assert_eq!(file_for("/faq/123.html"), "faq/123.html");
    }

    #[test]
    fn replaces_only_its_own_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let files = vec![OutputFile {
            path: "a/index.html".into(),
            contents: Contents::Bytes(b"one".to_vec()),
        }];
        write_atomically(&out, &files).unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");

        let files = vec![OutputFile {
            path: "b.txt".into(),
            contents: Contents::Bytes(b"two".to_vec()),
        }];
        write_atomically(&out, &files).unwrap();
        assert!(!out.join("a").exists());
        assert_eq!(std::fs::read(out.join("b.txt")).unwrap(), b"two");

        let foreign = dir.path().join("content");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("x.md"), "keep").unwrap();
        assert!(write_atomically(&foreign, &files).is_err());
        assert_eq!(
            std::fs::read_to_string(foreign.join("x.md")).unwrap(),
            "keep"
        );
    }
}

//! Output: templates applied to the assembled pages, and the files written so that a failed
//! build never leaves a half-written site (`write`).

use std::borrow::Cow;
use std::path::PathBuf;

use rayon::prelude::*;

pub mod claims;
mod csp;
pub mod fingerprint;
pub mod unchanged;
mod write;

use crate::assemble::Page;
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

/// The smallest file given a precompressed `.gz` sibling. Below it the response fits one TCP
/// packet compressed or not (a 1,460-byte segment holds the headers and up to a kilobyte of
/// body), so the sibling saves no round trip; on the 1,000-article bench, files under 1 KB saved
/// 80 (under 256 bytes) to 350 bytes (768 bytes to 1 KB) each, and were two thirds of all files
/// the build wrote. A server without the sibling sends the file as it is (nginx `gzip_static`
/// falls back to it; with `gzip on` it compresses it on the fly).
pub const GZIP_MIN_BYTES: usize = search_index::GZIP_MIN_BYTES;

/// Files worth a precompressed `.gz` sibling: text that browsers fetch, of at least
/// [`GZIP_MIN_BYTES`].
pub fn compressible(path: &str, len: usize) -> bool {
    len >= GZIP_MIN_BYTES
        && [
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

/// Applies the templates to `pages`, in parallel; the global context (`site`) is already set.
pub fn apply_templates(
    tera: &tera::Tera,
    pages: &[&Page],
    on_page: &(dyn Fn() + Sync),
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    each_page(tera, pages, on_page, |path, html| {
        Ok(OutputFile {
            path,
            contents: Contents::Bytes(html),
        })
    })
}

/// Applies the templates to `pages` in parallel, handing each page's file path and HTML to
/// `finish` as soon as it is made; the first 20 errors of either step are reported.
fn each_page<T: Send>(
    tera: &tera::Tera,
    pages: &[&Page],
    on_page: &(dyn Fn() + Sync),
    finish: impl Fn(String, Vec<u8>) -> Result<T, Box<Diagnostic>> + Sync,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    let results: Vec<Result<T, Box<Diagnostic>>> = pages
        .par_iter()
        .map(|page| {
            let _processing = crate::crash::processing(format!("the page {}", page.path));
            let html = apply(tera, page)?;
            on_page();
            finish(file_for(&page.path), html)
        })
        .collect();
    collect_errors(results)
}

/// The page's template applied to its values; an HTML page gets its Content-Security-Policy.
fn apply(tera: &tera::Tera, page: &Page) -> Result<Vec<u8>, Box<Diagnostic>> {
    let mut html = Vec::new();
    apply_into(tera, page, &mut html)?;
    Ok(html)
}

/// [`apply`] into `html` (emptied first), whose memory is reused: the page is written as the
/// template makes it, as bytes (the templates write UTF-8, and checking it again was a tenth
/// of the templating), and the policy is inserted in place.
fn apply_into(tera: &tera::Tera, page: &Page, html: &mut Vec<u8>) -> Result<(), Box<Diagnostic>> {
    html.clear();
    tera.render_to(page.template, &page.context(), &mut *html)
        .map_err(|error| {
            Box::new(
            Diagnostic::error(
                "template",
                format!(
                    "template {} failed for {}: {error}",
                    page.template, page.path
                ),
            )
            .help(
                "fix the theme's template; see themes/default/templates for the values available",
            ),
        )
        })?;
    if page.template.ends_with(".html") {
        csp::protect_bytes(html);
    }
    Ok(())
}

/// The values, or the first 20 errors.
fn collect_errors<T>(results: Vec<Result<T, Box<Diagnostic>>>) -> Result<Vec<T>, Vec<Diagnostic>> {
    let mut values = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(value) => values.push(value),
            Err(error) if errors.len() < 20 => errors.push(*error),
            Err(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// Applies the templates to `pages` in parallel and puts each page in `staging` as soon as it
/// is made: a 10,000-answer site is half a gigabyte of HTML, which then never is in memory at
/// once. A page whose inputs are those of the last build, and whose HTML `staging` already
/// holds, is neither templated nor written (`unchanged`). A failure leaves `staging`
/// half-written, which only the next build sees.
pub fn write_pages(
    tera: &tera::Tera,
    pages: &[&Page],
    staging: &Staging,
    remembered: &unchanged::Remembered,
    on_page: &(dyn Fn() + Sync),
) -> Result<Vec<Written>, Vec<Diagnostic>> {
    let results: Vec<Result<Written, Box<Diagnostic>>> = pages
        .par_iter()
        .map(|page| {
            let file = file_for(&page.path);
            if let Some(written) = page
                .inputs
                .and_then(|inputs| remembered.reuse(&file, inputs, staging))
            {
                on_page();
                return Ok(written);
            }
            let _processing = crate::crash::processing(format!("the page {}", page.path));
            // Each thread templates into its own buffer, kept from page to page: the pages'
            // HTML is never allocated (and its memory never zeroed by the kernel) page by page.
            let mut html = Buffer(PAGE_BUFFER.take());
            apply_into(tera, page, &mut html.0)?;
            on_page();
            let written = staging
                .put_bytes(file, &html.0)
                .map_err(|error| Box::new(Diagnostic::error("output", staging.failed(error))))?;
            if let Some(inputs) = page.inputs {
                remembered.made(inputs, &written);
            }
            Ok(written)
        })
        .collect();
    collect_errors(results)
}

thread_local! {
    /// The buffer each thread templates pages into (see [`write_pages`]).
    static PAGE_BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// A page buffer taken from [`PAGE_BUFFER`], given back when dropped (also on an error).
struct Buffer(Vec<u8>);

impl Drop for Buffer {
    fn drop(&mut self) {
        let buffer = std::mem::take(&mut self.0);
        // A page far larger than the others (a listing of every answer) is not kept.
        if buffer.capacity() <= MAX_KEPT_BUFFER {
            PAGE_BUFFER.set(buffer);
        }
    }
}

/// The largest page buffer a thread keeps for the next page.
const MAX_KEPT_BUFFER: usize = 4 << 20;

pub use write::{Staging, Written, digest, write_atomically};

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
}

//! Offline: the service worker, `/sw.js`, written after every other file of the site.
//!
//! Its cache is named by a hash of everything else the build writes, so the same input gives the
//! same worker byte for byte, and any change to the site gives a new worker: the browser installs
//! it on the next visit, fills a fresh cache and deletes the old one (keeping the pages the
//! reader had saved, see the worker's `carryOver`). The strategy itself is the theme's `sw.js`
//! template; this module gives it the URLs, all under the site's base path.
//!
//! `qaportal serve` keeps the worker of its last full build between incremental rebuilds: its
//! pages come from the network first anyway, and the preview's files change on every save.

use serde::Serialize;

use crate::assemble::views::SiteView;
use crate::diagnostic::Diagnostic;
use crate::output::{Contents, OutputFile, Written};

/// Where the worker is written, relative to the output folder: at the root of the site, so that
/// its scope is the whole site (a worker controls only the pages below its own folder).
pub const WORKER_FILE: &str = "sw.js";

/// How long a page request waits for the network before a saved copy is shown instead: on one
/// bar of signal a request may hang for half a minute before it fails.
const NETWORK_TIMEOUT_MS: u32 = 4000;

/// What the worker needs to know about the site, written into it as JSON.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WorkerConfig {
    /// The base path (`/` or `/help/`): the worker's scope, and part of its cache names, so that
    /// two sites on one host never delete each other's caches.
    scope: String,
    /// Hash of the rest of the output.
    version: String,
    /// Saved when the worker installs: the home page, the system pages, the search page, the
    /// offline page, the web app manifest, the styles and scripts, the search index manifest.
    precache: Vec<String>,
    offline_page: String,
    /// Files under these never change under the same URL (versioned by `?v=` or by the index's
    /// content-hash folder): served from the cache first.
    static_prefix: String,
    search_index: String,
    /// The current index's content-hash folder (`/search/4465be3dbb92/`), if the site has one.
    search_base: Option<String>,
    search_manifest: String,
    search_pinyin: String,
    network_timeout_ms: u32,
}

/// The template's view: `worker` in `sw.js`.
#[derive(Serialize)]
struct WorkerView {
    /// The [`WorkerConfig`] as a JSON object literal.
    config: String,
}

/// Renders `sw.js` for the site whose other files are `written`; `files` holds the search
/// index's manifest (files not in it are only hashed, through `written`).
pub fn worker(
    tera: &tera::Tera,
    site: &SiteView,
    written: &[Written],
    files: &[OutputFile],
) -> Result<OutputFile, Box<Diagnostic>> {
    let version = version(written);
    let config = WorkerConfig {
        scope: site.home_url.clone(),
        version,
        precache: precache(site),
        offline_page: site.offline_url.clone(),
        static_prefix: format!("{}static/", site.home_url),
        search_index: site.search_index_url.clone(),
        search_base: search_base(files).map(|base| format!("{}{base}", site.search_index_url)),
        search_manifest: format!("{}manifest.json", site.search_index_url),
        search_pinyin: format!("{}pinyin.txt", site.search_index_url),
        network_timeout_ms: NETWORK_TIMEOUT_MS,
    };
    let view = WorkerView {
        config: serde_json::to_string(&config).expect("the worker config serializes"),
    };
    let mut context = tera::Context::new();
    context.insert("worker", &view);
    let js = tera.render("sw.js", &context).map_err(|error| {
        Box::new(
            Diagnostic::error("template", format!("template sw.js failed: {error}"))
                .help("fix the theme's sw.js; the built-in one is in themes/default/templates"),
        )
    })?;
    Ok(OutputFile {
        path: WORKER_FILE.into(),
        contents: Contents::Bytes(js.into_bytes()),
    })
}

/// The pages and files a reader has offline from the first visit on.
fn precache(site: &SiteView) -> Vec<String> {
    let mut urls = vec![
        site.home_url.clone(),
        site.search_url.clone(),
        site.offline_url.clone(),
        site.webmanifest_url.clone(),
        format!("{}manifest.json", site.search_index_url),
    ];
    urls.extend(site.systems.iter().map(|s| s.url.clone()));
    // Styles and scripts only: a theme's images are saved when a page shows them. The
    // presentation views' own files are for a presenter's laptop, not a reader's phone.
    urls.extend(
        site.assets
            .iter()
            .filter(|(path, _)| path.ends_with(".css") || path.ends_with(".js"))
            .filter(|(path, _)| !path.starts_with("present."))
            .map(|(_, url)| url.clone()),
    );
    urls
}

/// A hash of every file's path, size and content hash, in path order. The content hashes are
/// the ones the output's manifest keeps, computed as each file is written, so the build never
/// needs the whole site in memory to name the worker's cache.
fn version(written: &[Written]) -> String {
    let mut sorted: Vec<&Written> = written.iter().collect();
    sorted.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for file in sorted {
        hasher.update(file.path.as_bytes());
        hasher.update(&file.len.to_le_bytes());
        hasher.update(&file.hash.to_le_bytes());
    }
    format!("{:016x}", hasher.digest())
}

/// What [`version`] needs of files held in memory (`serve`, tests).
pub fn written(files: &[OutputFile]) -> Result<Vec<Written>, String> {
    use rayon::prelude::*;
    files
        .par_iter()
        .map(|file| {
            let copied;
            let bytes: &[u8] = match &file.contents {
                Contents::Bytes(bytes) => bytes,
                Contents::Static(bytes) => bytes,
                Contents::Copy(source) => {
                    copied = std::fs::read(source)
                        .map_err(|error| format!("cannot read {}: {error}", source.display()))?;
                    &copied
                }
            };
            Ok(Written {
                path: file.path.clone(),
                len: bytes.len() as u64,
                hash: crate::output::digest(bytes),
            })
        })
        .collect()
}

/// The content-hash folder of the client search index (`4465be3dbb92/`), as its manifest names it.
fn search_base(files: &[OutputFile]) -> Option<String> {
    let manifest = files.iter().find(|f| f.path == "search/manifest.json")?;
    let Contents::Bytes(bytes) = &manifest.contents else {
        return None;
    };
    let json: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    json.get("base")?.as_str().map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, bytes: &[u8]) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(bytes.to_vec()),
        }
    }

    #[test]
    fn the_version_follows_every_byte_but_not_the_order_of_files() {
        let version = |files: &[OutputFile]| version(&written(files).unwrap());
        let a = [file("index.html", b"home"), file("x/index.html", b"x")];
        let b = [file("x/index.html", b"x"), file("index.html", b"home")];
        assert_eq!(version(&a), version(&b));
        let changed = [file("index.html", b"home"), file("x/index.html", b"y")];
        assert_ne!(version(&a), version(&changed));
        let moved = [file("index.html", b"home"), file("y/index.html", b"x")];
        assert_ne!(version(&a), version(&moved));
    }

    #[test]
    fn the_search_base_is_read_from_the_index_manifest() {
        let files = [file(
            "search/manifest.json",
            br#"{"format":1,"base":"4465be3dbb92/"}"#,
        )];
        assert_eq!(search_base(&files).as_deref(), Some("4465be3dbb92/"));
        assert_eq!(search_base(&[]), None);
    }
}

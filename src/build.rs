//! The pipeline: load → validate → render → assemble → write, for `build` and `check`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::output::{Contents, OutputFile};
use crate::render::Rendered;
use crate::source::Sources;
use crate::{assemble, config, lint, load, output, render, search, theme, validate};

#[derive(Clone)]
pub struct Options {
    /// The site source folder (with `qaportal.toml`).
    pub root: PathBuf,
    /// Where the site is written; `None` checks without writing.
    pub out: Option<PathBuf>,
    /// Overrides `base_url` of `qaportal.toml` (e.g. for a staging copy).
    pub base_url: Option<String>,
    pub as_of: Date,
    pub drafts: bool,
    /// Which lints run: what stops a publication, or all of them (`check`).
    pub lints: lint::Set,
    /// Whether to produce the site (search index, templated pages): `build` and `serve` do;
    /// `check` only validates, which at 10,000 answers saves most of the time.
    pub produce: bool,
}

/// What a build did, for the summary line and the error report.
#[derive(Default)]
pub struct Report {
    pub sources: Sources,
    pub diagnostics: Diagnostics,
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
    pub written: bool,
    /// Time spent in each stage, in order, for `--timings`.
    pub timings: Vec<(&'static str, Duration)>,
}

impl Report {
    pub fn succeeded(&self) -> bool {
        !self.diagnostics.has_errors()
    }
}

/// Feedback for long builds; the CLI shows it as a progress bar on a terminal.
pub trait Progress: Sync {
    fn stage(&self, _name: &'static str, _total: usize) {}
    fn tick(&self) {}
}

/// No feedback (tests, `--quiet`, output not a terminal).
pub struct Silent;
impl Progress for Silent {}

pub fn build(options: &Options, progress: &dyn Progress) -> Report {
    let started = Instant::now();
    let mut report = Report::default();
    run(options, progress, &mut report);
    report.diagnostics.sort(&report.sources);
    report.elapsed = started.elapsed();
    report
}

/// The first stages, shared with commands that need the site but no pages (`week`): the
/// config, the content and the ticket data, validated. `None` when the config is unusable.
pub fn prepare(
    options: &Options,
    sources: &mut Sources,
    diagnostics: &mut Diagnostics,
) -> Option<Site> {
    let mut timings = Vec::new();
    let mut clock = Clock {
        timings: &mut timings,
        last: Instant::now(),
    };
    load_site(options, sources, diagnostics, &mut clock)
}

fn load_site(
    options: &Options,
    sources: &mut Sources,
    diagnostics: &mut Diagnostics,
    clock: &mut Clock,
) -> Option<Site> {
    let (mut config, config_source) = match config::load(&options.root, sources) {
        Ok(loaded) => loaded,
        Err(problems) => {
            diagnostics.extend(problems);
            return None;
        }
    };
    if let Some(base_url) = &options.base_url {
        if let Err(message) = config::check_base_url(base_url) {
            diagnostics.push(Diagnostic::error(
                "config",
                format!("--base-url: {message}"),
            ));
            return None;
        }
        config.base_url = format!("{}/", base_url.trim_end_matches('/'));
    }
    let content = load::load(&options.root, sources, diagnostics);
    clock.lap("load");
    let tickets = load::tickets::load(
        &options.root,
        &content,
        config.tickets.strict,
        sources,
        diagnostics,
    );
    clock.lap("tickets");
    let synonyms = search::synonyms(&options.root, sources, diagnostics);
    let validate_options = validate::Options {
        drafts: options.drafts,
        as_of: options.as_of,
    };
    let mut site = validate::validate(
        config,
        config_source,
        content,
        tickets,
        &validate_options,
        sources,
        diagnostics,
    );
    site.synonyms = synonyms;
    clock.lap("validate");
    Some(site)
}

/// Records how long each stage took.
struct Clock<'a> {
    timings: &'a mut Vec<(&'static str, Duration)>,
    last: Instant,
}

impl Clock<'_> {
    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.timings.push((stage, now - self.last));
        self.last = now;
    }
}

/// The site in memory: what `build` writes, with what `serve` keeps to rebuild parts of it.
pub struct Compiled {
    pub site: Site,
    /// The templates, with the site-wide values (`site`) in their global context.
    pub tera: tera::Tera,
    pub rendered: Rendered,
    /// The pages that list answers, with the values they were made from.
    pub listings: Vec<assemble::Page>,
    /// Every site path, for links to site paths.
    pub known_paths: std::collections::HashSet<String>,
    /// What search knows of each article (empty without `search`).
    pub search_documents: Vec<search_index::SearchDocument>,
    /// The related answers of each article, by id.
    pub related: HashMap<String, Vec<search_index::tantivy_index::Hit>>,
    pub files: Vec<OutputFile>,
    /// The QR codes the templates drew, kept for the next build.
    pub qr_codes: std::sync::Arc<crate::qr::Cache>,
}

fn run(options: &Options, progress: &dyn Progress, report: &mut Report) {
    let Some(compiled) = compile(options, progress, report) else {
        return;
    };
    if let Some(out) = &options.out {
        let mut clock = Clock {
            timings: &mut report.timings,
            last: Instant::now(),
        };
        match output::write_atomically(out, &compiled.files) {
            Ok(()) => {
                report.written = true;
                crate::theme::save_qr_codes(&compiled.qr_codes, &options.root);
            }
            Err(message) => report
                .diagnostics
                .push(Diagnostic::error("output", message)),
        }
        clock.lap("write");
    }
}

/// Every stage but writing. `None` when there are errors (they are in the report), or when
/// nothing is to be produced (`check`).
pub fn compile(
    options: &Options,
    progress: &dyn Progress,
    report: &mut Report,
) -> Option<Compiled> {
    let sources = &mut report.sources;
    let diagnostics = &mut report.diagnostics;
    let mut clock = Clock {
        timings: &mut report.timings,
        last: Instant::now(),
    };

    progress.stage("loading", 0);
    let site = load_site(options, sources, diagnostics, &mut clock)?;

    let mut theme = match theme::load(&options.root, &site.config) {
        Ok(theme) => theme,
        Err(problems) => {
            diagnostics.extend(problems);
            return None;
        }
    };

    progress.stage("rendering", site.content.articles.len());
    let rendered = render::render(&site, sources, diagnostics);
    clock.lap("render");

    lint::run(options.lints, &site, &rendered, sources, diagnostics);
    clock.lap("lint");

    // The search indexes only matter for a site that will be published or previewed.
    let mut search_files = Vec::new();
    let mut related = HashMap::new();
    let mut documents = Vec::new();
    if options.produce && !diagnostics.has_errors() {
        progress.stage("indexing", 0);
        documents = search::documents(&site, &rendered);
        let (client, tantivy) = rayon::join(
            || search::client_files_cached(&options.root, &documents, &site.synonyms),
            || search::index_and_related(&options.root, &documents, &site.synonyms),
        );
        search_files = client;
        match tantivy {
            Ok((_, found)) => related = found,
            Err(message) => {
                diagnostics.push(Diagnostic::error("search-index", message));
                return None;
            }
        }
        clock.lap("index");
    }

    let assembled = assemble::assemble(
        &site,
        &rendered,
        &related,
        theme.asset_urls(&site.config.base_path()),
        diagnostics,
    );
    report.pages = assembled.pages().count();
    clock.lap("assemble");
    if diagnostics.has_errors() || !options.produce {
        return None;
    }

    progress.stage("writing", report.pages);
    let mut files = match output::render_pages(&mut theme.tera, &assembled, &|| progress.tick()) {
        Ok(files) => files,
        Err(problems) => {
            diagnostics.extend(problems);
            return None;
        }
    };
    let known_paths = assemble::known_paths(&assembled);
    for (path, bytes) in search_files {
        files.push(OutputFile {
            path,
            contents: Contents::Bytes(bytes),
        });
    }
    for (path, bytes) in std::mem::take(&mut theme.static_files) {
        // Text assets are precompressed once here, so a server with gzip_static sends the small
        // file as it is (the search index is precompressed the same way).
        if output::compressible(&path) {
            files.push(OutputFile {
                path: format!("static/{path}.gz"),
                contents: Contents::Bytes(output::gzip(&bytes)),
            });
        }
        files.push(OutputFile {
            path: format!("static/{path}"),
            contents: Contents::Static(bytes),
        });
    }
    let content_dir = options.root.join("content");
    for asset in &rendered.assets {
        files.push(OutputFile {
            path: asset.clone(),
            contents: Contents::Copy(content_dir.join(asset)),
        });
    }
    match crate::offline::worker(&theme.tera, &assembled.site, &files) {
        Ok(worker) => files.push(worker),
        Err(problem) => {
            diagnostics.push(*problem);
            return None;
        }
    }
    report.files = files.len();
    clock.lap("templates");
    Some(Compiled {
        site,
        tera: theme.tera,
        qr_codes: theme.qr_codes,
        rendered,
        listings: assembled.listings,
        known_paths,
        search_documents: documents,
        related,
        files,
    })
}

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
    /// Pages not templated again: their inputs and the file were those of an earlier build.
    pub unchanged: usize,
    /// Documents taken from the render cache instead of rendered.
    pub documents_reused: usize,
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
    // Without the caches' lock: the front matter cache is not used.
    load_site(options, sources, diagnostics, None, &mut clock)
}

/// With `cache_root`, front matter unchanged since an earlier build is not parsed again.
fn load_site(
    options: &Options,
    sources: &mut Sources,
    diagnostics: &mut Diagnostics,
    cache_root: Option<&std::path::Path>,
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
    let content = load::load(&options.root, sources, diagnostics, cache_root);
    clock.lap("load");
    let tickets = load::tickets::load(
        &options.root,
        &content,
        config.tickets.strict,
        sources,
        diagnostics,
    );
    clock.lap("tickets");
    let synonyms = search::synonyms(&options.root, sources, diagnostics)
        .with_learned(config.search.learned_synonyms);
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
    let allowed = lint::customer_data::Allowed::new(&site.config.lint);
    diagnostics.extend(lint::customer_data::withhold_ticket_questions(
        &mut site.tickets,
        &allowed,
        sources,
    ));
    clock.lap("validate");
    // The searches per week are for the site's pages; learned phrasings also for `search`,
    // which must rank as the site does.
    if options.produce || site.config.search.learn_from_log {
        read_search_logs(options, &mut site, diagnostics);
        clock.lap("search log");
    }
    Some(site)
}

/// The access logs of `data/search-logs/`: the searches per week that `/hot/` shows, and with
/// `[search] learn_from_log`, the phrasings search learns, which join the answers' phrasings
/// the way ticket question texts do (and so reach both indexes).
fn read_search_logs(options: &Options, site: &mut Site, diagnostics: &mut Diagnostics) {
    use crate::search_log::{self, Both, learn::Learner, report::Totals};
    let files = search_log::log_files(&options.root);
    if files.is_empty() {
        return;
    }
    let mut totals = Totals::default();
    let config = &site.config.search;
    let mut learner = config
        .learn_from_log
        .then(|| Learner::new(config.learn_min_days));
    let reading = match &mut learner {
        Some(learner) => search_log::read(
            &files,
            &options.root,
            options.as_of,
            &mut Both(&mut totals, learner),
        ),
        None => search_log::read(&files, &options.root, options.as_of, &mut totals),
    };
    diagnostics.extend(reading.problems);
    site.searches = totals;
    if let Some(learner) = learner {
        for (id, learned) in learner.phrasings() {
            if !site.by_id.contains_key(&id) {
                continue;
            }
            let phrasings = site.tickets.phrasings.entry(id).or_default();
            for text in learned {
                if phrasings.len() >= load::tickets::MAX_PHRASINGS {
                    break;
                }
                if !phrasings.contains(&text) {
                    phrasings.push(text);
                }
            }
        }
    }
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
    pub related: crate::related::RelatedAnswers,
    pub files: Vec<OutputFile>,
}

fn run(options: &Options, progress: &dyn Progress, report: &mut Report) {
    let _caches = options
        .produce
        .then(|| lock_caches(&options.root))
        .flatten();
    let Some(out) = &options.out else {
        compile(options, progress, report);
        return;
    };
    let Some(made) = make(options, progress, report, false) else {
        return;
    };
    let mut clock = Clock {
        timings: &mut report.timings,
        last: Instant::now(),
    };
    progress.stage("writing", report.pages);
    match write_site(&options.root, out, &made, progress, &mut clock) {
        Ok((files, unchanged)) => {
            report.files = files;
            report.unchanged = unchanged;
            report.written = true;
            // Earlier versions kept QR codes here; none reads them now.
            let _ = std::fs::remove_file(options.root.join(crate::qr::OLD_CACHE));
        }
        Err(problems) => report.diagnostics.extend(problems),
    }
    clock.lap("write");
    // Freeing the site's values (every answer, its document, its pages' records) is tens of
    // milliseconds nobody waits for: done beside the caller, who reports and exits.
    let _ = std::thread::Builder::new().spawn(move || drop(made));
}

/// Templates the pages and writes the site to `out`, each page as soon as it is made; the
/// number of files written and of pages reused from an earlier build.
fn write_site(
    root: &std::path::Path,
    out: &std::path::Path,
    made: &Made,
    progress: &dyn Progress,
    clock: &mut Clock,
) -> Result<(usize, usize), Vec<Diagnostic>> {
    use rayon::prelude::*;
    let failed = |message: String| vec![Diagnostic::error("output", message)];
    let assembled = &made.assembled;
    let page_files: Vec<String> = assembled
        .paths
        .iter()
        .map(|p| output::file_for(p))
        .collect();
    let paths = page_files
        .iter()
        .chain(made.files.iter().map(|f| &f.path))
        .map(String::as_str)
        .chain([crate::offline::WORKER_FILE]);
    let staging = output::Staging::open(out, paths).map_err(failed)?;
    drop(page_files);
    let remembered =
        output::unchanged::Remembered::load(root, made.theme.templates_hash, &assembled.site);
    // Each answer's pages are made, templated and written in turn, on both cores: neither the
    // pages' values nor the site's HTML (half a gigabyte at 10,000 answers) is ever all in
    // memory, and the file system works while the other core applies templates.
    let tera = &made.theme.tera;
    let tick = || progress.tick();
    let listings: Vec<&assemble::Page> = assembled.listings.iter().collect();
    // The other files (the search index, the theme's assets, images) are written meanwhile,
    // one folder per task: files made in one folder wait on each other in the kernel (two
    // threads creating files in `search/<hash>/t/` spent an eighth of a 1,000-answer build
    // spinning on its lock), files in different folders do not.
    let (pages, others) = rayon::join(
        || {
            let listings = output::write_pages(tera, &listings, &staging, &remembered, &tick);
            let articles: Vec<Result<Vec<output::Written>, Vec<Diagnostic>>> =
                (0..made.site.content.articles.len())
                    .into_par_iter()
                    .map(|i| {
                        let pages =
                            assembled.article_pages(&made.site, &made.rendered, &made.related, i);
                        let pages: Vec<&assemble::Page> = pages.iter().collect();
                        output::write_pages(tera, &pages, &staging, &remembered, &tick)
                    })
                    .collect();
            (listings, articles)
        },
        || write_by_folder(&made.files, &staging),
    );
    let (listings, articles) = pages;
    let mut written = listings?;
    let mut problems = Vec::new();
    for result in articles {
        match result {
            Ok(more) => written.extend(more),
            // A broken template fails on every answer: the first ones say enough.
            Err(more) if problems.len() < 20 => problems.extend(more),
            Err(_) => {}
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    clock.lap("templates");
    written.extend(others.map_err(|error| failed(staging.failed(error)))?);
    let worker = crate::offline::worker(tera, &assembled.site, &written, &made.files)
        .map_err(|problem| vec![*problem])?;
    let worker = staging
        .put(worker.path, &worker.contents)
        .map_err(|error| failed(staging.failed(error)))?;
    written.push(worker);
    staging.finish(&written).map_err(failed)?;
    let reused = remembered.reused();
    remembered.save(root);
    Ok((written.len(), reused))
}

/// Writes `files`, the files of each folder in turn on one thread.
fn write_by_folder(
    files: &[OutputFile],
    staging: &output::Staging,
) -> std::io::Result<Vec<output::Written>> {
    use rayon::prelude::*;
    let mut folders: Vec<Vec<&OutputFile>> = Vec::new();
    let mut by_folder: HashMap<&str, usize> = HashMap::new();
    for file in files {
        let folder = file.path.rsplit_once('/').map_or("", |(folder, _)| folder);
        let at = *by_folder.entry(folder).or_insert_with(|| {
            folders.push(Vec::new());
            folders.len() - 1
        });
        folders[at].push(file);
    }
    let written: Vec<Vec<output::Written>> = folders
        .par_iter()
        .map(|files| {
            files
                .iter()
                .map(|f| staging.put(f.path.clone(), &f.contents))
                .collect()
        })
        .collect::<std::io::Result<_>>()?;
    Ok(written.into_iter().flatten().collect())
}

/// Everything of a build but applying the templates to the pages, which `compile` (the site in
/// memory, for `serve`) and `run` (each page written as it is made) do each their way.
struct Made {
    site: Site,
    /// With the site-wide values (`site`) in the templates' global context.
    theme: theme::Theme,
    rendered: Rendered,
    assembled: assemble::Assembled,
    documents: Vec<search_index::SearchDocument>,
    related: crate::related::RelatedAnswers,
    /// The files that are not templated pages: the search index, static files, content assets
    /// (the service worker is made last, from everything else).
    files: Vec<OutputFile>,
}

/// Every file the build writes with what makes it: pages, search index, theme files, content
/// assets and the service worker. Two sources of one file are an error (`output::claims`).
fn claims(
    site: &Site,
    assembled: &assemble::Assembled,
    theme: &theme::Theme,
    search_files: &[(String, Vec<u8>)],
    rendered: &Rendered,
) -> Vec<output::claims::Claim> {
    use output::claims::Claim;
    let mut claims = assemble::page_claims(site, assembled);
    for (path, _) in search_files {
        claims.push(Claim::new(path.clone(), "the search index", None));
    }
    for path in theme.static_files.keys() {
        let file = format!("static/{path}");
        if gzip_made(&theme.static_files, path) {
            claims.push(Claim::new(
                format!("{file}.gz"),
                format!("the compressed copy of the theme's {file}"),
                None,
            ));
        }
        claims.push(Claim::new(
            file.clone(),
            format!("the theme's {file}"),
            None,
        ));
    }
    for asset in &rendered.assets {
        claims.push(Claim::new(
            asset.clone(),
            format!("the file content/{asset}"),
            None,
        ));
    }
    claims.push(Claim::new(
        crate::offline::WORKER_FILE.to_string(),
        "qaportal's service worker",
        None,
    ));
    claims
}

/// Whether the build makes `static/<path>.gz`: for text the browser fetches, of at least
/// [`output::GZIP_MIN_BYTES`], unless the theme has its own.
fn gzip_made(
    static_files: &std::collections::BTreeMap<String, std::borrow::Cow<'static, [u8]>>,
    path: &str,
) -> bool {
    static_files
        .get(path)
        .is_some_and(|bytes| output::compressible(path, bytes.len()))
        && !static_files.contains_key(&format!("{path}.gz"))
}

/// Builds of one site source share its `.qaportal/` caches (search index, QR codes): a second
/// build (a `serve` beside a `build`, two test processes) waits for the first instead of writing
/// the same cache files at the same time. Best effort: without the lock (a read-only source, a
/// file system without locks) the build goes on.
pub(crate) fn lock_caches(root: &std::path::Path) -> Option<std::fs::File> {
    let dir = root.join(".qaportal");
    std::fs::create_dir_all(&dir).ok()?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("lock"))
        .ok()?;
    file.lock().ok()?;
    Some(file)
}

/// Every stage but writing, the site in memory. `None` when there are errors (they are in the
/// report), or when nothing is to be produced (`check`).
pub fn compile(
    options: &Options,
    progress: &dyn Progress,
    report: &mut Report,
) -> Option<Compiled> {
    let Made {
        site,
        mut theme,
        rendered,
        assembled,
        documents,
        related,
        files: others,
    } = make(options, progress, report, true)?;
    let mut clock = Clock {
        timings: &mut report.timings,
        last: Instant::now(),
    };
    progress.stage("writing", report.pages);
    let article_pages: Vec<assemble::Page> = (0..site.content.articles.len())
        .flat_map(|i| assembled.article_pages(&site, &rendered, &related, i))
        .collect();
    let pages: Vec<&assemble::Page> = assembled.listings.iter().chain(&article_pages).collect();
    let mut files = match output::apply_templates(&theme.tera, &pages, &|| progress.tick()) {
        Ok(files) => files,
        Err(problems) => {
            report.diagnostics.extend(problems);
            return None;
        }
    };
    drop(pages);
    drop(article_pages);
    let known_paths = assemble::known_paths(&assembled);
    files.extend(others);
    let worker = crate::offline::written(&files)
        .map_err(|message| Box::new(Diagnostic::error("output", message)))
        .and_then(|written| crate::offline::worker(&theme.tera, &assembled.site, &written, &files));
    match worker {
        Ok(worker) => files.push(worker),
        Err(problem) => {
            report.diagnostics.push(*problem);
            return None;
        }
    }
    report.files = files.len();
    clock.lap("templates");
    Some(Compiled {
        site,
        tera: std::mem::take(&mut theme.tera),
        rendered,
        listings: assembled.listings,
        known_paths,
        search_documents: documents,
        related,
        files,
    })
}

/// `keeps_site`: the site stays in memory afterwards (`serve`), which may make an article's
/// search document again; a `build` writes the pages and exits, and lets go of what only the
/// search documents needed once they are made.
fn make(
    options: &Options,
    progress: &dyn Progress,
    report: &mut Report,
    keeps_site: bool,
) -> Option<Made> {
    let sources = &mut report.sources;
    let diagnostics = &mut report.diagnostics;
    let mut clock = Clock {
        timings: &mut report.timings,
        last: Instant::now(),
    };

    progress.stage("loading", 0);
    // The front matter and render caches are kept by builds that hold the caches' lock
    // (`build`, `serve`).
    let cache_root = options.produce.then_some(options.root.as_path());
    let site = load_site(options, sources, diagnostics, cache_root, &mut clock)?;

    let mut theme = match theme::load(&options.root, &site.config) {
        Ok(mut theme) => {
            diagnostics.extend(std::mem::take(&mut theme.warnings));
            theme
        }
        Err(problems) => {
            diagnostics.extend(problems);
            return None;
        }
    };

    progress.stage("rendering", site.content.articles.len());
    let mut rendered = render::render(&site, sources, diagnostics, cache_root);
    report.documents_reused = rendered.reused;
    clock.lap("render");

    lint::run(
        options.lints,
        &site,
        &rendered,
        sources,
        diagnostics,
        cache_root,
    );
    clock.lap("lint");

    // The search indexes only matter for a site that will be published or previewed.
    let mut search_files = Vec::new();
    let mut related = HashMap::new();
    let mut documents = Vec::new();
    if options.produce && !diagnostics.has_errors() {
        progress.stage("indexing", 0);
        documents = search::documents(&site, &rendered);
        if !keeps_site {
            // The articles' plain text (a tenth of the rendered documents' memory) is in the
            // search documents now, and nothing else reads it.
            for doc in &mut rendered.articles {
                doc.text = String::new();
            }
        }
        let links = crate::related::links(&site, &rendered);
        // Both caches are keyed by the documents: hashed once (tens of megabytes of JSON at
        // 10,000 answers).
        let hashed = search::fingerprint(&documents, &site.synonyms);
        (search_files, related) = search::client_files_and_related(
            &options.root,
            &documents,
            &links,
            &site.synonyms,
            &hashed,
        );
        if !keeps_site {
            // They made the index and the related answers; the pages do not need them.
            documents = Vec::new();
        }
        clock.lap("index");
    }

    let assembled = assemble::assemble(
        &site,
        &rendered,
        theme.asset_urls(&site.config.base_path()),
        diagnostics,
    );
    report.pages = assembled.paths.len();
    let claims = claims(&site, &assembled, &theme, &search_files, &rendered);
    diagnostics.extend(output::claims::check(&claims, sources));
    drop(claims);
    clock.lap("assemble");
    if diagnostics.has_errors() || !options.produce {
        return None;
    }

    theme.tera.global_context().insert("site", &assembled.site);
    let mut files = Vec::new();
    for (path, bytes) in search_files {
        files.push(OutputFile {
            path,
            contents: Contents::Bytes(bytes),
        });
    }
    let static_files = std::mem::take(&mut theme.static_files);
    for (path, bytes) in &static_files {
        // Text assets are precompressed once here, so a server with gzip_static sends the small
        // file as it is (the search index is precompressed the same way), unless the theme
        // ships its own `.gz`.
        if gzip_made(&static_files, path) {
            files.push(OutputFile {
                path: format!("static/{path}.gz"),
                contents: Contents::Bytes(output::gzip(bytes)),
            });
        }
        files.push(OutputFile {
            path: format!("static/{path}"),
            contents: Contents::Static(bytes.clone()),
        });
    }
    let content_dir = options.root.join("content");
    for asset in &rendered.assets {
        files.push(OutputFile {
            path: asset.clone(),
            contents: Contents::Copy(content_dir.join(asset)),
        });
    }
    Some(Made {
        site,
        theme,
        rendered,
        assembled,
        documents,
        related,
        files,
    })
}

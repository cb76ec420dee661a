//! The site as `serve` keeps it between edits, and the incremental rebuild.
//!
//! A full build keeps everything it computed: the sources, the validated site, the rendered
//! documents, the listing pages with the values they were templated from, and the output files
//! (in memory, shared with the HTTP server). When answers change, only they are read again
//! and rendered; the checks that involve other files (anchors of links into them, customer data,
//! links to site paths) run again; their own pages are assembled and templated, and so are the
//! listing pages that can show them, each only when its values differ from the last time. Files
//! whose bytes did not change are left alone.
//!
//! Search: the changed answers' search documents are redone; the client index is built again
//! by the [`super::indexer`] thread once the pages have reloaded. Related answers are found again only by a full build: between
//! two, each answer keeps the related answers it had, shown with their current titles.
//!
//! An update is all or nothing: when it finds an error, everything it replaced is put back, so
//! the state is always the last good site, and the next update (say, the fix) starts from it.
//! A change that can alter which pages exist (a new, deleted or renamed file; an id, alias, hot
//! week or draft flag; a system, session, config, theme or ticket file) is left to a full build.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use crate::assemble::{self, Page, Scope};
use crate::build::{self, Compiled};
use crate::diagnostic::Diagnostics;
use crate::lint::customer_data;
use crate::model::{Article, ArticleId, Site};
use crate::output::{self, Contents};
use crate::related::RelatedAnswers;
use crate::render::{self, Document, Rendered};
use crate::source::{SourceFile, SourceId, Sources};
use crate::{config, load, search};
use search_index::{SearchDocument, Synonyms};

/// An output file as the server sends it.
#[derive(Clone)]
pub enum Served {
    Bytes(Arc<[u8]>),
    /// An image or attachment, read from the site source when asked for.
    File(PathBuf),
}

/// The output, by path relative to the output folder (`trading/locked/index.html`).
pub type Files = HashMap<String, Served>;

/// Problems that stop the build, as shown in the terminal and in the browser's overlay.
pub struct Problems {
    pub summary: String,
    pub plain: String,
    pub colored: String,
}

impl Problems {
    fn new(diagnostics: &mut Diagnostics, sources: &Sources) -> Problems {
        diagnostics.sort(sources);
        Problems {
            summary: diagnostics.summary(),
            plain: diagnostics.render(sources, false),
            colored: diagnostics.render(sources, true),
        }
    }
}

/// What an update did.
pub enum Outcome {
    /// Only files the site does not depend on changed.
    Nothing,
    /// The site changed: these output files differ; warnings about the changed files.
    Rebuilt {
        changed: Vec<String>,
        full: bool,
        warnings: Option<Problems>,
    },
    /// The change broke the build; the last good site stays.
    Failed(Problems),
}

/// What a set of changed paths asks for.
enum Change {
    Nothing,
    /// Images and attachments: the server reads them from disk, a reload is enough.
    Assets(Vec<String>),
    /// Answers, by index, whose file changed.
    Articles(Vec<usize>),
    /// Anything that can change which pages exist, or all of them.
    Structure,
}

pub struct State {
    options: build::Options,
    sources: Sources,
    site: Site,
    tera: tera::Tera,
    rendered: Rendered,
    /// Files under `content/` links may point at, relative to `content/`.
    assets: HashSet<String>,
    /// The listing pages by site path, with the values they were templated from.
    listings: HashMap<String, Page>,
    known_paths: HashSet<String>,
    /// Article index by source file on disk.
    by_path: HashMap<PathBuf, usize>,
    /// Published asset files on disk, by output path.
    asset_files: HashMap<PathBuf, String>,
    /// What search knows of each article; empty when the site is not indexed.
    search_documents: Vec<Arc<SearchDocument>>,
    related: RelatedAnswers,
    /// For each article, the articles that show it among their related answers.
    related_by: HashMap<usize, Vec<usize>>,
    files: Arc<RwLock<Files>>,
}

/// Runs a full build into memory. On success the output replaces `files`, and the list of
/// output files that differ is returned with the state.
pub fn full(
    options: &build::Options,
    files: &Arc<RwLock<Files>>,
) -> Result<(State, Vec<String>, Option<Problems>), Problems> {
    let mut report = build::Report::default();
    // Held while compiling, which reads and writes the caches: a `build` beside `serve` shares
    // them.
    let caches = build::lock_caches(&options.root);
    let Some(compiled) = build::compile(options, &build::Silent, &mut report) else {
        return Err(Problems::new(&mut report.diagnostics, &report.sources));
    };
    let Compiled {
        site,
        tera,
        rendered,
        listings,
        known_paths,
        search_documents,
        related,
        files: output,
    } = compiled;
    drop(caches);
    let mut new_files = Files::with_capacity(output.len());
    let mut asset_files = HashMap::new();
    for file in output {
        let served = match file.contents {
            Contents::Bytes(bytes) => Served::Bytes(bytes.into()),
            Contents::Static(bytes) => Served::Bytes(Arc::from(&*bytes)),
            Contents::Copy(path) => {
                asset_files.insert(path.clone(), file.path.clone());
                Served::File(path)
            }
        };
        new_files.insert(file.path, served);
    }
    let changed = {
        let old = files.read().expect("not poisoned");
        let mut changed: Vec<String> = new_files
            .iter()
            .filter(|(path, new)| !old.get(*path).is_some_and(|o| same(o, new)))
            .map(|(path, _)| path.clone())
            .chain(old.keys().filter(|p| !new_files.contains_key(*p)).cloned())
            .collect();
        changed.sort();
        changed
    };
    *files.write().expect("not poisoned") = new_files;
    let by_path = site
        .content
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (report.sources.get(a.source).path.clone(), i))
        .collect();
    let warnings = (!report.diagnostics.is_empty())
        .then(|| Problems::new(&mut report.diagnostics, &report.sources));
    let mut related_by: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, article) in site.content.articles.iter().enumerate() {
        for hit in related.get(article.id.value.as_str()).into_iter().flatten() {
            if let Some(&j) = site.by_id.get(&ArticleId(hit.id.clone())) {
                related_by.entry(j).or_default().push(i);
            }
        }
    }
    let state = State {
        options: options.clone(),
        assets: render::asset_set(&site),
        sources: report.sources,
        site,
        tera,
        rendered,
        listings: listings.into_iter().map(|p| (p.path.clone(), p)).collect(),
        known_paths,
        by_path,
        asset_files,
        search_documents: search_documents.into_iter().map(Arc::new).collect(),
        related,
        related_by,
        files: Arc::clone(files),
    };
    Ok((state, changed, warnings))
}

fn same(a: &Served, b: &Served) -> bool {
    match (a, b) {
        (Served::Bytes(a), Served::Bytes(b)) => a == b,
        (Served::File(a), Served::File(b)) => a == b,
        _ => false,
    }
}

/// Editors' temporary and backup files, which never matter to the site.
fn is_temporary(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

impl State {
    /// Brings the site up to date with the files in `paths`; `None` when a full build is needed.
    pub fn update(&mut self, paths: &BTreeSet<PathBuf>) -> Option<Outcome> {
        match self.classify(paths) {
            Change::Nothing => Some(Outcome::Nothing),
            Change::Assets(changed) => Some(Outcome::Rebuilt {
                changed,
                full: false,
                warnings: None,
            }),
            Change::Articles(indices) => self.articles(&indices),
            Change::Structure => None,
        }
    }

    fn depends_on(&self, path: &Path) -> bool {
        let root = &self.options.root;
        ["content", "data", "themes"]
            .iter()
            .any(|dir| path.starts_with(root.join(dir)))
            || path == root.join(config::CONFIG_FILE)
            || path == root.join("synonyms.txt")
    }

    fn classify(&self, paths: &BTreeSet<PathBuf>) -> Change {
        let mut articles = Vec::new();
        let mut assets = Vec::new();
        for path in paths {
            if is_temporary(path) || !self.depends_on(path) {
                continue;
            }
            if let Some(&i) = self.by_path.get(path)
                && path.is_file()
            {
                articles.push(i);
            } else if let Some(output) = self.asset_files.get(path)
                && path.is_file()
            {
                assets.push(output.clone());
            } else {
                return Change::Structure;
            }
        }
        match (articles.is_empty(), assets.is_empty()) {
            (true, true) => Change::Nothing,
            (true, false) => Change::Assets(assets),
            // Assets are read from disk when asked for: the reload after the articles' rebuild
            // shows them too.
            (false, _) => {
                articles.sort_unstable();
                Change::Articles(articles)
            }
        }
    }

    /// Re-reads, re-renders and re-assembles the answers `indices`.
    fn articles(&mut self, indices: &[usize]) -> Option<Outcome> {
        let mut undo = Undo::default();
        let mut diagnostics = Diagnostics::default();
        for &i in indices {
            let id = self.site.content.articles[i].source;
            let path = self.sources.get(id).path.clone();
            let mut problems = Vec::new();
            let (file, article) =
                load::reload_article(&self.options.root, &path, id, &mut problems);
            diagnostics.extend(problems);
            if let Some(article) = &article
                && changes_structure(&self.site.content.articles[i], article)
            {
                undo.apply(self);
                return None;
            }
            undo.sources.push((id, self.sources.replace(id, file)));
            if let Some(article) = article {
                let old = std::mem::replace(&mut self.site.content.articles[i], article);
                undo.articles.push((i, old));
            }
        }
        // An answer that no longer parses keeps its last good version: only its errors count.
        let parsed: Vec<usize> = undo.articles.iter().map(|(i, _)| *i).collect();
        let allowed = customer_data::Allowed::new(&self.site.config.lint);
        for &i in &parsed {
            let mut doc = render::Context::new(&self.site, &self.assets).article(&self.sources, i);
            diagnostics.extend(std::mem::take(&mut doc.diagnostics));
            let source = self.site.content.articles[i].source;
            diagnostics.extend(customer_data::check(
                self.sources.get(source),
                source,
                customer_data::Syntax::Markdown,
                &allowed,
            ));
            undo.docs
                .push((i, std::mem::replace(&mut self.rendered.articles[i], doc)));
        }
        // Links from any document into the changed answers must still find their anchors.
        render::check_anchors(&self.site, &self.rendered, &mut diagnostics);
        let docs = parsed.iter().map(|&i| &self.rendered.articles[i]);
        assemble::check_site_links(
            &self.site,
            &self.rendered,
            docs,
            &self.known_paths,
            &mut diagnostics,
        );
        if diagnostics.has_errors() {
            let problems = Problems::new(&mut diagnostics, &self.sources);
            undo.apply(self);
            return Some(Outcome::Failed(problems));
        }
        match self.assemble(&parsed) {
            Ok(changed) => {
                let warnings = (!diagnostics.is_empty())
                    .then(|| Problems::new(&mut diagnostics, &self.sources));
                Some(Outcome::Rebuilt {
                    changed,
                    full: false,
                    warnings,
                })
            }
            Err(problems) => {
                undo.apply(self);
                Some(Outcome::Failed(problems))
            }
        }
    }

    /// The pages of the changed answers and the listing pages whose values changed, templated
    /// and put in the output when their bytes differ. Returns the output files that changed.
    fn assemble(&mut self, indices: &[usize]) -> Result<Vec<String>, Problems> {
        // The changed answers, and the answers that show them as related.
        let mut affected: BTreeSet<usize> = indices.iter().copied().collect();
        for i in indices {
            affected.extend(self.related_by.get(i).into_iter().flatten());
        }
        let mut pages: Vec<Page> = Vec::new();
        for &i in &affected {
            pages.extend(assemble::article_pages(
                &self.site,
                &self.rendered,
                &self.related,
                i,
            ));
        }
        let listings =
            assemble::listing_pages(&self.site, &self.rendered, Scope::Articles(indices));
        let mut changed_listings = Vec::new();
        for page in listings {
            let cached = self.listings.get(&page.path);
            if !cached.is_some_and(|c| c.template == page.template && c.context() == page.context())
            {
                changed_listings.push(page);
            }
        }
        let to_template: Vec<&Page> = pages.iter().chain(&changed_listings).collect();
        let templated =
            output::apply_templates(&self.tera, &to_template, &|| {}).map_err(|problems| {
                let mut diagnostics = Diagnostics::default();
                diagnostics.extend(problems);
                Problems::new(&mut diagnostics, &self.sources)
            })?;
        for page in changed_listings {
            self.listings.insert(page.path.clone(), page);
        }
        // Nothing can fail from here on.
        if !self.search_documents.is_empty() {
            for &i in indices {
                self.search_documents[i] =
                    Arc::new(search::document(&self.site, &self.rendered, i));
            }
        }

        let mut new: Vec<(String, Served)> = Vec::new();
        for file in templated {
            if let Contents::Bytes(bytes) = file.contents {
                new.push((file.path, Served::Bytes(bytes.into())));
            }
        }
        // An answer may show an image no page showed before.
        let content_dir = self.options.root.join("content");
        for &i in indices {
            for asset in &self.rendered.articles[i].assets {
                if self.rendered.assets.insert(asset.clone()) {
                    let path = content_dir.join(asset);
                    self.asset_files.insert(path.clone(), asset.clone());
                    new.push((asset.clone(), Served::File(path)));
                }
            }
        }
        let mut output = self.files.write().expect("not poisoned");
        let mut changed = Vec::new();
        for (path, served) in new {
            if output.get(&path).is_some_and(|old| same(old, &served)) {
                continue;
            }
            changed.push(path.clone());
            output.insert(path, served);
        }
        changed.sort();
        Ok(changed)
    }
}

impl State {
    /// The search documents, for the indexer; `None` when the site is not indexed.
    pub fn search_documents(&self) -> Option<(Vec<Arc<SearchDocument>>, Synonyms)> {
        (!self.search_documents.is_empty())
            .then(|| (self.search_documents.clone(), self.site.synonyms.clone()))
    }
}

/// Whether an edit changes which pages exist or where, which the incremental path does not
/// handle: a new id, aliases, hot weeks (the weekly pages) or the draft flag.
fn changes_structure(old: &Article, new: &Article) -> bool {
    let aliases = |a: &Article| {
        a.aliases
            .iter()
            .map(|l| l.value.clone())
            .collect::<Vec<_>>()
    };
    old.id.value != new.id.value
        || old.draft != new.draft
        || old.hot != new.hot
        || aliases(old) != aliases(new)
}

/// What an update replaced, to put back when it fails.
#[derive(Default)]
struct Undo {
    sources: Vec<(SourceId, SourceFile)>,
    articles: Vec<(usize, Article)>,
    docs: Vec<(usize, Document)>,
}

impl Undo {
    fn apply(self, state: &mut State) {
        for (id, file) in self.sources {
            state.sources.replace(id, file);
        }
        for (i, article) in self.articles {
            state.site.content.articles[i] = article;
        }
        for (i, doc) in self.docs {
            state.rendered.articles[i] = doc;
        }
    }
}

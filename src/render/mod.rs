//! Render: every markdown document of the site to HTML, in parallel, then the checks that need
//! all of them (anchors of links between answers).

pub mod cache;
pub mod links;
pub mod markdown;
pub mod raw_html;
pub mod sanitize;
pub mod slug;

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::source::{SourceId, Sources};
pub use markdown::Document;

/// The rendered documents, parallel to the site's lists.
pub struct Rendered {
    pub articles: Vec<Document>,
    /// The optional introduction of each system page.
    pub systems: Vec<Document>,
    pub sessions: Vec<Document>,
    pub weekly: Vec<Document>,
    /// Files under `content/` the pages use, relative to `content/`, to copy.
    pub assets: BTreeSet<String>,
    /// Documents taken from the render cache instead of rendered (`build --timings`).
    pub reused: usize,
}

/// What rendering one document needs besides its text: the site's lookups for links and the
/// settings. Built once per site; `serve` keeps it to re-render single articles.
pub struct Context<'a> {
    site: &'a Site,
    /// Files under `content/` that are not markdown, relative to `content/`.
    assets: &'a HashSet<String>,
    /// The documents of earlier builds, when the build keeps them.
    cache: Option<&'a cache::Cache>,
    reused: AtomicUsize,
}

/// The files under `content/` a link or image may point at, relative to `content/`, with `/`.
pub fn asset_set(site: &Site) -> HashSet<String> {
    site.content
        .assets
        .iter()
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

impl<'a> Context<'a> {
    pub fn new(site: &'a Site, assets: &'a HashSet<String>) -> Context<'a> {
        Context {
            site,
            assets,
            cache: None,
            reused: AtomicUsize::new(0),
        }
    }

    fn document(
        &self,
        sources: &Sources,
        source: SourceId,
        body_start: usize,
        dir: &str,
        steps: bool,
        id_prefix: &str,
    ) -> Document {
        let file = sources.get(source);
        let _processing = crate::crash::processing(file.display_path.clone());
        let resolver = links::Resolver {
            site: self.site,
            assets: self.assets,
            resolved: Default::default(),
        };
        let settings = markdown::Settings {
            raw_html: self.site.config.markdown.raw_html,
            steps_headings: &self.site.config.markdown.steps_headings,
        };
        let input = markdown::Input {
            text: &file.text,
            body_start,
            source,
            dir,
            steps,
            id_prefix,
        };
        let Some(cache) = self.cache else {
            return markdown::render(&input, &settings, &resolver);
        };
        let inputs = cache.inputs(&cache::Inputs {
            text: &file.text,
            body_start,
            dir,
            steps,
            id_prefix,
        });
        if let Some(doc) = cache.reuse(&file.display_path, inputs, source, &resolver, dir) {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return doc;
        }
        let doc = markdown::render(&input, &settings, &resolver);
        cache.store(&file.display_path, inputs, &resolver, dir, &doc);
        doc
    }

    /// The `index`-th article of the site; its diagnostics stay in the document.
    pub fn article(&self, sources: &Sources, index: usize) -> Document {
        let a = &self.site.content.articles[index];
        self.document(
            sources,
            a.source,
            a.body_start,
            &a.system,
            true,
            &a.id.value.as_str().to_ascii_lowercase(),
        )
    }
}

/// Renders every document of the site. With `cache_root`, documents unchanged since an earlier
/// build of that site source are taken from its render cache, and the cache is brought up to
/// date (the caller holds the caches' lock).
pub fn render(
    site: &Site,
    sources: &Sources,
    diagnostics: &mut Diagnostics,
    cache_root: Option<&Path>,
) -> Rendered {
    let assets = asset_set(site);
    let markdown = &site.config.markdown;
    let cache = cache_root.map(|root| {
        let settings = format!("{:?} {:?}", markdown.raw_html, markdown.steps_headings);
        cache::Cache::load(root, &settings)
    });
    let mut context = Context::new(site, &assets);
    context.cache = cache.as_ref();
    let content = &site.content;
    let articles: Vec<Document> = (0..content.articles.len())
        .into_par_iter()
        .map(|i| context.article(sources, i))
        .collect();
    let systems: Vec<Document> = content
        .systems
        .iter()
        .map(|s| match s.source {
            Some(source) => context.document(sources, source, s.body_start, &s.key, false, &s.key),
            None => Document::default(),
        })
        .collect();
    let sessions: Vec<Document> = content
        .sessions
        .iter()
        .map(|s| {
            context.document(
                sources,
                s.source,
                s.body_start,
                crate::load::SESSIONS_DIR,
                false,
                &s.slug,
            )
        })
        .collect();
    let weekly: Vec<Document> = content
        .weekly
        .iter()
        .map(|w| {
            context.document(
                sources,
                w.source,
                w.body_start,
                crate::load::WEEKLY_DIR,
                false,
                &w.week.to_string(),
            )
        })
        .collect();

    let mut rendered = Rendered {
        articles,
        systems,
        sessions,
        weekly,
        assets: BTreeSet::new(),
        reused: context.reused.load(Ordering::Relaxed),
    };
    if let Some(cache) = cache {
        cache.save();
    }
    for doc in rendered.all_mut() {
        diagnostics.extend(std::mem::take(&mut doc.diagnostics));
    }
    check_anchors(site, &rendered, diagnostics);
    rendered.assets = rendered
        .all()
        .flat_map(|d| d.assets.iter().cloned())
        .collect();
    rendered
}

impl Rendered {
    pub fn all(&self) -> impl Iterator<Item = &Document> {
        self.articles
            .iter()
            .chain(&self.systems)
            .chain(&self.sessions)
            .chain(&self.weekly)
    }

    fn all_mut(&mut self) -> impl Iterator<Item = &mut Document> {
        self.articles
            .iter_mut()
            .chain(&mut self.systems)
            .chain(&mut self.sessions)
            .chain(&mut self.weekly)
    }
}

/// Every `#anchor` used, in the same document or in a linked answer, must exist there.
pub fn check_anchors(site: &Site, rendered: &Rendered, diagnostics: &mut Diagnostics) {
    for doc in rendered.all() {
        for used in &doc.anchor_uses {
            let (target, name) = match &used.article {
                None => (doc, "this page".to_string()),
                Some(id) => match site.by_id.get(id) {
                    Some(&i) => (&rendered.articles[i], id.to_string()),
                    None => continue,
                },
            };
            if target.anchors.contains(&used.anchor) {
                continue;
            }
            diagnostics.push(
                Diagnostic::error(
                    "broken-anchor",
                    format!("{name} has no anchor `#{}`", used.anchor),
                )
                .at(used.span)
                .label("this anchor does not exist")
                .help(describe_anchors(target)),
            );
        }
    }
}

fn describe_anchors(doc: &Document) -> String {
    let mut parts = Vec::new();
    if let (Some(first), Some(last)) = (doc.steps.first(), doc.steps.last()) {
        parts.push(format!(
            "steps #step-{} to #step-{}",
            first.number, last.number
        ));
    }
    let headings: Vec<String> = doc.headings.iter().map(|h| format!("#{}", h.id)).collect();
    if !headings.is_empty() {
        parts.push(format!("headings {}", headings.join(", ")));
    }
    if parts.is_empty() {
        "the target has no steps or headings to link to".to_string()
    } else {
        format!("it has {}", parts.join("; "))
    }
}

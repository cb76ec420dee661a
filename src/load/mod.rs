//! Load: walk `content/`, read every file, parse its front matter into the model.
//!
//! Rules that concern one file (required fields, categories, dates, weeks) are checked here, as
//! each file is read; rules across files (unique ids, aliases) are in `validate`.

mod entities;
pub mod fields;
pub mod frontmatter;
mod frontmatter_cache;
mod svg;
pub mod tickets;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Article, Content, Session, System, WeeklyNote};
use crate::source::{ReadProblem, SourceFile, SourceId, Sources, Span, display_path};

pub use entities::is_url_safe;

/// Folders of `content/` that are not systems.
pub const SESSIONS_DIR: &str = "sessions";
pub const WEEKLY_DIR: &str = "weekly";
pub const SYSTEM_FILE: &str = "_system.md";

/// What a file under `content/` is, by where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Role {
    System { key: String },
    Article { system: String },
    Session,
    Weekly,
    Asset,
}

/// Reads everything under `<root>/content`. With `cache_root`, front matter unchanged since an
/// earlier build of that site source is taken from its cache (`frontmatter_cache`), and the
/// cache is brought up to date (the caller holds the caches' lock).
pub fn load(
    root: &Path,
    sources: &mut Sources,
    diagnostics: &mut Diagnostics,
    cache_root: Option<&Path>,
) -> Content {
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::error("content", format!("no content folder at {}", content_dir.display()))
                .help("create content/<system>/_system.md and the articles beside it, or run `qaportal init`"),
        );
        return Content::default();
    }

    let (files, walk_problems) = walk(&content_dir);
    diagnostics.extend(walk_problems);

    let mut content = Content::default();
    let mut markdown = Vec::new();
    for (path, role) in files {
        match role {
            Role::Asset => {
                if path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
                {
                    check_svg(&path, root, sources, diagnostics);
                }
                content.assets.push(
                    path.strip_prefix(&content_dir)
                        .unwrap_or(&path)
                        .to_path_buf(),
                )
            }
            role => markdown.push((path, role)),
        }
    }

    // Files are read and parsed in parallel; ids are handed out in path order beforehand so
    // that the result does not depend on scheduling.
    let first_id = sources.len();
    let cache = cache_root.map(frontmatter_cache::Cache::load);
    let parsed: Vec<(SourceFile, Parsed, Vec<Diagnostic>)> = markdown
        .par_iter()
        .enumerate()
        .map(|(i, (path, role))| {
            let id = SourceId::from_index(first_id + i);
            let display = display_path(root, path);
            let mut problems = Vec::new();
            let (file, parsed) = read_and_parse(
                path,
                display,
                role,
                id,
                &content_dir,
                cache.as_ref(),
                &mut problems,
            );
            (file, parsed, problems)
        })
        .collect();
    if let Some(cache) = cache {
        cache.save();
    }

    for (file, parsed, problems) in parsed {
        sources.add(file);
        diagnostics.extend(problems);
        match parsed {
            Parsed::System(system) => content.systems.push(system),
            Parsed::Article(article) => content.articles.push(*article),
            Parsed::Session(session) => content.sessions.push(session),
            Parsed::Weekly(note) => content.weekly.push(note),
            Parsed::Nothing => {}
        }
    }

    content.articles.sort_by(|a, b| {
        a.id.value
            .cmp(&b.id.value)
            .then(a.content_path.cmp(&b.content_path))
    });
    content
        .sessions
        .sort_by(|a, b| b.date.cmp(&a.date).then(a.slug.cmp(&b.slug)));
    content.weekly.sort_by_key(|w| std::cmp::Reverse(w.week));
    content
}

/// Reads one article again after an edit, under the source id it had (for `serve`). `None`
/// when it no longer reads as an article; `problems` says why.
pub fn reload_article(
    root: &Path,
    path: &Path,
    id: SourceId,
    problems: &mut Vec<Diagnostic>,
) -> (SourceFile, Option<Article>) {
    let content_dir = root.join("content");
    let system = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let role = Role::Article { system };
    let display = display_path(root, path);
    match read_and_parse(path, display, &role, id, &content_dir, None, problems) {
        (file, Parsed::Article(article)) => (file, Some(*article)),
        (file, _) => (file, None),
    }
}

enum Parsed {
    System(System),
    Article(Box<Article>),
    Session(Session),
    Weekly(WeeklyNote),
    Nothing,
}

/// Lists the files under `content/` with their role, in a stable order.
fn walk(content_dir: &Path) -> (Vec<(PathBuf, Role)>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let walker = walkdir::WalkDir::new(content_dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                problems.push(Diagnostic::error("io", format!("cannot read {error}")));
                continue;
            }
        };
        if entry.path_is_symlink() {
            // Links are not followed: what is published is what the content folder holds.
            let root = content_dir.parent().unwrap_or(content_dir);
            let shown = display_path(root, entry.path());
            problems.push(match crate::source::inside_site(root, entry.path()) {
                Err(target) => crate::theme::outside(&shown, &target),
                Ok(()) => Diagnostic::warning(
                    "ignored-file",
                    format!("{shown} is a symbolic link; it is ignored"),
                )
                .help("copy the file or folder here instead of linking to it"),
            });
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path().to_path_buf();
        let relative = path.strip_prefix(content_dir).unwrap_or(&path);
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let is_markdown = path.extension().is_some_and(|e| e == "md");
        let role = match (parts.as_slice(), is_markdown) {
            ([dir, _], true) if dir == SESSIONS_DIR => Role::Session,
            ([dir, _], true) if dir == WEEKLY_DIR => Role::Weekly,
            ([dir, file], true) if file == SYSTEM_FILE => Role::System { key: dir.clone() },
            ([dir, _], true) => Role::Article {
                system: dir.clone(),
            },
            ([_], true) | ([_, _, _, ..], true) => {
                problems.push(
                    Diagnostic::warning(
                        "ignored-file",
                        format!("content/{} is ignored", parts.join("/")),
                    )
                    .help("articles live directly in a system folder: content/<system>/<name>.md"),
                );
                continue;
            }
            _ => Role::Asset,
        };
        files.push((path, role));
    }
    (files, problems)
}

/// Markdown files larger than this are refused before they are read: an answer is a few
/// kilobytes, and rendering costs memory in proportion (a 200 MB file took 6.7 GB).
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// `1.5 MB`, `200 KB`.
pub fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// An SVG file is published as it is: it must hold no script and load nothing from elsewhere.
/// SVG files larger than this are refused: they are checked as text, and a drawing this
/// large does not belong on a page read on a phone.
pub const MAX_SVG_BYTES: u64 = 8 * 1024 * 1024;

fn check_svg(path: &Path, root: &Path, sources: &mut Sources, diagnostics: &mut Diagnostics) {
    let bytes = match crate::source::read_at_most(path, MAX_SVG_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadProblem::TooLarge) => {
            diagnostics.push(
                Diagnostic::error(
                    "file-too-large",
                    format!(
                        "{} holds more than {}, the most an SVG image may have",
                        display_path(root, path),
                        human_size(MAX_SVG_BYTES)
                    ),
                )
                .help("simplify the drawing, or export it as PNG"),
            );
            return;
        }
        // Unreadable: the asset copy reports it.
        Err(ReadProblem::Io(_)) => return,
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return; // not text: no script either; a broken file is the reader's problem to see
    };
    let problems = svg::check(&text);
    if problems.is_empty() {
        return;
    }
    let display = display_path(root, path);
    let id = sources.add(SourceFile::new(path.to_path_buf(), display, text));
    for problem in problems {
        let offset = sources.get(id).offset_of(problem.line, problem.column);
        diagnostics.push(
            Diagnostic::error("unsafe-svg", problem.message)
                .at(Span::new(id, offset..offset))
                .label("readers who open this image on its own would run or load this")
                .help(
                    "export the drawing again without scripts, links and external images (or as \
                     PNG); embedded PNG or JPEG images are fine",
                ),
        );
    }
}

fn read_and_parse(
    path: &Path,
    display: String,
    role: &Role,
    id: SourceId,
    content_dir: &Path,
    parsed: Option<&frontmatter_cache::Cache>,
    problems: &mut Vec<Diagnostic>,
) -> (SourceFile, Parsed) {
    let _processing = crate::crash::processing(display.clone());
    if let Ok(meta) = std::fs::metadata(path)
        && meta.len() > MAX_FILE_BYTES
    {
        problems.push(
            Diagnostic::error(
                "file-too-large",
                format!(
                    "{display} is {}; a markdown file may be at most {}",
                    human_size(meta.len()),
                    human_size(MAX_FILE_BYTES)
                ),
            )
            .help("split it into several answers; images and attachments go beside it as their own files"),
        );
        return (
            SourceFile::new(path.to_path_buf(), display, String::new()),
            Parsed::Nothing,
        );
    }
    let bytes = match crate::source::read_at_most(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(problem) => {
            let message = match problem {
                ReadProblem::Io(error) => format!("cannot read {display}: {error}"),
                ReadProblem::TooLarge => format!(
                    "{display} holds more than {}, the most a markdown file may have",
                    human_size(MAX_FILE_BYTES)
                ),
            };
            problems.push(Diagnostic::error("io", message));
            return (
                SourceFile::new(path.to_path_buf(), display, String::new()),
                Parsed::Nothing,
            );
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(error.as_bytes()).into_owned();
            problems.push(
                Diagnostic::error("encoding", format!("{display} is not valid UTF-8"))
                    .at(Span::new(id, offset..offset))
                    .label("this byte is not UTF-8")
                    .help(
                        "save the file as UTF-8 (files from older Windows tools are often GBK; \
                           convert with `iconv -f GBK -t UTF-8`)",
                    ),
            );
            return (
                SourceFile::new(path.to_path_buf(), display, lossy),
                Parsed::Nothing,
            );
        }
    };
    let file = SourceFile::new(path.to_path_buf(), display, text);
    let relative = display_path(content_dir, path);
    let input = entities::Input {
        file: &file,
        id,
        relative: &relative,
        parsed,
    };
    let parsed = match role {
        Role::System { key } => entities::system(&input, key, problems).map(Parsed::System),
        Role::Article { system } => {
            entities::article(&input, system, problems).map(|a| Parsed::Article(Box::new(a)))
        }
        Role::Session => entities::session(&input, problems).map(Parsed::Session),
        Role::Weekly => entities::weekly(&input, problems).map(Parsed::Weekly),
        Role::Asset => None,
    };
    (file, parsed.unwrap_or(Parsed::Nothing))
}

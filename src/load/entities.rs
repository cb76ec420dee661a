//! From one file's text to a system, article, session or weekly note.

use super::fields::Fields;
use super::frontmatter::{self, SplitError};
use crate::diagnostic::Diagnostic;
use crate::model::{
    Article, ArticleId, Category, IsoWeek, Located, Review, Session, System, WeeklyNote,
};
use crate::source::{SourceFile, SourceId, Span};

pub struct Input<'a> {
    pub file: &'a SourceFile,
    pub id: SourceId,
    /// Path relative to `content/`, with `/`.
    pub relative: &'a str,
    /// The trees of front matter parsed by earlier builds, when the build keeps them.
    pub parsed: Option<&'a super::frontmatter_cache::Cache>,
}

const ARTICLE_FIELDS: &[&str] = &[
    "id",
    "title",
    "questions",
    "category",
    "tags",
    "summary",
    "hot",
    "created",
    "updated",
    "reviewed",
    "aliases",
    "draft",
];
const REVIEW_FIELDS: &[&str] = &["by", "on"];
const SYSTEM_FIELDS: &[&str] = &["title", "description", "order", "owner"];
const SESSION_FIELDS: &[&str] = &["title", "date", "presenter", "replay", "articles"];
const WEEKLY_FIELDS: &[&str] = &["title"];

/// Runs `read` on the file's front matter fields; returns the body offset with its result.
fn with_fields<T>(
    input: &Input,
    what: &'static str,
    known: &'static [&'static str],
    example: &str,
    problems: &mut Vec<Diagnostic>,
    read: impl FnOnce(&mut Fields) -> Option<T>,
) -> Option<(T, usize)> {
    let text = &input.file.text;
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let split = match frontmatter::split(text, bom) {
        Ok(split) => split,
        Err(error) => {
            problems.push(split_error(input, error, what, example));
            return None;
        }
    };
    let front = &text[split.front.clone()];
    let parsed = match input.parsed {
        Some(cache) => cache.parse(split.format, front),
        None => frontmatter::parse(split.format, front),
    };
    let root = match parsed {
        Ok(root) => root,
        Err(error) => {
            let offset = split.front.start + error.offset.unwrap_or(0).min(front.len());
            let format = match split.format {
                frontmatter::Format::Yaml => "YAML",
                frontmatter::Format::Toml => "TOML",
            };
            problems.push(
                Diagnostic::error(
                    "front-matter",
                    format!("invalid {format} front matter: {}", error.message),
                )
                .at(Span::new(input.id, offset..offset))
                .label(format!("{format} syntax error"))
                .help(error.hint.unwrap_or_else(|| {
                    match split.format {
                        frontmatter::Format::Yaml => {
                            "YAML fields are `name: value`; put values containing `: ` or starting \
                             with `[`, `{`, `*` or `#` in quotes"
                                .to_string()
                        }
                        frontmatter::Format::Toml => {
                            "TOML fields are `name = \"value\"`; text needs quotes, lists are \
                             [\"a\", \"b\"]"
                        }
                        .to_string(),
                    }
                })),
            );
            return None;
        }
    };
    let fence = Span::new(input.id, bom..bom + 3);
    let mut fields = Fields::new(
        root,
        input.id,
        split.front.start,
        fence,
        what,
        known,
        problems,
    );
    let value = read(&mut fields);
    fields.finish();
    value.map(|v| (v, split.body_start))
}

fn split_error(input: &Input, error: SplitError, what: &str, example: &str) -> Diagnostic {
    let start = Span::file_start(input.id);
    match error {
        SplitError::Empty => Diagnostic::error(
            "empty-file",
            format!("{} is empty", input.file.display_path),
        )
        .at(start)
        .label("nothing here")
        .help(format!(
            "{what} starts with front matter, e.g.\n---\n{example}\n---"
        )),
        SplitError::Missing => Diagnostic::error(
            "front-matter",
            format!("{} has no front matter", input.file.display_path),
        )
        .at(start)
        .label("expected `---` (YAML) or `+++` (TOML) on the first line")
        .help(format!(
            "start the file with front matter, e.g.\n---\n{example}\n---"
        )),
        SplitError::Unclosed { format, fence } => Diagnostic::error(
            "front-matter",
            format!(
                "front matter opened with `{}` is never closed",
                format.fence()
            ),
        )
        .at(Span::new(input.id, fence))
        .label("opened here")
        .help(format!(
            "add a line with `{}` after the last field, before the text",
            format.fence()
        )),
    }
}

fn file_stem(relative: &str) -> &str {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    name.strip_suffix(".md").unwrap_or(name)
}

/// URL segments are lower-case ASCII so that links stay short when spoken or printed as QR codes.
pub fn is_url_safe(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn check_url_name(input: &Input, name: &str, what: &str, problems: &mut Vec<Diagnostic>) {
    if !is_url_safe(name) {
        problems.push(
            Diagnostic::error("file-name", format!("{what} name `{name}` cannot be used in a URL"))
                .at(Span::file_start(input.id))
                .label("in this file's path")
                .help("rename it with lower-case ASCII letters, digits and `-`, e.g. `bank-transfer-failed`"),
        );
    }
}

pub fn system(input: &Input, key: &str, problems: &mut Vec<Diagnostic>) -> Option<System> {
    check_url_name(input, key, "system folder", problems);
    let example =
        "title: 三方存管/银证转账\ndescription: 银行卡与证券账户之间的资金划转。\norder: 3";
    let (system, body_start) =
        with_fields(input, "a system", SYSTEM_FIELDS, example, problems, |f| {
            let title = f.required_text("title", "title: 三方存管/银证转账");
            let description = f.text("description").map(|d| d.value);
            let order = f.integer("order");
            let owner = f.text("owner").map(|o| o.value);
            Some(System {
                key: key.to_string(),
                title: title?.value,
                description,
                order,
                owner,
                source: Some(input.id),
                body_start: 0,
            })
        })?;
    Some(System {
        body_start,
        ..system
    })
}

pub fn article(input: &Input, system: &str, problems: &mut Vec<Diagnostic>) -> Option<Article> {
    let slug = file_stem(input.relative).to_string();
    check_url_name(input, &slug, "file", problems);
    let example = "id: KB-0042\ntitle: 银证转账失败怎么办？\ncategory: 咨询类";
    let (article, body_start) = with_fields(
        input,
        "an article",
        ARTICLE_FIELDS,
        example,
        problems,
        |f| {
            let id = f
                .required_text("id", "id: KB-0042")
                .and_then(|id| article_id(id, f));
            let title = f.required_text("title", "title: 银证转账失败怎么办？");
            let category = f
                .required_text("category", "category: 咨询类")
                .and_then(|c| category(c, f));
            let questions = f
                .text_list("questions")
                .into_iter()
                .map(|q| q.value)
                .filter(|q| !q.is_empty())
                .collect();
            let tags = f
                .text_list("tags")
                .into_iter()
                .map(|t| t.value)
                .filter(|t| !t.is_empty())
                .collect();
            let summary = f.text("summary").map(|s| s.value).filter(|s| !s.is_empty());
            let hot = f
                .text_list("hot")
                .into_iter()
                .filter_map(|w| week(w, f))
                .collect();
            let created = f.date("created").map(|d| d.value);
            let updated = f.date("updated").map(|d| d.value);
            let reviewed = review(f);
            let aliases = f.text_list("aliases");
            let draft = f.bool("draft").unwrap_or(false);
            // Only the id is indispensable: with it, the body is still rendered and its problems
            // reported in the same run. The fallbacks never reach a page: their errors fail the build.
            Some(Article {
                id: id?,
                title: title.map(|t| t.value).unwrap_or_default(),
                questions,
                category: category.unwrap_or(Category::Other),
                tags,
                summary,
                hot,
                created,
                updated,
                reviewed,
                aliases,
                draft,
                system: system.to_string(),
                slug: slug.clone(),
                source: input.id,
                body_start: 0,
                content_path: input.relative.to_string(),
            })
        },
    )?;
    Some(Article {
        body_start,
        ..article
    })
}

fn article_id(id: Located<String>, f: &mut Fields) -> Option<Located<ArticleId>> {
    if ArticleId::is_valid(&id.value) {
        return Some(Located {
            value: ArticleId(id.value),
            span: id.span,
        });
    }
    f_error(
        f,
        Diagnostic::error(
            "invalid-id",
            format!("`{}` is not a valid article id", id.value),
        )
        .at(id.span)
        .label("expected an upper-case prefix, a dash and digits")
        .help("ids look like `KB-0042`; `qaportal new` picks the next free one"),
    )
}

fn category(text: Located<String>, f: &mut Fields) -> Option<Category> {
    if let Some(category) = Category::parse(&text.value) {
        return Some(category);
    }
    let choices = "数据类 (data), 程序类 (program), 咨询类 (consultation), 其他类 (other)";
    let help = match Category::suggest(&text.value) {
        Some(c) => format!("did you mean `{}`? The categories are {choices}", c.label()),
        None => format!("use one of {choices}"),
    };
    f_error(
        f,
        Diagnostic::error(
            "unknown-category",
            format!("unknown category `{}`", text.value),
        )
        .at(text.span)
        .label("not one of the four categories")
        .help(help),
    )
}

fn week(text: Located<String>, f: &mut Fields) -> Option<IsoWeek> {
    match text.value.parse::<IsoWeek>() {
        Ok(week) => Some(week),
        Err(error) => f_error(
            f,
            Diagnostic::error(
                "invalid-week",
                format!("`{}` is not a valid ISO week", text.value),
            )
            .at(text.span)
            .label(error.to_string())
            .help("write ISO weeks as YYYY-Www, e.g. `hot: [2017-W31]`"),
        ),
    }
}

fn review(f: &mut Fields) -> Option<Review> {
    let mut table = f.table(
        "reviewed",
        REVIEW_FIELDS,
        "reviewed: { by: 王敏, on: 2024-03-20 }",
    )?;
    let by = table.required_text("by", "reviewed: { by: 王敏, on: 2024-03-20 }");
    let on = table.required_date("on");
    table.finish();
    let on = on?;
    Some(Review {
        by: by?.value,
        on: on.value,
        on_span: on.span,
    })
}

/// Pushes a diagnostic through the field reader (which owns the list) and yields nothing.
fn f_error<T>(f: &mut Fields, diagnostic: Diagnostic) -> Option<T> {
    f.report(diagnostic);
    None
}

pub fn session(input: &Input, problems: &mut Vec<Diagnostic>) -> Option<Session> {
    let slug = file_stem(input.relative).to_string();
    check_url_name(input, &slug, "file", problems);
    let example = "title: 开户专项分享\ndate: 2026-10-15\narticles: [KB-0001, KB-0003]";
    let (session, body_start) = with_fields(
        input,
        "a live session",
        SESSION_FIELDS,
        example,
        problems,
        |f| {
            let title = f.required_text("title", "title: 开户专项分享");
            let date = f.required_date("date");
            let presenter = f.text("presenter").map(|p| p.value);
            let replay = f
                .text("replay")
                .filter(|r| !r.value.is_empty())
                .and_then(|r| replay(r, f));
            let articles = f
            .text_list("articles")
            .into_iter()
            .filter_map(|id| {
                if ArticleId::is_valid(&id.value) {
                    Some(Located { value: ArticleId(id.value), span: id.span })
                } else {
                    f_error(
                        f,
                        Diagnostic::error("invalid-id", format!("`{}` is not a valid article id", id.value))
                            .at(id.span)
                            .label("expected an id like KB-0042")
                            .help("list the ids of the answers covered, e.g. `articles: [KB-0001, KB-0003]`"),
                    )
                }
            })
            .collect();
            Some(Session {
                slug: slug.clone(),
                title: title?.value,
                date: date?.value,
                presenter,
                replay,
                articles,
                source: input.id,
                body_start: 0,
            })
        },
    )?;
    Some(Session {
        body_start,
        ..session
    })
}

/// The replay link of a session, shown on its page: a link the [`url_policy`] allows, to the
/// video's page or a path of this site.
///
/// [`url_policy`]: crate::url_policy
fn replay(link: Located<String>, f: &mut Fields) -> Option<String> {
    use crate::url_policy::{Kind, check};
    let problem = match check(&link.value) {
        Ok(Kind::External | Kind::SitePath) => return Some(link.value),
        Ok(_) => Diagnostic::error(
            "unsafe-url",
            format!("replay link `{}` is not a full address", link.value),
        )
        .help("write the address of the recording, e.g. `replay: https://live.example.com/r/1015`"),
        Err(problem) => Diagnostic::error(
            "unsafe-url",
            format!("replay: {}", problem.message(&link.value, "links")),
        )
        .help(problem.help()),
    };
    f_error(
        f,
        problem.at(link.span).label("the session page links here"),
    )
}

pub fn weekly(input: &Input, problems: &mut Vec<Diagnostic>) -> Option<WeeklyNote> {
    let stem = file_stem(input.relative);
    let week = match stem.parse::<IsoWeek>() {
        Ok(week) => Some(week),
        Err(error) => {
            problems.push(
                Diagnostic::error(
                    "invalid-week",
                    format!("weekly page name `{stem}` is not an ISO week"),
                )
                .at(Span::file_start(input.id))
                .label(error.to_string())
                .help("name weekly pages after their ISO week, e.g. content/weekly/2017-W31.md"),
            );
            None
        }
    };
    let example = "title: 2017 年第 31 周热点问题";
    let (title, body_start) = with_fields(
        input,
        "a weekly page",
        WEEKLY_FIELDS,
        example,
        problems,
        |f| Some(f.text("title").map(|t| t.value)),
    )?;
    Some(WeeklyNote {
        week: week?,
        title,
        source: input.id,
        body_start,
    })
}

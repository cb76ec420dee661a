//! Presentation views (`/a/<id>/present/`, `/sessions/<slug>/present/`): decks of slides that
//! a presenter runs with a clicker on a 1920×1080 projector, streamed at 540p.
//!
//! Every slide must fit one screen, so the deck is cut into slides here, at build time, from an
//! estimate of how tall each step is on the slide (`present.css` lays slides out in `em` of a
//! font that scales with the screen: a slide is always at least [`SLIDE_WIDTH`] × [`SLIDE_HEIGHT`]
//! em, whatever its size). A step is never cut: a step taller than a slide gets a slide of its
//! own, which the deck script shrinks to fit. Without JavaScript the deck is a readable page of
//! screen-high sections.

use serde::Serialize;

use super::articles::permalink;
use super::views::summary;
use crate::model::{Article, Session, Site};
use crate::render::{Document, Rendered};

/// A slide's size in `em` of its base font (see `present.css`: 1920 px / 60, 1080 px / 33.75).
pub const SLIDE_WIDTH: f64 = 60.0;
pub const SLIDE_HEIGHT: f64 = 33.75;
/// What `present.css` keeps around a slide's content: padding above and below.
const PADDING_Y: f64 = 1.0 + 1.5;
const PADDING_X: f64 = 2.0 * 1.5;
/// The answer's QR code beside its title, and the gap before it.
const ANSWER_QR: f64 = 9.0 + 1.5;
/// One step: the number, the step's QR code and the gaps between them.
const STEP_NUMBER: f64 = 1.6 + 0.8;
const STEP_QR: f64 = 6.0;
const STEP_QR_GAP: f64 = 0.8;
/// Vertical space between two steps.
const STEP_GAP: f64 = 0.6;
/// Line heights (`em` of the slide's font) of the text styles of a slide.
const BODY_LINE: f64 = 1.45;
const TITLE_SIZE: f64 = 1.4;
const TITLE_LINE: f64 = 1.25;
const SUMMARY_SIZE: f64 = 0.9;
const SMALL_LINE: f64 = 0.75 * 1.4;
/// The header of a continued answer: one line, and the space under it.
const CONTINUED_HEADER: f64 = SMALL_LINE + 0.6;
/// Estimates are rough (fonts differ): keep this share of a slide free.
const SAFETY: f64 = 0.97;

/// A presentation: `present` in `present.html`.
#[derive(Serialize)]
pub struct PresentView {
    pub title: String,
    /// Where "leave the presentation" goes.
    pub back_url: String,
    pub slides: Vec<Slide>,
}

/// A QR code shown on a slide: the URL it opens, and that URL as people type it (no scheme).
#[derive(Serialize, Clone)]
pub struct Code {
    pub url: String,
    pub text: String,
}

impl Code {
    fn new(url: String) -> Code {
        let text = url
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        Code { url, text }
    }
}

/// One screen of a deck. `kind` tells the template which layout to use.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Slide {
    /// A session's first slide: what, when, who, and the session page's code.
    Title {
        id: String,
        title: String,
        date: String,
        presenter: Option<String>,
        code: Code,
        /// The answers the session covers, as an agenda.
        agenda: Vec<AgendaItem>,
    },
    /// An answer's first slide: its title, summary, short link and code, and the first steps.
    Answer {
        id: String,
        answer: AnswerHead,
        code: Code,
        steps: Vec<SlideStep>,
        /// The body, for an answer without numbered steps.
        blocks: Vec<String>,
    },
    /// More steps of an answer.
    Steps {
        id: String,
        answer: AnswerHead,
        steps: Vec<SlideStep>,
        blocks: Vec<String>,
    },
    /// A flow diagram of an answer, filling the screen.
    Diagram {
        id: String,
        answer: AnswerHead,
        html: String,
    },
}

#[derive(Serialize, Clone)]
pub struct AnswerHead {
    pub id: String,
    pub title: String,
    pub system_title: String,
    pub summary: String,
    /// Where the answer is, for a link on the slide.
    pub url: String,
}

#[derive(Serialize)]
pub struct AgendaItem {
    pub id: String,
    pub title: String,
    /// The id of the answer's first slide.
    pub slide: String,
}

#[derive(Serialize, Clone)]
pub struct SlideStep {
    pub number: u64,
    pub html: String,
    /// The step's short link (the redirect keeps the anchor).
    pub code: Code,
}

pub fn session_presentation(site: &Site, rendered: &Rendered, session: &Session) -> PresentView {
    let answers: Vec<usize> = session
        .articles
        .iter()
        .filter_map(|id| site.by_id.get(&id.value).copied())
        .collect();
    let mut slides = vec![Slide::Title {
        id: "start".into(),
        title: session.title.clone(),
        date: session.date.to_string(),
        presenter: session.presenter.clone(),
        code: Code::new(site.absolute_url(&session.path())),
        agenda: answers
            .iter()
            .map(|&i| {
                let article = &site.content.articles[i];
                AgendaItem {
                    id: article.id.value.to_string(),
                    title: article.title.clone(),
                    slide: slide_id(article, 1),
                }
            })
            .collect(),
    }];
    for i in answers {
        slides.extend(answer_slides(
            site,
            &site.content.articles[i],
            &rendered.articles[i],
        ));
    }
    PresentView {
        title: session.title.clone(),
        back_url: site.url(&session.path()),
        slides,
    }
}

pub fn article_presentation(site: &Site, article: &Article, doc: &Document) -> PresentView {
    PresentView {
        title: article.title.clone(),
        back_url: site.url(&article.path()),
        slides: answer_slides(site, article, doc),
    }
}

/// The short link of an answer, as an absolute URL (its QR code's content).
pub fn short_url(site: &Site, article: &Article) -> String {
    site.absolute_url(&permalink(article))
}

fn slide_id(article: &Article, part: usize) -> String {
    format!("{}-{part}", article.id.value)
}

/// The slides of one answer: its first slide with as many steps as fit, further slides of steps,
/// then its diagrams, one a slide.
fn answer_slides(site: &Site, article: &Article, doc: &Document) -> Vec<Slide> {
    let short = short_url(site, article);
    let head = AnswerHead {
        id: article.id.value.to_string(),
        title: article.title.clone(),
        system_title: site
            .system(&article.system)
            .map_or_else(String::new, |s| s.title.clone()),
        summary: summary(article, doc),
        url: site.url(&article.path()),
    };
    let steps: Vec<SlideStep> = doc
        .steps
        .iter()
        .map(|step| SlideStep {
            number: step.number,
            html: step.html.clone(),
            // The short link keeps the step anchor: the redirect page carries it over.
            code: Code::new(format!("{short}#{}", step.id)),
        })
        .collect();
    // An answer without numbered steps shows its body, block by block (diagrams aside).
    let blocks: Vec<String> = if steps.is_empty() {
        top_level_blocks(&doc.html)
            .into_iter()
            .filter(|b| !b.starts_with("<div class=\"dg\""))
            .map(str::to_string)
            .collect()
    } else {
        Vec::new()
    };

    let first_room = SLIDE_HEIGHT * SAFETY - PADDING_Y - answer_head_height(&head);
    let more_room = SLIDE_HEIGHT * SAFETY - PADDING_Y - CONTINUED_HEADER;
    let (step_parts, block_parts) = if steps.is_empty() {
        let width = SLIDE_WIDTH - PADDING_X;
        let heights: Vec<f64> = blocks.iter().map(|b| html_height(b, width)).collect();
        (Vec::new(), pack(&heights, first_room, more_room, 0.0))
    } else {
        let width = SLIDE_WIDTH - PADDING_X - STEP_NUMBER - STEP_QR - STEP_QR_GAP;
        let heights: Vec<f64> = steps
            .iter()
            .map(|s| html_height(&s.html, width).max(STEP_QR))
            .collect();
        (pack(&heights, first_room, more_room, STEP_GAP), Vec::new())
    };
    let parts = step_parts.len().max(block_parts.len()).max(1);
    let mut slides = Vec::with_capacity(parts + doc.diagrams.len());
    for part in 0..parts {
        let steps: Vec<SlideStep> = step_parts
            .get(part)
            .map_or_else(Vec::new, |r| steps[r.clone()].to_vec());
        let blocks: Vec<String> = block_parts
            .get(part)
            .map_or_else(Vec::new, |r| blocks[r.clone()].to_vec());
        let id = slide_id(article, part + 1);
        slides.push(if part == 0 {
            Slide::Answer {
                id,
                answer: head.clone(),
                code: Code::new(short.clone()),
                steps,
                blocks,
            }
        } else {
            Slide::Steps {
                id,
                answer: head.clone(),
                steps,
                blocks,
            }
        });
    }
    for (n, html) in doc.diagrams.iter().enumerate() {
        slides.push(Slide::Diagram {
            id: format!("{}-diagram-{}", article.id.value, n + 1),
            answer: head.clone(),
            html: html.clone(),
        });
    }
    slides
}

/// The height of an answer's first slide above its steps: the system line, the title, the
/// summary and the short link beside the answer's QR code (whichever is taller).
fn answer_head_height(head: &AnswerHead) -> f64 {
    let width = SLIDE_WIDTH - PADDING_X - ANSWER_QR;
    let title = lines(&head.title, width / TITLE_SIZE) * TITLE_SIZE * TITLE_LINE;
    let summary = if head.summary.is_empty() {
        0.0
    } else {
        lines(&head.summary, width / SUMMARY_SIZE) * SUMMARY_SIZE * BODY_LINE + 0.5
    };
    let link = BODY_LINE + 0.4;
    let text = SMALL_LINE + title + 0.4 + summary + link;
    text.max(9.0) + 0.8
}

/// Splits items of the given heights into consecutive runs that fit a first slide of
/// `first` em and further slides of `more` em, with `gap` between two items. An item taller
/// than a slide gets one of its own.
fn pack(heights: &[f64], first: f64, more: f64, gap: f64) -> Vec<std::ops::Range<usize>> {
    let mut parts = Vec::new();
    let mut room = first;
    // A first item that does not fit under the answer's head but fits an empty slide: the head
    // stays alone on the first slide.
    if let Some(&h) = heights.first()
        && h > first
        && h <= more
    {
        parts.push(0..0);
        room = more;
    }
    let mut start = 0;
    let mut used = 0.0;
    for (i, &h) in heights.iter().enumerate() {
        if i > start && used + gap + h > room {
            parts.push(start..i);
            start = i;
            used = h;
            room = more;
        } else {
            used = if i == start { h } else { used + gap + h };
        }
    }
    if start < heights.len() || parts.is_empty() {
        parts.push(start..heights.len());
    }
    parts
}

/// Width of text in `em`: full-width characters are 1 em, the rest at most 0.6 em.
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            ' ' => 0.3,
            c if c.is_ascii() => 0.6,
            c if is_wide(c) => 1.0,
            _ => 0.65,
        })
        .sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// How many lines `text` takes in a box `width` em wide (at least one).
fn lines(text: &str, width: f64) -> f64 {
    (text_width(text) / width.max(1.0)).ceil().max(1.0)
}

/// An estimate of the height, in `em`, of a piece of an answer's HTML set in a box `width` em
/// wide: every block (paragraph, list item, table row, line of code) is a run of lines of
/// [`BODY_LINE`]; lists indent, images count as the height `present.css` allows them.
fn html_height(html: &str, width: f64) -> f64 {
    let mut height = 0.0;
    let mut text = String::new();
    let mut depth_lists = 0usize;
    let mut in_pre = false;
    let mut rest = html;
    let flush = |text: &mut String, height: &mut f64, lists: usize| {
        let t = text.trim();
        if !t.is_empty() {
            let w = (width - 1.4 * lists as f64).max(8.0);
            // Most text has no entity: measured as it is.
            let t = if t.contains('&') {
                std::borrow::Cow::Owned(decode(t))
            } else {
                std::borrow::Cow::Borrowed(t)
            };
            *height += lines(&t, w) * BODY_LINE;
        }
        text.clear();
    };
    while let Some(open) = rest.find('<') {
        let chunk = &rest[..open];
        if in_pre {
            for (k, line) in chunk.split('\n').enumerate() {
                if k > 0 {
                    flush(&mut text, &mut height, depth_lists);
                    if line.is_empty() {
                        height += BODY_LINE;
                    }
                }
                text.push_str(line);
            }
        } else {
            text.push_str(chunk);
        }
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        let tag = &rest[open + 1..close.saturating_sub(1).max(open + 1)];
        let mut lower = [0u8; 10];
        let name = tag_name(tag, &mut lower);
        let closing = tag.starts_with('/');
        match name {
            "p" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "br"
            | "div" | "dt" | "dd" => {
                flush(&mut text, &mut height, depth_lists);
                if closing && name == "p" {
                    height += 0.3;
                }
            }
            "ul" | "ol" => {
                flush(&mut text, &mut height, depth_lists);
                if closing {
                    depth_lists = depth_lists.saturating_sub(1);
                } else {
                    depth_lists += 1;
                }
            }
            "pre" => {
                flush(&mut text, &mut height, depth_lists);
                in_pre = !closing;
                height += 0.5;
            }
            "td" | "th" if !closing => text.push_str("　　"),
            "img" => {
                flush(&mut text, &mut height, depth_lists);
                height += IMAGE_HEIGHT;
            }
            _ => {}
        }
        rest = &rest[close.min(rest.len())..];
    }
    text.push_str(rest);
    flush(&mut text, &mut height, depth_lists);
    height
}

/// The element name of a tag's text (`/P class=…` → `p`), lower case, in `buffer`; names
/// longer than the buffer (none that [`html_height`] tells apart) are empty. Each tag of each
/// answer goes through here on every build: no allocation.
fn tag_name<'a>(tag: &str, buffer: &'a mut [u8; 10]) -> &'a str {
    let name = tag.trim_start_matches('/');
    let len = name.bytes().take_while(u8::is_ascii_alphanumeric).count();
    if len > buffer.len() {
        return "";
    }
    let buffer = &mut buffer[..len];
    buffer.copy_from_slice(&name.as_bytes()[..len]);
    buffer.make_ascii_lowercase();
    std::str::from_utf8(buffer).unwrap_or_default()
}

/// The tallest an image may be on a slide (`present.css`).
const IMAGE_HEIGHT: f64 = 8.0;

/// The few entities pulldown-cmark writes, so that `&amp;` counts as one character.
fn decode(text: &str) -> String {
    text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// The top-level elements of a rendered document, in order (text between them dropped).
fn top_level_blocks(html: &str) -> Vec<&str> {
    const VOID: [&str; 6] = ["br", "hr", "img", "input", "meta", "wbr"];
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut start = None;
    let mut i = 0;
    let bytes = html.as_bytes();
    while let Some(open) = html[i..].find('<').map(|o| i + o) {
        let Some(close) = html[open..].find('>').map(|c| open + c + 1) else {
            break;
        };
        let tag = &html[open + 1..close - 1];
        i = close;
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let self_closing = tag.ends_with('/') || VOID.contains(&name.as_str());
        if closing {
            depth = depth.saturating_sub(1);
            if depth == 0
                && let Some(s) = start.take()
            {
                blocks.push(&html[s..close]);
            }
        } else if self_closing {
            if depth == 0 {
                blocks.push(&html[open..close]);
            }
        } else {
            if depth == 0 {
                start = Some(open);
            }
            depth += 1;
        }
        // Text inside <script>/<style> cannot occur (sanitized); `<` in text is escaped.
        debug_assert!(close <= bytes.len());
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_packed_without_cutting_one() {
        // Three steps fit the first slide, the fourth starts the next.
        assert_eq!(
            pack(&[6.0, 6.0, 6.0, 6.0, 6.0], 20.0, 28.0, 0.6),
            vec![0..3, 3..5]
        );
        // A step taller than a slide gets one of its own.
        assert_eq!(
            pack(&[6.0, 40.0, 6.0], 20.0, 28.0, 0.6),
            vec![0..1, 1..2, 2..3]
        );
        // Nothing to show: one slide all the same.
        assert_eq!(pack(&[], 20.0, 28.0, 0.6), vec![0..0]);
        // A first step that does not fit under the title moves to the next slide.
        assert_eq!(pack(&[25.0, 2.0], 20.0, 28.0, 0.6), vec![0..0, 0..2]);
    }

    #[test]
    fn tag_names_are_read_in_lower_case() {
        let mut buffer = [0u8; 10];
        assert_eq!(tag_name("/P", &mut buffer), "p");
        assert_eq!(
            tag_name("BlockQuote class=\"x\"", &mut buffer),
            "blockquote"
        );
        assert_eq!(tag_name("h2 id=\"说明\"", &mut buffer), "h2");
        assert_eq!(tag_name("!-- 注释 --", &mut buffer), "");
        assert_eq!(tag_name("blockquotes", &mut buffer), "");
        // Entities count as the character they stand for, with or without one.
        assert_eq!(
            html_height("<p>a &amp; b</p>", 40.0),
            html_height("<p>a & b</p>", 40.0)
        );
    }

    #[test]
    fn heights_count_lines_lists_and_images() {
        let one = html_height("<strong>查流水</strong>：看状态", 40.0);
        assert_eq!(one, BODY_LINE);
        let long = "字".repeat(100);
        assert_eq!(html_height(&long, 40.0), 3.0 * BODY_LINE);
        let list = "<p>先看：</p>\n<ul>\n<li>甲</li>\n<li>乙</li>\n</ul>";
        assert!((html_height(list, 40.0) - (3.0 * BODY_LINE + 0.3)).abs() < 1e-9);
        assert!(html_height("<img src=\"a.png\" alt=\"\">", 40.0) >= IMAGE_HEIGHT);
        assert_eq!(
            html_height("<pre><code>a\nb\nc</code></pre>", 40.0),
            3.0 * BODY_LINE + 1.0
        );
    }

    #[test]
    fn top_level_blocks_keep_nested_markup_together() {
        let html = "<h2 id=\"a\">甲</h2>\n<ul>\n<li>乙<ul><li>丙</li></ul></li>\n</ul>\n<p>丁<br>戊</p>\n<hr>\n";
        assert_eq!(
            top_level_blocks(html),
            vec![
                "<h2 id=\"a\">甲</h2>",
                "<ul>\n<li>乙<ul><li>丙</li></ul></li>\n</ul>",
                "<p>丁<br>戊</p>",
                "<hr>"
            ]
        );
    }

    #[test]
    fn codes_show_their_url_without_the_scheme() {
        let code = Code::new("https://qa.example.com/a/KB-0066/".into());
        assert_eq!(code.text, "qa.example.com/a/KB-0066");
    }
}

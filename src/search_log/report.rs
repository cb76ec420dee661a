//! What the week's searches tell the team: the top searches, the searches that found nothing and
//! those after which no answer was opened, each grouped by meaning ([`super::meaning`]) with its
//! count; printed by `qaportal week` and written into the weekly draft by `--write`. And the
//! searches per week ([`Totals`]), which `/hot/` shows beside the tickets.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rustc_hash::FxHashMap;

use super::{Search, Sink};
use crate::model::{ArticleId, IsoWeek, Site};

/// Groups listed per section of the report.
pub const LISTED: usize = 15;

/// Other spellings shown beside a group's label.
const VARIANTS: usize = 3;

/// Searches of a week, by how they ended.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub searches: u32,
    /// Found nothing.
    pub nothing: u32,
    /// Found answers, none of which was opened.
    pub not_opened: u32,
    /// Held customer data: counted apart, never read.
    pub withheld: u32,
}

impl Counts {
    fn add(&mut self, search: &Search) {
        self.searches += 1;
        if search.query.is_withheld() {
            self.withheld += 1;
        }
        if search.found_nothing() {
            self.nothing += 1;
        } else if search.opened.is_none() {
            self.not_opened += 1;
        }
    }
}

/// Searches per ISO week, for `/hot/`.
#[derive(Debug, Default, Clone)]
pub struct Totals {
    pub weeks: BTreeMap<IsoWeek, Counts>,
}

impl Sink for Totals {
    fn add(&mut self, search: &Search) {
        self.weeks
            .entry(IsoWeek::of(search.time.date))
            .or_default()
            .add(search);
    }
}

#[derive(Default)]
struct GroupSum {
    forms: FxHashMap<String, u32>,
    counts: Counts,
    opened: u32,
    answers: FxHashMap<ArticleId, u32>,
}

/// One meaning, as the week's users typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The spelling typed most often.
    pub label: String,
    /// Other spellings, most frequent first, with their counts.
    pub variants: Vec<(String, u32)>,
    pub counts: Counts,
    /// Searches after which an answer was opened.
    pub opened: u32,
    /// The answers opened, most often first.
    pub answers: Vec<(ArticleId, u32)>,
}

impl Group {
    /// The published answer opened most often after this search, and how often.
    pub fn top_answer<'s>(&self, site: &'s Site) -> Option<(&'s crate::model::Article, u32)> {
        self.answers
            .iter()
            .find_map(|(id, n)| site.article(id).map(|a| (a, *n)))
    }
}

/// Sums up the searches of one week.
pub struct WeekSearches {
    week: IsoWeek,
    counts: Counts,
    groups: FxHashMap<String, GroupSum>,
}

impl WeekSearches {
    pub fn new(week: IsoWeek) -> WeekSearches {
        WeekSearches {
            week,
            counts: Counts::default(),
            groups: FxHashMap::default(),
        }
    }
}

impl Sink for WeekSearches {
    fn add(&mut self, search: &Search) {
        if IsoWeek::of(search.time.date) != self.week {
            return;
        }
        self.counts.add(search);
        let super::Query::Text(text) = &search.query else {
            return;
        };
        // A query of only punctuation or filler groups by its text. Looked up before copied:
        // most searches repeat a group and a spelling already seen.
        let key = if search.key.is_empty() {
            text
        } else {
            &search.key
        };
        if !self.groups.contains_key(key) {
            self.groups.insert(key.clone(), GroupSum::default());
        }
        let group = self.groups.get_mut(key).expect("inserted");
        match group.forms.get_mut(text) {
            Some(n) => *n += 1,
            None => {
                group.forms.insert(text.clone(), 1);
            }
        }
        group.counts.add(search);
        if let Some(answer) = &search.opened {
            group.opened += 1;
            *group.answers.entry(answer.clone()).or_default() += 1;
        }
    }
}

/// The week's searches, sorted for the team.
#[derive(Debug, Clone)]
pub struct WeekReport {
    pub week: IsoWeek,
    pub counts: Counts,
    /// Every group, most searched first.
    pub groups: Vec<Group>,
}

impl WeekSearches {
    pub fn report(self) -> WeekReport {
        let mut groups: Vec<Group> = self
            .groups
            .into_values()
            .map(|sum| {
                let mut forms: Vec<(String, u32)> = sum.forms.into_iter().collect();
                // Named by the spelling in characters typed most often (the team reads 交易
                // sooner than jiaoyi), else by the one typed most; then the shortest.
                let pinyin = |t: &str| !t.chars().any(search_index::tokenizer::is_han);
                forms.sort_by(|a, b| {
                    pinyin(&a.0)
                        .cmp(&pinyin(&b.0))
                        .then_with(|| b.1.cmp(&a.1))
                        .then_with(|| a.0.len().cmp(&b.0.len()))
                        .then_with(|| a.0.cmp(&b.0))
                });
                // The others, most frequent first (among equals, as above).
                forms[1..].sort_by(|a, b| {
                    b.1.cmp(&a.1)
                        .then_with(|| pinyin(&a.0).cmp(&pinyin(&b.0)))
                        .then_with(|| a.0.len().cmp(&b.0.len()))
                        .then_with(|| a.0.cmp(&b.0))
                });
                let label = forms.remove(0).0;
                forms.truncate(VARIANTS);
                let mut answers: Vec<(ArticleId, u32)> = sum.answers.into_iter().collect();
                answers.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                Group {
                    label,
                    variants: forms,
                    counts: sum.counts,
                    opened: sum.opened,
                    answers,
                }
            })
            .collect();
        groups.sort_by(|a, b| {
            b.counts
                .searches
                .cmp(&a.counts.searches)
                .then_with(|| a.label.cmp(&b.label))
        });
        WeekReport {
            week: self.week,
            counts: self.counts,
            groups,
        }
    }
}

impl WeekReport {
    /// The most searched groups.
    pub fn top(&self) -> impl Iterator<Item = &Group> {
        self.groups.iter().take(LISTED)
    }

    /// Groups by how often they found nothing.
    pub fn nothing_found(&self) -> Vec<&Group> {
        self.ranked_by(|g| g.counts.nothing)
    }

    /// Groups by how often they found answers and none was opened.
    pub fn nothing_opened(&self) -> Vec<&Group> {
        self.ranked_by(|g| g.counts.not_opened)
    }

    fn ranked_by(&self, count: impl Fn(&Group) -> u32) -> Vec<&Group> {
        let mut groups: Vec<&Group> = self.groups.iter().filter(|g| count(g) > 0).collect();
        // Stable: equal counts keep the order of the most searched.
        groups.sort_by_key(|g| std::cmp::Reverse(count(g)));
        groups.truncate(LISTED);
        groups
    }
}

fn variants(group: &Group, quote: impl Fn(&str) -> String) -> String {
    group
        .variants
        .iter()
        .map(|(text, n)| format!("{} {n}", quote(text)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The report for the terminal, after the week's ranking.
pub fn format(site: &Site, report: &WeekReport) -> String {
    let mut out = String::new();
    let c = report.counts;
    let _ = writeln!(
        out,
        "\nsearches in {}: {} ({} found nothing, {} opened no answer)",
        report.week, c.searches, c.nothing, c.not_opened
    );
    if c.withheld > 0 {
        let _ = writeln!(
            out,
            "{} search(es) held customer data: counted, never shown",
            c.withheld
        );
    }
    if report.groups.is_empty() {
        return out;
    }
    let line = |out: &mut String, n: u32, g: &Group, extra: String| {
        let also = if g.variants.is_empty() {
            String::new()
        } else {
            format!("  (also {})", variants(g, |t| format!("“{t}”")))
        };
        let _ = writeln!(out, "{n:>7}  {}{extra}{also}", g.label);
    };
    let _ = writeln!(out, "\ntop searches\n{:>7}  search", "count");
    for g in report.top() {
        let opened = match g.top_answer(site) {
            Some((article, n)) => {
                format!("  → {} {} ×{n}", article.id.value, short(&article.title))
            }
            None => String::new(),
        };
        let nothing = if g.counts.nothing > 0 {
            format!("  [nothing found ×{}]", g.counts.nothing)
        } else {
            String::new()
        };
        line(&mut out, g.counts.searches, g, format!("{opened}{nothing}"));
    }
    let found = report.nothing_found();
    if !found.is_empty() {
        let _ = writeln!(out, "\nsearches that found nothing\n{:>7}  search", "count");
        for g in found {
            line(&mut out, g.counts.nothing, g, String::new());
        }
    }
    let opened = report.nothing_opened();
    if !opened.is_empty() {
        let _ = writeln!(
            out,
            "\nsearches after which no answer was opened\n{:>7}  search",
            "count"
        );
        for g in opened {
            line(&mut out, g.counts.not_opened, g, String::new());
        }
    }
    out
}

/// A title cut to fit a terminal line.
fn short(title: &str) -> String {
    const MAX: usize = 14;
    match title.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &title[..cut]),
        None => title.to_string(),
    }
}

/// A query as inline code in markdown: shown exactly as typed, never read as markup or HTML
/// (a fence longer than any run of backticks in it, CommonMark §6.1).
fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// The report as a section of the weekly draft (`week --write`), for the Tuesday meeting.
pub fn weekly_note_section(site: &Site, report: &WeekReport) -> String {
    let mut out = String::new();
    let c = report.counts;
    let _ = writeln!(out, "## 本周搜索\n");
    let _ = write!(
        out,
        "本周共 {} 次搜索，{} 次没有找到答案，{} 次找到答案但没有打开",
        c.searches, c.nothing, c.not_opened
    );
    if c.withheld > 0 {
        let _ = write!(
            out,
            "（另有 {} 次搜索含客户信息，只计数、不显示）",
            c.withheld
        );
    }
    let _ = writeln!(
        out,
        "。以下来自搜索日志，供例会决定下一步写什么；发布前请改写或删除本节。\n"
    );
    let item = |out: &mut String, n: u32, g: &Group, tail: String| {
        let also = if g.variants.is_empty() {
            String::new()
        } else {
            format!("（也写作 {}）", variants(g, code))
        };
        let _ = writeln!(out, "- {}：{n} 次{tail}{also}", code(&g.label));
    };
    if !report.groups.is_empty() {
        let _ = writeln!(out, "### 搜索最多\n");
        for g in report.top() {
            let opened = match g.top_answer(site) {
                Some((article, n)) => {
                    format!(
                        "，{n} 次打开了[{}]({})",
                        escape_link_text(&article.title),
                        article.id.value
                    )
                }
                None => String::new(),
            };
            item(&mut out, g.counts.searches, g, opened);
        }
        out.push('\n');
    }
    for (title, groups, count) in [
        (
            "没有找到答案的搜索",
            report.nothing_found(),
            (|g: &Group| g.counts.nothing) as fn(&Group) -> u32,
        ),
        (
            "找到答案但没有打开的搜索",
            report.nothing_opened(),
            |g: &Group| g.counts.not_opened,
        ),
    ] {
        if groups.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title}\n");
        for g in groups {
            item(&mut out, count(g), g, String::new());
        }
        out.push('\n');
    }
    out
}

/// An answer's title as link text: brackets and backslashes escaped.
fn escape_link_text(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.chars() {
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`' | '<') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_any_query() {
        assert_eq!(code("转账"), "`转账`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("<script>"), "`<script>`");
    }
}

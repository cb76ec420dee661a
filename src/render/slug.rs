//! Heading anchors that work for Chinese headings.
//!
//! Most generators build anchors from ASCII only, so a heading like `## 处理步骤` gets an empty or
//! numbered id. Here letters and digits of every script are kept, so `#处理步骤` is the anchor a
//! presenter would guess.

use std::collections::HashSet;

/// `处理步骤（App 端）` → `处理步骤app-端`: letters and digits kept (lower case), spaces and dashes
/// become one `-`, other punctuation is dropped.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            pending_dash = true;
        }
    }
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug
    }
}

/// `wanted`, or `wanted-1`, `wanted-2` … if already taken in the document. `next` remembers
/// the suffix to try first for each name, so that n headings of one name cost n look-ups, not
/// n² (a file of 400,000 `## a` lines took minutes).
pub fn unique(
    wanted: &str,
    taken: &HashSet<String>,
    next: &mut std::collections::HashMap<String, usize>,
) -> String {
    if !taken.contains(wanted) {
        return wanted.to_string();
    }
    let first = next.get(wanted).copied().unwrap_or(1);
    let (n, id) = (first..)
        .map(|n| (n, format!("{wanted}-{n}")))
        .find(|(_, candidate)| !taken.contains(candidate))
        .expect("an unused suffix exists");
    next.insert(wanted.to_string(), n + 1);
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_chinese_and_drops_punctuation() {
        assert_eq!(slugify("处理步骤"), "处理步骤");
        assert_eq!(slugify("处理步骤（App 端）"), "处理步骤app-端");
        assert_eq!(slugify("Level-2 行情"), "level-2-行情");
        assert_eq!(slugify("？？"), "section");
    }

    #[test]
    fn makes_duplicates_unique() {
        let taken: HashSet<String> = ["注意".to_string(), "注意-1".to_string()].into();
        assert_eq!(unique("注意", &taken, &mut Default::default()), "注意-2");
        assert_eq!(unique("原因", &taken, &mut Default::default()), "原因");
    }
}

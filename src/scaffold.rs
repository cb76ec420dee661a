//! `qaportal init` and `qaportal new`: files an author starts from.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostics;
use crate::load;
use crate::source::Sources;

const INIT_CONFIG: &str = r#"# Site settings; see README.md for every option.
title = "QA 服务中心"
description = "客户经理自助查询常见问题与处理步骤"
# The address the site is published at: QR codes, the sitemap and short links use it.
base_url = "https://qa.example.com/"
team = "事件处理组"
# The "still unsolved?" link on every answer; {id}, {title} and {url} are filled in.
feedback_url = "https://itsm.example.com/tickets/new?article={id}"
"#;

const INIT_SYSTEM: &str = "---
title: 账户
description: 账户状态、密码、资料变更等问题。
order: 1
owner: 待指定
---
";

const INIT_ARTICLE: &str = "---
id: KB-0001
title: 交易密码忘记了怎么办？
questions:
  - 忘记交易密码
  - 交易密码错误被锁定
category: 咨询类
tags: [密码, 账户]
summary: 客户本人通过 APP 自助重置交易密码，无法自助时到营业部柜台办理。
updated: 2026-01-05
---

## 问题描述

客户登录交易时提示“交易密码错误”，或连续输错后账户被锁定。

## 处理步骤

1. 请客户打开 APP，在登录页点击“忘记密码”。
2. 按提示完成身份验证（证件号码、预留手机号验证码、人脸识别）。
3. 设置新的交易密码，并用新密码登录确认。
4. 如果人脸识别多次失败，请客户携带本人身份证件到任一营业部柜台办理。
";

/// Creates a minimal working site in `dir`.
pub fn init(dir: &Path) -> Result<(), String> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| e.to_string())?
            .next()
            .is_some()
    {
        return Err(format!(
            "{} is not empty; choose a new folder",
            dir.display()
        ));
    }
    let files = [
        ("qaportal.toml", INIT_CONFIG),
        ("content/account/_system.md", INIT_SYSTEM),
        ("content/account/reset-trading-password.md", INIT_ARTICLE),
        (
            ".gitignore",
            "/public\n/.public.prev\n/.public.lock\n/.qaportal\n",
        ),
    ];
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

pub struct Created {
    pub path: PathBuf,
    pub id: String,
}

/// Creates `content/<system>/<slug>.md` with the next free id, as a draft.
pub fn new_article(
    root: &Path,
    system: &str,
    title: &str,
    slug: Option<&str>,
) -> Result<Created, String> {
    let system_dir = root.join("content").join(system);
    if !system_dir.join(load::SYSTEM_FILE).is_file() {
        return Err(format!(
            "there is no system `{system}` (no {}); the systems are: {}",
            system_dir.join(load::SYSTEM_FILE).display(),
            existing_systems(root).join(", ")
        ));
    }
    if title.trim().is_empty() {
        return Err("the title is empty; write the question as users ask it".into());
    }
    let id = next_id(root);
    let slug = slug
        .map(str::to_string)
        .unwrap_or_else(|| id.to_ascii_lowercase());
    if !load::is_url_safe(&slug) {
        return Err(format!(
            "`{slug}` cannot be a file name in a URL; use lower-case ASCII letters, digits and `-`"
        ));
    }
    let path = system_dir.join(format!("{slug}.md"));
    if path.exists() {
        return Err(format!(
            "{} already exists; choose another --slug",
            path.display()
        ));
    }
    let today = jiff::Zoned::now().date();
    let text = format!(
        "---\nid: {id}\ntitle: {title}\nquestions: []\ncategory: 咨询类\ntags: []\nsummary:\nupdated: {today}\n\
         draft: true\n---\n\n## 问题描述\n\n\n## 处理步骤\n\n1. \n"
    );
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(Created { path, id })
}

fn existing_systems(root: &Path) -> Vec<String> {
    let mut systems: Vec<String> = std::fs::read_dir(root.join("content"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join(load::SYSTEM_FILE).is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    systems.sort();
    systems
}

/// One more than the highest id in use (drafts included: ids are never reused), with the prefix
/// and width the site already uses.
fn next_id(root: &Path) -> String {
    let mut sources = Sources::default();
    let mut diagnostics = Diagnostics::default();
    let content = load::load(root, &mut sources, &mut diagnostics, None);
    let ids: Vec<&str> = content
        .articles
        .iter()
        .map(|a| a.id.value.as_str())
        .collect();
    let (prefix, width) = ids
        .iter()
        .filter_map(|id| id.split_once('-'))
        .map(|(p, digits)| (p.to_string(), digits.len()))
        .next()
        .unwrap_or(("KB".into(), 4));
    let next = content
        .articles
        .iter()
        .filter_map(|a| a.id.value.number())
        .max()
        .unwrap_or(0)
        + 1;
    format!("{prefix}-{next:0width$}")
}

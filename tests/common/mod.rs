//! Helpers for tests that run the `qaportal` binary on small sites in temporary folders.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub const CONFIG: &str = "title = \"测试服务中心\"\nbase_url = \"https://qa.example.com/\"\n\
feedback_url = \"https://itsm.example.com/new?article={id}&title={title}\"\n";

pub const SYSTEM: &str = "---\ntitle: 账户\ndescription: 账户相关问题。\norder: 1\n---\n";

pub const ARTICLE: &str = "---
id: KB-0001
title: 交易密码忘记了怎么办？
category: 咨询类
aliases: [/faq/mima.html, /old/password]
---

## 问题描述

客户提示交易密码错误。

## 处理步骤

1. 打开 APP 点击“忘记密码”。
2. 完成身份验证。
3. 设置新密码。
";

/// A small valid site: one system, one article.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    pub fn new() -> TestSite {
        let site = TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        site.write("qaportal.toml", CONFIG);
        site.write("content/account/_system.md", SYSTEM);
        site.write("content/account/reset-password.md", ARTICLE);
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    pub fn remove(&self, relative: &str) {
        std::fs::remove_file(self.path(relative)).unwrap();
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative))
            .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
    }

    /// Runs `qaportal <args>` in the site folder with a fixed date.
    pub fn run(&self, args: &[&str]) -> Output {
        qaportal()
            .current_dir(self.root())
            .args(args)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("qaportal runs")
    }

    pub fn build(&self) -> Output {
        self.run(&["build", "--as-of", "2026-11-22"])
    }

    /// Builds and fails the test with the output if the build does not succeed.
    pub fn build_ok(&self) -> Output {
        let output = self.build();
        assert!(
            output.status.success(),
            "build failed:\n{}",
            stderr(&output)
        );
        output
    }
}

pub fn qaportal() -> Command {
    Command::cargo_bin("qaportal").expect("binary built")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every file under `dir` with its bytes, to compare whole outputs.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (relative, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

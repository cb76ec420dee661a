#!/usr/bin/env python3
"""Generate a synthetic help-center site of N Chinese articles, for benchmarks.

    python3 bench/gen_corpus.py 10000 /tmp/corpus-10000 [--hugo /tmp/hugo-10000]

10 systems; articles of 1.5-4 KB with front matter, a problem description, numbered steps,
tables in about a third of them and links to other articles (by id, some to a step). The text is
random but deterministic (fixed seed), built from brokerage help-desk phrases so that tokenizers
and compressors see realistic Chinese.

With `--hugo DIR`, the same articles are also written as a Hugo site (for bench/hugo.py): one
section per system, the same front matter and body, and a minimal theme of one list and one
single template, so that both generators render the same markdown into comparable pages.
"""
import os
import random
import sys

SYSTEMS = [
    ("account-opening", "开户"), ("account", "账户"), ("bank-transfer", "三方存管/银证转账"),
    ("trading", "交易"), ("margin", "融资融券"), ("wealth", "理财"), ("fund", "基金"),
    ("ipo", "新股申购"), ("market-data", "行情"), ("app-security", "APP 登录与安全"),
]
SUBJECTS = ["客户", "客户经理", "投资者", "营业部", "存管银行", "柜台", "APP", "交易系统", "清算系统", "CRM"]
OBJECTS = ["资金账户", "股东账户", "银行卡", "交易密码", "资金密码", "风险测评", "委托", "申购额度",
           "可取资金", "担保比例", "行情权限", "手机号", "身份证", "电子合同", "理财产品", "基金份额",
           "新股中签", "转账流水", "适当性匹配", "Level-2 行情", "港股通权限", "创业板权限"]
VERBS = ["无法查询", "显示异常", "提示失败", "没有到账", "被冻结", "需要变更", "已经过期", "不一致",
         "无法办理", "被锁定", "延迟更新", "重复扣款", "无法撤销", "需要重新签署"]
PHRASES = ["请先核对", "在交易日 9:00-16:00 办理", "通过 APP 我的-业务办理进入", "携带本人身份证到营业部",
           "联系存管银行客服确认", "在 CRM 中查询流水", "等待下一交易日清算完成", "重新完成风险测评",
           "检查适当性匹配结果", "截图并提交工单", "由事件处理组核实后回复", "一般 1-2 个交易日处理完毕",
           "注意核对证件有效期", "确认银行端是否已扣款", "提醒客户不要重复操作"]
CATEGORIES = ["咨询类"] * 6 + ["数据类"] * 2 + ["程序类"] + ["其他类"]


def sentence(rng):
    return (f"{rng.choice(SUBJECTS)}反馈{rng.choice(OBJECTS)}{rng.choice(VERBS)}，"
            f"{rng.choice(PHRASES)}，{rng.choice(PHRASES)}。")


def paragraph(rng, n):
    return "".join(sentence(rng) for _ in range(n))


def article(rng, number, total, target_size):
    system = SYSTEMS[number % len(SYSTEMS)]
    title = f"{rng.choice(OBJECTS)}{rng.choice(VERBS)}怎么办？（{number}）"
    steps = rng.randint(3, 8)
    lines = [
        "---",
        f"id: KB-{number:05d}",
        f"title: {title}",
        "questions:",
        f"  - {rng.choice(OBJECTS)}{rng.choice(VERBS)}",
        f"  - 为什么{rng.choice(OBJECTS)}{rng.choice(VERBS)}",
        f"category: {rng.choice(CATEGORIES)}",
        f"tags: [{rng.choice(OBJECTS)}, {system[1].split('/')[0]}]",
        f"summary: {sentence(rng)}",
        f"updated: 2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
        f"reviewed: {{ by: 王敏, on: 2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d} }}",
        "---",
        "",
        "## 问题描述",
        "",
        paragraph(rng, 3),
        "",
        "## 原因",
        "",
        paragraph(rng, 2),
        "",
    ]
    if number % 3 == 0:
        lines += ["| 项目 | 办理时间 | 到账时间 |", "|---|---|---|"]
        lines += [f"| {rng.choice(OBJECTS)} | 交易日 9:00-16:00 | T+{rng.randint(0, 2)} |" for _ in range(3)]
        lines.append("")
    lines += ["## 处理步骤", ""]
    for step in range(1, steps + 1):
        text = paragraph(rng, 1)
        if step == 2 and total > 1:
            other = rng.randint(1, total)
            text += f"参见[相关问题](KB-{other:05d}#step-1)。"
        lines.append(f"{step}. {text}")
    lines += ["", "## 注意事项", ""]
    body = "\n".join(lines)
    while len(body.encode()) < target_size:
        body += paragraph(rng, 1)
    return system[0], f"a{number:05d}.md", body + "\n"


HUGO_CONFIG = """baseURL = "https://qa.example.com/"
languageCode = "zh-cn"
title = "基准测试"
hasCJKLanguage = true
"""

# One list template (home, sections, taxonomies) and one single template (articles), in the
# spirit of the default theme's pages: the title, the system, the body, the tags.
HUGO_LIST = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title></head>
<body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
<main><h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}</li>{{ end }}</ul>
</main></body></html>
"""

HUGO_SINGLE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title>
<meta name="description" content="{{ .Params.summary }}"></head>
<body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a> ›
<a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></header>
<main><article><h1>{{ .Title }}</h1>
<p>{{ .Params.id }} · {{ .Params.category }}{{ with .Lastmod }} · 更新于 {{ .Format "2006-01-02" }}{{ end }}</p>
{{ .Content }}
{{ with .Params.tags }}<ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
</article></main></body></html>
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def hugo_article(text):
    """The article for Hugo: `updated` is Hugo's `lastmod`; the rest of the front matter is kept
    (as params) and the body is the same."""
    return text.replace("\nupdated: ", "\nlastmod: ", 1)


def main():
    args = sys.argv[1:]
    hugo = None
    if "--hugo" in args:
        i = args.index("--hugo")
        hugo = args[i + 1]
        del args[i:i + 2]
    n = int(args[0])
    out = args[1]
    rng = random.Random(42)
    os.makedirs(os.path.join(out, "content"), exist_ok=True)
    with open(os.path.join(out, "qaportal.toml"), "w") as f:
        f.write('title = "基准测试"\nbase_url = "https://qa.example.com/"\n')
    for order, (key, title) in enumerate(SYSTEMS, 1):
        os.makedirs(os.path.join(out, "content", key), exist_ok=True)
        with open(os.path.join(out, "content", key, "_system.md"), "w") as f:
            f.write(f"---\ntitle: {title}\norder: {order}\n---\n")
        if hugo:
            write(os.path.join(hugo, "content", key, "_index.md"), f"---\ntitle: {title}\nweight: {order}\n---\n")
    if hugo:
        write(os.path.join(hugo, "hugo.toml"), HUGO_CONFIG)
        write(os.path.join(hugo, "layouts", "list.html"), HUGO_LIST)
        write(os.path.join(hugo, "layouts", "single.html"), HUGO_SINGLE)
    for number in range(1, n + 1):
        system, name, text = article(rng, number, n, rng.randint(1500, 4000))
        with open(os.path.join(out, "content", system, name), "w") as f:
            f.write(text)
        if hugo:
            write(os.path.join(hugo, "content", system, name), hugo_article(text))


if __name__ == "__main__":
    main()

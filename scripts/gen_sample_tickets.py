#!/usr/bin/env python3
"""Generate the sample knowledge base's ticket exports in data/tickets/ (deterministic).

    python3 scripts/gen_sample_tickets.py

Eight ISO weeks (2026-W39 to 2026-W46) of two exports shaped like the team's real ones:
- itsm-<week>.csv: the ticketing system, Chinese headers;
- app-feedback.csv: the mobile app's feedback form, English headers, other column order.

Tickets are drawn from the published articles, weighted so that the weeks' hot articles (their
`hot` field) get many more tickets, and consultations are above 80 % as in the team's figures.
The clients' questions are the articles' own phrasings with the noise real questions have
(prefixes, missing punctuation, pinyin-IME homophones). Nothing here is real personal data.
"""
import csv
import datetime
import os
import random
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WEEKS = [(2026, w) for w in range(39, 47)]
PREFIXES = ["", "", "", "客户问", "请问", "客户反映", "帮忙看下", "急！", "您好，"]
HOMOPHONES = {"帮": "邦", "账": "帐", "户": "护", "码": "吗", "转": "专", "登": "灯", "录": "陆", "在": "再"}


def front_matter(path):
    text = open(path, encoding="utf-8").read()
    fence = "---" if text.startswith("---") else "+++"
    head = text.split(fence)[1]
    def field(name):
        m = re.search(rf"^{name}\s*[:=]\s*(.+)$", head, re.M)
        return m.group(1).strip().strip('"') if m else ""
    questions = re.findall(r"^\s+-\s+(.+)$", head, re.M)
    m = re.search(r"^questions\s*=\s*\[(.*)\]", head, re.M)
    if m:
        questions = [q.strip().strip('"') for q in m.group(1).split(",") if q.strip()]
    hot = re.findall(r"\d{4}-W\d{2}", field("hot"))
    return {"id": field("id"), "title": field("title"), "category": field("category"),
            "questions": questions, "hot": hot, "draft": field("draft") == "true"}


def articles():
    found = []
    content = os.path.join(ROOT, "content")
    for system in sorted(os.listdir(content)):
        folder = os.path.join(content, system)
        if system in ("sessions", "weekly") or not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if name.endswith(".md") and name != "_system.md":
                a = front_matter(os.path.join(folder, name))
                if not a["draft"]:
                    a["system"] = system
                    found.append(a)
    return found


def noisy(rng, text):
    text = text.rstrip("？?。")
    if rng.random() < 0.3:
        text = "".join(HOMOPHONES.get(c, c) if rng.random() < 0.5 else c for c in text)
    if rng.random() < 0.3:
        text = text.replace("，", " ").replace("、", " ")
    return rng.choice(PREFIXES) + text + rng.choice(["", "", "？", "?", "怎么办"])


def main():
    rng = random.Random(20261122)
    arts = articles()
    consult = [a for a in arts if a["category"] == "咨询类"]
    other = [a for a in arts if a["category"] != "咨询类"]
    itsm_rows, app_rows = {}, []
    number = 1
    for year, week in WEEKS:
        key = f"{year}-W{week:02d}"
        monday = datetime.date.fromisocalendar(year, week, 1)
        hot = [a for a in arts if key in a["hot"]]
        rows = []
        for _ in range(rng.randint(70, 110)):
            roll = rng.random()
            if hot and roll < 0.45:
                article = rng.choice(hot)
            elif roll < 0.90:
                article = rng.choice(consult)
            elif roll < 0.97:
                article = rng.choice(other)
            else:
                article = None  # a ticket no answer solved yet
            day = monday + datetime.timedelta(days=rng.choices(range(7), weights=[5, 5, 5, 5, 4, 1, 1])[0])
            time = datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)))
            if article is None:
                system = rng.choice(arts)["system"]
                category, article_id = "咨询类", ""
                question = rng.choice(["客户说app打不开", "想问下今天能不能转账", "客户要开通一个新业务", "页面一直转圈"])
            else:
                system, article_id = article["system"], article["id"]
                # Tickets on program and data problems are sometimes logged as consultations
                # first, which is part of why consultations dominate the real figures.
                category = article["category"] if rng.random() < 0.9 else "咨询类"
                question = noisy(rng, rng.choice(article["questions"] or [article["title"]]))
            rows.append((time, system, category, article_id, question))
        rows.sort()
        for time, system, category, article_id, question in rows:
            if rng.random() < 0.8:
                itsm_rows.setdefault(key, []).append(
                    [f"INC{number:07d}", time.strftime("%Y-%m-%d %H:%M"), system, category, article_id, question,
                     rng.choice(["张伟", "李娜", "王敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽"])])
            else:
                app_rows.append([f"FB{number:06d}", rng.choice(["ios", "android"]), question,
                                 time.strftime("%Y/%m/%d %H:%M:%S"), article_id, system, category])
            number += 1
    out = os.path.join(ROOT, "data", "tickets")
    os.makedirs(out, exist_ok=True)
    for key, rows in itsm_rows.items():
        with open(os.path.join(out, f"itsm-{key}.csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["工单号", "提单时间", "所属系统", "事件类别", "解决文章", "问题描述", "处理人"])
            w.writerows(rows)
    with open(os.path.join(out, "app-feedback.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "channel", "question", "created", "article", "system", "category"])
        w.writerows(app_rows)
    total = sum(len(r) for r in itsm_rows.values()) + len(app_rows)
    print(f"{total} tickets in {len(itsm_rows) + 1} files")


if __name__ == "__main__":
    main()

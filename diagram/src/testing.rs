//! Deterministic generator of realistic flowcharts, shared by the layout invariant tests and
//! the benchmark. Not part of the supported API.

/// Small xorshift generator: reproducible across platforms without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len())]
    }
}

const SUBJECTS: &[&str] = &[
    "客户",
    "客户经理",
    "营业部",
    "柜台",
    "系统",
    "存管银行",
    "中登公司",
    "风控岗",
    "合规岗",
    "事件处理组",
];
const ACTIONS: &[&str] = &[
    "提交申请",
    "上传身份证件",
    "完成风险测评",
    "核对资金流水",
    "发起银证转账",
    "确认预指定关系",
    "办理密码重置",
    "冻结账户",
    "解除追保状态",
    "生成对账文件",
    "发送短信通知",
    "复核业务资料",
    "签署风险揭示书",
    "调整融资额度",
    "撤销存管关系",
    "录入工单",
];
const QUESTIONS: &[&str] = &[
    "资料是否齐全",
    "是否在交易时间内",
    "余额是否充足",
    "风险等级是否匹配",
    "是否已中签",
    "维持担保比例是否达标",
    "是否需要人工复核",
    "是否存在在途资金",
];
const EDGE_LABELS: &[&str] = &["是", "否", "通过", "驳回", "成功", "失败", "超时后重试"];
const TERMINALS: &[&str] = &["开始", "结束", "办理完成", "业务终止，通知客户"];

/// A flowchart of `nodes` nodes: a main path with decisions that branch, rejoin and loop
/// back, optionally grouped into a subgraph.
pub fn flowchart(seed: u64, nodes: usize) -> String {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let nodes = nodes.max(2);
    let dir = if r.below(4) == 0 { "LR" } else { "TD" };
    let mut s = format!("flowchart {dir}\n");
    let mut diamonds = Vec::new();
    for i in 0..nodes {
        let decl = if i == 0 || i == nodes - 1 {
            format!("N{i}([{}])", r.pick(TERMINALS))
        } else if r.below(4) == 0 {
            diamonds.push(i);
            format!("N{i}{{{}}}", r.pick(QUESTIONS))
        } else {
            format!("N{i}[{}{}]", r.pick(SUBJECTS), r.pick(ACTIONS))
        };
        s.push_str(&format!("    {decl}\n"));
    }
    let grouped = r.below(3) == 0 && nodes > 6;
    if grouped {
        let from = 1 + r.below(nodes / 2);
        s.push_str(&format!("    subgraph G1 [{}]\n", r.pick(SUBJECTS)));
        for i in from..(from + 3).min(nodes - 1) {
            s.push_str(&format!("        N{i}\n"));
        }
        s.push_str("    end\n");
    }
    for i in 0..nodes - 1 {
        if diamonds.contains(&i) {
            let yes = r.pick(EDGE_LABELS);
            s.push_str(&format!("    N{i} -->|{yes}| N{}\n", i + 1));
            let target = if r.below(3) == 0 && i > 1 {
                r.below(i)
            } else {
                (i + 2 + r.below(3)).min(nodes - 1)
            };
            s.push_str(&format!(
                "    N{i} -->|{}| N{target}\n",
                r.pick(EDGE_LABELS)
            ));
        } else {
            s.push_str(&format!("    N{i} --> N{}\n", i + 1));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_charts_render() {
        for seed in 0..50 {
            let src = super::flowchart(seed, 10 + (seed as usize % 11));
            crate::render(&src, &crate::Options::default())
                .unwrap_or_else(|e| panic!("{src}\n{e:?}"));
        }
    }
}

#[cfg(test)]
mod robustness {
    /// Damaged input must give errors or a drawing, never a panic: every golden diagram with
    /// characters deleted, duplicated or replaced by syntax characters at pseudo-random places.
    #[test]
    fn mutated_sources_never_panic() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let noise = [
            '[', ']', '(', ')', '{', '}', '|', '-', '>', '"', ';', '&', '\n', '。', ':', '%', '<',
            '=', '.', 'o', 'x', '~',
        ];
        let mut rng = super::Rng(0x1234_5678_9abc_def1);
        for path in files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "mmd"))
        {
            let src: Vec<char> = std::fs::read_to_string(path).unwrap().chars().collect();
            for _ in 0..200 {
                let mut s = src.clone();
                for _ in 0..1 + rng.below(4) {
                    let at = rng.below(s.len());
                    match rng.below(3) {
                        0 => {
                            s.remove(at);
                        }
                        1 => s.insert(at, s[at]),
                        _ => s[at] = noise[rng.below(noise.len())],
                    }
                }
                let text: String = s.into_iter().collect();
                let r =
                    std::panic::catch_unwind(|| crate::render(&text, &crate::Options::default()));
                assert!(r.is_ok(), "panic on:\n{text}");
                if let Ok(Err(errors)) = r {
                    let lines = text.lines().count().max(1);
                    for e in errors {
                        assert!(
                            e.line >= 1 && e.line <= lines && e.column >= 1,
                            "{e} outside the block:\n{text}"
                        );
                    }
                }
            }
        }
    }
}

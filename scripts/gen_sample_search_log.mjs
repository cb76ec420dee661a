#!/usr/bin/env node
// Generates the sample knowledge base's search log in data/search-logs/ (deterministic):
//
//   node scripts/gen_sample_search_log.mjs [--qaportal PATH]
//
// Eight ISO weeks (2026-W39 to 2026-W46, as the ticket exports) of the requests the site's
// pages send to /search/log when `[search] log = true`, as nginx writes them with the log
// format of docs/search-log.md: one gzip file a week, as logrotate leaves them.
//
// It reads like real use: client managers search on their phones during the trading day, more
// often for the week's hot questions (weighted by the ticket exports), in their own words (the
// answers' phrasings and tags, cut short, typed with homophones of a pinyin keyboard or in
// pinyin), and for things the help center has no answer to. What each search found is what the
// site's own search finds: the sample is built and every query run through the theme's search
// engine. A reader opens the answer they were after when the results show it (more often near
// the top), sometimes another, sometimes none, and sometimes searches again in other words.
// Queries that look like customer data are reported by the pages without their text
// (`withheld=1`), as search/log.js does. Nothing here is real personal data.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const engine = require(path.join(ROOT, 'themes/default/static/search/qaportal-search.js'));

const WEEKS = [39, 40, 41, 42, 43, 44, 45, 46].map((w) => [2026, w]);
const HOMOPHONES = { 帮: '邦', 账: '帐', 户: '护', 码: '吗', 转: '专', 登: '灯', 录: '陆', 在: '再', 密: '蜜' };
const FILLERS = ['', '', '', '', '怎么办', '怎么弄', '为什么', '在哪', '吗'];
// Questions client managers have that the sample help center does not answer.
const UNANSWERED = ['期权开户', '国债逆回购怎么操作', '个人养老金账户', '北交所权限', '新三板开户', '外汇业务',
  '科创板做市', '股票质押', '场内基金溢价', 'ETF申赎', '融券卖出没券', '大宗交易', '转融通', '企业年金', '港股打新'];
// Searches too vague for the reader to open anything.
const VAGUE = ['密码', '失败', '费用', '时间', '手续费', '怎么办', '权限', '客户', '提示错误'];
const AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003129) NetType/4G Language/zh_CN',
  'Mozilla/5.0 (Linux; Android 13; V2219A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 MMWEBSDK/20240301 MicroMessenger/8.0.48.2580(0x28003052) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
  'Mozilla/5.0 (Linux; Android 14; 23013RK75C) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.179 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
];

function mulberry32(seed) {
  return function () {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rng = mulberry32(20261122);
const pick = (list) => list[Math.floor(rng() * list.length)];
const chance = (p) => rng() < p;

function frontMatter(file) {
  const text = fs.readFileSync(file, 'utf8');
  const head = text.split(/^---$/m)[1] || '';
  const field = (name) => (head.match(new RegExp(`^${name}:\\s*(.+)$`, 'm')) || [])[1]?.trim() || '';
  const list = (name) => {
    const inline = field(name).match(/^\[(.*)\]$/);
    if (inline) return inline[1].split(',').map((s) => s.trim()).filter(Boolean);
    const block = head.match(new RegExp(`^${name}:\\s*\\n((?:\\s+-\\s+.+\\n?)+)`, 'm'));
    return block ? block[1].split('\n').map((l) => l.replace(/^\s+-\s+/, '').trim()).filter(Boolean) : [];
  };
  return { id: field('id'), title: field('title'), questions: list('questions'), tags: list('tags'), draft: field('draft') === 'true' };
}

function articles() {
  const content = path.join(ROOT, 'content');
  const found = [];
  for (const system of fs.readdirSync(content).sort()) {
    const dir = path.join(content, system);
    if (['sessions', 'weekly'].includes(system) || !fs.statSync(dir).isDirectory()) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      if (!name.endsWith('.md') || name === '_system.md') continue;
      const a = frontMatter(path.join(dir, name));
      if (a.id && !a.draft) found.push({ ...a, system });
    }
  }
  return found;
}

// Tickets per article and ISO week, from the exports: what is asked about in tickets is
// searched for too.
function ticketWeights() {
  const weights = new Map();
  const dir = path.join(ROOT, 'data', 'tickets');
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.csv'))) {
    const [header, ...rows] = fs.readFileSync(path.join(dir, name), 'utf8').trim().split('\n');
    const cols = header.split(',');
    const time = cols.findIndex((c) => ['提单时间', 'created'].includes(c));
    const article = cols.findIndex((c) => ['解决文章', 'article'].includes(c));
    for (const row of rows) {
      const cells = row.split(',');
      const date = new Date(cells[time].slice(0, 10).replace(/\//g, '-') + 'T00:00:00Z');
      const key = `${isoWeek(date)}|${cells[article]}`;
      weights.set(key, (weights.get(key) || 0) + 1);
    }
  }
  return weights;
}

function isoWeek(date) {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
  const start = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  return Math.ceil(((d - start) / 86400000 + 1) / 7);
}

function mondayOf(year, week) {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = new Date(jan4);
  monday.setUTCDate(jan4.getUTCDate() - ((jan4.getUTCDay() || 7) - 1) + (week - 1) * 7);
  return monday;
}

const pinyinOf = (() => {
  const table = new Map();
  for (const line of fs.readFileSync(path.join(ROOT, 'search-index/data/pinyin.txt'), 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [syllable, chars] = line.split(' ');
    for (const c of chars || '') if (!table.has(c)) table.set(c, syllable);
  }
  return (text) => {
    const out = [...text].map((c) => table.get(c));
    return out.every(Boolean) ? out.join('') : null;
  };
})();

// How a client manager types the question of an answer.
function phrasing(a) {
  const roll = rng();
  let text;
  if (roll < 0.35 && a.questions.length) text = pick(a.questions);
  else if (roll < 0.55) text = a.title.replace(/[？?。]$/, '').split(/[，,（(？?]/)[0];
  else if (roll < 0.85 && a.tags.length) text = pick(a.tags) + (chance(0.5) && a.tags.length > 1 ? ' ' + pick(a.tags) : '');
  else text = a.title.replace(/[？?。]$/, '').split(/[？?]/)[0];
  if (chance(0.05)) {
    // Tags without characters of several readings (行 is hang in 行情, xing in 银行), which
    // the table gives one of.
    const tag = a.tags.find((t) => /^[\u4e00-\u9fff]{2,4}$/.test(t) && !/[行长重还乐传调发干更几假将角解觉卡量率难便期数说提相要应只中种着差藏单]/.test(t));
    const py = tag && pinyinOf(tag);
    if (py) return py;
  }
  if (chance(0.2)) text = [...text].map((c) => (HOMOPHONES[c] && chance(0.6) ? HOMOPHONES[c] : c)).join('');
  if (chance(0.2)) text = text.replace(/[“”"，、]/g, ' ').replace(/\s+/g, ' ').trim();
  if (text.length < 12 && !/(怎么办|吗|在哪|为什么)$/.test(text) && chance(0.3)) text += pick(FILLERS);
  return text;
}

function buildSample() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qaportal-searchlog-'));
  const binary = process.argv.includes('--qaportal') ? process.argv[process.argv.indexOf('--qaportal') + 1]
    : ['target/release/qaportal', 'target/debug/qaportal'].map((p) => path.join(ROOT, p)).find((p) => fs.existsSync(p));
  if (!binary) throw new Error('build qaportal first (cargo build), or pass --qaportal PATH');
  execFileSync(binary, ['build', '--quiet', '--root', ROOT, '--as-of', '2026-11-22', '--out', path.join(tmp, 'public')], { stdio: 'inherit' });
  return { dir: path.join(tmp, 'public'), cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

function fsFetch(dir) {
  return (url) => Promise.resolve({
    ok: true, status: 200,
    json: () => Promise.resolve(JSON.parse(fs.readFileSync(path.join(dir, url), 'utf8'))),
    text: () => Promise.resolve(fs.readFileSync(path.join(dir, url), 'utf8')),
  });
}

const pad = (n) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// Beijing time, as the server logs it.
function logTime(ms) {
  const d = new Date(ms + 8 * 3600 * 1000);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0800`;
}

function sessionId() {
  let id = '';
  for (let i = 0; i < 9; i++) id += Math.floor(rng() * 36).toString(36);
  return id;
}

async function main() {
  const arts = articles();
  const tickets = ticketWeights();
  const sample = buildSample();
  engine.init({ indexBase: 'search/', fetch: fsFetch(sample.dir) });
  const found = new Map();
  async function search(q) {
    if (!found.has(q)) {
      const hits = await engine.search(q, { limit: 6 });
      found.set(q, { ids: hits.map((h) => h.id), total: hits.total !== undefined ? hits.total : hits.length, outcome: hits.outcome || (hits.length ? 'answers' : 'none') });
    }
    return found.get(q);
  }

  const out = path.join(ROOT, 'data', 'search-logs');
  fs.mkdirSync(out, { recursive: true });
  let total = 0;
  for (const [year, week] of WEEKS) {
    const monday = mondayOf(year, week);
    const weights = arts.map((a) => 1 + 3 * (tickets.get(`${week}|${a.id}`) || 0));
    const sum = weights.reduce((s, w) => s + w, 0);
    const drawArticle = () => {
      let r = rng() * sum;
      for (let i = 0; i < arts.length; i++) if ((r -= weights[i]) < 0) return arts[i];
      return arts[arts.length - 1];
    };
    const lines = [];
    const sessions = 260 + Math.floor(rng() * 120);
    for (let s = 0; s < sessions; s++) {
      const day = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6][Math.floor(rng() * 12)];
      const hour = [8, 9, 9, 10, 10, 11, 13, 13, 14, 14, 15, 16, 17, 19, 21][Math.floor(rng() * 15)];
      let t = monday.getTime() + day * 86400000 + (hour - 8) * 3600000 + Math.floor(rng() * 3600000);
      const client = chance(0.6) ? `10.${12 + Math.floor(rng() * 8)}.${Math.floor(rng() * 250)}.${1 + Math.floor(rng() * 250)}`
        : `${pick(['198.51.100', '203.0.113'])}.${1 + Math.floor(rng() * 250)}`;
      const agent = pick(AGENTS);
      const session = sessionId();
      const beacon = (params) => {
        const query = Object.entries({ ...params, session, v: 1 }).filter(([, v]) => v !== undefined && v !== '')
          .map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        const method = chance(0.95) ? 'POST' : 'GET';
        lines.push([t, `${client} - - [${logTime(t)}] "${method} /search/log?${query} HTTP/1.1" 204 0 "-" "${agent}"`]);
      };
      const roll = rng();
      const target = roll < 0.82 ? drawArticle() : null;
      let tries = 0;
      while (tries++ < 3) {
        let q;
        if (target) q = phrasing(target);
        else if (roll < 0.93) q = pick(UNANSWERED) + (chance(0.3) ? pick(FILLERS) : '');
        else q = pick(VAGUE);
        const personal = chance(0.006);
        const result = await search(q);
        beacon(personal ? { event: 'search', withheld: 1, results: result.total, outcome: result.outcome }
          : { event: 'search', q, results: result.total, outcome: result.outcome });
        t += 4000 + Math.floor(rng() * 20000);
        const rank = target ? result.ids.indexOf(target.id) + 1 : 0;
        let opened = null;
        if (rank > 0 && chance([0, 0.88, 0.75, 0.6, 0.5, 0.45, 0.4][rank])) opened = [target.id, rank];
        else if (result.ids.length && chance(target ? 0.25 : 0.35)) opened = [result.ids[0], 1];
        if (opened && !personal) {
          beacon({ event: 'open', q, answer: opened[0], rank: opened[1] });
          t += 30000 + Math.floor(rng() * 240000);
        }
        const satisfied = opened && (!target || opened[0] === target.id);
        if (satisfied || !chance(0.55)) break;
      }
    }
    lines.sort((a, b) => a[0] - b[0]);
    total += lines.length;
    const text = lines.map((l) => l[1]).join('\n') + '\n';
    fs.writeFileSync(path.join(out, `search-${year}-W${pad(week)}.log.gz`), gzipSync(text, { level: 9 }));
  }
  sample.cleanup();
  console.log(`${total} requests in ${WEEKS.length} files in data/search-logs/`);
}

main().catch((e) => { console.error(e); process.exit(1); });

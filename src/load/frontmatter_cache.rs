//! Front matter parsed by an earlier build is not parsed again.
//!
//! Parsing the YAML of 10,000 answers was a fifth of a warm rebuild. The tree a front matter
//! parses into ([`Node`], values with their byte ranges in the front matter text) is a function
//! of the format, the front matter's text and qaportal itself, nothing else: each build records,
//! by a hash of those, the tree of every front matter that parsed, in `.qaportal/frontmatter`,
//! and a later build takes the tree from there when the hash is the same. The rules about
//! fields run on the tree either way, so their messages are those of a fresh build. Front
//! matter that does not parse is not recorded: its error is reported by parsing it. Anything
//! unknown (no file, another binary, a damaged record) means parsing.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use xxhash_rust::xxh3::Xxh3Default;

use super::frontmatter::{self, Format, Node, ParseError, Value};

/// Changes when the records' layout changes (a new binary invalidates them anyway).
const FORMAT: &[u8] = b"qaportal front matter 1";

pub struct Cache {
    path: PathBuf,
    /// Mixed into every key: the binary.
    salt: u128,
    /// The file as read; `last` points into it.
    file: Vec<u8>,
    /// The last build's records: where each tree is in `file`, by key.
    last: HashMap<u128, Range<usize>>,
    /// This build's records: the key with the tree's encoding.
    now: Mutex<Vec<(u128, Encoded)>>,
    /// Whether this build parsed something the file does not hold.
    parsed: AtomicBool,
}

impl Cache {
    /// The records under `root`'s `.qaportal/`, for trees parsed by this binary.
    pub fn load(root: &Path) -> Cache {
        let path = root.join(".qaportal").join("frontmatter");
        let mut salt = Xxh3Default::new();
        salt.update(FORMAT);
        salt.update(crate::output::unchanged::binary_identity().as_bytes());
        let file = std::fs::read(&path).unwrap_or_default();
        let last = index(&file).unwrap_or_default();
        Cache {
            path,
            salt: salt.digest128(),
            file,
            last,
            now: Mutex::default(),
            parsed: AtomicBool::new(false),
        }
    }

    /// The tree of `front`, as the last build parsed it or parsed now.
    pub fn parse(&self, format: Format, front: &str) -> Result<Node, ParseError> {
        let key = self.key(format, front);
        if let Some(range) = self.last.get(&key)
            && let Some(node) = decode(&self.file[range.clone()])
        {
            self.record(key, Encoded::Kept(range.clone()));
            return Ok(node);
        }
        let node = frontmatter::parse(format, front)?;
        self.parsed.store(true, Ordering::Relaxed);
        let mut bytes = Vec::new();
        encode(&node, &mut bytes);
        self.record(key, Encoded::New(bytes));
        Ok(node)
    }

    fn key(&self, format: Format, front: &str) -> u128 {
        let mut hasher = Xxh3Default::new();
        hasher.update(&self.salt.to_le_bytes());
        hasher.update(format.fence().as_bytes());
        hasher.update(front.as_bytes());
        hasher.digest128()
    }

    fn record(&self, key: u128, tree: Encoded) {
        self.now.lock().expect("not poisoned").push((key, tree));
    }

    /// Writes this build's records, when they are not those of the file. A failure only costs
    /// the next build time.
    pub fn save(self) {
        let mut now = self.now.into_inner().expect("not poisoned");
        now.sort_unstable_by_key(|(key, _)| *key);
        now.dedup_by_key(|(key, _)| *key);
        let unchanged = !self.parsed.into_inner()
            && now.len() == self.last.len()
            && now.iter().all(|(key, _)| self.last.contains_key(key));
        if unchanged {
            return;
        }
        let mut bytes = Vec::with_capacity(self.file.len().max(1024));
        for (key, tree) in &now {
            let tree = match tree {
                Encoded::Kept(range) => &self.file[range.clone()],
                Encoded::New(bytes) => bytes,
            };
            bytes.extend_from_slice(&key.to_le_bytes());
            bytes.extend_from_slice(&(tree.len() as u32).to_le_bytes());
            bytes.extend_from_slice(tree);
        }
        let partial = self.path.with_extension("partial");
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if std::fs::write(&partial, bytes).is_ok() {
            let _ = std::fs::rename(&partial, &self.path);
        }
    }
}

/// A tree to write: one of the file's, or one parsed now.
enum Encoded {
    Kept(Range<usize>),
    New(Vec<u8>),
}

/// Where each record's tree is, by key; `None` if the file is damaged.
fn index(mut bytes: &[u8]) -> Option<HashMap<u128, Range<usize>>> {
    let total = bytes.len();
    let mut records = HashMap::new();
    while !bytes.is_empty() {
        let (key, rest) = bytes.split_first_chunk::<16>()?;
        let (len, rest) = rest.split_first_chunk::<4>()?;
        let len = u32::from_le_bytes(*len) as usize;
        let start = total - rest.len();
        rest.get(..len)?;
        records.insert(u128::from_le_bytes(*key), start..start + len);
        bytes = &rest[len..];
    }
    Some(records)
}

fn encode(node: &Node, out: &mut Vec<u8>) {
    out.extend_from_slice(&(node.range.start as u64).to_le_bytes());
    out.extend_from_slice(&(node.range.end as u64).to_le_bytes());
    match &node.value {
        Value::Null => out.push(0),
        Value::Bool(b) => out.extend_from_slice(&[1, u8::from(*b)]),
        Value::Integer(n) => {
            out.push(2);
            out.extend_from_slice(&n.to_le_bytes());
        }
        Value::Float(x) => {
            out.push(3);
            out.extend_from_slice(&x.to_bits().to_le_bytes());
        }
        Value::Text(text) => {
            out.push(4);
            out.extend_from_slice(&(text.len() as u32).to_le_bytes());
            out.extend_from_slice(text.as_bytes());
        }
        Value::List(items) => {
            out.push(5);
            out.extend_from_slice(&(items.len() as u32).to_le_bytes());
            for item in items {
                encode(item, out);
            }
        }
        Value::Table(entries) => {
            out.push(6);
            out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
            for (key, value) in entries {
                encode(key, out);
                encode(value, out);
            }
        }
    }
}

/// The tree of a record; `None` if it is damaged.
fn decode(bytes: &[u8]) -> Option<Node> {
    let mut reader = Reader { bytes, depth: 0 };
    let node = reader.node()?;
    reader.bytes.is_empty().then_some(node)
}

struct Reader<'a> {
    bytes: &'a [u8],
    /// Nesting so far: a damaged record must not recurse without end.
    depth: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (taken, rest) = self.bytes.split_first_chunk::<N>()?;
        self.bytes = rest;
        Some(*taken)
    }

    fn u64(&mut self) -> Option<u64> {
        self.take::<8>().map(u64::from_le_bytes)
    }

    fn len(&mut self) -> Option<usize> {
        self.take::<4>().map(|b| u32::from_le_bytes(b) as usize)
    }

    fn node(&mut self) -> Option<Node> {
        let start = usize::try_from(self.u64()?).ok()?;
        let end = usize::try_from(self.u64()?).ok()?;
        let value = match self.take::<1>()?[0] {
            0 => Value::Null,
            1 => Value::Bool(self.take::<1>()?[0] != 0),
            2 => Value::Integer(i64::from_le_bytes(self.take::<8>()?)),
            3 => Value::Float(f64::from_bits(self.u64()?)),
            4 => {
                let len = self.len()?;
                let text = self.bytes.get(..len)?;
                self.bytes = &self.bytes[len..];
                Value::Text(simdutf8::basic::from_utf8(text).ok()?.to_string())
            }
            tag @ (5 | 6) => {
                self.depth += 1;
                if self.depth > 64 {
                    return None;
                }
                let count = self.len()?;
                let value = if tag == 5 {
                    let mut items = Vec::with_capacity(count.min(64));
                    for _ in 0..count {
                        items.push(self.node()?);
                    }
                    Value::List(items)
                } else {
                    let mut entries = Vec::with_capacity(count.min(64));
                    for _ in 0..count {
                        entries.push((self.node()?, self.node()?));
                    }
                    Value::Table(entries)
                };
                self.depth -= 1;
                value
            }
            _ => return None,
        };
        Some(Node {
            value,
            range: start..end,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRONT: &str = "id: KB-0001\ntitle: 开户\ntags: [a, b]\nreviewed: { by: 张三, on: 2026-01-02 }\n\
                         n: 3\nx: 1.5\nok: true\nnone: ~\n";

    #[test]
    fn a_tree_survives_encoding_and_damage_means_none() {
        let node = frontmatter::parse(Format::Yaml, FRONT).unwrap();
        let mut bytes = Vec::new();
        encode(&node, &mut bytes);
        assert_eq!(decode(&bytes), Some(node));
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
        bytes.push(0);
        assert!(decode(&bytes).is_none());
    }

    #[test]
    fn a_later_build_takes_the_tree_of_the_same_text_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::load(dir.path());
        let parsed = cache.parse(Format::Yaml, FRONT).unwrap();
        assert!(cache.parse(Format::Yaml, "title: [").is_err());
        cache.save();

        let cache = Cache::load(dir.path());
        assert_eq!(cache.last.len(), 1, "errors are not recorded");
        assert_eq!(cache.parse(Format::Yaml, FRONT).unwrap(), parsed);
        assert!(
            !cache.parsed.load(Ordering::Relaxed),
            "taken from the record"
        );
        let edited = FRONT.replace("开户", "销户");
        assert_eq!(
            cache.parse(Format::Yaml, &edited).unwrap(),
            frontmatter::parse(Format::Yaml, &edited).unwrap()
        );
        assert!(cache.parsed.load(Ordering::Relaxed));
        // The same text as TOML is another key (and here an error).
        assert!(cache.parse(Format::Toml, FRONT).is_err());

        // A damaged file: everything is parsed again.
        let path = dir.path().join(".qaportal").join("frontmatter");
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(Cache::load(dir.path()).last.is_empty());
    }
}

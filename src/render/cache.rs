//! The render cache: a document whose markdown and rendering inputs are those of an earlier
//! build is not rendered again.
//!
//! Markdown and the sanitizer were a third of a warm rebuild at 10,000 answers, to give the
//! HTML of the last build again. A document's rendering is a function of its file's bytes, where
//! it lives (folder, whether it numbers steps, its id prefix), the site's markdown settings,
//! qaportal itself, and the site only through the destinations of its links and images
//! ([`Resolver::outcome`]). Each build records, per document, a hash of the first ones, every
//! destination with a hash of what it resolved to, and the rendered document. A later build
//! reuses the document when the hash is the same and every destination still resolves the same:
//! a link to an answer deleted since, or an image removed, renders again and fails at its
//! line and column as before. Documents with any diagnostic are not recorded: their problems
//! are reported by rendering them.
//!
//! Records live in `.qaportal/rendered/00` … `3f`, by a hash of the file's path, so that one
//! edited answer rewrites a sixty-fourth of them (about 1 MB at 10,000 answers). Anything
//! unknown (no file, another binary, a damaged file) means rendering.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3Default;

use super::links::Resolver;
use super::markdown::{AnchorUse, Document, Heading, Step};
use crate::model::ArticleId;
use crate::source::{SourceId, Span};

const SHARDS: usize = 64;
/// Changes when the records' layout changes (a new binary invalidates them anyway).
const FORMAT: &[u8] = b"qaportal rendered documents 1";

/// The documents of the last build, and what this build records.
pub struct Cache {
    dir: PathBuf,
    /// Mixed into every document's inputs: the binary and the site's markdown settings.
    salt: u128,
    /// The shards' files as read (the records below point into them).
    files: Vec<Vec<u8>>,
    /// Records of the last build not yet reused, by shard.
    last: Vec<Mutex<HashMap<String, Record>>>,
    /// This build's records, by shard.
    now: Vec<Mutex<Vec<(String, Encoded)>>>,
    /// Shards whose file no longer holds this build's records.
    dirty: Vec<AtomicBool>,
}

/// One document's record as read from a shard.
struct Record {
    inputs: u128,
    /// Each destination the document resolved, with [`Resolver::outcome`] of it.
    resolved: Vec<(String, u64)>,
    /// Where the whole record is in its shard's file, to write it again as it is.
    raw: Range<usize>,
    /// Where the document is in its shard's file.
    document: Range<usize>,
}

/// A record to write: one of the last build's, or a new one.
enum Encoded {
    Kept(Range<usize>),
    New(Vec<u8>),
}

/// What a document's rendering depends on besides its destinations.
pub struct Inputs<'a> {
    pub text: &'a str,
    pub body_start: usize,
    pub dir: &'a str,
    pub steps: bool,
    pub id_prefix: &'a str,
}

impl Cache {
    /// The records under `root`'s `.qaportal/rendered/`, for documents rendered by this binary
    /// with `settings` (the site's markdown settings, as text).
    pub fn load(root: &Path, settings: &str) -> Cache {
        let dir = root.join(".qaportal").join("rendered");
        let mut salt = Xxh3Default::new();
        salt.update(FORMAT);
        salt.update(crate::output::unchanged::binary_identity().as_bytes());
        salt.update(settings.as_bytes());
        let (files, last): (Vec<Vec<u8>>, Vec<_>) = (0..SHARDS)
            .into_par_iter()
            .map(|shard| {
                let bytes = std::fs::read(dir.join(shard_name(shard))).unwrap_or_default();
                match read_shard(&bytes) {
                    Some(records) => (bytes, Mutex::new(records)),
                    None => (Vec::new(), Mutex::default()),
                }
            })
            .unzip();
        Cache {
            dir,
            salt: salt.digest128(),
            files,
            last,
            now: (0..SHARDS).map(|_| Mutex::default()).collect(),
            dirty: (0..SHARDS).map(|_| AtomicBool::new(false)).collect(),
        }
    }

    /// The hash of a document's inputs.
    pub fn inputs(&self, inputs: &Inputs) -> u128 {
        let mut hasher = Xxh3Default::new();
        hasher.update(&self.salt.to_le_bytes());
        for part in [inputs.text, inputs.dir, inputs.id_prefix] {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        hasher.update(&(inputs.body_start as u64).to_le_bytes());
        hasher.update(&[u8::from(inputs.steps)]);
        hasher.digest128()
    }

    /// The document of the file `path` (its source is `source`) as the last build rendered it,
    /// if its inputs are the same and every destination it resolved resolves the same.
    pub fn reuse(
        &self,
        path: &str,
        inputs: u128,
        source: SourceId,
        resolver: &Resolver,
        dir: &str,
    ) -> Option<Document> {
        let shard = shard_of(path);
        let record = self.last[shard].lock().expect("not poisoned").remove(path);
        let reused = record.filter(|r| {
            r.inputs == inputs
                && r.resolved
                    .iter()
                    .all(|(dest, outcome)| resolver.outcome(dest, dir) == *outcome)
        });
        let document = reused
            .as_ref()
            .and_then(|r| decode(&self.files[shard][r.document.clone()], source));
        match (reused, &document) {
            (Some(record), Some(_)) => self.now[shard]
                .lock()
                .expect("not poisoned")
                .push((path.to_string(), Encoded::Kept(record.raw))),
            _ => self.dirty[shard].store(true, Ordering::Relaxed),
        }
        document
    }

    /// Records a document this build rendered; one with diagnostics is not recorded.
    pub fn store(&self, path: &str, inputs: u128, resolver: &Resolver, dir: &str, doc: &Document) {
        if !doc.diagnostics.is_empty() {
            return;
        }
        let mut seen = HashSet::new();
        let resolved: Vec<(String, u64)> = resolver
            .resolved
            .borrow()
            .iter()
            .filter(|dest| seen.insert(dest.as_str()))
            .map(|dest| (dest.clone(), resolver.outcome(dest, dir)))
            .collect();
        let shard = shard_of(path);
        self.dirty[shard].store(true, Ordering::Relaxed);
        self.now[shard].lock().expect("not poisoned").push((
            path.to_string(),
            Encoded::New(encode(path, inputs, &resolved, doc)),
        ));
    }

    /// Writes the shards whose records changed. A failure only costs the next build time.
    pub fn save(self) {
        let Cache {
            dir,
            files,
            last,
            now,
            dirty,
            ..
        } = self;
        let _ = std::fs::create_dir_all(&dir);
        (0..SHARDS)
            .into_par_iter()
            .zip(files.into_par_iter().zip(last).zip(now).zip(dirty))
            .for_each(|(shard, (((file, last), now), dirty))| {
                // Records left over belong to documents this build no longer has.
                let left_over = !last.into_inner().expect("not poisoned").is_empty();
                if !dirty.into_inner() && !left_over {
                    return;
                }
                let mut records = now.into_inner().expect("not poisoned");
                records.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                let mut bytes = Vec::with_capacity(file.len() + 64 * 1024);
                for (_, record) in &records {
                    match record {
                        Encoded::Kept(range) => bytes.extend_from_slice(&file[range.clone()]),
                        Encoded::New(new) => bytes.extend_from_slice(new),
                    }
                }
                let path = dir.join(shard_name(shard));
                let partial = path.with_extension("partial");
                if std::fs::write(&partial, bytes).is_ok() {
                    let _ = std::fs::rename(&partial, &path);
                }
            });
    }
}

fn shard_of(path: &str) -> usize {
    (xxhash_rust::xxh3::xxh3_64(path.as_bytes()) % SHARDS as u64) as usize
}

fn shard_name(shard: usize) -> String {
    format!("{shard:02x}")
}

/// The records of a shard; `None` if it is damaged.
fn read_shard(bytes: &[u8]) -> Option<HashMap<String, Record>> {
    let mut records = HashMap::new();
    let mut reader = Reader { bytes, at: 0 };
    while reader.at < bytes.len() {
        let start = reader.at;
        let path = reader.str()?.to_string();
        let inputs = reader.u128()?;
        let count = reader.len()?;
        let mut resolved = Vec::with_capacity(count.min(1024));
        for _ in 0..count {
            resolved.push((reader.str()?.to_string(), reader.u64()?));
        }
        let len = reader.len()?;
        let document = reader.at..reader.at + len;
        reader.take(len)?;
        let raw = start..reader.at;
        records.insert(
            path,
            Record {
                inputs,
                resolved,
                raw,
                document,
            },
        );
    }
    Some(records)
}

fn encode(path: &str, inputs: u128, resolved: &[(String, u64)], doc: &Document) -> Vec<u8> {
    let mut w = Writer::default();
    w.str(path);
    w.u128(inputs);
    w.len(resolved.len());
    for (dest, outcome) in resolved {
        w.str(dest);
        w.u64(*outcome);
    }
    let document = encode_document(doc);
    w.len(document.len());
    w.0.extend_from_slice(&document);
    w.0
}

/// A document without its diagnostics (recorded documents have none). The spans are kept as
/// ranges: they are in the document's own file, whose id is this build's.
fn encode_document(doc: &Document) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(doc.html.len() * 2 + doc.text.len()));
    w.str(&doc.html);
    w.len(doc.headings.len());
    for h in &doc.headings {
        w.0.push(h.level);
        w.str(&h.id);
        w.str(&h.text);
    }
    w.len(doc.steps.len());
    for s in &doc.steps {
        w.u64(s.number);
        w.str(&s.id);
        w.str(&s.text);
        w.str(&s.html);
    }
    // Sorted, so that the same document gives the same bytes.
    let mut anchors: Vec<&String> = doc.anchors.iter().collect();
    anchors.sort_unstable();
    w.strs(anchors);
    w.str(&doc.text);
    w.str(&doc.first_paragraph);
    w.len(doc.anchor_uses.len());
    for u in &doc.anchor_uses {
        match &u.article {
            Some(id) => {
                w.0.push(1);
                w.str(id.as_str());
            }
            None => w.0.push(0),
        }
        w.str(&u.anchor);
        w.range(&u.span);
    }
    w.strs(doc.linked.iter().map(ArticleId::as_str));
    w.len(doc.site_links.len());
    for (path, span) in &doc.site_links {
        w.str(path);
        w.range(span);
    }
    w.strs(&doc.assets);
    w.strs(&doc.diagrams);
    w.0
}

fn decode(bytes: &[u8], source: SourceId) -> Option<Document> {
    let mut r = Reader { bytes, at: 0 };
    let mut doc = Document {
        html: r.string()?,
        ..Document::default()
    };
    for _ in 0..r.len()? {
        doc.headings.push(Heading {
            level: r.take(1)?[0],
            id: r.string()?,
            text: r.string()?,
        });
    }
    for _ in 0..r.len()? {
        doc.steps.push(Step {
            number: r.u64()?,
            id: r.string()?,
            text: r.string()?,
            html: r.string()?,
        });
    }
    doc.anchors = r.strings()?.into_iter().collect();
    doc.text = r.string()?;
    doc.first_paragraph = r.string()?;
    for _ in 0..r.len()? {
        let article = match r.take(1)?[0] {
            0 => None,
            1 => Some(ArticleId(r.string()?)),
            _ => return None,
        };
        doc.anchor_uses.push(AnchorUse {
            article,
            anchor: r.string()?,
            span: r.span(source)?,
        });
    }
    doc.linked = r.strings()?.into_iter().map(ArticleId).collect();
    for _ in 0..r.len()? {
        doc.site_links.push((r.string()?, r.span(source)?));
    }
    doc.assets = r.strings()?;
    doc.diagrams = r.strings()?;
    (r.at == bytes.len()).then_some(doc)
}

/// Little-endian numbers and length-prefixed strings.
#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn u64(&mut self, n: u64) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }

    fn u128(&mut self, n: u128) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }

    fn len(&mut self, n: usize) {
        self.0.extend_from_slice(&(n as u32).to_le_bytes());
    }

    fn str(&mut self, text: &str) {
        self.len(text.len());
        self.0.extend_from_slice(text.as_bytes());
    }

    fn strs<'a>(&mut self, texts: impl IntoIterator<Item = impl AsRef<str> + 'a>) {
        let texts: Vec<_> = texts.into_iter().collect();
        self.len(texts.len());
        for text in texts {
            self.str(text.as_ref());
        }
    }

    fn range(&mut self, span: &Span) {
        self.u64(span.start as u64);
        self.u64(span.end as u64);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let taken = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(taken)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn u128(&mut self) -> Option<u128> {
        Some(u128::from_le_bytes(self.take(16)?.try_into().ok()?))
    }

    fn len(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize)
    }

    fn str(&mut self) -> Option<&'a str> {
        let len = self.len()?;
        simdutf8::basic::from_utf8(self.take(len)?).ok()
    }

    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_string)
    }

    fn strings(&mut self) -> Option<Vec<String>> {
        (0..self.len()?).map(|_| self.string()).collect()
    }

    fn span(&mut self, source: SourceId) -> Option<Span> {
        let start = usize::try_from(self.u64()?).ok()?;
        let end = usize::try_from(self.u64()?).ok()?;
        Some(Span::new(source, start..end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_survives_encoding_and_damage_means_none() {
        let source = SourceId::from_index(3);
        let doc = Document {
            html: "<h2 id=\"a\">问题</h2>".into(),
            headings: vec![Heading {
                level: 2,
                id: "a".into(),
                text: "问题".into(),
            }],
            steps: vec![Step {
                number: 1,
                id: "step-1".into(),
                text: "打开".into(),
                html: "<p>打开</p>".into(),
            }],
            anchors: ["a".to_string(), "step-1".to_string()].into(),
            text: "问题\n打开\n".into(),
            first_paragraph: "打开".into(),
            anchor_uses: vec![AnchorUse {
                article: Some(ArticleId("KB-0002".into())),
                anchor: "step-2".into(),
                span: Span::new(source, 10..20),
            }],
            linked: vec![ArticleId("KB-0002".into())],
            site_links: vec![("/hot/".into(), Span::new(source, 30..36))],
            assets: vec!["account/images/a.png".into()],
            diagrams: vec!["<svg></svg>".into()],
            diagnostics: Vec::new(),
        };
        let bytes = encode_document(&doc);
        let back = decode(&bytes, source).expect("decodes");
        assert_eq!(encode_document(&back), bytes);
        assert_eq!(back.anchor_uses[0].span, doc.anchor_uses[0].span);
        assert_eq!(back.site_links, doc.site_links);
        assert!(decode(&bytes[..bytes.len() - 1], source).is_none());

        let record = encode("content/a.md", 7, &[("KB-0002".into(), 9)], &doc);
        let file = [record.clone(), record].concat();
        let records = read_shard(&file).expect("reads");
        let read = &records["content/a.md"];
        assert_eq!(
            (read.inputs, read.resolved.clone()),
            (7, vec![("KB-0002".into(), 9)])
        );
        assert_eq!(read.raw, file.len() / 2..file.len());
        assert!(decode(&file[read.document.clone()], source).is_some());
        assert!(read_shard(&file[..file.len() - 1]).is_none());
    }
}

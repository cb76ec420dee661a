//! Index: the search documents of the site, fed to the `search-index` crate for the client index
//! the browser queries (written under `/search/`; `qaportal search` ranks with the same files),
//! for the related answers (`crate::related`), and on demand for the full-text index beside the
//! site (`.qaportal/text-index/`, never published) that answers `qaportal search --text`.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use search_index::client::Analyses;
use search_index::{ClientOptions, Config, SearchDocument, Synonyms};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::related::RelatedAnswers;
use crate::render::Rendered;
use crate::source::{ReadProblem, SourceFile, Sources, Span};

pub const SYNONYMS_FILE: &str = "synonyms.txt";

/// Where the full-text index of a site lives: beside the source, like `target/` for cargo.
pub fn text_index_dir(root: &Path) -> PathBuf {
    root.join(".qaportal").join("text-index")
}

/// The largest `synonyms.txt` read: a site's own groups are a few hundred lines.
pub const MAX_SYNONYMS_BYTES: u64 = 4 * 1024 * 1024;

/// The site's synonyms (`synonyms.txt`), with line-numbered errors.
pub fn synonyms(root: &Path, sources: &mut Sources, diagnostics: &mut Diagnostics) -> Synonyms {
    let path = root.join(SYNONYMS_FILE);
    let problem =
        |message: String, help: &str| Diagnostic::error("synonyms", message).help(help.to_string());
    let text = match crate::source::read_at_most(&path, MAX_SYNONYMS_BYTES).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Err(ReadProblem::Io(error)) if error.kind() == std::io::ErrorKind::NotFound => {
            return Synonyms::default();
        }
        Err(ReadProblem::Io(error)) => {
            diagnostics.push(problem(
                format!("cannot read {SYNONYMS_FILE}: {error}"),
                "check the file's permissions",
            ));
            return Synonyms::default();
        }
        Err(ReadProblem::TooLarge) => {
            diagnostics.push(problem(
                format!(
                    "{SYNONYMS_FILE} holds more than {}; every group is expanded into the search index",
                    crate::load::human_size(MAX_SYNONYMS_BYTES)
                ),
                "keep the groups clients' words need; general dictionaries do not help the search",
            ));
            return Synonyms::default();
        }
        Ok(Err(_)) => {
            diagnostics.push(problem(
                format!("{SYNONYMS_FILE} is not valid UTF-8"),
                "save it as UTF-8 (convert a GBK file with `iconv -f GBK -t UTF-8`)",
            ));
            return Synonyms::default();
        }
    };
    let parsed = Synonyms::parse(&text);
    let id = sources.add(SourceFile::new(path, SYNONYMS_FILE.into(), text));
    match parsed {
        Ok(synonyms) => synonyms,
        Err(errors) => {
            let file = sources.get(id);
            for error in errors {
                let range = file
                    .line_range(error.line.saturating_sub(1))
                    .unwrap_or(0..0);
                diagnostics.push(
                    Diagnostic::error("synonyms", error.message)
                        .at(Span::new(id, range))
                        .label("this line")
                        .help("one group of interchangeable terms per line, separated by spaces: 找回密码 重置密码 忘记密码"),
                );
            }
            Synonyms::default()
        }
    }
}

/// One search document per published article: its own words, the phrasings of the front matter
/// and those of the tickets it answered.
pub fn documents(site: &Site, rendered: &Rendered) -> Vec<SearchDocument> {
    (0..site.content.articles.len())
        .map(|i| document(site, rendered, i))
        .collect()
}

/// The search document of the `index`-th article (`serve` redoes it after an edit).
pub fn document(site: &Site, rendered: &Rendered, index: usize) -> SearchDocument {
    let article = &site.content.articles[index];
    let doc = &rendered.articles[index];
    let mut questions = article.questions.clone();
    if let Some(phrasings) = site.tickets.phrasings.get(&article.id.value) {
        questions.extend(
            phrasings
                .iter()
                .filter(|p| !questions.contains(p))
                .cloned()
                .collect::<Vec<_>>(),
        );
    }
    SearchDocument {
        id: article.id.value.to_string(),
        title: article.title.clone(),
        questions,
        tags: article.tags.clone(),
        headings: doc.headings.iter().map(|h| h.text.clone()).collect(),
        body: doc.text.clone(),
        url: site.url(&article.path()),
        system: article.system.clone(),
        system_title: site
            .system(&article.system)
            .map_or_else(String::new, |s| s.title.clone()),
        category: article.category.label().to_string(),
        summary: crate::assemble::views::summary(article, doc),
    }
}

/// The client index files, by path relative to the output folder.
pub fn client_files(documents: &[SearchDocument], synonyms: &Synonyms) -> Vec<(String, Vec<u8>)> {
    let documents: Vec<&SearchDocument> = documents.iter().collect();
    client_files_with(&documents, synonyms, &mut Analyses::default())
}

/// [`client_files`] with the documents' analyses kept in `analyses` between builds: only the
/// documents it does not hold are analysed again, and it is left holding those of `documents`.
/// `analyses` must have been made for these `synonyms` (see [`AnalysesFor`]).
pub fn client_files_with(
    documents: &[&SearchDocument],
    synonyms: &Synonyms,
    analyses: &mut Analyses,
) -> Vec<(String, Vec<u8>)> {
    let keys: Vec<u128> = documents.iter().map(|d| analysis_key(d)).collect();
    client_files_keyed(documents, &keys, synonyms, analyses)
}

/// [`client_files_with`], `keys[i]` the [`analysis_key`] of `documents[i]`.
fn client_files_keyed(
    documents: &[&SearchDocument],
    keys: &[u128],
    synonyms: &Synonyms,
    analyses: &mut Analyses,
) -> Vec<(String, Vec<u8>)> {
    search_index::client::build_client_index_with(
        documents,
        keys,
        analyses,
        synonyms,
        &index_config(synonyms),
        &ClientOptions::default(),
    )
    .into_iter()
    .map(|f| (f.path, f.bytes))
    .collect()
}

/// The ranking configuration of the site's client index.
fn index_config(synonyms: &Synonyms) -> Config {
    let mut config = Config::default();
    config.learned.enabled = synonyms.learned();
    config
}

/// A hash of what the client index analyses of a document (the texts of its searched fields),
/// keying its analysis: an answer whose texts did not change is not tokenized again.
pub fn analysis_key(doc: &SearchDocument) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut text = |s: &str| {
        hasher.update(&(s.len() as u64).to_le_bytes());
        hasher.update(s.as_bytes());
    };
    text(&doc.title);
    text(&doc.body);
    for list in [&doc.questions, &doc.tags, &doc.headings] {
        text(&list.len().to_string());
        for s in list {
            text(s);
        }
    }
    hasher.digest128()
}

/// Analyses with what they were made for: the synonyms they expanded (and the running binary,
/// whose tokenizer made them). `serve` keeps one between saves.
#[derive(Default)]
pub struct AnalysesFor {
    /// [`analyses_identity`] of the synonyms the analyses were made with.
    identity: [u8; 16],
    pub analyses: Analyses,
}

impl AnalysesFor {
    /// The analyses, emptied first when they were made for other synonyms.
    pub fn for_synonyms(&mut self, synonyms: &Synonyms) -> &mut Analyses {
        let identity = analyses_identity(synonyms);
        if self.identity != identity {
            *self = AnalysesFor {
                identity,
                analyses: Analyses::default(),
            };
        }
        &mut self.analyses
    }

    /// The analyses the last build left in `root`'s `.qaportal`, if made for these synonyms by
    /// this binary and whole (none otherwise: the documents are analysed again).
    pub fn read(root: &Path, synonyms: &Synonyms) -> AnalysesFor {
        let identity = analyses_identity(synonyms);
        let analyses = std::fs::read(analyses_path(root))
            .ok()
            .and_then(|bytes| read_analyses(&bytes, &identity, synonyms))
            .unwrap_or_default();
        AnalysesFor { identity, analyses }
    }

    /// Keeps the analyses in `root`'s `.qaportal` for the next build. A cache that cannot be
    /// written only costs the next build time.
    pub fn write(&self, root: &Path) {
        let mut body = Vec::new();
        self.analyses.write(&mut body);
        write_sealed(&analyses_path(root), ANALYSES_MAGIC, &self.identity, &body);
    }
}

/// Writes a cache file: `magic`, what it was made for (`identity`), a checksum, then `body`;
/// whole, then renamed, so that a build stopped halfway leaves no partial cache. A cache that
/// cannot be written only costs the next build time. The parts are written one after the
/// other, not copied into one buffer: a cold build writes these while it holds the most.
pub(crate) fn write_sealed(path: &Path, magic: &[u8], identity: &[u8; 16], body: &[u8]) {
    use std::io::Write;
    let checksum = xxhash_rust::xxh3::xxh3_128(body).to_le_bytes();
    let partial = path.with_extension("partial");
    let _ = std::fs::create_dir_all(path.parent().expect("has a parent"))
        .and_then(|()| {
            let mut file = std::fs::File::create(&partial)?;
            for part in [magic, identity.as_slice(), checksum.as_slice(), body] {
                file.write_all(part)?;
            }
            Ok(())
        })
        .and_then(|()| std::fs::rename(&partial, path));
}

/// The body of a cache file [`write_sealed`] wrote with `magic` for `identity`, if its checksum
/// holds: a damaged file is not read (a wrong cached analysis would be a wrong output).
pub(crate) fn read_sealed<'a>(
    bytes: &'a [u8],
    magic: &[u8],
    identity: &[u8; 16],
) -> Option<&'a [u8]> {
    let rest = bytes.strip_prefix(magic)?;
    let rest = rest.strip_prefix(identity.as_slice())?;
    let (checksum, body) = rest.split_first_chunk::<16>()?;
    (u128::from_le_bytes(*checksum) == xxhash_rust::xxh3::xxh3_128(body)).then_some(body)
}

/// What caches of analyses depend on besides the documents: the synonyms they expanded and
/// the binary whose tokenizer made them.
pub(crate) fn analyses_identity_of(magic: &[u8], synonyms: &Synonyms) -> [u8; 16] {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(magic);
    hasher.update(&serde_json::to_vec(synonyms.groups()).expect("groups serialize"));
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(build_identity().as_bytes());
    hasher.digest128().to_le_bytes()
}

/// Version 2: with the initials among each field's terms.
const ANALYSES_MAGIC: &[u8] = b"qaportal search analyses 2\n";

fn analyses_path(root: &Path) -> PathBuf {
    root.join(".qaportal").join("search-analysis")
}

fn analyses_identity(synonyms: &Synonyms) -> [u8; 16] {
    analyses_identity_of(ANALYSES_MAGIC, synonyms)
}

/// The analyses of a cache file, if it has the `identity` wanted and is whole.
fn read_analyses(bytes: &[u8], identity: &[u8; 16], synonyms: &Synonyms) -> Option<Analyses> {
    Analyses::read(
        read_sealed(bytes, ANALYSES_MAGIC, identity)?,
        &index_config(synonyms),
    )
}

/// The client index of `documents` for the engine that ranks as the site does (`qaportal
/// search`): the files the build writes under `search/`, from the same cache.
pub fn client_index(
    root: &Path,
    documents: &[SearchDocument],
    synonyms: &Synonyms,
) -> Result<search_index::engine::ClientIndex, String> {
    let prefix = format!("{}/", ClientOptions::default().dir);
    let files = client_files_cached(root, documents, synonyms, &fingerprint(documents, synonyms))
        .into_iter()
        .filter(|(path, _)| !path.ends_with(".gz") && !path.ends_with(".br"))
        .filter_map(|(path, bytes)| Some((path.strip_prefix(&prefix)?.to_string(), bytes)))
        .collect();
    search_index::engine::ClientIndex::new(files).map_err(|e| e.to_string())
}

/// [`client_files`], reused from the last build when the documents have not changed: kept in
/// one file (`.qaportal/client-index`), as writing thousands of small cache files would cost
/// what it saves. `fingerprint` is [`fingerprint`] of `documents` and `synonyms` (the build
/// hashes them once for this cache and the related answers').
pub fn client_files_cached(
    root: &Path,
    documents: &[SearchDocument],
    synonyms: &Synonyms,
    fingerprint: &str,
) -> Vec<(String, Vec<u8>)> {
    let path = root.join(".qaportal").join("client-index");
    if let Some(files) = std::fs::read(&path)
        .ok()
        .and_then(|bytes| read_client_cache(&bytes, fingerprint))
    {
        return files;
    }
    // The index is built again, but only the documents changed since the last build are
    // analysed again.
    let mut analyses = AnalysesFor::read(root, synonyms);
    let documents: Vec<&SearchDocument> = documents.iter().collect();
    let files = client_files_with(&documents, synonyms, analyses.for_synonyms(synonyms));
    analyses.write(root);
    // A cache that cannot be written only costs the next build time.
    let _ = write_client_cache(&path, fingerprint, &files);
    files
}

/// The client index files and the related answers of `documents` (`links` as
/// [`crate::related::links`] gives them), each reused from the last build when nothing it
/// depends on changed (see [`client_files_cached`] and [`crate::related::kept`]).
/// `fingerprint` is [`fingerprint`] of `documents` and `synonyms`.
///
/// Each document is tokenized once for both: the related answers count their terms from the
/// client index's analyses. Tokenized apart, each took about an eighth of a cold build.
pub fn client_files_and_related(
    root: &Path,
    documents: &[SearchDocument],
    links: &[Vec<usize>],
    synonyms: &Synonyms,
    fingerprint: &str,
) -> (Vec<(String, Vec<u8>)>, RelatedAnswers) {
    let path = root.join(".qaportal").join("client-index");
    let (kept_files, kept_related) = rayon::join(
        || {
            std::fs::read(&path)
                .ok()
                .and_then(|bytes| read_client_cache(&bytes, fingerprint))
        },
        || crate::related::kept(root, links, fingerprint),
    );
    let (kept_files, kept_related) = match (kept_files, kept_related) {
        (Some(files), Some(related)) => return (files, related),
        kept => kept,
    };
    // Only the documents changed since the last build are analysed again.
    let (mut analyses, kept_terms) = rayon::join(
        || AnalysesFor::read(root, synonyms),
        || {
            kept_related
                .is_none()
                .then(|| crate::related::kept_terms(root, synonyms))
        },
    );
    let refs: Vec<&SearchDocument> = documents.iter().collect();
    let keys: Vec<u128> = documents.par_iter().map(analysis_key).collect();
    analyses
        .for_synonyms(synonyms)
        .update(&refs, &keys, synonyms, &index_config(synonyms));
    let terms = kept_terms.map(|kept| crate::related::terms(kept, &keys, &analyses.analyses));
    rayon::join(
        || {
            let files = kept_files.unwrap_or_else(|| {
                let files = client_files_keyed(&refs, &keys, synonyms, &mut analyses.analyses);
                // A cache that cannot be written only costs the next build time.
                let _ = write_client_cache(&path, fingerprint, &files);
                files
            });
            // Here, beside the related answers' work, not after it.
            analyses.write(root);
            files
        },
        || match terms {
            Some(terms) => {
                crate::related::computed(root, documents, &keys, links, terms, fingerprint)
            }
            None => kept_related.expect("kept when not computed"),
        },
    )
}

/// Writes the cache straight to disk (not through a copy of the whole index in memory), into a
/// temporary file renamed when complete, so that a build stopped halfway leaves no partial
/// cache.
fn write_client_cache(
    path: &Path,
    fingerprint: &str,
    files: &[(String, Vec<u8>)],
) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(path.parent().expect("has a parent"))?;
    let partial = path.with_extension("partial");
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&partial)?);
    for part in [fingerprint.as_bytes()]
        .into_iter()
        .chain(files.iter().flat_map(|(p, b)| [p.as_bytes(), b.as_slice()]))
    {
        out.write_all(&(part.len() as u64).to_le_bytes())?;
        out.write_all(part)?;
    }
    out.into_inner().map_err(|e| e.into_error())?;
    std::fs::rename(&partial, path)
}

/// The files of a client index cache, if it was made for `fingerprint` and is whole.
fn read_client_cache(bytes: &[u8], fingerprint: &str) -> Option<Vec<(String, Vec<u8>)>> {
    let mut rest = bytes;
    let mut next = || -> Option<&[u8]> {
        let (len, tail) = rest.split_first_chunk::<8>()?;
        let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
        let part = tail.get(..len)?;
        rest = &tail[len..];
        Some(part)
    };
    if next()? != fingerprint.as_bytes() {
        return None;
    }
    let mut files = Vec::new();
    while let Some(path) = next() {
        files.push((String::from_utf8(path.to_vec()).ok()?, next()?.to_vec()));
    }
    Some(files)
}

/// The full-text index of `documents` for `qaportal search --text` (search-index's
/// `tantivy_index`), written on the first such search and reopened while the documents are
/// unchanged: builds never write it.
pub fn text_index(
    root: &Path,
    documents: &[SearchDocument],
) -> Result<search_index::tantivy_index::TextIndex, String> {
    use search_index::tantivy_index::{TextIndex, write_index};
    let dir = text_index_dir(root);
    // Synonyms play no part: the text is searched as written.
    let fingerprint = fingerprint(documents, &Synonyms::default());
    let fingerprint_file = dir.join("fingerprint");
    if std::fs::read_to_string(&fingerprint_file).is_ok_and(|f| f == fingerprint)
        && let Ok(index) = TextIndex::open(&dir)
    {
        return Ok(index);
    }
    let failed = |e: &dyn std::fmt::Display| {
        format!("cannot write the full-text index in {}: {e}", dir.display())
    };
    let index = write_index(&dir, documents).map_err(|e| failed(&e))?;
    std::fs::write(&fingerprint_file, &fingerprint).map_err(|e| failed(&e))?;
    Ok(index)
}

/// Where an answer's text has the first of `parts` it has: the words around the place, with
/// the part (as the answer writes it) in 【】, for `qaportal search --text`. Text is compared as
/// search normalizes it (full-width and upper-case letters as their plain lower-case forms).
pub fn excerpt(doc: &SearchDocument, parts: &[String]) -> String {
    use search_index::tokenizer::normalize;
    const AROUND: usize = 24;
    let texts = std::iter::once(doc.title.as_str())
        .chain(doc.questions.iter().map(String::as_str))
        .chain(doc.tags.iter().map(String::as_str))
        .chain(doc.headings.iter().map(String::as_str))
        .chain(doc.body.lines());
    for text in texts {
        // Normalized a character at a time, remembering which character each byte came from.
        let chars: Vec<char> = text.chars().collect();
        let mut normalized = String::new();
        let mut from = Vec::new();
        for (k, c) in chars.iter().enumerate() {
            let n = normalize(c.encode_utf8(&mut [0; 4]));
            from.extend(std::iter::repeat_n(k, n.len()));
            normalized.push_str(&n);
        }
        for part in parts {
            let part = normalize(part);
            if let Some(at) = normalized.find(&part).filter(|_| !part.is_empty()) {
                let (start, end) = (from[at], from[at + part.len() - 1] + 1);
                let piece = |range: std::ops::Range<usize>| chars[range].iter().collect::<String>();
                return format!(
                    "…{}【{}】{}…",
                    piece(start.saturating_sub(AROUND)..start),
                    piece(start..end),
                    piece(end..(end + AROUND).min(chars.len()))
                );
            }
        }
    }
    String::new()
}

/// A hash of the documents, the synonyms and the running binary: what the caches of the
/// indexes and of the related answers are keyed by.
pub(crate) fn fingerprint(documents: &[SearchDocument], synonyms: &Synonyms) -> String {
    /// Feeds what serde writes straight into the hash: the JSON of 10,000 documents is tens of
    /// megabytes that need not exist (the hash is the same as of the JSON held in memory).
    struct Hashing<'a>(&'a mut xxhash_rust::xxh3::Xxh3);
    impl std::io::Write for Hashing<'_> {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.update(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    {
        // Buffered: serde writes a few bytes at a time.
        let mut out = std::io::BufWriter::with_capacity(1 << 16, Hashing(&mut hasher));
        serde_json::to_writer(&mut out, documents).expect("documents serialize");
        std::io::Write::flush(&mut out).expect("hashing never fails");
    }
    hasher.update(&serde_json::to_vec(synonyms.groups()).expect("groups serialize"));
    hasher.update(&[synonyms.learned() as u8]);
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(build_identity().as_bytes());
    format!("{:032x}", hasher.digest128())
}

/// The running binary's path, size and modification time. The version number alone stays the
/// same across the builds of a version (the team builds from the repository): a new binary,
/// whose index may differ, never reuses an older one's cached index.
fn build_identity() -> String {
    std::env::current_exe()
        .and_then(|exe| {
            let meta = std::fs::metadata(&exe)?;
            Ok(format!(
                "{} {} {:?}",
                exe.display(),
                meta.len(),
                meta.modified().ok()
            ))
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caches_are_keyed_by_the_running_binary() {
        let exe = std::env::current_exe().unwrap();
        let len = std::fs::metadata(&exe).unwrap().len();
        let identity = build_identity();
        assert!(
            identity.starts_with(&format!("{} {len} ", exe.display())),
            "{identity}"
        );
    }

    #[test]
    fn the_client_index_cache_is_reused_only_for_the_same_documents() {
        let dir = tempfile::tempdir().unwrap();
        let doc = |title: &str| SearchDocument {
            id: "KB-0001".into(),
            title: title.into(),
            url: "/a/".into(),
            system: "account".into(),
            ..Default::default()
        };
        let synonyms = Synonyms::default();
        let first = client_files_cached(
            dir.path(),
            &[doc("转账失败")],
            &synonyms,
            &fingerprint(&[doc("转账失败")], &synonyms),
        );
        let path = dir.path().join(".qaportal/client-index");
        let cached = std::fs::read(&path).unwrap();
        assert_eq!(
            read_client_cache(&cached, &fingerprint(&[doc("转账失败")], &synonyms)),
            Some(first.clone())
        );
        assert_eq!(
            read_client_cache(&cached, &fingerprint(&[doc("密码锁定")], &synonyms)),
            None
        );
        assert_eq!(
            read_client_cache(
                &cached[..cached.len() - 1],
                &fingerprint(&[doc("转账失败")], &synonyms)
            ),
            None
        );
        let second = client_files_cached(
            dir.path(),
            &[doc("密码锁定")],
            &synonyms,
            &fingerprint(&[doc("密码锁定")], &synonyms),
        );
        assert_ne!(first, second, "changed documents are indexed again");
    }

    #[test]
    fn analyses_are_read_only_whole_and_for_the_identity_they_were_made_for() {
        let dir = tempfile::tempdir().unwrap();
        let synonyms = Synonyms::default();
        let docs = [SearchDocument {
            id: "KB-0001".into(),
            title: "转账失败".into(),
            body: "银证转账失败，请检查银行卡。".into(),
            system: "account".into(),
            ..Default::default()
        }];
        let refs: Vec<&SearchDocument> = docs.iter().collect();
        let mut kept = AnalysesFor::default();
        client_files_with(&refs, &synonyms, kept.for_synonyms(&synonyms));
        kept.write(dir.path());
        assert_eq!(AnalysesFor::read(dir.path(), &synonyms).analyses.len(), 1);

        let bytes = std::fs::read(analyses_path(dir.path())).unwrap();
        let identity = analyses_identity(&synonyms);
        assert!(read_analyses(&bytes, &identity, &synonyms).is_some());
        // Made by another binary, or for other synonyms: another identity.
        let mut other = identity;
        other[0] ^= 1;
        assert!(read_analyses(&bytes, &other, &synonyms).is_none());
        let more = Synonyms::parse("转账 划转\n").unwrap();
        assert_ne!(analyses_identity(&more), identity);
        assert!(AnalysesFor::read(dir.path(), &more).analyses.is_empty());
        // Damaged anywhere, or cut short.
        for at in [
            0,
            ANALYSES_MAGIC.len() + 20,
            bytes.len() / 2,
            bytes.len() - 1,
        ] {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x40;
            assert!(
                read_analyses(&damaged, &identity, &synonyms).is_none(),
                "{at}"
            );
        }
        assert!(read_analyses(&bytes[..bytes.len() - 1], &identity, &synonyms).is_none());
    }

    #[test]
    fn the_analysis_key_changes_with_every_analysed_text() {
        let doc = SearchDocument {
            title: "转账失败".into(),
            questions: vec!["转账不成功".into()],
            tags: vec!["转账".into()],
            headings: vec!["原因".into()],
            body: "请检查银行卡。".into(),
            ..Default::default()
        };
        let key = analysis_key(&doc);
        let changed = [
            SearchDocument {
                title: "转账失败了".into(),
                ..doc.clone()
            },
            SearchDocument {
                questions: vec!["转账".into(), "不成功".into()],
                ..doc.clone()
            },
            SearchDocument {
                tags: vec![],
                ..doc.clone()
            },
            SearchDocument {
                headings: vec!["原因".into(), String::new()],
                ..doc.clone()
            },
            SearchDocument {
                body: "请检查银行卡".into(),
                ..doc.clone()
            },
        ];
        for other in changed {
            assert_ne!(analysis_key(&other), key, "{other:?}");
        }
        // What the index does not analyse (the URL, the summary) keeps the key.
        let moved = SearchDocument {
            url: "/b/".into(),
            summary: "摘要".into(),
            ..doc.clone()
        };
        assert_eq!(analysis_key(&moved), key);
    }
}

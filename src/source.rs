//! The text of every file the build read, so that any stage can point at a place in it.
//!
//! Diagnostics carry a [`Span`] (file and byte range) instead of a pre-formatted position: the line
//! and column are computed only when an error is shown, and the renderer can quote the line itself.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// Index of a file in [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(u32);

impl SourceId {
    /// The id the `index`-th file added to [`Sources`] gets; lets parallel readers know their
    /// id before the files are added in order.
    pub fn from_index(index: usize) -> SourceId {
        SourceId(u32::try_from(index).expect("fewer than 4 billion files"))
    }
}

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub source: SourceId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(source: SourceId, range: Range<usize>) -> Span {
        Span {
            source,
            start: range.start,
            end: range.end,
        }
    }

    /// An empty span at the start of a file, for errors about the file as a whole.
    pub fn file_start(source: SourceId) -> Span {
        Span {
            source,
            start: 0,
            end: 0,
        }
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// One file as read from disk.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as shown to the user: relative to the site root when the file is inside it.
    pub display_path: String,
    /// Path on disk.
    pub path: PathBuf,
    /// The text. A file that is not valid UTF-8 is stored lossily, so that the error about it can
    /// still quote the line.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: PathBuf, display_path: String, text: String) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        SourceFile {
            display_path,
            path,
            text,
            line_starts,
        }
    }

    /// 0-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let column = self.text[start..floor_char_boundary(&self.text, offset)]
            .chars()
            .count()
            + 1;
        (line + 1, column)
    }

    /// Byte range of a 0-based line, without its line ending.
    pub fn line_range(&self, line: usize) -> Option<Range<usize>> {
        let start = *self.line_starts.get(line)?;
        let end = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let text = &self.text[start..end];
        let trimmed = text.trim_end_matches(['\n', '\r']).len();
        Some(start..start + trimmed)
    }

    /// Byte offset of a 1-based line and column (in characters); clamps to the file.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(range) = self.line_range(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let line_text = &self.text[range.clone()];
        let within = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map(|(i, _)| i)
            .unwrap_or(line_text.len());
        range.start + within
    }

    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn memchr_iter(needle: u8, haystack: &[u8]) -> impl Iterator<Item = usize> + '_ {
    haystack
        .iter()
        .enumerate()
        .filter(move |(_, b)| **b == needle)
        .map(|(i, _)| i)
}

/// All files read by a build, addressed by [`SourceId`].
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn add(&mut self, file: SourceFile) -> SourceId {
        self.files.push(file);
        SourceId(self.files.len() as u32 - 1)
    }

    /// Puts a new version of a file (re-read after an edit) in place of the old one, which is
    /// returned, so that every span of the file keeps its id.
    pub fn replace(&mut self, id: SourceId, file: SourceFile) -> SourceFile {
        std::mem::replace(&mut self.files[id.0 as usize], file)
    }

    pub fn get(&self, id: SourceId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Human position of a span: `path:line:col`.
    pub fn position(&self, span: Span) -> String {
        let file = self.get(span.source);
        let (line, col) = file.line_col(span.start);
        format!("{}:{}:{}", file.display_path, line, col)
    }

    pub fn text(&self, span: Span) -> &str {
        &self.get(span.source).text[span.range()]
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadProblem {
    /// Larger than the limit given to [`read_at_most`].
    TooLarge,
    Io(std::io::Error),
}

/// Reads a file of at most `max` bytes. A larger one is refused once `max + 1` bytes are read,
/// whatever its metadata says: a link to `/dev/zero` or a file still being written has no honest
/// size, and reading it whole would exhaust memory.
pub fn read_at_most(path: &Path, max: u64) -> Result<Vec<u8>, ReadProblem> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(ReadProblem::Io)?;
    // Sized from the metadata when it is honest (the read still stops at `max + 1`): grown
    // from empty, a site's sources, kept for the whole build, took a third more memory.
    let hint = file.metadata().map_or(0, |m| m.len().min(max) as usize);
    let mut bytes = Vec::with_capacity(hint);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadProblem::Io)?;
    if bytes.len() as u64 > max {
        return Err(ReadProblem::TooLarge);
    }
    Ok(bytes)
}

/// `Ok` when `path`, links resolved, is inside the site folder `root`; otherwise where it
/// leads. What is published comes from inside the site only: a link to `~/.ssh` must not put a
/// private key on the web.
pub fn inside_site(root: &Path, path: &Path) -> Result<(), PathBuf> {
    let target = std::fs::canonicalize(path).map_err(|_| path.to_path_buf())?;
    match std::fs::canonicalize(root) {
        Ok(root) if target.starts_with(&root) => Ok(()),
        _ => Err(target),
    }
}

/// The path of `path` relative to `root`, with `/` separators, for messages and URLs.
pub fn display_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

// codespan-reporting renders the snippets; it only needs to look lines up.
impl<'a> codespan_reporting::files::Files<'a> for Sources {
    type FileId = SourceId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: SourceId) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(&self.get(id).display_path)
    }

    fn source(&'a self, id: SourceId) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(&self.get(id).text)
    }

    fn line_index(
        &'a self,
        id: SourceId,
        byte_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.get(id).line_index(byte_index))
    }

    fn line_range(
        &'a self,
        id: SourceId,
        line_index: usize,
    ) -> Result<Range<usize>, codespan_reporting::files::Error> {
        let file = self.get(id);
        let starts = file.line_starts();
        let start =
            *starts
                .get(line_index)
                .ok_or(codespan_reporting::files::Error::LineTooLarge {
                    given: line_index,
                    max: starts.len() - 1,
                })?;
        let end = starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(file.text.len());
        Ok(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let file = SourceFile::new("a".into(), "a".into(), "一二\n三四五\r\nx".into());
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (1, 2));
        assert_eq!(file.line_col(7), (2, 1));
        assert_eq!(file.line_col(10), (2, 2));
        assert_eq!(file.line_col(18), (3, 1));
        assert_eq!(file.line_range(1), Some(7..16));
        assert_eq!(file.offset_of(2, 2), 10);
    }
}

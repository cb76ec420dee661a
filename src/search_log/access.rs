//! Access logs in the common and combined formats, as nginx and Apache write them by default:
//!
//! ```text
//! 203.0.113.7 - - [14/Nov/2026:09:12:03 +0800] "GET /search/log?q=... HTTP/1.1" 204 0 "https://qa.example.com/" "Mozilla/5.0 …"
//! ```
//!
//! Lines are read from plain or gzip files (rotated logs: `access.log.2.gz`) one at a time with
//! a bounded buffer, so memory does not grow with the file, nor with a "line" of binary junk
//! that never ends. Fields after the combined ones (some sites log request times) are ignored.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use jiff::civil::Date;

/// Longer lines are not log lines of a request this site's pages make (the beacon's URL is a
/// few hundred bytes); they are skipped without being held in memory.
pub const MAX_LINE: usize = 16 * 1024;

/// One request of an access log. Byte slices into the line, as logged (escapes included).
#[derive(Debug, PartialEq, Eq)]
pub struct Request<'a> {
    pub client: &'a [u8],
    pub time: Stamp,
    pub method: &'a [u8],
    /// Path and query string.
    pub target: &'a [u8],
    pub status: u16,
    /// The combined format's user agent, if the line has one.
    pub user_agent: Option<&'a [u8]>,
}

/// When a request was logged: the day in the server's own time (what the team calls "that
/// day"), and seconds since the epoch (for the time between two requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    pub date: Date,
    pub seconds: i64,
}

/// Why a line is not a request of the common or combined format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// Not the format (another log format, junk, a truncated line).
    Format,
    /// Not UTF-8 text where text is expected, or control bytes: binary junk.
    Binary,
    /// Longer than [`MAX_LINE`].
    TooLong,
}

impl Unreadable {
    pub fn describe(self) -> &'static str {
        match self {
            Unreadable::Format => "not an access log line in the common or combined format",
            Unreadable::Binary => "binary data, not text",
            Unreadable::TooLong => "longer than any request this site makes",
        }
    }
}

/// Opens a log file, decompressing `.gz` (by its content: a rotated log may be gzip whatever
/// its name).
pub fn open(path: &Path) -> std::io::Result<Box<dyn BufRead + Send>> {
    let mut file = BufReader::with_capacity(1 << 16, std::fs::File::open(path)?);
    let gzip = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(file),
        ))
    } else {
        Box::new(file)
    })
}

/// A line of a log and its number (from 1), or why it cannot be read.
pub type Line<'a> = (u64, Result<&'a [u8], Unreadable>);

/// The lines of a log, each at most [`MAX_LINE`] bytes (a longer one comes as `Err(TooLong)`),
/// without their line ending.
pub struct Lines<R> {
    reader: R,
    line: Vec<u8>,
    /// 1-based number of the last line returned.
    pub number: u64,
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R) -> Lines<R> {
        Lines {
            reader,
            line: Vec::with_capacity(1024),
            number: 0,
        }
    }

    /// The next line and its number; `Ok(None)` at the end. A read error (a truncated gzip
    /// stream) ends the file with an error.
    pub fn next_line(&mut self) -> std::io::Result<Option<Line<'_>>> {
        self.line.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                break;
            }
            any = true;
            let (chunk, done) = match memchr::memchr(b'\n', available) {
                Some(i) => (&available[..i], Some(i + 1)),
                None => (available, None),
            };
            if !too_long {
                if self.line.len() + chunk.len() > MAX_LINE {
                    too_long = true;
                    self.line.clear();
                } else {
                    self.line.extend_from_slice(chunk);
                }
            }
            let used = done.unwrap_or(available.len());
            self.reader.consume(used);
            if done.is_some() {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.number += 1;
        if too_long {
            return Ok(Some((self.number, Err(Unreadable::TooLong))));
        }
        if self.line.last() == Some(&b'\r') {
            self.line.pop();
        }
        Ok(Some((self.number, Ok(&self.line))))
    }
}

/// Reads any `Read` as lines (for tests and in-memory logs).
pub fn lines_of<R: Read>(reader: R) -> Lines<BufReader<R>> {
    Lines::new(BufReader::new(reader))
}

/// Parses one line of the common or combined format.
pub fn parse(line: &[u8]) -> Result<Request<'_>, Unreadable> {
    // Log lines are printable: nginx and Apache escape everything else as `\xHH`.
    if line.iter().any(|&b| b < 0x20 && b != b'\t') {
        return Err(Unreadable::Binary);
    }
    let mut rest = line;
    let client = token(&mut rest).ok_or(Unreadable::Format)?;
    // The ident and user fields (`- -`); a user name never holds `[`.
    let open = memchr::memchr(b'[', rest).ok_or(Unreadable::Format)?;
    if open < 3 || rest[open - 1] != b' ' {
        return Err(Unreadable::Format);
    }
    rest = &rest[open + 1..];
    let close = memchr::memchr(b']', rest).ok_or(Unreadable::Format)?;
    let time = parse_time(&rest[..close]).ok_or(Unreadable::Format)?;
    rest = rest[close + 1..]
        .strip_prefix(b" ")
        .ok_or(Unreadable::Format)?;
    let request = quoted(&mut rest).ok_or(Unreadable::Format)?;
    rest = rest.strip_prefix(b" ").ok_or(Unreadable::Format)?;
    let status = token(&mut rest).ok_or(Unreadable::Format)?;
    let status = match status {
        [a, b, c] if [a, b, c].iter().all(|d| d.is_ascii_digit()) => {
            u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0')
        }
        _ => return Err(Unreadable::Format),
    };
    let bytes = token(&mut rest).ok_or(Unreadable::Format)?;
    if bytes != b"-" && !bytes.iter().all(u8::is_ascii_digit) {
        return Err(Unreadable::Format);
    }
    // Combined: the referrer and the user agent, each quoted; a line cut inside them is
    // truncated, not a common-format line.
    let mut user_agent = None;
    if rest.first() == Some(&b'"') {
        quoted(&mut rest).ok_or(Unreadable::Format)?;
        if rest.starts_with(b" \"") {
            rest = &rest[1..];
            user_agent = Some(quoted(&mut rest).ok_or(Unreadable::Format)?);
        }
    }
    let (method, target) = split_request(request);
    Ok(Request {
        client,
        time,
        method,
        target,
        status,
        user_agent,
    })
}

/// The next space-separated token of `rest` (which then starts after the space).
fn token<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let text = *rest;
    let end = memchr::memchr(b' ', text).unwrap_or(text.len());
    if end == 0 {
        return None;
    }
    *rest = text.get(end + 1..).unwrap_or_default();
    Some(&text[..end])
}

/// A double-quoted field at the start of `rest`, its escapes (`\"`, `\\`, `\xHH`) left as
/// they are; `rest` then starts after the closing quote.
fn quoted<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let text = rest.strip_prefix(b"\"")?;
    let mut i = 0;
    while let Some(found) = memchr::memchr2(b'\\', b'"', &text[i..]) {
        i += found;
        if text[i] == b'"' {
            *rest = &text[i + 1..];
            return Some(&text[..i]);
        }
        i += 2;
        if i >= text.len() {
            break;
        }
    }
    None
}

/// `GET /search/log?q=… HTTP/1.1` → (`GET`, `/search/log?q=…`). A request line that is not
/// one (`-`, junk a scanner sent) has no target.
fn split_request(request: &[u8]) -> (&[u8], &[u8]) {
    let Some(first) = memchr::memchr(b' ', request) else {
        return (request, b"");
    };
    let method = &request[..first];
    let rest = &request[first + 1..];
    let target = match memchr::memrchr(b' ', rest) {
        Some(last) => &rest[..last],
        None => rest,
    };
    (method, target)
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// `14/Nov/2026:09:12:03 +0800`.
fn parse_time(text: &[u8]) -> Option<Stamp> {
    if text.len() != 26 {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = &text[range];
        digits.iter().all(u8::is_ascii_digit).then(|| {
            digits
                .iter()
                .fold(0i64, |n, d| n * 10 + i64::from(d - b'0'))
        })
    };
    if text[2] != b'/'
        || text[6] != b'/'
        || text[11] != b':'
        || text[14] != b':'
        || text[17] != b':'
        || text[20] != b' '
    {
        return None;
    }
    let day = number(0..2)?;
    let month = MONTHS.iter().position(|m| m[..] == text[3..6])? as i8 + 1;
    let year = number(7..11)?;
    let (h, m, s) = (number(12..14)?, number(15..17)?, number(18..20)?);
    let sign = match text[21] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let offset = sign * (number(22..24)? * 3600 + number(24..26)? * 60);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let date = Date::new(year as i16, month, day as i8).ok()?;
    let days = (date - Date::constant(1970, 1, 1)).get_days() as i64;
    Some(Stamp {
        date,
        seconds: days * 86_400 + h * 3600 + m * 60 + s - offset,
    })
}

/// Undoes the escapes of a logged field: `\xHH` (nginx: bytes outside printable ASCII, and
/// `"` and `\`), `\"` and `\\` (Apache).
pub fn unescape(field: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if memchr::memchr(b'\\', field).is_none() {
        return std::borrow::Cow::Borrowed(field);
    }
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        if field[i] == b'\\' {
            match field.get(i + 1) {
                Some(b'x') => {
                    let hex = field.get(i + 2..i + 4).and_then(|h| {
                        std::str::from_utf8(h)
                            .ok()
                            .and_then(|h| u8::from_str_radix(h, 16).ok())
                    });
                    if let Some(byte) = hex {
                        out.push(byte);
                        i += 4;
                        continue;
                    }
                }
                Some(&c @ (b'"' | b'\\')) => {
                    out.push(c);
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        out.push(field[i]);
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMBINED: &[u8] = b"203.0.113.7 - - [14/Nov/2026:09:12:03 +0800] \"GET /search/log?q=%E8%BD%AC HTTP/1.1\" 204 0 \"https://qa.example.com/\" \"Mozilla/5.0 (Linux) \\\"quoted\\\"\"";

    #[test]
    fn combined_and_common_lines_parse() {
        let request = parse(COMBINED).unwrap();
        assert_eq!(request.client, b"203.0.113.7");
        assert_eq!(request.method, b"GET");
        assert_eq!(request.target, b"/search/log?q=%E8%BD%AC");
        assert_eq!(request.status, 204);
        assert_eq!(
            request.user_agent,
            Some(&b"Mozilla/5.0 (Linux) \\\"quoted\\\""[..])
        );
        assert_eq!(request.time.date, Date::constant(2026, 11, 14));
        // 09:12:03 in UTC+8 is 01:12:03 UTC.
        assert_eq!(request.time.seconds % 86_400, 3600 + 12 * 60 + 3);

        let common = b"::1 - alice [01/Jan/2027:00:00:00 -0500] \"POST /help/search/log?event=open HTTP/2.0\" 204 -";
        let request = parse(common).unwrap();
        assert_eq!(request.method, b"POST");
        assert_eq!(request.user_agent, None);
        assert_eq!(request.time.date, Date::constant(2027, 1, 1));
    }

    #[test]
    fn other_formats_truncated_lines_and_junk_are_unreadable() {
        for line in [
            &b"{\"time\":\"2026-11-14T09:12:03+08:00\",\"uri\":\"/search/log\"}"[..],
            b"2026/11/14 09:12:03 [error] 12#12: *1 open() failed",
            b"203.0.113.7 - - [14/Nov/2026:09:12:03 +0800] \"GET /search/log?q=%E8",
            b"203.0.113.7 - - [14/Nov/2026:09:12:03 +0800] \"GET / HTTP/1.1\" 200",
            b"203.0.113.7 - - [14/Nov/2026:09:12:03 +0800] \"GET / HTTP/1.1\" 200 12 \"-\" \"Mozil",
            b"203.0.113.7 - - [31/Feb/2026:09:12:03 +0800] \"GET / HTTP/1.1\" 200 12",
            b"203.0.113.7 - - [14/Nov/2026:09:12:03] \"GET / HTTP/1.1\" 200 12",
            b"",
        ] {
            assert_eq!(
                parse(line),
                Err(Unreadable::Format),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
        assert_eq!(parse(b"\x00\x01\x02\x89PNG\x1a"), Err(Unreadable::Binary));
        // A scanner's TLS handshake on the HTTP port: a readable line with no target.
        let tls = parse(b"198.51.100.2 - - [14/Nov/2026:09:12:03 +0800] \"\\x16\\x03\\x01\\x02\\x00\" 400 157 \"-\" \"-\"").unwrap();
        assert_eq!(tls.target, b"");
    }

    #[test]
    fn escapes_are_undone() {
        assert_eq!(&*unescape(b"a\\x22b\\\\c\\\"d"), b"a\"b\\c\"d");
        assert_eq!(&*unescape(b"\\xE8\\xBD\\xAC"), "转".as_bytes());
        assert_eq!(&*unescape(b"plain"), b"plain");
        assert_eq!(&*unescape(b"\\xZZ"), b"\\xZZ");
    }

    #[test]
    fn lines_are_bounded() {
        let mut text = b"short\r\n".to_vec();
        text.extend(std::iter::repeat_n(b'a', MAX_LINE * 3));
        text.extend(b"\nlast");
        let mut lines = lines_of(&text[..]);
        assert_eq!(lines.next_line().unwrap(), Some((1, Ok(&b"short"[..]))));
        assert_eq!(
            lines.next_line().unwrap(),
            Some((2, Err(Unreadable::TooLong)))
        );
        assert_eq!(lines.next_line().unwrap(), Some((3, Ok(&b"last"[..]))));
        assert_eq!(lines.next_line().unwrap(), None);
    }
}

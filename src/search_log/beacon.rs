//! The beacon: what the search box and the search page report, as the query string of a request
//! to `<base>search/log` (the theme's `search/log.js` sends it; docs/search-log.md documents it).
//!
//! | parameter | meaning |
//! |---|---|
//! | `event` | `search` (a search the user settled on) or `open` (an answer opened from its results) |
//! | `q` | the query as typed |
//! | `system` | the system the search was limited to (folder name), if any |
//! | `results` | how many answers it found |
//! | `outcome` | `answers`, `weak` or `none`, as the search judged them |
//! | `answer`, `rank` | with `open`: the answer's id and its place in the results (from 1) |
//! | `session` | a random id the page keeps while the tab is open: which searches one user made in a row |
//! | `withheld` | `1`: the page kept the query to itself, as it looked like customer data |
//!
//! Everything in it came from a browser, so everything is checked: unknown events, broken
//! encodings and malformed values make the line a bad beacon, counted and skipped.

use percent_encoding::percent_decode;

use super::holds_customer_data;
use crate::model::ArticleId;

/// The path of the beacon, below the site's base path.
pub const PATH: &str = "search/log";

/// Longest query kept: searches are a few words; anything longer is pasted text, shown cut.
const MAX_QUERY_CHARS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Search,
    Open,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Answers,
    Weak,
    None,
}

/// A query as the log may use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    Text(String),
    /// Held customer data (found here, or by the page, which then never sent it): counted,
    /// never kept.
    Withheld,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: Kind,
    pub query: Query,
    pub system: Option<String>,
    pub results: Option<u32>,
    pub outcome: Option<Outcome>,
    pub answer: Option<ArticleId>,
    pub rank: Option<u32>,
    pub session: Option<String>,
}

/// Whether a request target (path and query string, as logged) is the beacon of a site,
/// whatever its base path (a proxy in front may add or strip one).
pub fn split(target: &[u8]) -> Option<&[u8]> {
    let (path, query) = match memchr::memchr(b'?', target) {
        Some(i) => (&target[..i], &target[i + 1..]),
        None => (target, &b""[..]),
    };
    let beacon = path.ends_with(PATH.as_bytes())
        && path.len() > PATH.len()
        && path[path.len() - PATH.len() - 1] == b'/';
    beacon.then_some(query)
}

/// The event of a beacon's query string (already unescaped from the log).
pub fn decode(query_string: &[u8]) -> Result<Event, &'static str> {
    let mut kind = None;
    let mut query = None;
    let mut withheld = false;
    let mut event = Event {
        kind: Kind::Search,
        query: Query::Withheld,
        system: None,
        results: None,
        outcome: None,
        answer: None,
        rank: None,
        session: None,
    };
    for pair in query_string.split(|&b| b == b'&') {
        let (name, value) = match memchr::memchr(b'=', pair) {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        };
        // `+` is a space in a query string (the page encodes spaces as %20; a form would not).
        let plus_as_space: std::borrow::Cow<[u8]> = if value.contains(&b'+') {
            value
                .iter()
                .map(|&b| if b == b'+' { b' ' } else { b })
                .collect::<Vec<u8>>()
                .into()
        } else {
            value.into()
        };
        let value: std::borrow::Cow<[u8]> = percent_decode(&plus_as_space).into();
        let text = || std::str::from_utf8(&value).map_err(|_| "a value that is not UTF-8 text");
        match name {
            b"event" => {
                kind = Some(match &*value {
                    b"search" => Kind::Search,
                    b"open" => Kind::Open,
                    _ => return Err("an unknown event"),
                })
            }
            b"q" => query = Some(text()?.to_string()),
            b"system" => {
                let system = text()?;
                let plain = !system.is_empty()
                    && system.len() <= 64
                    && system
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                // A system's folder name never holds customer data; a value that does is junk.
                if plain && !holds_customer_data(system) {
                    event.system = Some(system.to_string());
                }
            }
            b"results" => event.results = Some(number(&value)?),
            b"rank" => event.rank = Some(number(&value)?),
            b"outcome" => {
                event.outcome = Some(match &*value {
                    b"answers" => Outcome::Answers,
                    b"weak" => Outcome::Weak,
                    b"none" => Outcome::None,
                    _ => return Err("an unknown outcome"),
                })
            }
            b"answer" => {
                let id = text()?;
                if !ArticleId::is_valid(id) || holds_customer_data(id) {
                    return Err("an answer that is not an article id");
                }
                event.answer = Some(ArticleId(id.to_string()));
            }
            b"session" => {
                let id = text()?;
                if id.is_empty() || id.len() > 40 || !id.bytes().all(|b| b.is_ascii_alphanumeric())
                {
                    return Err("a session that is not a short id");
                }
                event.session = Some(id.to_string());
            }
            b"withheld" => withheld = &*value == b"1",
            // Parameters of later versions, or a cache-buster, are ignored.
            _ => {}
        }
    }
    event.kind = kind.ok_or("no event")?;
    if event.kind == Kind::Open && event.answer.is_none() {
        return Err("an open without an answer");
    }
    event.query = match query {
        _ if withheld => Query::Withheld,
        // Checked before anything else looks at it; the text is dropped at once.
        Some(q) if holds_customer_data(&q) => Query::Withheld,
        Some(q) => {
            let q = super::meaning::tidy(&q);
            if q.is_empty() {
                return Err("an empty query");
            }
            Query::Text(match q.char_indices().nth(MAX_QUERY_CHARS) {
                Some((cut, _)) => format!("{}…", &q[..cut]),
                None => q,
            })
        }
        None => return Err("no query"),
    };
    Ok(event)
}

fn number(value: &[u8]) -> Result<u32, &'static str> {
    std::str::from_utf8(value)
        .ok()
        .and_then(|v| v.parse().ok())
        .ok_or("a count that is not a number")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beacons_are_found_under_any_base_path() {
        assert_eq!(split(b"/search/log?q=a"), Some(&b"q=a"[..]));
        assert_eq!(split(b"/help/search/log?q=a"), Some(&b"q=a"[..]));
        assert_eq!(split(b"/search/log"), Some(&b""[..]));
        assert_eq!(split(b"/search/logs?q=a"), None);
        assert_eq!(split(b"/research/log?q=a"), None);
        assert_eq!(split(b"/search/?q=a"), None);
    }

    #[test]
    fn events_decode() {
        let e = decode(b"event=search&q=%E8%BD%AC%E8%B4%A6+%20%E5%A4%B1%E8%B4%A5&system=bank-transfer&results=3&outcome=weak&session=k3j9x2&v=1").unwrap();
        assert_eq!(e.kind, Kind::Search);
        assert_eq!(e.query, Query::Text("转账 失败".into()));
        assert_eq!(e.system.as_deref(), Some("bank-transfer"));
        assert_eq!((e.results, e.outcome), (Some(3), Some(Outcome::Weak)));
        assert_eq!(e.session.as_deref(), Some("k3j9x2"));

        let e = decode(b"event=open&q=abc&answer=KB-0042&rank=2").unwrap();
        assert_eq!(e.answer, Some(ArticleId("KB-0042".into())));
        assert_eq!(e.rank, Some(2));
    }

    #[test]
    fn customer_data_is_withheld_and_junk_refused() {
        // A checksum-valid resident ID number and a mobile number.
        for q in ["11010519491231002X%20%E5%BC%80%E6%88%B7", "13812345678"] {
            let e = decode(format!("event=search&q={q}").as_bytes()).unwrap();
            assert_eq!(e.query, Query::Withheld, "{q}");
        }
        let e = decode(b"event=search&withheld=1&results=0").unwrap();
        assert_eq!(e.query, Query::Withheld);
        let e = decode(b"event=search&q=x&system=13812345678").unwrap();
        assert_eq!(e.system, None);
        for bad in [
            &b"event=search"[..],
            b"event=delete&q=a",
            b"event=open&q=a",
            b"event=open&q=a&answer=%3Cscript%3E",
            b"event=search&q=%FF%FE",
            b"event=search&q=a&results=many",
            b"event=search&q=a&session=..%2F",
            b"event=search&q=%20",
        ] {
            assert!(decode(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}

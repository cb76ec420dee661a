//! Resident ID, mobile and bank card numbers in the view of a text.
//!
//! Digits are read in runs of groups (`138 1234 5678`, `6222-0212-3456-7890`, `110105 1949 1231
//! 002X`); a finding is a stretch of whole groups whose digits have the structure of one kind
//! (a check character, a birth date and a region for ID numbers, a Luhn digit and an issuer
//! prefix for cards, a mobile network prefix for phones), written the way that kind is
//! grouped, and not said by its context to be something else (an amount, an order number).

use std::ops::Range;

use super::Kind;
use super::context::{self, Glued, Label};
use super::view::View;

/// A finding in view coordinates.
pub struct Found {
    pub kind: Kind,
    pub chars: Range<usize>,
    /// The view indices of its digits (and check character), in order, for masking.
    pub digits: Vec<usize>,
    pub value: String,
}

/// What joins two groups of digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sep {
    /// Spaces, a line break, dashes or underscores: `138 1234 5678`, `138-1234-5678`.
    Space,
    /// One `.` between digits: a decimal point, or dots used as spaces (`138.1234.5678`).
    Dot,
}

struct Run {
    groups: Vec<Range<usize>>,
    /// The digits of all groups, and where each group's digits start in it (one more entry
    /// for the end): a stretch's value is a slice, whichever stretch is tried.
    digits: String,
    offsets: Vec<usize>,
    lengths: Vec<usize>,
    /// `seps[k]` joins `groups[k]` and `groups[k + 1]`.
    seps: Vec<Sep>,
    /// The groups joined to the first without a space (`2023-138…`): one token with it, which
    /// letters glued before the first make a code (`CRM-2023-13812345678`).
    token: usize,
}

pub fn find(view: &View, column_label: &dyn Fn(usize) -> Label) -> Vec<Found> {
    let chars = &view.chars;
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // Most runs (dates, times, ids, step numbers) have too few digits to be anything:
        // they are passed over without building a `Run`.
        let (end, digits) = extent(chars, i);
        if digits >= 11 {
            let run = read_run(chars, i);
            Classifier {
                chars,
                run: &run,
                column_label,
            }
            .classify(&mut found);
        }
        i = end;
    }
    found
}

/// What joins the group ending at `i` to the next: up to three separator characters, then a
/// digit. The next group's start, the kind of separator, and whether it is tight (no space).
fn joiner(chars: &[char], i: usize) -> Option<(usize, Sep, bool)> {
    let mut j = i;
    let (mut newlines, mut dots, mut others, mut spaces) = (0, 0, 0, 0);
    while j < chars.len() && j - i < 3 {
        match chars[j] {
            '\n' => newlines += 1,
            '.' => dots += 1,
            '-' | '_' => others += 1,
            ' ' => spaces += 1,
            _ => break,
        }
        j += 1;
    }
    let joined = j > i
        && chars.get(j).is_some_and(char::is_ascii_digit)
        && newlines <= 1
        && (newlines == 0 || dots + others == 0)
        && (dots == 0 || (dots == 1 && j == i + 1));
    let sep = if dots == 1 { Sep::Dot } else { Sep::Space };
    joined.then_some((j, sep, spaces + newlines == 0))
}

/// Where the run starting at `start` ends, and how many digits it has.
fn extent(chars: &[char], start: usize) -> (usize, usize) {
    let (mut i, mut digits) = (start, 0);
    loop {
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
        match joiner(chars, i) {
            Some((next, _, _)) => i = next,
            None => return (i, digits),
        }
    }
}

fn read_run(chars: &[char], start: usize) -> Run {
    let mut groups = Vec::new();
    let mut seps = Vec::new();
    let mut token = 0;
    let mut i = start;
    loop {
        let group_start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        groups.push(group_start..i);
        let Some((next, sep, tight)) = joiner(chars, i) else {
            break;
        };
        if tight && token == groups.len() - 1 {
            token += 1;
        }
        seps.push(sep);
        i = next;
    }
    let digits = groups
        .iter()
        .flat_map(|g| chars[g.clone()].iter())
        .collect();
    let lengths: Vec<usize> = groups.iter().map(Range::len).collect();
    let offsets = std::iter::once(0)
        .chain(lengths.iter().scan(0, |sum, l| {
            *sum += l;
            Some(*sum)
        }))
        .collect();
    Run {
        groups,
        digits,
        offsets,
        lengths,
        seps,
        token,
    }
}

struct Classifier<'a> {
    chars: &'a [char],
    run: &'a Run,
    column_label: &'a dyn Fn(usize) -> Label,
}

/// The most digits any kind has (a 19-digit card), plus a country code.
const MAX_DIGITS: usize = 19;

impl Classifier<'_> {
    fn classify(&self, found: &mut Vec<Found>) {
        let groups = &self.run.groups;
        let mut g = 0;
        while g < groups.len() {
            // The longest stretch of whole groups from `g` that is a finding.
            let mut ends = Vec::new();
            let mut total = 0;
            for (j, group) in groups.iter().enumerate().skip(g) {
                total += group.len();
                if total > MAX_DIGITS {
                    break;
                }
                ends.push(j);
            }
            let hit = ends
                .iter()
                .rev()
                .find_map(|&j| self.candidate(g, j).map(|f| (j, f)));
            match hit {
                Some((j, f)) => {
                    found.push(f);
                    g = j + 1;
                }
                None => g += 1,
            }
        }
    }

    /// Groups `g..=j` as one number, if they are one.
    fn candidate(&self, g: usize, j: usize) -> Option<Found> {
        let chars = self.chars;
        let run = self.run;
        let groups = &run.groups[g..=j];
        let last = run.groups.len() - 1;
        // Only these lengths are a kind (or one with a country code, or 17 and `X`); most
        // stretches stop here.
        let digits = &run.digits[run.offsets[g]..run.offsets[j + 1]];
        if !matches!(digits.len(), 11..=13 | 15..=19) {
            return None;
        }
        let lengths = &run.lengths[g..=j];
        let seps = &run.seps[g..j];
        // A decimal point next to the stretch makes it part of a decimal number.
        if (g > 0 && run.seps[g - 1] == Sep::Dot) || (j < last && run.seps[j] == Sep::Dot) {
            return None;
        }
        // Dots inside only as a consistent grouping (`138.1234.5678`).
        if seps.contains(&Sep::Dot) && seps.iter().any(|s| *s != Sep::Dot) {
            return None;
        }
        let start = groups[0].start;
        let mut end = groups[groups.len() - 1].end;
        // The check character, also written apart: `110105 1949 1231 002 X`.
        let x_at = if chars.get(end) == Some(&' ') {
            end + 1
        } else {
            end
        };
        let check_x = j == last
            && matches!(chars.get(x_at), Some('X' | 'x'))
            && (x_at == end || digits.len() == 17);
        if check_x {
            end = x_at + 1;
        }
        // Letters glued after the number make it part of a code (`13812345678abc`).
        if j == last && chars.get(end).is_some_and(char::is_ascii_alphanumeric) {
            return None;
        }
        let glued = if g <= run.token {
            context::glued(chars, run.groups[0].start)
        } else {
            Glued::Nothing
        };
        if glued == Glued::Code {
            return None;
        }
        // The view indices of the digits from `skip` on (a country code is not masked).
        let found = |kind, skip: usize, value: String| {
            let mut indices: Vec<usize> = groups.iter().flat_map(Clone::clone).skip(skip).collect();
            if check_x {
                indices.push(end - 1);
            }
            Some(Found {
                kind,
                chars: indices[0]..indices[indices.len() - 1] + 1,
                digits: indices,
                value,
            })
        };
        if check_x {
            let value = format!("{digits}X");
            return (value.len() == 18 && id_number(&value) && any_grouping(lengths))
                .then(|| found(Kind::IdNumber, 0, value))
                .flatten();
        }
        let value = digits;
        let n = value.len();
        // What the words around say, asked only of numbers that have a kind's structure.
        let label = || {
            let mut before = start;
            // `+86 138…`, `0086 138…`: the label comes before the country code; a number in
            // a token (`2023-138…`) has the token's label.
            if g > 0
                && matches!(
                    chars[run.groups[g - 1].clone()]
                        .iter()
                        .collect::<String>()
                        .as_str(),
                    "86" | "0086"
                )
            {
                before = run.groups[g - 1].start;
            } else if g <= run.token {
                before = run.groups[0].start;
            }
            if before > 0 && chars[before - 1] == '+' {
                before -= 1;
            }
            if glued == Glued::Label {
                return Label::Contact;
            }
            match context::before(chars, before) {
                Label::None => (self.column_label)(start),
                label => label,
            }
        };
        let quantity = || context::unit_after(chars, end) || context::currency_before(chars, start);
        let single = groups.len() == 1;
        match n {
            18 if id_number(value) && any_grouping(lengths) => {
                return found(Kind::IdNumber, 0, value.to_string());
            }
            16..=19
                if luhn(value)
                    && card_issuer(value)
                    && card_grouping(lengths)
                    && label() != Label::Number
                    && !quantity() =>
            {
                return found(Kind::BankCard, 0, value.to_string());
            }
            15 if old_id_number(value)
                && (single || lengths == [6, 6, 3] || lengths == [6, 9])
                && label() != Label::Number
                && !quantity() =>
            {
                return found(Kind::OldIdNumber, 0, value.to_string());
            }
            15 if single && value.starts_with("0086") && mobile(&value[4..]) && !quantity() => {
                return found(Kind::Mobile, 4, value[4..].to_string());
            }
            13 if single
                && value.starts_with("86")
                && mobile(&value[2..])
                && (start > 0 && chars[start - 1] == '+' || label() == Label::Contact) =>
            {
                return found(Kind::Mobile, 2, value[2..].to_string());
            }
            12 if single
                && value.starts_with('0')
                && mobile(&value[1..])
                && label() == Label::Contact =>
            {
                return found(Kind::Mobile, 1, value[1..].to_string());
            }
            11 if mobile(value) => {
                let label = label();
                let grouped =
                    mobile_grouping(lengths) || (label == Label::Contact && any_grouping(lengths));
                if grouped && label != Label::Number && !quantity() {
                    return found(Kind::Mobile, 0, value.to_string());
                }
            }
            _ => {}
        }
        None
    }
}

/// How people group a mobile number: `138 1234 5678`, `138 12345678`, `1381234 5678`.
/// Dictated one digit at a time, too: `1 3 8 1 2 3 4 5 6 7 8`.
fn mobile_grouping(lengths: &[usize]) -> bool {
    matches!(lengths, [11] | [3, 4, 4] | [3, 8] | [7, 4] | [4, 3, 4])
        || (lengths.len() == 11 && lengths.iter().all(|&l| l == 1))
}

/// Any grouping of a long number that is not a list of short ones.
fn any_grouping(lengths: &[usize]) -> bool {
    let (last, rest) = lengths.split_last().expect("a group");
    lengths.len() <= 6 && *last >= 1 && rest.iter().all(|&l| l >= 2)
}

/// `6222 0212 3456 7890 128`, `622202 1234567890`, `622848 07986 24433 974`.
fn card_grouping(lengths: &[usize]) -> bool {
    let (last, rest) = lengths.split_last().expect("a group");
    lengths.len() == 1
        || (lengths.len() == 2 && lengths[0] >= 4)
        || (rest.iter().all(|l| (3..=6).contains(l)) && (1..=6).contains(last))
}

/// Mainland mobile numbers: 11 digits with a network prefix in use (MIIT numbering plan:
/// 13x, 145–149, 150–153 and 155–159, 162/165/166/167, 170–178, 18x, 190–193 and 195–199).
pub fn mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    if b.len() != 11 || b[0] != b'1' {
        return false;
    }
    match (b[1], b[2]) {
        (b'3' | b'8', _) => true,
        (b'4', d) => (b'5'..=b'9').contains(&d),
        (b'5', d) => d != b'4',
        (b'6', d) => matches!(d, b'2' | b'5' | b'6' | b'7'),
        (b'7', d) => d <= b'8',
        (b'9', d) => d != b'4',
        _ => false,
    }
}

/// GB 11643: six digits of region, the birth date `YYYYMMDD`, three of sequence and a check
/// character (ISO 7064 MOD 11-2).
pub fn id_number(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && region(&b[..6])
        && check_character(&b[..17]) == b[17]
        && birth_date(&id[6..14], 1900..=2049)
}

/// The check character of the first 17 digits of an ID number.
pub fn check_character(digits: &[u8]) -> u8 {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    b"10X98765432"[(sum % 11) as usize]
}

/// The first generation (issued until 2004 to people born in the 1900s): region, `YYMMDD`, three
/// of sequence, no check character. Without one, only a real region and date tell it from a
/// serial number: the region's prefecture and county digits are not both zero.
fn old_id_number(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 15
        && region(&b[..6])
        && &b[2..6] != b"0000"
        && birth_date(&format!("19{}", &id[6..12]), 1900..=1999)
}

/// Province-level region codes (GB/T 2260): 11–15 north, 21–23 northeast, 31–37 east, 41–46
/// south-central, 50–54 southwest, 61–65 northwest, 71 Taiwan, 81–82 Hong Kong and Macau
/// (residence permits), 83 Taiwan residents' residence permits.
fn region(code: &[u8]) -> bool {
    let province = (code[0] - b'0') * 10 + (code[1] - b'0');
    matches!(province, 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83)
}

fn birth_date(yyyymmdd: &str, years: std::ops::RangeInclusive<i16>) -> bool {
    let number = |r: Range<usize>| yyyymmdd.get(r).and_then(|s| s.parse::<i16>().ok());
    match (number(0..4), number(4..6), number(6..8)) {
        (Some(year), Some(month), Some(day)) => {
            years.contains(&year)
                && (1..=12).contains(&month)
                && jiff::civil::Date::new(year, month as i8, day as i8).is_ok()
        }
        _ => false,
    }
}

/// The Luhn check digit of payment cards.
pub fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Issuer prefixes and lengths of the cards mainland customers hold: UnionPay (62, and the
/// banks' older 60, 65, 68, 69 and 94/95 ranges, up to 19 digits), Visa (4), Mastercard (51–55,
/// 2221–2720, 16 digits), JCB (35).
fn card_issuer(digits: &str) -> bool {
    let b = digits.as_bytes();
    let n = b.len();
    let two = (b[0] - b'0') * 10 + (b[1] - b'0');
    match two {
        60..=69 | 35 | 94 | 95 => (16..=19).contains(&n),
        40..=49 => n == 16 || n == 19,
        51..=55 => n == 16,
        22..=27 => n == 16 && (2221..=2720).contains(&digits[..4].parse::<u32>().unwrap_or(0)),
        _ => false,
    }
}

//! QR codes of absolute URLs, as small SVG, for presenters: the audience of a live session scans
//! the code on the projector to open the answer (or one step of it) on their phone.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use rustc_hash::FxHashMap;

mod family;

/// The longest URL a QR code is drawn for; callers check it (the limit at level M is 2,331
/// bytes).
pub const MAX_URL_BYTES: usize = 1_000;

/// Quiet zone around the code, in modules (the standard asks for 4; scanners in practice are
/// fine with 2 on a white page, and the code stays bigger in a corner of the screen).
const MARGIN: usize = 2;

/// The QR code of `url` as an `<img>` of a 1-bit PNG inline (`data:` URI), one pixel per module
/// with the quiet zone: about 350 bytes where the SVG takes 2-3 KB. A presentation view shows a
/// code for the answer and one per step, so at 10,000 answers this is the difference between a
/// 30 KB and a 7 KB page, 10,000 times; CSS draws it as large as the screen needs
/// (`image-rendering: pixelated` keeps the modules sharp, as `crispEdges` does for the SVG).
pub fn img(url: &str, label: &str) -> String {
    draw_img(&encode(url), label)
}

/// The SVG of a QR code of `url`, one unit per module, black on white whatever the page's color
/// scheme (scanners need the contrast). `label` becomes the accessible name.
pub fn svg(url: &str, label: &str) -> String {
    draw(&encode(url), label)
}

/// The mask every code is drawn with. A standard encoder tries all eight masks and keeps the
/// one with the lowest penalty (fewest long runs and finder-like patterns, which can trouble
/// poor scanners); that search was most of the cost of a code (eight full penalty
/// evaluations), and with a code per step of every answer it was the largest single cost of
/// a cold build after the file system. Every mask is valid and decodes with any reader;
/// `tests/qr.rs` and the unit tests below decode the codes with a real decoder.
const MASK: u8 = 2;

/// The code's modules: its size, then one bit per module, row by row.
fn encode(url: &str) -> Vec<u8> {
    modules_of(&encode_code(url))
}

fn encode_code(url: &str) -> qrcodegen::QrCode {
    use qrcodegen::{Mask, QrCode, QrCodeEcc, QrSegment, Version};
    // Error correction at least M: it survives a projector's glare and a phone at an angle; a
    // higher level is taken when it fits in the same size. URLs here are short, so the code
    // stays at version 3-5.
    let segments = QrSegment::make_segments(url);
    QrCode::encode_segments_advanced(
        &segments,
        QrCodeEcc::Medium,
        Version::MIN,
        Version::MAX,
        Some(Mask::new(MASK)),
        true,
    )
    .expect("a URL of at most MAX_URL_BYTES always fits in a QR code")
}

fn modules_of(code: &qrcodegen::QrCode) -> Vec<u8> {
    let size = code.size() as usize;
    let mut modules = vec![0u8; 1 + (size * size).div_ceil(8)];
    modules[0] = size as u8;
    for i in 0..size * size {
        if code.get_module((i % size) as i32, (i / size) as i32) {
            modules[1 + i / 8] |= 1 << (i % 8);
        }
    }
    modules
}

fn draw(modules: &[u8], label: &str) -> String {
    let size = modules[0] as usize;
    let dark = |x: usize, y: usize| {
        let i = y * size + x;
        modules[1 + i / 8] & (1 << (i % 8)) != 0
    };
    let full = size + 2 * MARGIN;
    // Each horizontal run of dark modules is one stroke along the middle of its row: about half
    // the bytes of a filled rectangle per run, which matters with a code per step on a page.
    // Runs after the first are reached with a relative move from where the last one ended
    // (`m3 0h4`, `m-20 1h2`): a quarter fewer bytes than absolute ones.
    let mut path = String::with_capacity(size * size / 4);
    // Where the pen is, in modules (x, row); None before the first run.
    let mut pen: Option<(usize, usize)> = None;
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < size && dark(x, y) {
                x += 1;
            }
            // By hand rather than `write!`: this runs for every run of every code of every
            // page (hundreds of thousands of times at 10,000 answers), and the formatting
            // machinery was most of the cost of drawing a cached code.
            match pen {
                None => {
                    path.push('M');
                    push_number(&mut path, start + MARGIN);
                    path.push(' ');
                    push_number(&mut path, y + MARGIN);
                    path.push_str(".5");
                }
                Some((px, py)) => {
                    path.push('m');
                    if start < px {
                        path.push('-');
                        push_number(&mut path, px - start);
                    } else {
                        push_number(&mut path, start - px);
                    }
                    path.push(' ');
                    push_number(&mut path, y - py);
                }
            }
            path.push('h');
            push_number(&mut path, x - start);
            pen = Some((x, y));
        }
    }
    let mut svg = String::with_capacity(path.len() + 300);
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {full}\" \
         shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"{label}\">\
         <rect width=\"{full}\" height=\"{full}\" fill=\"#fff\"/><path stroke=\"#000\" d=\"{path}\"/></svg>",
        label = escape(label)
    );
    svg
}

fn draw_img(modules: &[u8], label: &str) -> String {
    use base64::Engine as _;
    let png = png(modules);
    let full = modules[0] as usize + 2 * MARGIN;
    let mut img = String::with_capacity(png.len() * 4 / 3 + 120);
    img.push_str("<img class=\"qr\" src=\"data:image/png;base64,");
    base64::engine::general_purpose::STANDARD.encode_string(&png, &mut img);
    let _ = write!(
        img,
        "\" width=\"{full}\" height=\"{full}\" alt=\"{}\">",
        escape(label)
    );
    img
}

/// The code as a grayscale PNG of one bit per pixel (0 black, 1 white), quiet zone included.
fn png(modules: &[u8]) -> Vec<u8> {
    let full = modules[0] as usize + 2 * MARGIN;
    let pixels = pixels(modules);
    let mut out = Vec::with_capacity(256);
    let mut encoder = png::Encoder::new(&mut out, full as u32, full as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    // The fast compressor (fdeflate): the default one sets up tables of hundreds of kilobytes
    // for each of these 200-byte images, which cost more than the rest of the code.
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header().expect("writing to memory");
    writer
        .write_image_data(&pixels)
        .expect("the image has the header's size");
    writer.finish().expect("writing to memory");
    out
}

/// The code's pixel rows for [`png`]: one bit per pixel from the high bit, 0 black, each row
/// padded to whole bytes with white.
fn pixels(modules: &[u8]) -> Vec<u8> {
    let size = modules[0] as usize;
    let full = size + 2 * MARGIN;
    let row_bytes = full.div_ceil(8);
    let bits = &modules[1..];
    let byte = |k: usize| u16::from(bits.get(k).copied().unwrap_or(0));
    // White everywhere (the quiet zone's rows stay so), then each byte of a code's row made
    // from the 8 modules it shows at once: a pixel at a time was a cost of every presentation
    // view.
    let mut pixels = vec![0xffu8; row_bytes * full];
    for y in 0..size {
        let row = &mut pixels[(y + MARGIN) * row_bytes..][..row_bytes];
        for (b, pixel) in row.iter_mut().enumerate() {
            // This byte's pixels show the modules `first..first + 8` of the row (the first
            // byte starts in the quiet zone).
            let first = (8 * b) as isize - MARGIN as isize;
            let (from, to) = (first.max(0), (first + 8).min(size as isize));
            if from >= to {
                continue;
            }
            // The modules are one bit each, row after row, the first module in the low bit.
            let at = y * size + from as usize;
            let window = (byte(at / 8) | byte(at / 8 + 1) << 8) >> (at % 8);
            let dark = (window & ((1 << (to - from)) - 1)) as u8;
            // Pixels go from the high bit, and 0 is black.
            *pixel = !(dark << (from - first)).reverse_bits();
        }
    }
    pixels
}

/// Appends `n` in decimal; a code is at most 177 modules wide.
fn push_number(out: &mut String, n: usize) {
    if n >= 100 {
        out.push(char::from(b'0' + (n / 100 % 10) as u8));
    }
    if n >= 10 {
        out.push(char::from(b'0' + (n / 10 % 10) as u8));
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// Codes drawn by earlier builds, kept in `.qaportal/qr-cache-mask2` (the mask in the name: a
/// cache of codes drawn with another mask is not read): encoding a code costs microseconds,
/// times a code per step of every answer, and a site's URLs rarely change between builds.
#[derive(Default)]
pub struct Cache {
    entries: RwLock<FxHashMap<String, Entry>>,
    /// Codes not in the cache are derived from one of the same length (see `family`).
    families: family::Families,
}

struct Entry {
    modules: Arc<[u8]>,
    /// Drawn by this build: only those are saved, so the cache follows the site.
    used: AtomicBool,
}

impl Cache {
    /// The cache saved at `path`; empty if there is none or it cannot be read.
    pub fn load(path: &Path) -> Cache {
        let mut entries = FxHashMap::default();
        if let Ok(bytes) = std::fs::read(path) {
            let mut rest = &bytes[..];
            while let Some((url, modules, tail)) = read_entry(rest) {
                entries.insert(
                    url,
                    Entry {
                        modules: modules.into(),
                        used: AtomicBool::new(false),
                    },
                );
                rest = tail;
            }
        }
        Cache {
            entries: RwLock::new(entries),
            families: family::Families::default(),
        }
    }

    pub fn svg(&self, url: &str, label: &str) -> String {
        draw(&self.modules(url), label)
    }

    /// [`img`], from the cache.
    pub fn img(&self, url: &str, label: &str) -> String {
        draw_img(&self.modules(url), label)
    }

    fn modules(&self, url: &str) -> Arc<[u8]> {
        if let Some(entry) = self.entries.read().expect("not poisoned").get(url) {
            entry.used.store(true, Ordering::Relaxed);
            return Arc::clone(&entry.modules);
        }
        let modules: Arc<[u8]> = self.families.encode(url).into();
        let entry = Entry {
            modules: Arc::clone(&modules),
            used: AtomicBool::new(true),
        };
        self.entries
            .write()
            .expect("not poisoned")
            .insert(url.to_string(), entry);
        modules
    }

    /// Writes the codes this build drew; a failure only costs the next build time.
    pub fn save(&self, path: &Path) {
        let entries = self.entries.read().expect("not poisoned");
        let mut used: Vec<(&String, &Entry)> = entries
            .iter()
            .filter(|(_, e)| e.used.load(Ordering::Relaxed))
            .collect();
        used.sort_by(|a, b| a.0.cmp(b.0));
        let mut bytes = Vec::new();
        for (url, entry) in used {
            bytes.extend_from_slice(&(url.len() as u16).to_le_bytes());
            bytes.extend_from_slice(url.as_bytes());
            bytes.extend_from_slice(&(entry.modules.len() as u16).to_le_bytes());
            bytes.extend_from_slice(&entry.modules);
        }
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(path, bytes);
    }
}

/// One `(url, modules)` record and what follows it; `None` at the end or on damage.
fn read_entry(bytes: &[u8]) -> Option<(String, Vec<u8>, &[u8])> {
    fn take(b: &[u8]) -> Option<(usize, &[u8])> {
        let (len, rest) = b.split_first_chunk::<2>()?;
        Some((u16::from_le_bytes(*len) as usize, rest))
    }
    let (url_len, rest) = take(bytes)?;
    let url = std::str::from_utf8(rest.get(..url_len)?).ok()?.to_string();
    let (modules_len, rest) = take(&rest[url_len..])?;
    let modules = rest.get(..modules_len)?.to_vec();
    let size = *modules.first()? as usize;
    (modules.len() == 1 + (size * size).div_ceil(8)).then_some((url, modules, &rest[modules_len..]))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_draws_the_same_codes_and_keeps_only_used_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("qr-cache");
        let cache = Cache::load(&path);
        let a = cache.svg("https://qa.example.com/a/KB-0001/", "甲");
        cache.svg("https://qa.example.com/a/KB-0002/", "乙");
        assert_eq!(a, svg("https://qa.example.com/a/KB-0001/", "甲"));
        cache.save(&path);

        let again = Cache::load(&path);
        assert_eq!(again.entries.read().unwrap().len(), 2);
        assert_eq!(again.svg("https://qa.example.com/a/KB-0001/", "甲"), a);
        again.save(&path);
        assert_eq!(
            Cache::load(&path).entries.read().unwrap().len(),
            1,
            "unused codes are dropped"
        );

        std::fs::write(&path, b"\x05\x00ab").unwrap();
        assert_eq!(
            Cache::load(&path).entries.read().unwrap().len(),
            0,
            "damage means an empty cache"
        );
    }

    #[test]
    fn pixel_rows_are_those_drawn_a_module_at_a_time() {
        // Codes of every size up to version 14 (short and long URLs, ASCII and not).
        for length in (1..400).step_by(7) {
            let url = format!("https://qa.example.com/a/{}", "问x".repeat(length / 4 + 1));
            let modules = encode(&url[..url.floor_char_boundary(30 + length)]);
            let size = modules[0] as usize;
            let full = size + 2 * MARGIN;
            let row_bytes = full.div_ceil(8);
            let mut expected = vec![0xffu8; row_bytes * full];
            for y in 0..size {
                for x in 0..size {
                    let i = y * size + x;
                    if modules[1 + i / 8] & (1 << (i % 8)) != 0 {
                        let (px, py) = (x + MARGIN, y + MARGIN);
                        expected[py * row_bytes + px / 8] &= !(0x80 >> (px % 8));
                    }
                }
            }
            assert_eq!(pixels(&modules), expected, "size {size}");
        }
    }

    #[test]
    fn the_inline_png_is_small_and_has_the_code_s_pixels() {
        let url = "https://qa.example.com/a/KB-00042/#step-3";
        let img = img(url, "第 3 步的二维码");
        assert!(img.starts_with("<img class=\"qr\" src=\"data:image/png;base64,"));
        assert!(img.ends_with("alt=\"第 3 步的二维码\">"));
        assert!(img.len() < 600, "{} bytes: {img}", img.len());
        assert!(img.len() * 3 < svg(url, "第 3 步的二维码").len());
        // The SVG's path moves relatively after its first run.
        let drawn = svg(url, "x");
        let path = &drawn[drawn.find(" d=\"").unwrap() + 4..];
        assert_eq!(path.matches('M').count(), 1, "{path}");
        assert!(path.contains("m-"), "{path}");
        let modules = encode(url);
        let decoder = png::Decoder::new(std::io::Cursor::new(png(&modules)));
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut pixels).unwrap();
        let size = modules[0] as usize;
        assert_eq!(frame.width as usize, size + 2 * MARGIN);
        let dark = |x: usize, y: usize| {
            let i = y * size + x;
            modules[1 + i / 8] & (1 << (i % 8)) != 0
        };
        for y in 0..size + 2 * MARGIN {
            for x in 0..size + 2 * MARGIN {
                let black = pixels[y * frame.line_size + x / 8] & (0x80 >> (x % 8)) == 0;
                let inside =
                    (MARGIN..MARGIN + size).contains(&x) && (MARGIN..MARGIN + size).contains(&y);
                assert_eq!(
                    black,
                    inside && dark(x - MARGIN, y - MARGIN),
                    "pixel {x},{y}"
                );
            }
        }
    }

    #[test]
    fn codes_of_every_length_decode_with_a_real_decoder() {
        // Short, typical and the longest URLs drawn (versions 2 to about 22), each with the
        // fixed mask; rqrr reads the modules as a phone's decoder would.
        for len in [10, 40, 90, 200, 500, MAX_URL_BYTES] {
            let url: String = "https://qa.example.com/a/KB-00042/#step-"
                .chars()
                .chain(std::iter::repeat('x'))
                .take(len)
                .collect();
            let modules = encode(&url);
            let size = modules[0] as usize;
            let scale = 4;
            let full = (size + 2 * MARGIN) * scale;
            let mut image = rqrr::PreparedImage::prepare_from_greyscale(full, full, |x, y| {
                let (x, y) = (x / scale, y / scale);
                let inside =
                    (MARGIN..MARGIN + size).contains(&x) && (MARGIN..MARGIN + size).contains(&y);
                let dark = inside && {
                    let i = (y - MARGIN) * size + (x - MARGIN);
                    modules[1 + i / 8] & (1 << (i % 8)) != 0
                };
                if dark { 0 } else { 255 }
            });
            let grids = image.detect_grids();
            assert_eq!(grids.len(), 1, "{len} bytes");
            let (meta, text) = grids[0].decode().expect("decodes");
            assert_eq!(text, url);
            assert_eq!(meta.mask, u16::from(MASK), "{len} bytes");
            // The format bits' order: M is 0, L is 1, H is 2, Q is 3.
            assert_ne!(meta.ecc_level, 1, "level M or better");
        }
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 42, 99, 100, 177, 999] {
            let mut out = String::new();
            push_number(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn produces_a_compact_standalone_svg() {
        let svg = svg("https://qa.example.com/a/KB-0042/", "KB-0042 的二维码");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 33 33\""));
        assert!(svg.contains("aria-label=\"KB-0042 的二维码\""));
        assert!(
            svg.len() < 2500,
            "one stroke per run of dark modules: {} bytes",
            svg.len()
        );
    }
}

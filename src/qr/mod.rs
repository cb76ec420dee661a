//! QR codes of absolute URLs, as small SVG, for presenters: the audience of a live session scans
//! the code on the projector to open the answer (or one step of it) on their phone.

use std::fmt::Write as _;

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
    // About 1.5 bytes per module: room enough to never grow the string.
    let mut path = String::with_capacity(size * size * 2);
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
///
/// Written by hand rather than with the `png` crate: its fast compressor found nothing to gain
/// on a QR code's near-random rows and fell back to stored (uncompressed) deflate blocks, so
/// what it wrote is exactly this (the tests compare the bytes), after setting up a compressor,
/// filtering every row and compressing each image twice, 60,000 times at 10,000 answers.
/// The file: the signature, IHDR, one IDAT holding a zlib stream of one stored block (a row is
/// at most 24 bytes and a code at most 181 pixels high, far below a block's 65,535 bytes) and
/// IEND.
fn png(modules: &[u8]) -> Vec<u8> {
    let full = modules[0] as usize + 2 * MARGIN;
    // Each row is a filter byte (0, none) then its pixels.
    let raw_len = (full.div_ceil(8) + 1) * full;
    let block_len = u16::try_from(raw_len).expect("a QR code fits in one stored block");
    let idat_len = 2 + 5 + raw_len + 4;
    let mut out = Vec::with_capacity(8 + 25 + 12 + idat_len + 12);
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");

    let mut ihdr = [0u8; 13];
    ihdr[..4].copy_from_slice(&(full as u32).to_be_bytes());
    ihdr[4..8].copy_from_slice(&(full as u32).to_be_bytes());
    // Bit depth 1, grayscale; deflate, adaptive filtering (each row names its filter), not
    // interlaced.
    ihdr[8..].copy_from_slice(&[1, 0, 0, 0, 0]);
    push_chunk(&mut out, b"IHDR", |out| out.extend_from_slice(&ihdr));

    push_chunk(&mut out, b"IDAT", |out| {
        // zlib: deflate with a 32 KB window, no preset dictionary, "fastest" (what the png
        // crate's stored blocks say); then the final stored block's header.
        out.extend_from_slice(&[0x78, 0x01, 0x01]);
        out.extend_from_slice(&block_len.to_le_bytes());
        out.extend_from_slice(&(!block_len).to_le_bytes());
        let rows = out.len();
        pixel_rows(modules, out);
        let adler = adler32(&out[rows..]);
        out.extend_from_slice(&adler.to_be_bytes());
    });
    push_chunk(&mut out, b"IEND", |_| {});
    out
}

/// Appends a PNG chunk: its length, type, the data `write` appends, and the CRC of type and data.
fn push_chunk(out: &mut Vec<u8>, kind: &[u8; 4], write: impl FnOnce(&mut Vec<u8>)) {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(kind);
    write(out);
    let len = (out.len() - start - 8) as u32;
    out[start..start + 4].copy_from_slice(&len.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&out[start + 4..]);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

/// zlib's checksum. The image data is at most a few kilobytes, so the sums cannot overflow 64
/// bits before the one reduction at the end.
fn adler32(data: &[u8]) -> u32 {
    const MOD: u64 = 65_521;
    let (mut a, mut b) = (1u64, 0u64);
    for &byte in data {
        a += u64::from(byte);
        b += a;
    }
    (((b % MOD) << 16) | (a % MOD)) as u32
}

/// Appends the code's pixel rows for [`png`], each after its filter byte (0): one bit per pixel
/// from the high bit, 0 black, each row padded to whole bytes with white.
fn pixel_rows(modules: &[u8], out: &mut Vec<u8>) {
    let size = modules[0] as usize;
    let full = size + 2 * MARGIN;
    let row_bytes = full.div_ceil(8);
    let bits = &modules[1..];
    let byte = |k: usize| u16::from(bits.get(k).copied().unwrap_or(0));
    let start = out.len();
    // White everywhere (the quiet zone's rows stay so), then each byte of a code's row made
    // from the 8 modules it shows at once: a pixel at a time was a cost of every presentation
    // view.
    out.resize(start + (row_bytes + 1) * full, 0xff);
    for (y, row) in out[start..].chunks_exact_mut(row_bytes + 1).enumerate() {
        row[0] = 0;
        let Some(y) = y.checked_sub(MARGIN).filter(|&y| y < size) else {
            continue;
        };
        for (b, pixel) in row[1..].iter_mut().enumerate() {
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

/// The codes a build's templates draw. Codes are not kept between builds: deriving one from a
/// sibling of the same length (see `family`) costs about a microsecond, less than looking it
/// up in a shared map, inserting it and saving the map (9.8 MB at 10,000 answers) did; a
/// cold build spent more on that cache than on the codes.
#[derive(Default)]
pub struct Codes {
    families: family::Families,
}

impl Codes {
    /// [`svg`], derived from a code drawn before when it can be.
    pub fn svg(&self, url: &str, label: &str) -> String {
        draw(&self.families.encode(url), label)
    }

    /// [`img`], derived from a code drawn before when it can be.
    pub fn img(&self, url: &str, label: &str) -> String {
        draw_img(&self.families.encode(url), label)
    }
}

/// Where earlier versions kept their codes between builds (`.qaportal/qr-cache-mask2`),
/// relative to the site folder: builds remove it, as nothing reads it any more.
pub const OLD_CACHE: &str = ".qaportal/qr-cache-mask2";

fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    // Labels rarely hold any of these: no copy then (one per code, 60,000 per build).
    if !text.contains(['&', '"', '<', '>']) {
        return text.into();
    }
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_codes_draw_as_encoded_ones() {
        let codes = Codes::default();
        for id in [1, 2, 42, 9999] {
            for step in ["", "#step-1", "#step-7", "#step-12"] {
                let url = format!("https://qa.example.com/a/KB-{id:05}/{step}");
                assert_eq!(codes.svg(&url, "甲"), svg(&url, "甲"), "{url}");
                assert_eq!(codes.img(&url, "乙"), img(&url, "乙"), "{url}");
            }
        }
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(escape("KB-1 的二维码"), "KB-1 的二维码");
        assert_eq!(escape("a&b \"c\" <d>"), "a&amp;b &quot;c&quot; &lt;d&gt;");
        assert!(img("https://qa.example.com/", "<&>").ends_with("alt=\"&lt;&amp;&gt;\">"));
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
            // Each row after its filter byte (0).
            let stride = row_bytes + 1;
            let mut expected = vec![0xffu8; stride * full];
            for y in 0..full {
                expected[y * stride] = 0;
            }
            for y in 0..size {
                for x in 0..size {
                    let i = y * size + x;
                    if modules[1 + i / 8] & (1 << (i % 8)) != 0 {
                        let (px, py) = (x + MARGIN, y + MARGIN);
                        expected[py * stride + 1 + px / 8] &= !(0x80 >> (px % 8));
                    }
                }
            }
            let mut rows = vec![7];
            pixel_rows(&modules, &mut rows);
            assert_eq!(rows[0], 7, "appended");
            assert_eq!(rows[1..], expected, "size {size}");
        }
    }

    /// What the `png` crate writes for the same pixels, with `compression`.
    fn png_crate(modules: &[u8], compression: png::Compression) -> Vec<u8> {
        let full = modules[0] as usize + 2 * MARGIN;
        let mut rows = Vec::new();
        pixel_rows(modules, &mut rows);
        // The crate takes the rows without their filter bytes.
        let pixels: Vec<u8> = rows
            .chunks_exact(full.div_ceil(8) + 1)
            .flat_map(|row| row[1..].iter().copied())
            .collect();
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, full as u32, full as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        encoder.set_compression(compression);
        encoder.set_filter(png::Filter::NoFilter);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&pixels).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn the_png_is_the_png_crate_s_byte_for_byte() {
        // Every size a URL drawn here can have (versions 1 to about 22), and the largest code.
        for length in (1..=MAX_URL_BYTES).step_by(13) {
            let url = format!(
                "https://qa.example.com/a/KB-{length:05}/{}",
                "x".repeat(length)
            );
            let modules = encode(&url[..length.max(10)]);
            assert_eq!(
                png(&modules),
                png_crate(&modules, png::Compression::NoCompression),
                "{length} bytes"
            );
            // Before it was written by hand, the crate's fast compression made these images
            // (its compressed stream was larger than the stored one), so the pages did not
            // change.
            assert_eq!(
                png(&modules),
                png_crate(&modules, png::Compression::Fast),
                "{length} bytes"
            );
        }
        // Version 40, which no URL here reaches: still one stored block.
        let largest = modules_of(
            &qrcodegen::QrCode::encode_binary(&[b'x'; 2_900], qrcodegen::QrCodeEcc::Low).unwrap(),
        );
        assert_eq!(largest[0], 177);
        assert_eq!(
            png(&largest),
            png_crate(&largest, png::Compression::NoCompression)
        );
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

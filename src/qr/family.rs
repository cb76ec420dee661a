//! Codes derived from a sibling's instead of encoded from scratch. An answer's page shows a
//! code for its URL and one per step (`…/a/KB-0001/#step-3`); at 10,000 answers encoding them
//! one by one was the largest share of drawing a page.
//!
//! Why deriving is exact: two URLs of the same byte length are encoded at the same version and
//! error correction level, with the same header and padding, so their data codewords differ
//! only where their bytes differ. Reed-Solomon error correction is linear over GF(256), the
//! mask is fixed (`MASK`) and XORed onto the data area, and the format and version bits depend
//! only on the level, mask and version. So the code of B is the code of A with the modules of
//! (data of A XOR data of B, plus its error correction) flipped. The tests compare derived
//! codes with qrcodegen's own encoding, bit for bit.

use std::sync::OnceLock;

/// The first code encoded at each URL length, from which the others of that length are derived.
pub struct Families {
    /// By URL length, up to [`super::MAX_URL_BYTES`]: a family is made once and then only read,
    /// by every code of that length, on every thread, without a lock.
    by_length: Box<[OnceLock<Family>]>,
}

impl Default for Families {
    fn default() -> Families {
        Families {
            by_length: (0..=super::MAX_URL_BYTES)
                .map(|_| OnceLock::new())
                .collect(),
        }
    }
}

impl Families {
    /// The modules of `url` (as [`super::encode`] returns them), derived from a code of the same
    /// length when there is one.
    pub fn encode(&self, url: &str) -> Vec<u8> {
        let Some(slot) = self.by_length.get(url.len()).filter(|_| is_byte_mode(url)) else {
            return super::encode(url);
        };
        let mut made = None;
        let family = slot.get_or_init(|| {
            let (modules, family) = Family::new(url);
            made = Some(modules);
            family
        });
        // The first URL of a length was encoded as it made the family.
        made.unwrap_or_else(|| family.derive(url.as_bytes()))
    }
}

/// qrcodegen encodes text in byte mode when any character is outside the alphanumeric set (as
/// the lowercase `https` of every URL here is); only then do equal lengths mean equal layouts.
fn is_byte_mode(url: &str) -> bool {
    const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    url.bytes().any(|b| !ALPHANUMERIC.contains(&b))
}

struct Family {
    url: Vec<u8>,
    modules: Vec<u8>,
    /// Bit offset of the URL's first byte in the data codewords (mode and length header).
    header_bits: usize,
    data_codewords: usize,
    blocks: usize,
    short_blocks: usize,
    short_block_len: usize,
    ecc_len: usize,
    /// Reed-Solomon generator polynomial, highest power first, leading 1 left out.
    divisor: Vec<u8>,
    /// The module index (y * size + x) of each bit of the interleaved codewords, in order.
    positions: Vec<u16>,
}

impl Family {
    fn new(url: &str) -> (Vec<u8>, Family) {
        let code = super::encode_code(url);
        let modules = super::modules_of(&code);
        let version = usize::from(code.version().value());
        let level = match code.error_correction_level() {
            qrcodegen::QrCodeEcc::Low => 0,
            qrcodegen::QrCodeEcc::Medium => 1,
            qrcodegen::QrCodeEcc::Quartile => 2,
            qrcodegen::QrCodeEcc::High => 3,
        };
        let blocks = NUM_ERROR_CORRECTION_BLOCKS[level][version] as usize;
        let ecc_len = ECC_CODEWORDS_PER_BLOCK[level][version] as usize;
        let raw_codewords = raw_data_modules(version) / 8;
        let family = Family {
            url: url.as_bytes().to_vec(),
            modules: modules.clone(),
            header_bits: 4 + if version <= 9 { 8 } else { 16 },
            data_codewords: raw_codewords - blocks * ecc_len,
            blocks,
            short_blocks: blocks - raw_codewords % blocks,
            short_block_len: raw_codewords / blocks,
            ecc_len,
            divisor: divisor(ecc_len),
            positions: positions(version, raw_codewords * 8),
        };
        (modules, family)
    }

    fn derive(&self, url: &[u8]) -> Vec<u8> {
        debug_assert_eq!(url.len(), self.url.len());
        let mut data = vec![0u8; self.data_codewords];
        for (i, (a, b)) in self.url.iter().zip(url).enumerate() {
            let d = a ^ b;
            if d != 0 {
                // Both header lengths are 4 bits off a byte boundary.
                let k = (self.header_bits + 8 * i) / 8;
                data[k] ^= d >> 4;
                data[k + 1] ^= d << 4;
            }
        }
        let mut modules = self.modules.clone();
        let mut flip = |codeword: usize, byte: u8| {
            let mut bits = byte;
            while bits != 0 {
                let bit = bits.leading_zeros() as usize;
                bits &= !(0x80 >> bit);
                let p = usize::from(self.positions[codeword * 8 + bit]);
                modules[1 + p / 8] ^= 1 << (p % 8);
            }
        };
        // As qrcodegen interleaves: the i-th data codeword of every block in turn (short blocks
        // have one fewer), then the i-th error correction codeword of every block.
        let short_data = self.short_block_len - self.ecc_len;
        let mut start = 0;
        for j in 0..self.blocks {
            let len = short_data + usize::from(j >= self.short_blocks);
            let block = &data[start..start + len];
            start += len;
            if block.iter().all(|&b| b == 0) {
                continue;
            }
            for (i, &b) in block.iter().enumerate() {
                if b != 0 {
                    let index = if i < short_data {
                        i * self.blocks + j
                    } else {
                        // The extra data codeword of long blocks comes after the short ones'.
                        short_data * self.blocks + (j - self.short_blocks)
                    };
                    flip(index, b);
                }
            }
            let ecc = remainder(block, &self.divisor);
            let ecc_start = short_data * self.blocks + (self.blocks - self.short_blocks);
            for (i, &b) in ecc[..self.ecc_len].iter().enumerate() {
                if b != 0 {
                    flip(ecc_start + i * self.blocks + j, b);
                }
            }
        }
        modules
    }
}

/// Data bits a code of `version` holds, remainder bits included (qrcodegen's formula).
fn raw_data_modules(version: usize) -> usize {
    let mut result = (16 * version + 128) * version + 64;
    if version >= 2 {
        let aligns = version / 7 + 2;
        result -= (25 * aligns - 10) * aligns - 55;
        if version >= 7 {
            result -= 36;
        }
    }
    result
}

/// Where each codeword bit goes: the zigzag of two-module columns from the bottom right,
/// skipping the function patterns.
fn positions(version: usize, bits: usize) -> Vec<u16> {
    let size = version * 4 + 17;
    let function = function_modules(version, size);
    let mut positions = Vec::with_capacity(bits);
    let mut right = size - 1;
    loop {
        if right == 6 {
            right = 5;
        }
        let upward = (right + 1) & 2 == 0;
        for vert in 0..size {
            let y = if upward { size - 1 - vert } else { vert };
            for x in [right, right - 1] {
                if !function[y * size + x] && positions.len() < bits {
                    positions.push((y * size + x) as u16);
                }
            }
        }
        if right < 3 {
            break;
        }
        right -= 2;
    }
    debug_assert_eq!(positions.len(), bits);
    positions
}

/// The finder, timing, alignment, format and version modules, which hold no data.
fn function_modules(version: usize, size: usize) -> Vec<bool> {
    let mut function = vec![false; size * size];
    let mut mark = |x: usize, y: usize| function[y * size + x] = true;
    for i in 0..size {
        mark(6, i);
        mark(i, 6);
    }
    // Finders with their separators, and the format bits beside them (row and column 8).
    for a in 0..9 {
        for b in 0..9 {
            mark(a, b);
        }
        for b in size - 8..size {
            mark(a, b);
            mark(b, a);
        }
    }
    if version >= 2 {
        let count = version / 7 + 2;
        let step = if version == 32 {
            26
        } else {
            (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        };
        let mut centers: Vec<usize> = (0..count - 1).map(|i| size - 7 - i * step).collect();
        centers.push(6);
        centers.reverse();
        for (i, &cx) in centers.iter().enumerate() {
            for (j, &cy) in centers.iter().enumerate() {
                // The three corners are the finders'.
                let last = count - 1;
                if (i, j) == (0, 0) || (i, j) == (0, last) || (i, j) == (last, 0) {
                    continue;
                }
                for y in cy - 2..=cy + 2 {
                    for x in cx - 2..=cx + 2 {
                        mark(x, y);
                    }
                }
            }
        }
    }
    if version >= 7 {
        for i in 0..18 {
            let (a, b) = (size - 11 + i % 3, i / 3);
            mark(a, b);
            mark(b, a);
        }
    }
    function
}

/// Powers of the generator 2 of GF(256) modulo QR's polynomial 0x11D, twice over so that the
/// sum of two logarithms needs no reduction.
static EXP: [u8; 512] = {
    let mut table = [0u8; 512];
    let mut x: u16 = 1;
    let mut i = 0;
    while i < 255 {
        table[i] = x as u8;
        table[i + 255] = x as u8;
        x <<= 1;
        if x & 0x100 != 0 {
            x ^= 0x11D;
        }
        i += 1;
    }
    table
};

/// Logarithms to base 2 in GF(256); 0 has none (callers skip zero factors).
static LOG: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 255 {
        table[EXP[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Multiplication in GF(256) by logarithms: a derived code multiplies each data byte by every
/// generator coefficient, which bit by bit was most of the cost of deriving.
fn multiply(x: u8, y: u8) -> u8 {
    if x == 0 || y == 0 {
        0
    } else {
        EXP[usize::from(LOG[usize::from(x)]) + usize::from(LOG[usize::from(y)])]
    }
}

fn divisor(degree: usize) -> Vec<u8> {
    let mut result = vec![0u8; degree - 1];
    result.push(1);
    let mut root = 1u8;
    for _ in 0..degree {
        for j in 0..degree {
            result[j] = multiply(result[j], root);
            if j + 1 < result.len() {
                result[j] ^= result[j + 1];
            }
        }
        root = multiply(root, 0x02);
    }
    result
}

/// The error correction codewords of `data` (at most 30 of them, as `divisor` is long): the
/// remainder of its division by the generator polynomial, as qrcodegen computes it.
fn remainder(data: &[u8], divisor: &[u8]) -> [u8; 30] {
    let degree = divisor.len();
    let mut result = [0u8; 30];
    // Leading zero bytes leave the remainder zero: a derived block often differs from its
    // family's only near its end (`#step-2` and `#step-3`).
    let first = data.iter().position(|&b| b != 0).unwrap_or(data.len());
    for &b in &data[first..] {
        let factor = b ^ result[0];
        result.copy_within(1..degree, 0);
        result[degree - 1] = 0;
        if factor != 0 {
            let log = usize::from(LOG[usize::from(factor)]);
            for (x, &y) in result.iter_mut().zip(divisor) {
                if y != 0 {
                    *x ^= EXP[usize::from(LOG[usize::from(y)]) + log];
                }
            }
        }
    }
    result
}

// qrcodegen's tables (index 0 is padding), by level (L, M, Q, H) and version.
#[rustfmt::skip]
static ECC_CODEWORDS_PER_BLOCK: [[i8; 41]; 4] = [
    [-1,  7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
    [-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    [-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
];

#[rustfmt::skip]
static NUM_ERROR_CORRECTION_BLOCKS: [[i8; 41]; 4] = [
    [-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4,  4,  4,  4,  4,  6,  6,  6,  6,  7,  8,  8,  9,  9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
    [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5,  5,  8,  9,  9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
    [-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8,  8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
    [-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_codes_equal_qrcodegen_s_bit_for_bit() {
        let families = Families::default();
        let mut checked = 0;
        // Short and long URLs (versions 2 to about 22, one and several blocks, short and long
        // blocks), answers and steps, ASCII and Chinese.
        for pad in [0, 1, 7, 30, 61, 120, 250, 400, 700, 960] {
            for answer in [1, 42, 999, 1234, 9999] {
                for step in [None, Some(1), Some(2), Some(9), Some(10), Some(42)] {
                    let mut url = format!("https://qa.example.com/a/KB-{answer:04}/");
                    url.extend(std::iter::repeat_n('p', pad));
                    if pad % 2 == 1 {
                        url.push_str("问题/");
                    }
                    if let Some(step) = step {
                        url.push_str(&format!("#step-{step}"));
                    }
                    assert_eq!(families.encode(&url), crate::qr::encode(&url), "{url}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 300);
        assert!(
            families
                .by_length
                .iter()
                .filter(|f| f.get().is_some())
                .count()
                < 60,
            "most codes were derived"
        );
        // Alphanumeric-only text is not in byte mode: encoded directly.
        assert_eq!(
            families.encode("HTTPS://QA.EXAMPLE"),
            crate::qr::encode("HTTPS://QA.EXAMPLE")
        );
    }

    #[test]
    fn multiplication_by_logarithms_is_qrcodegen_s() {
        // qrcodegen's Russian-peasant multiplication modulo 0x11D.
        fn bitwise(x: u8, y: u8) -> u8 {
            let mut z = 0u8;
            for i in (0..8).rev() {
                z = (z << 1) ^ ((z >> 7) * 0x1D);
                z ^= ((y >> i) & 1) * x;
            }
            z
        }
        for x in 0..=255 {
            for y in 0..=255 {
                assert_eq!(multiply(x, y), bitwise(x, y), "{x} * {y}");
            }
        }
    }

    #[test]
    fn function_modules_leave_the_data_bits_qrcodegen_counts() {
        for version in 1..=40 {
            let size = version * 4 + 17;
            let free = function_modules(version, size)
                .iter()
                .filter(|f| !**f)
                .count();
            assert_eq!(free, raw_data_modules(version), "version {version}");
        }
    }
}

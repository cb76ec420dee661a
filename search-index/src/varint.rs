//! LEB128 variable-length integers, for the caches a build keeps between runs (the search
//! analyses here, the related answers' terms in the site generator): most of their numbers are
//! small counts and id gaps, which take one byte.

/// Appends `n` as a LEB128 variable-length integer.
pub fn put(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// The LEB128 integer at `at`, moving past it; `None` if the bytes end first or it runs past
/// 64 bits (damaged input).
pub fn get(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        n |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(n);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_back_and_damage_is_refused() {
        let numbers = [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX];
        let mut out = Vec::new();
        for &n in &numbers {
            put(&mut out, n);
        }
        assert_eq!(out[..4], [0, 1, 127, 0x80]);
        let mut at = 0;
        for &n in &numbers {
            assert_eq!(get(&out, &mut at), Some(n));
        }
        assert_eq!(at, out.len());
        // Cut short, and continuation bytes past 64 bits.
        assert_eq!(get(&out[..out.len() - 1], &mut (out.len() - 10)), None);
        assert_eq!(get(&[0x80; 11], &mut 0), None);
    }
}

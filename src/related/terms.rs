//! Each answer's terms before idf, as ids of one vocabulary of term hashes, and the cache of
//! them in `.qaportal/related-terms` (issue 13).
//!
//! At 10,000 answers the answers have about 2.3 million (answer, term) pairs, all held until
//! every answer is counted (the idf needs them all): as (hash, weight) pairs they took 16 bytes
//! each and 12 in the cache file, as (id, weight) 8 in memory and about 6 in the file.

use rustc_hash::FxHashMap;
use search_index::varint::{get, put};

use super::Vector;

/// An answer's terms with their weights before idf, by term id of a [`TermIds`] (ascending).
pub(super) type RawTerms = Box<[(u32, f32)]>;

/// The term hashes of the answers, numbered in the order they were first met.
#[derive(Default)]
pub(super) struct TermIds {
    hashes: Vec<u64>,
    ids: FxHashMap<u64, u32>,
}

impl TermIds {
    pub(super) fn len(&self) -> usize {
        self.hashes.len()
    }

    /// The term hash of `id`.
    pub(super) fn hash(&self, id: u32) -> u64 {
        self.hashes[id as usize]
    }

    fn id(&mut self, hash: u64) -> u32 {
        *self.ids.entry(hash).or_insert_with(|| {
            self.hashes.push(hash);
            u32::try_from(self.hashes.len() - 1).expect("fewer than 2^32 terms")
        })
    }

    /// `terms` (by hash) by id.
    pub(super) fn number(&mut self, terms: Vector) -> RawTerms {
        let mut numbered: Vec<(u32, f32)> = terms
            .into_iter()
            .map(|(hash, weight)| (self.id(hash), weight))
            .collect();
        numbered.sort_unstable_by_key(|&(id, _)| id);
        numbered.into()
    }
}

/// `keys` and `terms` as bytes for [`read`]: the term hashes in use (numbered afresh, in the
/// order of their ids: an edited answer's old terms go), then per answer its key, its number
/// of terms and each term's id (as the gap from the previous one) and weight (its exact bits,
/// so that a reused vector is the one computed). Integers are LEB128.
pub(super) fn write(keys: &[u128], terms: &[RawTerms], ids: &TermIds) -> Vec<u8> {
    let mut renumber = vec![u32::MAX; ids.len()];
    for answer in terms {
        for &(id, _) in answer.iter() {
            renumber[id as usize] = 0;
        }
    }
    let mut used = 0u32;
    for id in &mut renumber {
        if *id == 0 {
            *id = used;
            used += 1;
        }
    }
    let pairs: usize = terms.iter().map(|t| t.len()).sum();
    let mut out = Vec::with_capacity(used as usize * 8 + keys.len() * 20 + pairs * 6);
    put(&mut out, u64::from(used));
    for (id, &new) in renumber.iter().enumerate() {
        if new != u32::MAX {
            out.extend_from_slice(&ids.hash(id as u32).to_le_bytes());
        }
    }
    put(&mut out, keys.len() as u64);
    for (key, answer) in keys.iter().zip(terms) {
        out.extend_from_slice(&key.to_le_bytes());
        put(&mut out, answer.len() as u64);
        // Renumbering keeps the order of the ids: the gaps stay positive.
        let mut previous = 0;
        for &(id, weight) in answer.iter() {
            let id = renumber[id as usize];
            put(&mut out, u64::from(id - previous));
            out.extend_from_slice(&weight.to_bits().to_le_bytes());
            previous = id;
        }
    }
    out
}

/// The term ids and the terms by key of [`write`]'s bytes, if whole.
pub(super) fn read(bytes: &[u8]) -> Option<(TermIds, FxHashMap<u128, RawTerms>)> {
    let mut at = 0usize;
    let take = |at: &mut usize, n: usize| -> Option<&[u8]> {
        let part = bytes.get(*at..at.checked_add(n)?)?;
        *at += n;
        Some(part)
    };
    let n_terms = usize::try_from(get(bytes, &mut at)?).ok()?;
    // Every hash takes 8 bytes: a damaged count cannot ask for more.
    if n_terms > bytes.len() / 8 {
        return None;
    }
    let mut ids = TermIds::default();
    ids.hashes.reserve_exact(n_terms);
    for id in 0..n_terms {
        let hash = u64::from_le_bytes(take(&mut at, 8)?.try_into().ok()?);
        // Each hash once, or the ids would not be the written ones.
        if ids.id(hash) as usize != id {
            return None;
        }
    }
    let n_answers = get(bytes, &mut at)?;
    let mut by_key = FxHashMap::default();
    for _ in 0..n_answers {
        let key = u128::from_le_bytes(take(&mut at, 16)?.try_into().ok()?);
        let len = usize::try_from(get(bytes, &mut at)?).ok()?;
        // Every term takes 5 bytes at least.
        if len > bytes.len() / 5 {
            return None;
        }
        let mut terms = Vec::with_capacity(len);
        let mut id = 0u64;
        for k in 0..len {
            let gap = get(bytes, &mut at)?;
            if k > 0 && gap == 0 {
                return None;
            }
            id = id.checked_add(gap)?;
            if id >= n_terms as u64 {
                return None;
            }
            let weight = f32::from_bits(u32::from_le_bytes(take(&mut at, 4)?.try_into().ok()?));
            terms.push((id as u32, weight));
        }
        by_key.insert(key, terms.into_boxed_slice());
    }
    (at == bytes.len() && by_key.len() as u64 == n_answers).then_some((ids, by_key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_read_back_only_whole_and_without_the_terms_no_longer_used() {
        let mut ids = TermIds::default();
        let gone = ids.number(vec![(7, 1.0), (u64::MAX, 0.5)]);
        let a = ids.number(vec![(3, 0.25), (u64::MAX, 2.0), (1 << 40, 1.5)]);
        let b = ids.number(vec![(9, f32::MIN_POSITIVE)]);
        let hashes = |ids: &TermIds, terms: &RawTerms| -> Vec<(u64, u32)> {
            terms
                .iter()
                .map(|&(id, w)| (ids.hash(id), w.to_bits()))
                .collect()
        };
        let bytes = write(&[1, 2], &[a.clone(), b.clone()], &ids);
        let (read_ids, read_terms) = read(&bytes).expect("whole");
        assert_eq!(read_ids.len(), 4, "the term of the answer gone is gone");
        assert_eq!(hashes(&read_ids, &read_terms[&1]), hashes(&ids, &a));
        assert_eq!(hashes(&read_ids, &read_terms[&2]), hashes(&ids, &b));
        assert_ne!(hashes(&ids, &gone), hashes(&ids, &a));
        for cut in 0..bytes.len() {
            assert!(read(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(read(&longer).is_none());
    }
}

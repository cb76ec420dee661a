//! Counting documents' terms on every core while numbering them, in order, on one: the search
//! analyses and the related answers' terms (in the site generator) both go this way.

use rayon::prelude::*;

/// Documents whose terms are counted at once before they are numbered: enough to keep both
/// cores busy, few enough that their counted terms (owned strings at first) take a few
/// megabytes. Counting all 10,000 answers of a large site at once was the peak of a cold build.
pub const BATCH: usize = 256;

/// Calls `number(i, count(i))` for each `i` of `indices`, in their order. `count` runs in
/// parallel a batch at a time. `number` is the one sequential step (it gives ids in the
/// documents' order, whatever the batches); it works on one batch while the next is counted,
/// so that no core waits and at most two batches' counts are alive at once.
pub fn count_then_number<T: Send>(
    indices: &[usize],
    count: impl Fn(usize) -> T + Sync,
    mut number: impl FnMut(usize, T) + Send,
) {
    let count_batch = |batch: &[usize]| -> Vec<T> { batch.par_iter().map(|&i| count(i)).collect() };
    let mut batches = indices.chunks(BATCH);
    let mut counted = batches.next().map(|batch| (batch, count_batch(batch)));
    while let Some((batch, terms)) = counted {
        let next = batches.next();
        counted = rayon::join(
            || {
                for (&i, terms) in batch.iter().zip(terms) {
                    number(i, terms);
                }
            },
            || next.map(|batch| (batch, count_batch(batch))),
        )
        .1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_index_is_numbered_once_in_order() {
        let indices: Vec<usize> = (0..3 * BATCH + 7).rev().collect();
        let mut seen = Vec::new();
        count_then_number(&indices, |i| i * 2, |i, counted| seen.push((i, counted)));
        let expected: Vec<(usize, usize)> = indices.iter().map(|&i| (i, i * 2)).collect();
        assert_eq!(seen, expected);
    }
}

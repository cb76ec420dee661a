//! Crossing reduction: the order of items inside each layer.

/// Reorders `layers` in place to reduce edge crossings, by alternating barycentre sweeps and
/// adjacent swaps, keeping the best order seen. `up[i]`/`down[i]` are the neighbours of item
/// `i` in the layer above/below (every edge joins adjacent layers); `pinned` layers keep their
/// order. Sorting is stable and the
/// starting order is the author's, so equal choices keep the order nodes were written in.
pub fn order(
    layers: &mut [Vec<usize>],
    up: &[Vec<usize>],
    down: &[Vec<usize>],
    n: usize,
    pinned: &[bool],
) {
    let mut pos = vec![0usize; n];
    let set_pos = |layers: &[Vec<usize>], pos: &mut Vec<usize>| {
        for layer in layers {
            for (k, &i) in layer.iter().enumerate() {
                pos[i] = k;
            }
        }
    };
    set_pos(layers, &mut pos);
    let mut best = layers.to_vec();
    let mut best_c = crossings(layers, down, &pos);
    for iter in 0..8 {
        if best_c == 0 {
            break;
        }
        let downward = iter % 2 == 0;
        let idx: Vec<usize> = if downward {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for l in idx.into_iter().filter(|&l| !pinned[l]) {
            let nb = if downward { up } else { down };
            let mut keyed: Vec<(f64, usize)> = layers[l]
                .iter()
                .map(|&i| {
                    let ns = &nb[i];
                    let key = if ns.is_empty() {
                        pos[i] as f64
                    } else {
                        ns.iter().map(|&j| pos[j] as f64).sum::<f64>() / ns.len() as f64
                    };
                    (key, i)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            layers[l] = keyed.into_iter().map(|(_, i)| i).collect();
            for (k, &i) in layers[l].iter().enumerate() {
                pos[i] = k;
            }
        }
        transpose(layers, up, down, &mut pos, pinned);
        let c = crossings(layers, down, &pos);
        if c < best_c {
            best_c = c;
            best = layers.to_vec();
        }
    }
    layers.clone_from_slice(&best);
}

/// Crossings between the edges of two neighbouring items `a` (left) and `b` (right).
fn pair_crossings(a: usize, b: usize, nb: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut c = 0;
    for &x in &nb[a] {
        for &y in &nb[b] {
            if pos[x] > pos[y] {
                c += 1;
            }
        }
    }
    c
}

/// Swaps neighbours while that removes crossings.
fn transpose(
    layers: &mut [Vec<usize>],
    up: &[Vec<usize>],
    down: &[Vec<usize>],
    pos: &mut [usize],
    pinned: &[bool],
) {
    for _ in 0..4 {
        let mut improved = false;
        for (layer, _) in layers.iter_mut().zip(pinned).filter(|(_, p)| !**p) {
            for k in 0..layer.len().saturating_sub(1) {
                let (a, b) = (layer[k], layer[k + 1]);
                let now = pair_crossings(a, b, up, pos) + pair_crossings(a, b, down, pos);
                let swapped = pair_crossings(b, a, up, pos) + pair_crossings(b, a, down, pos);
                if swapped < now {
                    layer.swap(k, k + 1);
                    pos[a] = k + 1;
                    pos[b] = k;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Crossings between each layer and the next: for the edges sorted by their upper end, the
/// number of inversions of their lower ends, counted with a Fenwick tree in O(E log E) per
/// layer (Barth, Jünger and Mutzel's method) instead of comparing every pair of edges.
fn crossings(layers: &[Vec<usize>], down: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut total = 0;
    let mut edges: Vec<(usize, usize)> = Vec::new();
    let mut tree: Vec<usize> = Vec::new();
    for layer in layers {
        edges.clear();
        for &i in layer {
            for &j in &down[i] {
                edges.push((pos[i], pos[j]));
            }
        }
        if edges.len() < 2 {
            continue;
        }
        edges.sort_unstable();
        let width = edges.iter().map(|e| e.1).max().unwrap_or(0) + 1;
        tree.clear();
        tree.resize(width + 1, 0);
        // Edges are added in order of their upper end; equal upper ends never cross, and equal
        // lower ends neither: count the earlier edges whose lower end is strictly greater.
        let mut k = 0;
        let mut added = 0;
        while k < edges.len() {
            let upper = edges[k].0;
            let group_end = edges[k..]
                .iter()
                .position(|e| e.0 != upper)
                .map_or(edges.len(), |n| k + n);
            for &(_, lower) in &edges[k..group_end] {
                // Earlier edges with a lower end ≤ `lower`.
                let mut at_most = 0;
                let mut i = lower + 1;
                while i > 0 {
                    at_most += tree[i];
                    i &= i - 1;
                }
                total += added - at_most;
            }
            for &(_, lower) in &edges[k..group_end] {
                let mut i = lower + 1;
                while i <= width {
                    tree[i] += 1;
                    i += i & i.wrapping_neg();
                }
                added += 1;
            }
            k = group_end;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pairwise count this replaces, as the reference.
    fn crossings_pairwise(layers: &[Vec<usize>], down: &[Vec<usize>], pos: &[usize]) -> usize {
        let mut total = 0;
        for layer in layers {
            let mut edges: Vec<(usize, usize)> = Vec::new();
            for &i in layer {
                for &j in &down[i] {
                    edges.push((pos[i], pos[j]));
                }
            }
            for a in 0..edges.len() {
                for b in a + 1..edges.len() {
                    let (p, q) = (edges[a], edges[b]);
                    if (p.0 < q.0 && p.1 > q.1) || (p.0 > q.0 && p.1 < q.1) {
                        total += 1;
                    }
                }
            }
        }
        total
    }

    #[test]
    fn counts_crossings_like_the_pairwise_definition() {
        // Two layers of 6 items with pseudo-random edges, many seeds.
        let mut seed = 12345u64;
        let mut next = |m: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m as u64) as usize
        };
        for _ in 0..200 {
            let n = 12;
            let mut down = vec![Vec::new(); n];
            for _ in 0..next(20) {
                let (a, b) = (next(6), 6 + next(6));
                down[a].push(b);
            }
            let mut top: Vec<usize> = (0..6).collect();
            let mut bottom: Vec<usize> = (6..12).collect();
            for k in (1..6).rev() {
                top.swap(k, next(k + 1));
                bottom.swap(k, next(k + 1));
            }
            let layers = vec![top, bottom];
            let mut pos = vec![0; n];
            for layer in &layers {
                for (k, &i) in layer.iter().enumerate() {
                    pos[i] = k;
                }
            }
            assert_eq!(
                crossings(&layers, &down, &pos),
                crossings_pairwise(&layers, &down, &pos)
            );
        }
    }
}

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

fn crossings(layers: &[Vec<usize>], down: &[Vec<usize>], pos: &[usize]) -> usize {
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

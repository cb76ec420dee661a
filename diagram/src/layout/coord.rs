//! Coordinate assignment across the layers (the axis along a layer).
//!
//! Each layer is placed by weighted isotonic regression (pool-adjacent-violators): the best
//! positions, in the least-squares sense, for "every item as close as possible to the average
//! of its neighbours" subject to "items keep their order and their minimum spacing". Sweeping
//! down and up a few times balances parents over children and straightens long edges (dummy
//! items carry more weight). Spacing is a hard constraint, so items never overlap.

/// One wish of item `i`: to sit at `x[other] + delta`, with this weight.
#[derive(Debug, Clone, Copy)]
pub struct Pull {
    pub other: usize,
    pub delta: f64,
    pub weight: f64,
}

/// `gap[i]` for consecutive items `layer[k]`, `layer[k+1]` is their minimum centre distance.
pub fn assign(
    layers: &[Vec<usize>],
    gaps: &[Vec<f64>],
    up: &[Vec<Pull>],
    down: &[Vec<Pull>],
    n: usize,
) -> Vec<f64> {
    let mut x = vec![0.0; n];
    for (layer, gap) in layers.iter().zip(gaps) {
        let total: f64 = gap.iter().sum();
        let mut at = -total / 2.0;
        for (k, &i) in layer.iter().enumerate() {
            x[i] = at;
            if k < gap.len() {
                at += gap[k];
            }
        }
    }
    let both: Vec<Vec<Pull>> = (0..n)
        .map(|i| up[i].iter().chain(&down[i]).copied().collect())
        .collect();
    for _ in 0..12 {
        for l in 1..layers.len() {
            place(&layers[l], &gaps[l], up, &mut x);
        }
        for l in (0..layers.len().saturating_sub(1)).rev() {
            place(&layers[l], &gaps[l], down, &mut x);
        }
    }
    for _ in 0..3 {
        for l in 0..layers.len() {
            place(&layers[l], &gaps[l], &both, &mut x);
        }
    }
    // Averaging leaves an item slightly off when a neighbour is pulled by others too. Where
    // all of an item's wishes agree (a dummy between two aligned ends, a source with one
    // successor) and its layer leaves room, put it exactly there, so straight edges are
    // straight and the first and last steps of a flow line up.
    for round in 0..4 {
        let order: Vec<usize> = if round % 2 == 0 {
            (0..layers.len()).collect()
        } else {
            (0..layers.len()).rev().collect()
        };
        for l in order {
            let (layer, gap) = (&layers[l], &gaps[l]);
            for (k, &i) in layer.iter().enumerate() {
                let wishes: Vec<f64> = both[i].iter().map(|p| x[p.other] + p.delta).collect();
                let want = match wishes.as_slice() {
                    [] => continue,
                    [w] => *w,
                    [first, rest @ ..] if rest.iter().all(|w| (w - first).abs() < 0.5) => *first,
                    _ if up[i].len() == 1 && down[i].len() == 1 => {
                        // A bend in a long edge: line up with the end that is harder to move
                        // (more connections), or else the nearer one.
                        let (u, d) = (up[i][0], down[i][0]);
                        let (a, b) = (x[u.other] + u.delta, x[d.other] + d.delta);
                        let (da, db) = (both[u.other].len(), both[d.other].len());
                        if da > db || (da == db && (x[i] - a).abs() < (x[i] - b).abs()) {
                            a
                        } else {
                            b
                        }
                    }
                    _ => continue,
                };
                let lo = if k > 0 {
                    x[layer[k - 1]] + gap[k - 1]
                } else {
                    f64::NEG_INFINITY
                };
                let hi = if k + 1 < layer.len() {
                    x[layer[k + 1]] - gap[k]
                } else {
                    f64::INFINITY
                };
                if want >= lo - 1e-9 && want <= hi + 1e-9 {
                    x[i] = want;
                }
            }
        }
    }
    x
}

fn place(layer: &[usize], gap: &[f64], pulls: &[Vec<Pull>], x: &mut [f64]) {
    if layer.is_empty() {
        return;
    }
    // Shift by the cumulative spacing so "x[k+1] - x[k] >= gap[k]" becomes "y non-decreasing".
    let mut offset = Vec::with_capacity(layer.len());
    let mut acc = 0.0;
    for k in 0..layer.len() {
        offset.push(acc);
        if k < gap.len() {
            acc += gap[k];
        }
    }
    // Blocks of pooled items: (total weight, weighted sum of targets, item count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(layer.len());
    for (k, &i) in layer.iter().enumerate() {
        let ps = &pulls[i];
        let (target, weight) = if ps.is_empty() {
            (x[i], 0.05)
        } else {
            let w: f64 = ps.iter().map(|p| p.weight).sum();
            (
                ps.iter()
                    .map(|p| (x[p.other] + p.delta) * p.weight)
                    .sum::<f64>()
                    / w,
                w,
            )
        };
        blocks.push((weight, (target - offset[k]) * weight, 1));
        while blocks.len() > 1 {
            let (w2, s2, c2) = blocks[blocks.len() - 1];
            let (w1, s1, c1) = blocks[blocks.len() - 2];
            if s1 / w1 > s2 / w2 {
                blocks.pop();
                let last = blocks.last_mut().expect("two blocks");
                *last = (w1 + w2, s1 + s2, c1 + c2);
            } else {
                break;
            }
        }
    }
    let mut k = 0;
    for (w, s, c) in blocks {
        let y = s / w;
        for _ in 0..c {
            x[layer[k]] = y + offset[k];
            k += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_centres_over_children() {
        // 0 above 1 and 2.
        let layers = vec![vec![0], vec![1, 2]];
        let gaps = vec![vec![], vec![100.0]];
        let pull = |o| Pull {
            other: o,
            delta: 0.0,
            weight: 1.0,
        };
        let up = vec![vec![], vec![pull(0)], vec![pull(0)]];
        let down = vec![vec![pull(1), pull(2)], vec![], vec![]];
        let x = assign(&layers, &gaps, &up, &down, 3);
        assert!((x[2] - x[1] - 100.0).abs() < 1e-9);
        assert!((x[0] - (x[1] + x[2]) / 2.0).abs() < 1e-6, "{x:?}");
    }
}

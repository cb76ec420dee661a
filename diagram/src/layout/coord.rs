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
    let both: Vec<Vec<Pull>> = (0..n).map(|i| up[i].iter().chain(&down[i]).copied().collect()).collect();
    for _ in 0..6 {
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
            (ps.iter().map(|p| (x[p.other] + p.delta) * p.weight).sum::<f64>() / w, w)
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
        let pull = |o| Pull { other: o, delta: 0.0, weight: 1.0 };
        let up = vec![vec![], vec![pull(0)], vec![pull(0)]];
        let down = vec![vec![pull(1), pull(2)], vec![], vec![]];
        let x = assign(&layers, &gaps, &up, &down, 3);
        assert!((x[2] - x[1] - 100.0).abs() < 1e-9);
        assert!((x[0] - (x[1] + x[2]) / 2.0).abs() < 1e-6, "{x:?}");
    }
}

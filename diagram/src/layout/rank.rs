//! Rank assignment: which layer each item goes to.

/// Returns each item's rank and, per edge, whether it had to be reversed to break a cycle.
///
/// Cycles are broken by a depth-first search that visits items and edges in the order the
/// author wrote them, so the first node of the block ends up on top and a "back to step 2" edge
/// is the one that points upwards. Ranks are longest paths from the sources (respecting each
/// edge's minimum length), after which sources are pulled down next to their successors so a
/// side entry ("客户经理代办") does not float at the top of the chart.
pub fn rank(n: usize, edges: &[(usize, usize, i32)]) -> (Vec<i32>, Vec<bool>) {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, &(u, _, _)) in edges.iter().enumerate() {
        out[u].push(k);
    }
    let mut reversed = vec![false; edges.len()];
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; n];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if *next < out[v].len() {
                let k = out[v][*next];
                *next += 1;
                let w = edges[k].1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => reversed[k] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    let dag: Vec<(usize, usize, i32)> = edges
        .iter()
        .zip(&reversed)
        .map(|(&(u, v, m), &r)| if r { (v, u, m) } else { (u, v, m) })
        .collect();
    let mut indeg = vec![0usize; n];
    let mut succ: Vec<Vec<(usize, i32)>> = vec![Vec::new(); n];
    for &(u, v, m) in &dag {
        indeg[v] += 1;
        succ[u].push((v, m));
    }
    // Kahn's algorithm, always taking the lowest index: deterministic.
    let mut ready: std::collections::BTreeSet<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    let mut topo = Vec::with_capacity(n);
    while let Some(v) = ready.pop_first() {
        topo.push(v);
        for &(w, _) in &succ[v] {
            indeg[w] -= 1;
            if indeg[w] == 0 {
                ready.insert(w);
            }
        }
    }
    let mut rank = vec![0i32; n];
    for &v in &topo {
        for &(w, m) in &succ[v] {
            rank[w] = rank[w].max(rank[v] + m);
        }
    }
    let has_pred: Vec<bool> = {
        let mut p = vec![false; n];
        for &(_, v, _) in &dag {
            p[v] = true;
        }
        p
    };
    for &v in topo.iter().rev() {
        if !has_pred[v] && !succ[v].is_empty() {
            rank[v] = succ[v]
                .iter()
                .map(|&(w, m)| rank[w] - m)
                .min()
                .unwrap_or(rank[v]);
        }
    }
    let min = rank.iter().copied().min().unwrap_or(0);
    for r in &mut rank {
        *r -= min;
    }
    (rank, reversed)
}

#[cfg(test)]
mod tests {
    use super::rank;

    #[test]
    fn chain_and_back_edge() {
        let (r, rev) = rank(3, &[(0, 1, 2), (1, 2, 2), (2, 1, 2)]);
        assert_eq!(r, vec![0, 2, 4]);
        assert_eq!(rev, vec![false, false, true]);
    }

    #[test]
    fn sources_are_pulled_down() {
        // 0 -> 1 -> 2 -> 3, and 4 -> 3 joins late.
        let (r, _) = rank(5, &[(0, 1, 2), (1, 2, 2), (2, 3, 2), (4, 3, 2)]);
        assert_eq!(r[4], 4);
    }
}

//! A radix heap: the priority queue of the optimal mode's shortest-path searches.
//!
//! Dijkstra's algorithm takes keys out in non-decreasing order and never puts in a key below
//! the last one taken out, which is all a radix heap needs: an entry waits in the bucket of
//! the highest bit in which its key differs from that last key, so putting one in is a push
//! onto a vector, and taking one out only sorts the entries of one bucket into lower ones
//! when the lowest bucket runs dry. Keys are `u64`: non-negative `f64` distances order as
//! their bits.

/// Entries `(key, node)`; keys never go below the last key taken out.
pub(crate) struct RadixHeap {
    /// The last key taken out (0 when empty).
    last: u64,
    /// Bucket 0 holds keys equal to `last`; bucket `b` keys whose highest bit differing
    /// from `last` is bit `b - 1`.
    buckets: [Vec<(u64, u32)>; 65],
    /// Bit `b` set when bucket `b` is not empty.
    filled: u128,
}

impl Default for RadixHeap {
    fn default() -> Self {
        Self {
            last: 0,
            buckets: std::array::from_fn(|_| Vec::new()),
            filled: 0,
        }
    }
}

impl RadixHeap {
    fn bucket(&self, key: u64) -> usize {
        (u64::BITS - (key ^ self.last).leading_zeros()) as usize
    }

    /// Puts in `node` at `key`, which must not be below the last key taken out.
    pub(crate) fn push(&mut self, key: u64, node: u32) {
        debug_assert!(key >= self.last, "a radix heap takes keys in order");
        let b = self.bucket(key);
        self.buckets[b].push((key, node));
        self.filled |= 1 << b;
    }

    /// Takes out an entry with the smallest key.
    pub(crate) fn pop(&mut self) -> Option<(u64, u32)> {
        if self.filled & 1 == 0 {
            if self.filled == 0 {
                return None;
            }
            // The lowest filled bucket: its smallest key becomes the last, and every entry
            // of it moves to a lower bucket.
            let b = self.filled.trailing_zeros() as usize;
            let mut moving = std::mem::take(&mut self.buckets[b]);
            self.filled &= !(1 << b);
            self.last = moving.iter().map(|&(k, _)| k).min().unwrap_or(self.last);
            for &(k, v) in &moving {
                let to = self.bucket(k);
                self.buckets[to].push((k, v));
                self.filled |= 1 << to;
            }
            moving.clear();
            self.buckets[b] = moving;
        }
        let entry = self.buckets[0].pop();
        if self.buckets[0].is_empty() {
            self.filled &= !1;
        }
        entry
    }

    /// Empties the heap, keeping its memory.
    pub(crate) fn clear(&mut self) {
        while self.filled != 0 {
            let b = self.filled.trailing_zeros() as usize;
            self.buckets[b].clear();
            self.filled &= !(1 << b);
        }
        self.last = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dijkstra-like use: keys taken out in order, new keys at or above the last one.
    #[test]
    fn keys_come_out_in_order_as_dijkstra_puts_them_in() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut heap = RadixHeap::default();
        for round in 0..50 {
            heap.clear();
            let mut reference = std::collections::BinaryHeap::new();
            let mut last = 0u64;
            let mut out = Vec::new();
            for i in 0..(round * 7 + 1) {
                // Small steps, repeated keys and the occasional jump across many bits.
                let step = match next() % 4 {
                    0 => 0,
                    1 => next() % 8,
                    2 => next() % 100_000,
                    _ => (2.0f64 + (next() % 1000) as f64).to_bits() >> (next() % 40),
                };
                let key = last.saturating_add(step);
                heap.push(key, i);
                reference.push(std::cmp::Reverse(key));
                if next() % 3 == 0 {
                    let (k, _) = heap.pop().expect("an entry is in");
                    assert_eq!(Some(std::cmp::Reverse(k)), reference.pop());
                    assert!(k >= last);
                    last = k;
                    out.push(k);
                }
            }
            while let Some((k, _)) = heap.pop() {
                assert_eq!(Some(std::cmp::Reverse(k)), reference.pop());
                assert!(k >= last, "out of order: {k} after {last}");
                last = k;
            }
            assert!(reference.is_empty());
            assert!(heap.pop().is_none());
        }
    }

    #[test]
    fn every_node_put_in_comes_out_once() {
        let mut heap = RadixHeap::default();
        for (i, k) in [5u64, 5, 9, 1 << 40, 6, 5].into_iter().enumerate() {
            heap.push(k, i as u32);
        }
        let mut nodes = Vec::new();
        let mut keys = Vec::new();
        while let Some((k, v)) = heap.pop() {
            keys.push(k);
            nodes.push(v);
        }
        assert_eq!(keys, vec![5, 5, 5, 6, 9, 1 << 40]);
        nodes.sort_unstable();
        assert_eq!(nodes, vec![0, 1, 2, 3, 4, 5]);
    }
}

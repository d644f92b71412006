//! A set of arcs `(from, to)` as a tracer collects them: each pair packed
//! into one `u64` key, so recording an arc is one hash-set insert with no
//! allocation once the set has grown.
use crate::fast_hash::IntSet;

#[derive(Default, Debug, Clone)]
pub struct ArcSet {
    packed: IntSet<u64>,
}

fn pack(from: i32, to: i32) -> u64 {
    ((from as u32 as u64) << 32) | (to as u32 as u64)
}

fn unpack(key: u64) -> (i32, i32) {
    ((key >> 32) as u32 as i32, key as u32 as i32)
}

impl ArcSet {
    pub fn insert(&mut self, from: i32, to: i32) {
        self.packed.insert(pack(from, to));
    }

    pub fn clear(&mut self) {
        self.packed.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.packed.is_empty()
    }

    /// The arcs, sorted.
    pub fn to_vec(&self) -> Vec<(i32, i32)> {
        let mut out: Vec<(i32, i32)> = self.packed.iter().map(|&key| unpack(key)).collect();
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::ArcSet;

    #[test]
    fn keeps_negative_ends_and_sorts() {
        let mut set = ArcSet::default();
        for (a, b) in [(-1, 1), (1, 2), (2, -1), (1, 2), (i32::MAX, i32::MIN)] {
            set.insert(a, b);
        }
        assert_eq!(set.to_vec(), vec![(-1, 1), (1, 2), (2, -1), (i32::MAX, i32::MIN)]);
        set.clear();
        assert!(set.to_vec().is_empty());
    }
}

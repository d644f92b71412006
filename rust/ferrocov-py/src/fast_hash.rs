//! A hasher for the tracers' hot maps, keyed by integers only: packed arcs,
//! frame and code object addresses, bytecode offsets. A trace event does a
//! lookup or two; std's SipHash (keyed against hash flooding, which these
//! keys can't mount) would be most of the event's cost.
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Integer keys -> a well mixed u64: both halves reach the high bits (the
/// table's control bytes) and the low ones (its buckets), so aligned
/// addresses and small line numbers spread.
#[derive(Default)]
pub struct IntHasher(u64);

pub type IntMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;
pub type IntSet<K> = HashSet<K, BuildHasherDefault<IntHasher>>;

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    /// Not used by integer keys; kept correct for any other.
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte) ^ self.0.rotate_left(8));
        }
    }

    fn write_u64(&mut self, key: u64) {
        let key = key ^ self.0;
        let mixed = (key ^ (key >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        self.0 = mixed ^ (mixed >> 32);
    }

    fn write_u32(&mut self, key: u32) {
        self.write_u64(u64::from(key));
    }

    fn write_usize(&mut self, key: usize) {
        self.write_u64(key as u64);
    }

    fn write_i32(&mut self, key: i32) {
        self.write_u64(u64::from(key as u32));
    }
}

#[cfg(test)]
mod tests {
    use super::{IntMap, IntSet};

    #[test]
    fn maps_and_sets_behave_as_std_ones() {
        let mut map: IntMap<usize, i32> = IntMap::default();
        for key in (0..10_000usize).map(|k| k * 16) {
            map.insert(key, key as i32);
        }
        assert_eq!(map.len(), 10_000);
        assert_eq!(map.get(&(16 * 77)), Some(&(16 * 77)));
        assert_eq!(map.remove(&0), Some(0));
        let mut set: IntSet<(u32, u32)> = IntSet::default();
        set.insert((1, 2));
        set.insert((1, 2));
        set.insert((2, 1));
        assert_eq!(set.len(), 2);
    }
}

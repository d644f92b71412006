//! Numbits: coverage.py's packed representation of a set of line numbers.
//!
//! Bit `n % 8` of byte `n / 8` is set when `n` is in the set. The encoding is
//! part of the data file format, so it must stay byte-identical to
//! `coverage.numbits`: no trailing zero bytes from `nums_to_numbits`, and
//! `numbits_union` keeps the longer operand's length as coverage does.

/// Pack `nums` into a numbits blob (empty input gives an empty blob).
pub fn nums_to_numbits<I>(nums: I) -> Vec<u8>
where
    I: IntoIterator<Item = u32>,
{
    let mut bytes: Vec<u8> = Vec::new();
    for num in nums {
        let index = (num / 8) as usize;
        if index >= bytes.len() {
            bytes.resize(index + 1, 0);
        }
        bytes[index] |= 1 << (num % 8);
    }
    bytes
}

/// Unpack a numbits blob into its numbers, ascending.
pub fn numbits_to_nums(numbits: &[u8]) -> Vec<u32> {
    let mut nums = Vec::new();
    for (byte_index, &byte) in numbits.iter().enumerate() {
        if byte == 0 {
            continue;
        }
        for bit in 0..8u32 {
            if byte & (1 << bit) != 0 {
                nums.push(byte_index as u32 * 8 + bit);
            }
        }
    }
    nums
}

/// The union of two numbits; as long as the longer operand.
pub fn numbits_union(a: &[u8], b: &[u8]) -> Vec<u8> {
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let mut out = long.to_vec();
    for (slot, &byte) in out.iter_mut().zip(short) {
        *slot |= byte;
    }
    out
}

/// Union `other` into `acc` in place (the aggregate used when merging).
pub fn numbits_union_into(acc: &mut Vec<u8>, other: &[u8]) {
    if other.len() > acc.len() {
        acc.resize(other.len(), 0);
    }
    for (slot, &byte) in acc.iter_mut().zip(other) {
        *slot |= byte;
    }
}

/// The intersection of two numbits, with trailing zero bytes trimmed.
pub fn numbits_intersection(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = a.iter().zip(b).map(|(x, y)| x & y).collect();
    while out.last() == Some(&0) {
        out.pop();
    }
    out
}

/// Whether any number is in both numbits (cheaper than intersecting).
pub fn numbits_any_intersection(a: &[u8], b: &[u8]) -> bool {
    a.iter().zip(b).any(|(x, y)| x & y != 0)
}

/// Whether `num` is in `numbits`.
pub fn num_in_numbits(num: u64, numbits: &[u8]) -> bool {
    let index = num / 8;
    match usize::try_from(index).ok().and_then(|i| numbits.get(i)) {
        Some(byte) => byte & (1 << (num % 8)) != 0,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// A small deterministic generator, so the property tests need no crate.
    fn pseudo_random_sets(seed: u64, count: usize) -> Vec<BTreeSet<u32>> {
        let mut state = seed;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..count)
            .map(|_| {
                let len = (next() % 60) as usize;
                (0..len).map(|_| (next() % 9999 + 1) as u32).collect()
            })
            .collect()
    }

    #[test]
    fn known_encodings_match_coverage_py() {
        // Values computed with coverage.numbits 7.17.3.
        assert_eq!(nums_to_numbits([1, 2, 3]), vec![0x0e]);
        assert_eq!(nums_to_numbits([0]), vec![0x01]);
        assert_eq!(nums_to_numbits([8]), vec![0x00, 0x01]);
        assert_eq!(nums_to_numbits([17, 23, 1000]).len(), 126);
        assert_eq!(nums_to_numbits(Vec::<u32>::new()), Vec::<u8>::new());
        assert_eq!(numbits_to_nums(&[0x0e, 0x00, 0x80]), vec![1, 2, 3, 23]);
    }

    #[test]
    fn round_trip_and_no_trailing_zero() {
        for set in pseudo_random_sets(7, 200) {
            let bits = nums_to_numbits(set.iter().copied());
            assert!(bits.last() != Some(&0));
            let back: BTreeSet<u32> = numbits_to_nums(&bits).into_iter().collect();
            assert_eq!(back, set);
        }
    }

    #[test]
    fn set_operations_agree_with_sets() {
        let sets = pseudo_random_sets(42, 100);
        for pair in sets.chunks(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let (na, nb) = (nums_to_numbits(a.iter().copied()), nums_to_numbits(b.iter().copied()));
            let union: BTreeSet<u32> = numbits_to_nums(&numbits_union(&na, &nb)).into_iter().collect();
            assert_eq!(union, a | b);
            let inter_bits = numbits_intersection(&na, &nb);
            assert!(inter_bits.last() != Some(&0));
            let inter: BTreeSet<u32> = numbits_to_nums(&inter_bits).into_iter().collect();
            assert_eq!(inter, a & b);
            assert_eq!(numbits_any_intersection(&na, &nb), !(a & b).is_empty());
            for n in 0..10_010u64 {
                assert_eq!(num_in_numbits(n, &na), a.contains(&(n as u32)));
            }
            let mut acc = na.clone();
            numbits_union_into(&mut acc, &nb);
            assert_eq!(acc, numbits_union(&na, &nb));
        }
    }

    #[test]
    fn union_keeps_longer_length_like_zip_longest() {
        assert_eq!(numbits_union(&[1, 0, 0], &[2]), vec![3, 0, 0]);
        assert_eq!(numbits_union(&[], &[]), Vec::<u8>::new());
    }
}

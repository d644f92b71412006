//! Shared pieces of ferrocov's property ("fuzz") tests, which run on stable
//! Rust inside `cargo test`:
//!
//! * a case budget: small by default so `cargo test` stays quick, raised for
//!   a long run with `FERROCOV_FUZZ_CASES=<cases per property>` (the nox
//!   `fuzz` session does that);
//! * byte-level mutations of realistic seed inputs (flip, overwrite, insert
//!   odd bytes or dictionary words, delete, truncate, duplicate, splice from
//!   another seed), as coverage-guided fuzzers apply them, but driven by
//!   proptest so that a failure shrinks to a small mutation list;
//! * a scratch directory for properties that go through real files.
//!
//! Only ever a dev-dependency.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::Config;

/// The environment variable that sets the number of cases per property.
pub const CASES_VAR: &str = "FERROCOV_FUZZ_CASES";

/// The case count: `$FERROCOV_FUZZ_CASES` when it is a positive number,
/// else `default_cases`.
pub fn cases(default_cases: u32) -> u32 {
    std::env::var(CASES_VAR).ok().and_then(|v| v.trim().parse::<u32>().ok()).filter(|&n| n > 0).unwrap_or(default_cases)
}

/// A proptest configuration with an explicit case budget. Failures are not
/// persisted to `proptest-regressions/` files: a finding becomes a named
/// regression test instead.
pub fn config(default_cases: u32) -> Config {
    Config { cases: cases(default_cases), failure_persistence: None, ..Config::default() }
}

/// For a costly property: `default_cases` by default, and only a
/// `1/divisor` share of `$FERROCOV_FUZZ_CASES` in a long run.
pub fn config_share(default_cases: u32, divisor: u32) -> Config {
    let cases = match std::env::var(CASES_VAR).ok().and_then(|v| v.trim().parse::<u32>().ok()).filter(|&n| n > 0) {
        Some(n) => (n / divisor.max(1)).max(1),
        None => default_cases,
    };
    Config { cases, ..config(default_cases) }
}

/// Bytes that show as an escaped byte string in failure reports, so a
/// shrunk input can be pasted into a regression test.
#[derive(Clone, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl Bytes {
    /// The bytes as text, invalid UTF-8 replaced by U+FFFD.
    pub fn lossy(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("b\"")?;
        for &b in &self.0 {
            write!(f, "{}", std::ascii::escape_default(b))?;
        }
        write!(f, "\" ({} bytes)", self.0.len())
    }
}

/// Pieces every text format should survive: control characters, line
/// boundaries Rust and Python disagree on, BOMs, Unicode spaces and
/// direction marks, characters outside the BMP, and invalid UTF-8
/// (continuation bytes, overlong forms, surrogates, truncated sequences).
pub const ODD_PIECES: &[&[u8]] = &[
    b"\0",
    b"\r",
    b"\r\n",
    b"\n",
    b"\t",
    b"\x0b",
    b"\x0c",
    b"\x1c",
    b"\x1f",
    b"\x7f",
    b"\xef\xbb\xbf",     // U+FEFF, BOM
    b"\xc2\x85",         // U+0085, NEL
    b"\xc2\xa0",         // U+00A0, no-break space
    b"\xe2\x80\xa8",     // U+2028, line separator
    b"\xe2\x80\xa9",     // U+2029, paragraph separator
    b"\xe2\x80\x8b",     // U+200B, zero-width space
    b"\xe2\x80\xae",     // U+202E, right-to-left override
    b"\xe3\x80\x80",     // U+3000, ideographic space
    b"\xef\xbf\xbd",     // U+FFFD
    b"\xf4\x8f\xbf\xbf", // U+10FFFF
    b"\xf0\x9f\x98\x80", // an emoji
    b"e\xcc\x81",        // e + combining acute
    b"\xef\xbc\xa1",     // fullwidth A
    b"\xc3\xa9",         // é
    b"\x80",             // lone continuation byte
    b"\xff\xfe",         // UTF-16 LE BOM, invalid UTF-8
    b"\xfe\xff",
    b"\xc0\x80",     // overlong NUL
    b"\xed\xa0\x80", // UTF-8-encoded surrogate
    b"\xe2\x82",     // truncated 3-byte sequence
    b"\\",
    b"\"",
    b"'",
    b"\"\"\"",
];

/// One edit of a byte string. Positions are `Index`es, so the same edit
/// applies to inputs of any length.
#[derive(Debug, Clone)]
pub enum Mutation {
    FlipBit {
        at: Index,
        bit: u8,
    },
    SetByte {
        at: Index,
        byte: u8,
    },
    Insert {
        at: Index,
        bytes: Vec<u8>,
    },
    Delete {
        at: Index,
        len: usize,
    },
    Truncate {
        at: Index,
    },
    /// Copy a run of the input to another place in it.
    Duplicate {
        from: Index,
        len: usize,
        to: Index,
    },
    /// Repeat a short run a few times in place (bounded: no deep nesting).
    Repeat {
        at: Index,
        len: usize,
        times: usize,
    },
    /// Insert a run taken from one of the seeds.
    Splice {
        seed: Index,
        from: Index,
        len: usize,
        to: Index,
    },
}

impl Mutation {
    /// Apply to `data`; `seeds` feed `Splice`.
    pub fn apply(&self, data: &mut Vec<u8>, seeds: &[Vec<u8>]) {
        let len = data.len();
        match self {
            Mutation::FlipBit { at, bit } if len > 0 => data[at.index(len)] ^= 1 << (bit % 8),
            Mutation::SetByte { at, byte } if len > 0 => data[at.index(len)] = *byte,
            Mutation::Insert { at, bytes } => {
                let i = at.index(len + 1);
                data.splice(i..i, bytes.iter().copied());
            }
            Mutation::Delete { at, len: n } if len > 0 => {
                let i = at.index(len);
                data.drain(i..(i + n).min(len));
            }
            Mutation::Truncate { at } => data.truncate(at.index(len + 1)),
            Mutation::Duplicate { from, len: n, to } if len > 0 => {
                let i = from.index(len);
                let run = data[i..(i + n).min(len)].to_vec();
                let j = to.index(len + 1);
                data.splice(j..j, run);
            }
            Mutation::Repeat { at, len: n, times } if len > 0 => {
                let i = at.index(len);
                let run = data[i..(i + n).min(len)].to_vec();
                let copies: Vec<u8> = run.iter().copied().cycle().take(run.len() * times.saturating_sub(1)).collect();
                data.splice(i..i, copies);
            }
            Mutation::Splice { seed, from, len: n, to } if !seeds.is_empty() => {
                let source = &seeds[seed.index(seeds.len())];
                if !source.is_empty() {
                    let i = from.index(source.len());
                    let j = to.index(len + 1);
                    data.splice(j..j, source[i..(i + n).min(source.len())].iter().copied());
                }
            }
            // An edit that needs bytes to act on leaves an empty input alone.
            _ => {}
        }
    }
}

/// Apply `mutations` in order to a copy of `seed`.
pub fn apply_all(seed: &[u8], mutations: &[Mutation], seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for mutation in mutations {
        mutation.apply(&mut data, seeds);
    }
    data
}

/// One random edit; inserted words come from [`ODD_PIECES`] or `dictionary`
/// (the format's own syntax: section headers, keywords, operators...).
pub fn mutation(dictionary: &'static [&'static [u8]]) -> BoxedStrategy<Mutation> {
    let word = prop_oneof![select(ODD_PIECES), select(dictionary)].prop_map(<[u8]>::to_vec);
    prop_oneof![
        1 => (any::<Index>(), 0u8..8).prop_map(|(at, bit)| Mutation::FlipBit { at, bit }),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Mutation::SetByte { at, byte }),
        3 => (any::<Index>(), word).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        1 => (any::<Index>(), vec(any::<u8>(), 1..12)).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        1 => (any::<Index>(), 1usize..48).prop_map(|(at, len)| Mutation::Delete { at, len }),
        1 => any::<Index>().prop_map(|at| Mutation::Truncate { at }),
        1 => (any::<Index>(), 1usize..128, any::<Index>()).prop_map(|(from, len, to)| Mutation::Duplicate { from, len, to }),
        1 => (any::<Index>(), 1usize..16, 2usize..=4).prop_map(|(at, len, times)| Mutation::Repeat { at, len, times }),
        1 => (any::<Index>(), any::<Index>(), 1usize..128, any::<Index>())
            .prop_map(|(seed, from, len, to)| Mutation::Splice { seed, from, len, to }),
    ]
    .boxed()
}

/// A seed, possibly unchanged, with up to `max_mutations` edits.
pub fn mutated(
    seeds: Vec<Vec<u8>>,
    dictionary: &'static [&'static [u8]],
    max_mutations: usize,
) -> BoxedStrategy<Bytes> {
    assert!(!seeds.is_empty(), "mutations need at least one seed");
    let seeds = Arc::new(seeds);
    (0..seeds.len(), vec(mutation(dictionary), 0..=max_mutations))
        .prop_map(move |(i, edits)| Bytes(apply_all(&seeds[i], &edits, &seeds)))
        .boxed()
}

/// A directory of its own under the system temp dir, removed on drop.
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    /// A fresh, empty directory; `tag` names it for whoever finds it.
    pub fn new(tag: &str) -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("ferrocov-fuzz-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a scratch directory");
        ScratchDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    fn index_at(fraction: f64) -> Index {
        // `Index` has no public constructor; draw until one lands where wanted.
        let mut runner = TestRunner::deterministic();
        loop {
            let idx = any::<Index>().new_tree(&mut runner).unwrap().current();
            if idx.index(1000) == (fraction * 1000.0) as usize {
                return idx;
            }
        }
    }

    #[test]
    fn edits_do_what_they_say() {
        let seed = b"0123456789".to_vec();
        let start = index_at(0.0);
        let mid = index_at(0.5);
        let apply = |m: Mutation| apply_all(&seed, &[m], &[b"abc".to_vec()]);
        assert_eq!(apply(Mutation::Truncate { at: mid }), b"01234");
        assert_eq!(apply(Mutation::Delete { at: start, len: 3 }), b"3456789");
        assert_eq!(apply(Mutation::Insert { at: start, bytes: b"xy".to_vec() }), b"xy0123456789");
        assert_eq!(apply(Mutation::SetByte { at: start, byte: b'z' }), b"z123456789");
        assert_eq!(apply(Mutation::FlipBit { at: start, bit: 0 }), b"1123456789");
        assert_eq!(apply(Mutation::Repeat { at: mid, len: 2, times: 3 }), b"01234565656789");
        let spliced = apply(Mutation::Splice { seed: start, from: start, len: 2, to: start });
        assert_eq!(spliced, b"ab0123456789");
        let duplicated = apply(Mutation::Duplicate { from: start, len: 2, to: start });
        assert_eq!(duplicated, b"010123456789");
    }

    #[test]
    fn edits_of_an_empty_input_stay_in_bounds() {
        let any_index = index_at(0.3);
        let edits = [
            Mutation::FlipBit { at: any_index, bit: 7 },
            Mutation::Delete { at: any_index, len: 5 },
            Mutation::Duplicate { from: any_index, len: 5, to: any_index },
            Mutation::Repeat { at: any_index, len: 5, times: 4 },
            Mutation::Truncate { at: any_index },
        ];
        assert_eq!(apply_all(b"", &edits, &[]), b"");
    }

    #[test]
    fn case_budget_defaults_without_the_variable() {
        // The variable is only set by the long run, never inside cargo's own tests.
        if std::env::var_os(CASES_VAR).is_none() {
            assert_eq!(cases(77), 77);
            assert_eq!(config(77).cases, 77);
            assert!(config(77).failure_persistence.is_none());
            assert_eq!(config_share(9, 20).cases, 9);
        }
    }

    #[test]
    fn bytes_debug_escapes() {
        assert_eq!(format!("{:?}", Bytes(b"a\n\xff\"".to_vec())), "b\"a\\n\\xff\\\"\" (4 bytes)");
    }
}

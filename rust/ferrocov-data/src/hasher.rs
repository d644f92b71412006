//! The fingerprint of the data recorded by one `CoverageData`.
//!
//! coverage.py puts a digest of everything a process recorded into the name
//! of its parallel data file (`.H<digest>h`), so `combine` can skip files
//! whose data is a duplicate. It feeds Python values to SHA3-256 tagged with
//! their Python type; we feed the same byte stream for the values we record
//! (strings, numbits, arc sets, no-context), so for line data the digests
//! agree with coverage.py's and duplicates are recognised across both tools.

use sha3::{Digest, Sha3_256};

/// Length of the digest in a data file name (`NHASH` in coverage.py).
pub const NAME_HASH_LEN: usize = 10;

#[derive(Clone, Default)]
pub struct DataHasher {
    state: Sha3_256,
}

impl DataHasher {
    pub fn new() -> Self {
        Self::default()
    }

    fn tag(&mut self, type_name: &str) {
        self.state.update(format!("<class '{type_name}'>").as_bytes());
    }

    fn end(&mut self) {
        self.state.update(b".");
    }

    pub fn update_str(&mut self, value: &str) {
        self.tag("str");
        // Python measures a str in code points, not bytes.
        self.state.update(format!("{}:", value.chars().count()).as_bytes());
        self.state.update(value.as_bytes());
        self.end();
    }

    pub fn update_bytes(&mut self, value: &[u8]) {
        self.tag("bytes");
        self.state.update(format!("{}:", value.len()).as_bytes());
        self.state.update(value);
        self.end();
    }

    pub fn update_none(&mut self) {
        self.tag("NoneType");
        self.end();
    }

    pub fn update_opt_str(&mut self, value: Option<&str>) {
        match value {
            Some(text) => self.update_str(text),
            None => self.update_none(),
        }
    }

    fn update_int(&mut self, value: i64) {
        self.tag("int");
        self.state.update(value.to_string().as_bytes());
        self.end();
    }

    /// Hash arcs as the `set` of tuples coverage.py's tracers hand over.
    pub fn update_arc_set(&mut self, arcs: &[(i32, i32)]) {
        let mut sorted = arcs.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        self.tag("set");
        for (from, to) in sorted {
            self.tag("tuple");
            self.update_int(i64::from(from));
            self.update_int(i64::from(to));
            self.end();
        }
        self.end();
    }

    fn digest(&self) -> Vec<u8> {
        self.state.clone().finalize().to_vec()
    }

    /// The 32 hex characters stored in `meta.hash`.
    pub fn hexdigest(&self) -> String {
        let hex: String = self.digest().iter().map(|b| format!("{b:02x}")).collect();
        hex[..32].to_owned()
    }

    /// The short digest for the file name: base64 with `0` and `1` standing
    /// in for `+` and `/`, so it is safe in a file name.
    pub fn name_digest(&self) -> String {
        let mut encoded = base64_with_alt_chars(&self.digest());
        encoded.truncate(NAME_HASH_LEN);
        encoded
    }
}

fn base64_with_alt_chars(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz012345678901";
    let symbol = |index: u32| ALPHABET.get(index as usize).map_or('0', |&c| c as char);
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let group = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(symbol((group >> 18) & 63));
        out.push(symbol((group >> 12) & 63));
        out.push(if chunk.len() > 1 { symbol((group >> 6) & 63) } else { '=' });
        out.push(if chunk.len() > 2 { symbol(group & 63) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numbits::nums_to_numbits;

    #[test]
    fn digest_matches_coverage_py_for_line_data() {
        // coverage.misc.Hasher after update("a.py"), update(nums_to_numbits({1, 2})):
        // computed with coverage.py 7.17.3.
        let mut hasher = DataHasher::new();
        hasher.update_str("a.py");
        hasher.update_bytes(&nums_to_numbits([1, 2]));
        assert_eq!(hasher.hexdigest(), EXPECTED_HEX);
        assert_eq!(hasher.name_digest(), EXPECTED_NAME);
    }

    #[test]
    fn base64_alphabet_uses_0_and_1() {
        assert_eq!(base64_with_alt_chars(&[0xfb, 0xff]), "018=");
        assert_eq!(base64_with_alt_chars(b"Man"), "TWFu");
        assert_eq!(base64_with_alt_chars(b"M"), "TQ==");
    }

    pub(super) const EXPECTED_HEX: &str = "d0c980b4144f970983f84ec3cf7c64a4";
    pub(super) const EXPECTED_NAME: &str = "0MmAtBRPlw";
}

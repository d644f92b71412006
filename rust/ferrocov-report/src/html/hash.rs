//! A small stable hash for page names and the status file.
//!
//! Not cryptographic: it only has to tell "same input as last run" apart
//! from "changed" and keep page names distinct, and it must not change
//! between runs or builds (std's `DefaultHasher` promises neither).

/// A 128-bit FNV-1a digest (two 64-bit lanes with different offsets), as
/// 32 hex digits.
#[derive(Debug, Clone)]
pub struct Digest {
    lanes: [u64; 2],
}

const PRIME: u64 = 0x0000_0100_0000_01b3;

impl Digest {
    pub fn new() -> Self {
        Digest { lanes: [0xcbf2_9ce4_8422_2325, 0x6c62_272e_07bb_0142] }
    }

    /// Feed `bytes`, then its length, so "ab"+"c" differs from "a"+"bc".
    pub fn update(&mut self, bytes: &[u8]) -> &mut Self {
        for lane in &mut self.lanes {
            for &b in bytes.iter().chain(&(bytes.len() as u64).to_le_bytes()) {
                *lane ^= u64::from(b);
                *lane = lane.wrapping_mul(PRIME);
            }
        }
        self
    }

    pub fn hex(&self) -> String {
        format!("{:016x}{:016x}", self.lanes[0], self.lanes[1])
    }
}

/// The digest of one string.
pub fn hex_of(text: &str) -> String {
    Digest::new().update(text.as_bytes()).hex()
}

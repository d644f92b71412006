//! Data file names: parallel suffixes and the pattern that recognises them.
//!
//! A parallel data file is named `<base>.<host>.pid<pid>.X<rand>x`, and once
//! written `<...>.H<digest>h`, exactly as coverage.py names them, so either
//! tool's `combine` picks up the other's files.

use std::sync::OnceLock;

use regex::Regex;

/// Random characters in a parallel suffix (`NRAND` in coverage.py).
pub const RANDOM_LEN: usize = 6;

/// The pieces of a parallel data file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuffixParts {
    pub host: String,
    pub pid: String,
    pub random: String,
    /// The digest with its trailing `h`, as coverage.py's `hash` group.
    pub hash: Option<String>,
    /// Byte offset of the `.H` that starts the digest, if any.
    pub hash_start: Option<usize>,
}

/// A fresh parallel suffix: `<host>.pid<pid>.X<6 letters/digits>x`.
pub fn parallel_suffix() -> String {
    let host = hostname().replace('.', "_");
    format!("{host}.pid{}.X{}x", std::process::id(), random_alnum(RANDOM_LEN))
}

fn suffix_regex() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(r"\.(?P<host>[^.]+)\.pid(?P<pid>\d+)\.X(?P<random>\w{6})x(?P<hashpart>\.H(?P<hash>\w{10}h))?$")
            .expect("the suffix pattern is a valid regex")
    })
}

/// Match a file name against the parallel suffix pattern.
pub fn match_suffix(filename: &str) -> Option<SuffixParts> {
    let caps = suffix_regex().captures(filename)?;
    let text = |name: &str| caps.name(name).map(|m| m.as_str().to_owned());
    Some(SuffixParts {
        host: text("host")?,
        pid: text("pid")?,
        random: text("random")?,
        hash: text("hash"),
        hash_start: caps.name("hashpart").map(|m| m.start()),
    })
}

/// The machine's host name, as Python's `socket.gethostname()`.
pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its whole length; gethostname writes at
    // most that many bytes.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return "localhost".to_owned();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// `len` random ASCII letters and digits, from the OS's entropy source.
pub fn random_alnum(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let mut buf = [0u8; 16];
        fill_random(&mut buf);
        // Reject the top bytes so every character is equally likely.
        for byte in buf.iter().filter(|&&b| usize::from(b) < 248) {
            if out.len() < len {
                out.push(char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]));
            }
        }
    }
    out
}

pub(crate) fn fill_random(buf: &mut [u8]) {
    if getrandom::getrandom(buf).is_err() {
        // No entropy source: fall back on time and pid, still distinct per process.
        let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
            ^ u128::from(std::process::id());
        for (i, slot) in buf.iter_mut().enumerate() {
            *slot = (seed >> ((i % 16) * 8)) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_suffix_has_coverage_py_shape() {
        let suffix = parallel_suffix();
        let parts = match_suffix(&format!("/x/.coverage.{suffix}")).expect("matches");
        assert_eq!(parts.pid, std::process::id().to_string());
        assert_eq!(parts.random.len(), RANDOM_LEN);
        assert!(parts.random.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(!parts.host.contains('.'));
        assert_eq!(parts.hash, None);
        assert_ne!(parallel_suffix(), suffix);
    }

    #[test]
    fn hashed_names_match() {
        let name = "/d/.coverage.vm.pid16432.XSU8J0tx.H0MmAtBRPlwh";
        let parts = match_suffix(name).expect("matches");
        assert_eq!(parts.host, "vm");
        assert_eq!(parts.pid, "16432");
        assert_eq!(parts.random, "SU8J0t");
        assert_eq!(parts.hash.as_deref(), Some("0MmAtBRPlwh"));
        assert_eq!(&name[..parts.hash_start.unwrap()], "/d/.coverage.vm.pid16432.XSU8J0tx");
        assert!(match_suffix("/d/.coverage.1").is_none());
    }
}

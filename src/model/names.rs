//! Fast maps and sets keyed by element names, and the order people expect names in. The
//! standard library's SipHash resists attackers choosing keys; names come from the user's own
//! files, and a 10,000-bus network is validated after every edit, so a cheaper hash matters.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a taken eight bytes at a time, finished with MurmurHash3's mixer so that every bit of
/// the result depends on every byte (hash tables index buckets by the low bits).
#[derive(Debug, Clone, Copy)]
pub struct NameHasher(u64);

impl Default for NameHasher {
    fn default() -> Self {
        NameHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for NameHasher {
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    /// Eight bytes per step: a name costs one or two multiplications, not one per byte.
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(0x0100_0000_01b3);
    }
}

pub type NameMap<'a, V> = HashMap<&'a str, V, BuildHasherDefault<NameHasher>>;
pub type NameSet<'a> = HashSet<&'a str, BuildHasherDefault<NameHasher>>;

/// Names in the order people read them: runs of digits compare as numbers, so "bus2" comes
/// before "bus10" and "9" before "10"; other characters compare case-insensitively, exact
/// case breaking ties.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.char_indices().peekable(), b.char_indices().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some((i, c)), Some((j, d))) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let ((p, p_end), (q, q_end)) = (digits(a, i), digits(b, j));
                let (p, q) = (p.trim_start_matches('0'), q.trim_start_matches('0'));
                let by_number = p.len().cmp(&q.len()).then_with(|| p.cmp(q));
                if by_number != Ordering::Equal {
                    return by_number;
                }
                while x.peek().is_some_and(|&(k, _)| k < p_end) {
                    x.next();
                }
                while y.peek().is_some_and(|&(k, _)| k < q_end) {
                    y.next();
                }
            }
            (Some((_, c)), Some((_, d))) => {
                let by_letter = c.to_lowercase().cmp(d.to_lowercase());
                if by_letter != Ordering::Equal {
                    return by_letter;
                }
                x.next();
                y.next();
            }
        }
    }
}

/// The run of digits in `s` starting at byte `from`, and the byte after it.
fn digits(s: &str, from: usize) -> (&str, usize) {
    let end = s[from..]
        .find(|ch: char| !ch.is_ascii_digit())
        .map_or(s.len(), |n| from + n);
    (&s[from..end], end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_with_their_numbers_as_numbers() {
        let mut names = [
            "bus10", "bus2", "Bus1", "bus1", "10", "9", "a-20-b", "a-3-c", "a-03-b",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "9", "10", "a-03-b", "a-3-c", "a-20-b", "Bus1", "bus1", "bus2", "bus10"
            ]
        );
    }
    use std::hash::BuildHasher;

    #[test]
    fn names_that_differ_late_spread_over_buckets() {
        let build = BuildHasherDefault::<NameHasher>::default();
        // Names that differ only in their eighth byte still differ in the low bits.
        let low: HashSet<u64> = (0..256)
            .map(|i| build.hash_one(format!("bus0000{}", char::from(b'0' + (i % 10) as u8))) & 0xff)
            .collect();
        assert!(low.len() >= 8, "{low:?}");
        let set: NameSet = ["a", "b", "a"].into_iter().collect();
        assert_eq!(set.len(), 2);
    }
}

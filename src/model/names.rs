//! Fast maps and sets keyed by element names. The standard library's SipHash resists
//! attackers choosing keys; names come from the user's own files, and a 10,000-bus network is
//! validated after every edit, so a cheaper hash matters.

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

#[cfg(test)]
mod tests {
    use super::*;
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

//! FNV hashes (`hash/fnv` in Go), written out here rather than taken from
//! `std::hash`, whose output may differ between Rust versions and targets:
//! trace hashes, controller revision names and every per-object jitter
//! depend on these staying the same on every build.

const OFFSET64: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME64: u64 = 0x0000_0100_0000_01b3;
const OFFSET32: u32 = 0x811c_9dc5;
const PRIME32: u32 = 0x0100_0193;

/// A running 64-bit FNV-1a hash (Go's `fnv.New64a`).
#[derive(Clone, Copy, Debug)]
pub struct Fnv64a(u64);

impl Default for Fnv64a {
    fn default() -> Fnv64a {
        Fnv64a(OFFSET64)
    }
}

impl Fnv64a {
    pub fn new() -> Fnv64a {
        Fnv64a::default()
    }

    /// Feeds bytes, one at a time.
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(PRIME64);
        }
    }

    /// Feeds a whole 64-bit word as one step (a cheap fingerprint of
    /// numbers, not byte-wise FNV).
    pub fn write_word(&mut self, x: u64) {
        self.0 = (self.0 ^ x).wrapping_mul(PRIME64);
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// 64-bit FNV-1a of `bytes`.
pub fn fnv1a_64(bytes: &[u8]) -> u64 {
    let mut h = Fnv64a::new();
    h.write(bytes);
    h.finish()
}

/// FNV-1 32-bit (Go's `fnv.New32`) over the parts in order.
pub fn fnv1_32(parts: &[&[u8]]) -> u32 {
    let mut h = OFFSET32;
    for p in parts {
        for &b in *p {
            h = h.wrapping_mul(PRIME32);
            h ^= u32::from(b);
        }
    }
    h
}

/// FNV-1a 32-bit (Go's `fnv.New32a`) over the parts in order.
pub fn fnv1a_32(parts: &[&[u8]]) -> u32 {
    let mut h = OFFSET32;
    for p in parts {
        for &b in *p {
            h ^= u32::from(b);
            h = h.wrapping_mul(PRIME32);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        // Published FNV test vectors.
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x8594_4171_f739_67e8);
        assert_eq!(fnv1a_32(&[b"a"]), 0xe40c_292c);
        assert_eq!(fnv1a_32(&[b"foo", b"bar"]), 0xbf9c_f968);
        assert_eq!(fnv1_32(&[b"a"]), 0x050c_5d7e);
        assert_eq!(fnv1_32(&[b"foobar"]), 0x31f0_b262);
    }
}

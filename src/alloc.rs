//! The native allocator of the CLI and the bench: mimalloc, asked for a
//! plain block where one is aligned enough.
//!
//! The simulation allocates and frees a great deal (JSON maps): mimalloc
//! takes about a quarter off a run's CPU against glibc's malloc
//! (docs/perf14.md). The `mimalloc` crate's `GlobalAlloc` passes every
//! request to `mi_malloc_aligned`, whose alignment checks cost about seven
//! instructions per call on top of `mi_malloc`; the simulation makes some
//! three million allocations per bench run, nearly all with an alignment
//! of 8 or 16 that a plain block already has. So this asks for a plain
//! block where [`plain`] says it is aligned enough, and goes through
//! mimalloc's aligned calls otherwise. docs/perf29.md has the figures. The
//! library itself does not choose an allocator; the page keeps Rust's
//! default wasm one.

use libmimalloc_sys::{mi_malloc, mi_realloc, mi_zalloc};
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// mimalloc, with plain calls where the alignment allows them.
pub struct Allocator;

/// Whether a plain `mi_malloc(size)` is aligned enough for `align`.
///
/// mimalloc puts a page's first block at a 16-aligned address and the
/// others a block size apart. Its block sizes are whole words (8 bytes on
/// the 64-bit targets the CLI is built for),
/// so every block is 8-aligned; the block size for a multiple of 16 is a
/// multiple of 16 too, so such a block is 16-aligned. (On 64-bit targets
/// mimalloc also rounds every size above 8 bytes up to a multiple of 16,
/// which is why std's rule for glibc, alignment at most 16 and at most the
/// size, would hold here too; this rule does not lean on that.) A value's
/// layout has a size that is a multiple of its alignment, so every type
/// aligned to 16 or less takes the plain path.
#[inline]
fn plain(align: usize, size: usize) -> bool {
    align <= 8 || (align == 16 && size % 16 == 0)
}

// SAFETY: each call either goes to mimalloc's aligned functions, as
// `mimalloc::MiMalloc` does, or to its plain ones for layouts they align
// (see above, and the tests below); `mi_free` frees both.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if plain(layout.align(), layout.size()) {
            mi_malloc(layout.size()).cast()
        } else {
            mimalloc::MiMalloc.alloc(layout)
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if plain(layout.align(), layout.size()) {
            mi_zalloc(layout.size()).cast()
        } else {
            mimalloc::MiMalloc.alloc_zeroed(layout)
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        mimalloc::MiMalloc.dealloc(ptr, layout)
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if plain(layout.align(), new_size) {
            mi_realloc(ptr.cast::<c_void>(), new_size).cast()
        } else {
            mimalloc::MiMalloc.realloc(ptr, layout, new_size)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size up to 600 bytes and a few larger (whether or not a
    /// multiple of the alignment), with every alignment from 1 to 64, eight
    /// blocks of each held at once (so most are not a page's first): each
    /// block is aligned, holds what was written, and keeps it through a
    /// grow and a shrink (which may move it between the plain and the
    /// aligned paths).
    #[test]
    fn blocks_are_aligned_and_keep_their_bytes() {
        let a = Allocator;
        let fill = |p: *mut u8, n: usize, seed: usize| {
            for i in 0..n {
                unsafe { *p.add(i) = ((i + seed) % 251) as u8 };
            }
        };
        let holds = |p: *mut u8, n: usize, seed: usize| {
            (0..n).all(|i| unsafe { *p.add(i) } == ((i + seed) % 251) as u8)
        };
        for align in [1, 2, 4, 8, 16, 32, 64] {
            for size in (1..=600).chain([1_000, 4_095, 4_096, 8_192, 70_000]) {
                let layout = Layout::from_size_align(size, align).unwrap();
                let blocks: Vec<*mut u8> = (0..8)
                    .map(|k| unsafe {
                        let p = a.alloc(layout);
                        assert!(!p.is_null());
                        assert_eq!(p as usize % align, 0, "size {size} align {align} block {k}");
                        fill(p, size, k);
                        p
                    })
                    .collect();
                let grown = size * 3 + 5;
                let small = size.div_ceil(2);
                for (k, p) in blocks.into_iter().enumerate() {
                    unsafe {
                        assert!(holds(p, size, k), "size {size} align {align} block {k}");
                        let q = a.realloc(p, layout, grown);
                        assert_eq!(q as usize % align, 0, "grown {grown} align {align}");
                        assert!(holds(q, size, k));
                        let big = Layout::from_size_align(grown, align).unwrap();
                        let r = a.realloc(q, big, small);
                        assert_eq!(r as usize % align, 0, "shrunk {small} align {align}");
                        assert!(holds(r, small, k));
                        a.dealloc(r, Layout::from_size_align(small, align).unwrap());
                    }
                }
                let zeroed: Vec<*mut u8> = (0..8)
                    .map(|_| unsafe {
                        let z = a.alloc_zeroed(layout);
                        assert_eq!(z as usize % align, 0, "zeroed {size} align {align}");
                        assert!((0..size).all(|i| *z.add(i) == 0));
                        z
                    })
                    .collect();
                for z in zeroed {
                    unsafe { a.dealloc(z, layout) };
                }
            }
        }
    }

    #[test]
    fn plain_only_where_malloc_aligns() {
        assert!(plain(8, 8) && plain(16, 16) && plain(16, 48) && plain(1, 1) && plain(8, 3));
        assert!(!plain(16, 8), "an 8-byte block is 8-aligned only");
        assert!(!plain(16, 24), "a 24-byte block is 8-aligned only");
        assert!(!plain(32, 64), "beyond a page's 16-aligned start");
    }
}

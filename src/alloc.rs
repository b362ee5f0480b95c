//! The native allocator of the CLI and the bench: mimalloc, asked the way
//! Rust's own `System` allocator asks `malloc`.
//!
//! The simulation allocates and frees a great deal (JSON maps): mimalloc
//! takes about a quarter off a run's CPU against glibc's malloc
//! (docs/perf14.md). The `mimalloc` crate's `GlobalAlloc` passes every
//! request to `mi_malloc_aligned`, whose alignment checks cost about seven
//! instructions per call on top of `mi_malloc`; the simulation makes some
//! three million allocations per bench run, nearly all with an alignment
//! of 8 or 16, which `mi_malloc` already guarantees. So this asks for a
//! plain block whenever the layout's alignment is at most 16 and at most
//! its size (std's rule for `malloc`: mimalloc's blocks start 16-aligned
//! in a page and its size classes are multiples of 8, and of 16 from 16
//! bytes up), and goes through mimalloc's aligned calls otherwise.
//! docs/perf29.md has the figures. The library itself does not choose an
//! allocator; the page keeps Rust's default wasm one.

use libmimalloc_sys::{mi_malloc, mi_realloc, mi_zalloc};
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// What `mi_malloc` guarantees (mimalloc's `MI_MAX_ALIGN_SIZE`).
const MIN_ALIGN: usize = 16;

/// mimalloc, with plain calls where the alignment allows them.
pub struct Allocator;

/// Whether a plain `mi_malloc(size)` is aligned enough for `align`.
#[inline]
fn plain(align: usize, size: usize) -> bool {
    align <= MIN_ALIGN && align <= size
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

    /// Every size up to a few pages of size classes (whether or not a
    /// multiple of the alignment), with every alignment from 1 to 64: the
    /// block is aligned, holds what was written, and
    /// keeps it through a grow and a shrink (which may move it between
    /// the plain and the aligned paths).
    #[test]
    fn blocks_are_aligned_and_keep_their_bytes() {
        let a = Allocator;
        for align in [1, 2, 4, 8, 16, 32, 64] {
            for size in (1..=1_100).chain([4_095, 4_096, 8_192, 70_000]) {
                let Ok(layout) = Layout::from_size_align(size, align) else {
                    continue;
                };
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size} align {align}");
                    for i in 0..size {
                        *p.add(i) = (i % 251) as u8;
                    }
                    let grown = size * 3 + 5;
                    let q = a.realloc(p, layout, grown);
                    assert_eq!(q as usize % align, 0, "grown {grown} align {align}");
                    assert!((0..size).all(|i| *q.add(i) == (i % 251) as u8));
                    let big = Layout::from_size_align(grown, align).unwrap();
                    let small = size.div_ceil(2);
                    let r = a.realloc(q, big, small);
                    assert_eq!(r as usize % align, 0, "shrunk {small} align {align}");
                    assert!((0..small).all(|i| *r.add(i) == (i % 251) as u8));
                    a.dealloc(r, Layout::from_size_align(small, align).unwrap());

                    let z = a.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0);
                    assert!((0..size).all(|i| *z.add(i) == 0));
                    a.dealloc(z, layout);
                }
            }
        }
    }

    #[test]
    fn plain_only_where_malloc_aligns() {
        assert!(plain(8, 8) && plain(16, 16) && plain(16, 48) && plain(1, 1));
        assert!(
            !plain(16, 8),
            "a small block is aligned to its size class only"
        );
        assert!(!plain(32, 64), "beyond MI_MAX_ALIGN_SIZE");
    }
}

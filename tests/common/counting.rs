//! The system allocator, counting the bytes live and the bytes ever
//! allocated: what a snapshot really copies and keeps, for
//! `tests/snapshot_bytes.rs` and `examples/snapshot_cost.rs` (each
//! includes this file and makes `Counting` its global allocator).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

/// Bytes allocated and not yet freed.
pub fn live() -> usize {
    LIVE.load(Relaxed)
}

/// Bytes allocated since the start (frees not counted).
#[allow(dead_code)]
pub fn allocated() -> usize {
    ALLOCATED.load(Relaxed)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Relaxed);
        ALLOCATED.fetch_add(l.size(), Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new, Relaxed);
        LIVE.fetch_sub(l.size(), Relaxed);
        ALLOCATED.fetch_add(new, Relaxed);
        unsafe { System.realloc(p, l, new) }
    }
}

//! Read-only data that only moved functions use moves to the secondary with them
//! (docs/split12.md, "The data").
//!
//! A static's address is a constant in the code that uses it (an `i32.const`, or
//! the offset of a load or store), or a pointer word in another static. The
//! linker's map (`wasm-ld --Map`) gives every `.rodata` input section's address
//! and size: one object each. An object stays in the primary when a kept
//! function's constant, a global's initial value, a pointer word of data outside
//! every object (`.data`, padding), or a pointer word of an object that stays
//! points at it or may reach it (see `NEAR`); every other object moves. The
//! secondary writes the moved bytes back at the same addresses (active data
//! segments) when it is instantiated, before any moved function can run, and
//! only moved functions name them. Nothing is relocated.

use std::ops::Range;

/// How far past an address a reference may reach. An address that is not an
/// object's start, a load's or store's offset, or a constant the code adds an
/// index to may be a folded `T - c` (LLVM writes `T[i - 1]` as `(T - 8) + 8 * i`),
/// so every object that starts within this many bytes after it stays too. An
/// object's own start, used as it is, names that object, and the one that ends
/// there (an end pointer) alone.
pub const NEAR: u32 = 256;

/// A `.rodata` input section of the link map. The linker's merged strings
/// (`<internal>`: wasm-ld merges only strings) hold NUL-terminated strings end to
/// end, each a static of its own (core::fmt's templates, mostly); a reference
/// into the middle of one is a shared tail.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub range: Range<u32>,
    pub strings: bool,
}

/// The `.rodata` input sections of a `wasm-ld --Map` link map, by address.
pub fn read_map(text: &str) -> Result<Vec<Section>, String> {
    // By address (a B-tree: clippy.toml keeps slice sorts to the page's one copy).
    let mut by_start = std::collections::BTreeMap::new();
    for line in text.lines().filter(|l| l.contains(":(.rodata")) {
        let mut fields = line.split_whitespace();
        let mut hex = || fields.next().and_then(|f| u32::from_str_radix(f, 16).ok());
        let (Some(addr), Some(_offset), Some(size)) = (hex(), hex(), hex()) else {
            return Err(format!("link map: unexpected line {line:?}"));
        };
        if size > 0 {
            let strings = line.contains("<internal>:(.rodata");
            by_start.insert(addr, (addr + size, strings));
        }
    }
    let sections: Vec<Section> = by_start
        .into_iter()
        .map(|(start, (end, strings))| Section {
            range: start..end,
            strings,
        })
        .collect();
    if sections
        .windows(2)
        .any(|w| w[0].range.end > w[1].range.start)
    {
        return Err("link map: .rodata sections overlap".into());
    }
    Ok(sections)
}

/// The memory image the active data segments write, from the lowest address any
/// of them writes.
struct Image {
    base: u32,
    bytes: Vec<u8>,
}

impl Image {
    fn new(segments: &[(u32, &[u8])]) -> Image {
        let base = segments.iter().map(|s| s.0).min().unwrap_or(0);
        let end = segments
            .iter()
            .map(|(at, b)| at + b.len() as u32)
            .max()
            .unwrap_or(0);
        let mut bytes = vec![0; (end - base) as usize];
        for (at, b) in segments {
            let at = (at - base) as usize;
            bytes[at..at + b.len()].copy_from_slice(b);
        }
        Image { base, bytes }
    }

    fn range(&self) -> Range<u32> {
        self.base..self.base + self.bytes.len() as u32
    }

    /// The bytes the image holds at `r` (zero past its end).
    fn bytes_at(&self, r: &Range<u32>) -> Vec<u8> {
        let image = self.range();
        r.clone()
            .map(|a| {
                if image.contains(&a) {
                    self.bytes[(a - self.base) as usize]
                } else {
                    0
                }
            })
            .collect()
    }

    /// The NUL-terminated strings of `r`, end to end (a last one without its NUL
    /// runs to the end of `r`).
    fn strings(&self, r: &Range<u32>) -> Vec<Range<u32>> {
        let bytes = self.bytes_at(r);
        let mut out = Vec::new();
        let mut start = r.start;
        for (i, &b) in bytes.iter().enumerate() {
            if b == 0 {
                let end = r.start + i as u32 + 1;
                out.push(start..end);
                start = end;
            }
        }
        if start < r.end {
            out.push(start..r.end);
        }
        out
    }

    /// The 4-byte aligned words of `r` that hold an address inside the image.
    fn pointers(&self, r: &Range<u32>) -> Vec<u32> {
        let image = self.range();
        let start = r.start.max(image.start).next_multiple_of(4);
        let mut out = Vec::new();
        let mut at = start;
        while at + 4 <= r.end.min(image.end) {
            let i = (at - self.base) as usize;
            let w = u32::from_le_bytes(self.bytes[i..i + 4].try_into().expect("4 bytes"));
            if image.contains(&w) {
                out.push(w);
            }
            at += 4;
        }
        out
    }
}

/// What moves: the primary's segments without the moved objects, and the
/// secondary's, which are the moved objects' bytes at their addresses.
pub struct Plan {
    pub primary: Vec<(u32, Vec<u8>)>,
    pub secondary: Vec<(u32, Vec<u8>)>,
}

impl Plan {
    pub fn moved_bytes(&self) -> usize {
        self.secondary.iter().map(|(_, b)| b.len()).sum()
    }
}

/// Which objects stay: those the kept code's addresses (`names`, used as they
/// are; `bases`, indexed from) name or may reach, then, to a fixed point, those
/// that the pointer words of data outside every object or of a staying object
/// name. None when nothing moves.
pub fn plan(
    segments: &[(u32, &[u8])],
    sections: &[Section],
    names: &[u32],
    bases: &[u32],
) -> Option<Plan> {
    let image = Image::new(segments);
    let mut objects: Vec<Range<u32>> = Vec::new();
    for s in sections {
        if s.strings {
            objects.extend(image.strings(&s.range));
        } else {
            objects.push(s.range.clone());
        }
    }
    let objects = &objects[..];
    let mut stays = vec![false; objects.len()];
    let mut work: Vec<usize> = Vec::new();
    let mark = |addr: u32, base: bool, stays: &mut Vec<bool>, work: &mut Vec<usize>| {
        let first = objects.partition_point(|o| o.end < addr);
        let start = objects.iter().skip(first).take(2).any(|o| o.start == addr);
        let hi = if start && !base {
            addr
        } else {
            addr.saturating_add(NEAR)
        };
        for (i, o) in objects.iter().enumerate().skip(first) {
            if o.start > hi {
                break;
            }
            if !stays[i] {
                stays[i] = true;
                work.push(i);
            }
        }
    };
    for &a in names {
        mark(a, false, &mut stays, &mut work);
    }
    for &a in bases {
        mark(a, true, &mut stays, &mut work);
    }
    // Data outside every object stays: scan it for pointers too.
    let mut outside = Vec::new();
    let mut at = image.range().start;
    for o in objects {
        if o.start > at {
            outside.push(at..o.start);
        }
        at = at.max(o.end);
    }
    outside.push(at..image.range().end);
    for r in &outside {
        for p in image.pointers(r) {
            mark(p, false, &mut stays, &mut work);
        }
    }
    while let Some(i) = work.pop() {
        for p in image.pointers(&objects[i]) {
            mark(p, false, &mut stays, &mut work);
        }
    }

    // The moved objects, adjacent ones joined.
    let mut moved: Vec<Range<u32>> = Vec::new();
    for (o, _) in objects.iter().zip(&stays).filter(|(_, s)| !**s) {
        match moved.last_mut() {
            Some(last) if last.end == o.start => last.end = o.end,
            _ => moved.push(o.clone()),
        }
    }
    let secondary: Vec<(u32, Vec<u8>)> = moved
        .iter()
        .map(|r| (r.start, image.bytes_at(r)))
        .filter(|(_, b)| b.iter().any(|&x| x != 0))
        .collect();
    if secondary.is_empty() {
        return None;
    }

    // Each primary segment, with the moved ranges cut out.
    let mut primary = Vec::new();
    for (at, bytes) in segments {
        let seg = *at..at + bytes.len() as u32;
        let mut from = seg.start;
        let cuts = moved
            .iter()
            .filter(|m| m.start < seg.end && m.end > seg.start);
        for m in cuts.chain(std::iter::once(&(seg.end..seg.end))) {
            let to = m.start.max(from);
            if to > from {
                primary.push((
                    from,
                    bytes[(from - at) as usize..(to - at) as usize].to_vec(),
                ));
            }
            from = from.max(m.end.min(seg.end));
        }
    }
    Some(Plan { primary, secondary })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_rodata_sections_of_a_link_map() {
        let map = "    Addr      Off     Size Out     In      Symbol
       -   2dccb9    3d77c DATA
  100000   2dccba    3d6e4 .rodata
  100004   2dccc8       18         /t/deps/a.rcgu.o:(.rodata..Lanon.d8.16)
  100004   2dccc8       18                 .Lanon.d8.16
  10002c   2dccf0     9801         <internal>:(.rodata)
  100000   2dccc4        3         /t/deps/a.rcgu.o:(.rodata..Lanon.d8.3)
  13d6e4   31a3b1        8         /t/deps/a.rcgu.o:(.data._RNvNvCs2M6GLOBAL)
";
        let sections = read_map(map).unwrap();
        let ranges: Vec<Range<u32>> = sections.iter().map(|s| s.range.clone()).collect();
        assert_eq!(
            ranges,
            [0x100000..0x100003, 0x100004..0x10001c, 0x10002c..0x10982d]
        );
        let strings: Vec<bool> = sections.iter().map(|s| s.strings).collect();
        assert_eq!(
            strings,
            [false, false, true],
            "<internal> is the merged strings"
        );
        assert!(read_map("  zz 0 3 /a.o:(.rodata.x)").is_err());
    }

    /// The statics of `plan`'s test, by name.
    const A: Range<u32> = 1024..1032; // named by kept code; its first word points at C
    const B: Range<u32> = 1032..1036; // only moved code uses it
    const C: Range<u32> = 1048..1052; // reached through A
    const D: Range<u32> = 1052..1056; // ends where G starts: an end pointer may be D's
    const G: Range<u32> = 1056..1060; // named by kept code
    const H: Range<u32> = 1200..1204; // just after a base address of kept code
    const I: Range<u32> = 1600..1604; // too far from it

    fn image() -> Vec<u8> {
        let mut bytes = vec![0u8; 1604 - 1024];
        let mut put = |r: &Range<u32>, v: u32| {
            let at = (r.start - 1024) as usize;
            bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
        };
        put(&A, C.start);
        for (r, v) in [(&B, 11), (&C, 13), (&D, 17), (&G, 19), (&H, 23), (&I, 29)] {
            put(r, v);
        }
        bytes
    }

    fn sections(list: &[Range<u32>]) -> Vec<Section> {
        list.iter()
            .map(|r| Section {
                range: r.clone(),
                strings: false,
            })
            .collect()
    }

    #[test]
    fn what_kept_code_names_or_reaches_stays_and_the_rest_moves() {
        let bytes = image();
        let objects = sections(&[A, B, C, D, G, H, I]);
        let plan = plan(&[(1024, &bytes)], &objects, &[A.start, G.start], &[1196]).unwrap();
        let moved: Vec<u32> = plan.secondary.iter().map(|(at, _)| *at).collect();
        assert_eq!(moved, [B.start, I.start], "B and I move, the rest stays");
        assert_eq!(plan.secondary[0].1, 11u32.to_le_bytes());
        assert_eq!(plan.secondary[1].1, 29u32.to_le_bytes());
        assert_eq!(plan.moved_bytes(), 8);
        // The primary writes everything else, at the same addresses.
        let kept: Vec<(u32, usize)> = plan.primary.iter().map(|(a, b)| (*a, b.len())).collect();
        assert_eq!(kept, [(1024, 8), (1036, 1600 - 1036)]);
        assert_eq!(plan.primary[1].1[(C.start - 1036) as usize], 13);
    }

    #[test]
    fn an_address_that_is_no_objects_start_keeps_what_follows_it() {
        let bytes = image();
        let objects = sections(&[A, B, C, D, G, H, I]);
        // B.start - 4 is inside A: a folded `B - 4` keeps B (and the objects after it).
        let plan = plan(&[(1024, &bytes)], &objects, &[B.start - 4], &[]).unwrap();
        let moved: Vec<u32> = plan.secondary.iter().map(|(at, _)| *at).collect();
        assert_eq!(moved, [I.start]);
    }

    #[test]
    fn the_merged_strings_move_one_string_at_a_time() {
        // Three NUL-terminated strings end to end at 2048, as the linker merges them.
        let bytes = b"one\0two\0three\0".to_vec();
        let merged = [Section {
            range: 2048..2048 + bytes.len() as u32,
            strings: true,
        }];
        // Kept code names "three" (2056): it stays, with "two", which ends there.
        let names_three = plan(&[(2048, &bytes)], &merged, &[2056], &[]).unwrap();
        assert_eq!(names_three.secondary, [(2048, b"one\0".to_vec())]);
        assert_eq!(names_three.primary, [(2052, b"two\0three\0".to_vec())]);
        // A shared tail ("ne", inside "one") keeps the string it is in, and what follows.
        let tail = plan(&[(2048, &bytes)], &merged, &[2049], &[]);
        assert!(tail.is_none(), "nothing moves");
    }
}

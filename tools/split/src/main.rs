//! ordinal-split: splits the page's release `.wasm` into the code the first load needs
//! and the rest, which the page loads once it is interactive (issue 12).
//!
//! ```text
//! ordinal-split instrument IN.wasm OUT.wasm
//! ordinal-split split IN.wasm PROFILE PRIMARY.wasm SECONDARY.wasm
//! ```
//!
//! `instrument` gives every defined function an exported global `__prof<N>` (N its
//! index among the defined functions) that the function sets to 1 when it first runs.
//! `scripts/split-profile.mjs` runs that module in the page and writes the indices
//! that ran, one per line: the profile.
//!
//! `split` keeps the profiled functions in the primary module and moves the bodies of
//! the others to the secondary, the way binaryen's `wasm-split` does (Debian's binaryen
//! 108 cannot read this module's externref table, and npm's binaryen has no wasm-split):
//! - a moved function keeps its index in the primary, where its body becomes a stub:
//!   unless the global `__split_loaded` is set it calls the import `__split.load`
//!   (`public/boot.js` instantiates the secondary then), and it then calls the real
//!   body through a new slot of the function table;
//! - the secondary imports the memory, the tables, the globals and the primary
//!   functions its bodies use (the primary exports them as `__split_*`), and an
//!   active element segment writes its functions into those new table slots.
//!
//! Calls, table entries and exports keep pointing at the same index in the primary,
//! so nothing else changes; the primary's function indices move up by one for the
//! new import.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

mod data;

use wasm_encoder as enc;
use wasm_encoder::reencode::{self, Reencode};
use wasmparser::{FunctionBody, Parser, Payload, TypeRef};

type Fail = Box<dyn std::error::Error>;

/// A function body no bigger than this stays in the primary: its stub would be
/// about as large.
const SMALL_BODY: u64 = 24;

/// The type of the flags the tool adds (`__prof<N>`, `__split_loaded`): a
/// mutable i32, 0 at the start.
const FLAG: enc::GlobalType = enc::GlobalType {
    val_type: enc::ValType::I32,
    mutable: true,
    shared: false,
};

/// What the tool needs to know about the input module.
pub struct Input<'a> {
    /// Parameter count of each type (function types only: this module has no GC types).
    type_params: Vec<usize>,
    /// The type of every function, imported ones first.
    func_types: Vec<u32>,
    func_imports: u32,
    globals: Vec<wasmparser::GlobalType>,
    /// (type, imported) of every table.
    tables: Vec<(wasmparser::TableType, bool)>,
    memories: Vec<wasmparser::MemoryType>,
    bodies: Vec<FunctionBody<'a>>,
    /// The type section's bytes, which the secondary copies as they are.
    types: &'a [u8],
    /// The active data segments of memory 0 at a constant address, and whether
    /// those are all the data segments there are (then read-only data can move).
    data: Vec<(u32, &'a [u8])>,
    data_movable: bool,
    /// The `i32.const` initial values of the globals (the stack pointer, `__data_end`).
    global_consts: Vec<u32>,
}

/// The value of a constant expression that is one `i32.const`.
fn const_i32(e: &wasmparser::ConstExpr<'_>) -> Option<u32> {
    let mut ops = e.get_operators_reader();
    match (ops.read().ok()?, ops.read().ok()?) {
        (wasmparser::Operator::I32Const { value }, wasmparser::Operator::End) => Some(value as u32),
        _ => None,
    }
}

impl<'a> Input<'a> {
    pub fn read(bytes: &'a [u8]) -> Result<Self, Fail> {
        let mut input = Input {
            type_params: Vec::new(),
            func_types: Vec::new(),
            func_imports: 0,
            globals: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            bodies: Vec::new(),
            types: &[],
            data: Vec::new(),
            data_movable: true,
            global_consts: Vec::new(),
        };
        for payload in Parser::new(0).parse_all(bytes) {
            match payload? {
                Payload::TypeSection(s) => {
                    let r = s.range();
                    input.types = &bytes[r.start as usize..r.end as usize];
                    for ty in s.into_iter_err_on_gc_types() {
                        input.type_params.push(ty?.params().len());
                    }
                }
                Payload::ImportSection(s) => {
                    for import in s.into_imports() {
                        match import?.ty {
                            TypeRef::Func(t) => {
                                input.func_types.push(t);
                                input.func_imports += 1;
                            }
                            TypeRef::Global(g) => input.globals.push(g),
                            TypeRef::Table(t) => input.tables.push((t, true)),
                            TypeRef::Memory(m) => input.memories.push(m),
                            _ => return Err("unsupported import kind".into()),
                        }
                    }
                }
                Payload::FunctionSection(s) => {
                    for t in s {
                        input.func_types.push(t?);
                    }
                }
                Payload::TableSection(s) => {
                    for t in s {
                        input.tables.push((t?.ty, false));
                    }
                }
                Payload::MemorySection(s) => {
                    for m in s {
                        input.memories.push(m?);
                    }
                }
                Payload::GlobalSection(s) => {
                    for g in s {
                        let g = g?;
                        input.globals.push(g.ty);
                        if let Some(c) = const_i32(&g.init_expr) {
                            input.global_consts.push(c);
                        }
                    }
                }
                Payload::DataSection(s) => {
                    for d in s {
                        let d = d?;
                        let at = match &d.kind {
                            wasmparser::DataKind::Active {
                                memory_index: 0,
                                offset_expr,
                            } => const_i32(offset_expr),
                            _ => None,
                        };
                        match at {
                            Some(at) => input.data.push((at, d.data)),
                            None => input.data_movable = false,
                        }
                    }
                }
                Payload::CodeSectionEntry(body) => input.bodies.push(body),
                _ => {}
            }
        }
        Ok(input)
    }

    fn defined(&self) -> u32 {
        self.bodies.len() as u32
    }

    /// The table that holds the function pointers: the first funcref table the module defines.
    fn function_table(&self) -> Result<u32, Fail> {
        self.tables
            .iter()
            .position(|(t, imported)| !imported && t.element_type == wasmparser::RefType::FUNCREF)
            .map(|i| i as u32)
            .ok_or_else(|| "no funcref table defined in the module".into())
    }
}

type EncError = reencode::Error<std::convert::Infallible>;

/// Re-encodes with every function index from `at` on moved up by one (the new import).
struct Shift {
    at: u32,
}

impl Reencode for Shift {
    type Error = std::convert::Infallible;
    fn function_index(&mut self, f: u32) -> Result<u32, EncError> {
        Ok(if f >= self.at { f + 1 } else { f })
    }
}

/// Collects what a body refers to, and whether it uses passive data or element
/// segments (which only the primary has: such a body stays there).
#[derive(Default)]
struct Refs {
    funcs: BTreeSet<u32>,
    globals: BTreeSet<u32>,
    tables: BTreeSet<u32>,
    segments: bool,
    /// The addresses of the statics a body uses are among its `i32.const`s
    /// (`names`); a load's or store's offset, or a constant the body adds to or
    /// subtracts from (one of the two before an `i32.add`), may be the base of an
    /// indexed access (`bases`). See `data::NEAR`.
    names: Vec<u32>,
    bases: Vec<u32>,
    /// The `i32.const`s among the last two instructions.
    recent: [Option<u32>; 2],
}

impl Reencode for Refs {
    type Error = std::convert::Infallible;
    fn function_index(&mut self, f: u32) -> Result<u32, EncError> {
        self.funcs.insert(f);
        Ok(f)
    }
    fn global_index(&mut self, g: u32) -> Result<u32, EncError> {
        self.globals.insert(g);
        Ok(g)
    }
    fn table_index(&mut self, t: u32) -> Result<u32, EncError> {
        self.tables.insert(t);
        Ok(t)
    }
    fn data_index(&mut self, d: u32) -> Result<u32, EncError> {
        self.segments = true;
        Ok(d)
    }
    fn element_index(&mut self, e: u32) -> Result<u32, EncError> {
        self.segments = true;
        Ok(e)
    }
    fn instruction<'a>(
        &mut self,
        op: wasmparser::Operator<'a>,
    ) -> Result<enc::Instruction<'a>, EncError> {
        match op {
            wasmparser::Operator::I32Const { value } => {
                self.names.push(value as u32);
                self.recent = [Some(value as u32), self.recent[0]];
            }
            wasmparser::Operator::I32Add | wasmparser::Operator::I32Sub => {
                self.bases.extend(self.recent.iter().flatten());
                self.recent = [None, None];
            }
            _ => self.recent = [None, self.recent[0]],
        }
        reencode::utils::instruction(self, op)
    }
    fn mem_arg(&mut self, arg: wasmparser::MemArg) -> Result<enc::MemArg, EncError> {
        self.bases.push(arg.offset as u32);
        reencode::utils::mem_arg(self, arg)
    }
}

/// Maps the original module's indices to the secondary's.
struct Secondary<'m> {
    funcs: &'m BTreeMap<u32, u32>,
    globals: &'m BTreeMap<u32, u32>,
    tables: &'m BTreeMap<u32, u32>,
}

impl Reencode for Secondary<'_> {
    type Error = std::convert::Infallible;
    fn function_index(&mut self, f: u32) -> Result<u32, EncError> {
        Ok(self.funcs[&f])
    }
    fn global_index(&mut self, g: u32) -> Result<u32, EncError> {
        Ok(self.globals[&g])
    }
    fn table_index(&mut self, t: u32) -> Result<u32, EncError> {
        Ok(self.tables[&t])
    }
}

/// A body re-encoded by `r`, after `prologue`.
fn reencode_body(
    r: &mut impl Reencode<Error = std::convert::Infallible>,
    body: &FunctionBody<'_>,
    prologue: &[enc::Instruction<'_>],
) -> Result<enc::Function, Fail> {
    let mut f = r.new_function_with_parsed_locals(body)?;
    for i in prologue {
        f.instruction(i);
    }
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        f.instruction(&r.parse_instruction(&mut reader)?);
    }
    Ok(f)
}

/// Adds an exported "ran" global per defined function (see the module comment).
pub fn instrument(bytes: &[u8]) -> Result<Vec<u8>, Fail> {
    let input = Input::read(bytes)?;
    let first = input.globals.len() as u32;
    let mut out = enc::Module::new();
    let mut plain = reencode::RoundtripReencoder;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload?;
        match &payload {
            Payload::GlobalSection(s) => {
                let mut globals = enc::GlobalSection::new();
                plain.parse_global_section(&mut globals, s.clone())?;
                for _ in 0..input.defined() {
                    globals.global(FLAG, &enc::ConstExpr::i32_const(0));
                }
                out.section(&globals);
            }
            Payload::ExportSection(s) => {
                let mut exports = enc::ExportSection::new();
                plain.parse_export_section(&mut exports, s.clone())?;
                for j in 0..input.defined() {
                    exports.export(&format!("__prof{j}"), enc::ExportKind::Global, first + j);
                }
                out.section(&exports);
            }
            Payload::CodeSectionStart { .. } => {
                let mut code = enc::CodeSection::new();
                for (j, body) in input.bodies.iter().enumerate() {
                    let ran = [
                        enc::Instruction::I32Const(1),
                        enc::Instruction::GlobalSet(first + j as u32),
                    ];
                    code.function(&reencode_body(&mut plain, body, &ran)?);
                }
                out.section(&code);
            }
            Payload::CodeSectionEntry(_) | Payload::Version { .. } | Payload::End(_) => {}
            Payload::CustomSection(c) if c.name() == "name" => {}
            other => copy_section(&mut out, bytes, other)?,
        }
    }
    Ok(out.finish())
}

/// Copies a section as it is.
fn copy_section(out: &mut enc::Module, bytes: &[u8], payload: &Payload<'_>) -> Result<(), Fail> {
    let (id, range) = payload.as_section().ok_or("not a section")?;
    out.section(&enc::RawSection {
        id,
        data: &bytes[range.start as usize..range.end as usize],
    });
    Ok(())
}

/// The split: (primary, secondary, how many functions moved).
/// `objects` are the read-only statics (`data::read_map`); with none, every data
/// segment stays in the primary.
pub fn split(
    bytes: &[u8],
    profile: &BTreeSet<u32>,
    small: u64,
    objects: &[data::Section],
) -> Result<(Vec<u8>, Vec<u8>, usize), Fail> {
    let input = Input::read(bytes)?;
    let imports = input.func_imports;
    let table = input.function_table()?;

    // Which defined functions move, and what their bodies need from the primary.
    let mut moved: Vec<u32> = Vec::new(); // absolute indices
    let mut needs = Refs::default();
    // The addresses in the bodies that stay, where the statics they use are named.
    let mut names = input.global_consts.clone();
    let mut bases = Vec::new();
    let mut uses_segments = false;
    for (j, body) in input.bodies.iter().enumerate() {
        let mut refs = Refs::default();
        reencode_body(&mut refs, body, &[])?;
        uses_segments |= refs.segments;
        if refs.segments
            || profile.contains(&(j as u32))
            || body.range().end - body.range().start <= small
        {
            names.extend(refs.names);
            bases.extend(refs.bases);
            continue;
        }
        moved.push(imports + j as u32);
        needs.funcs.extend(refs.funcs);
        needs.globals.extend(refs.globals);
        needs.tables.extend(refs.tables);
    }
    // Read-only data moves only when the data segments are all active ones at
    // known addresses and no body names a segment (memory.init would see them
    // renumbered). Without a plan the data sections are copied as they are.
    let plan = if objects.is_empty() || !input.data_movable || uses_segments {
        None
    } else {
        data::plan(&input.data, objects, &names, &bases)
    };
    needs.tables.insert(table);
    let moved_set: BTreeSet<u32> = moved.iter().copied().collect();
    let from_primary: Vec<u32> = needs
        .funcs
        .iter()
        .copied()
        .filter(|f| !moved_set.contains(f))
        .collect();
    let n = moved.len() as u32;
    let (table_ty, _) = input.tables[table as usize];
    let base = table_ty.initial as u32;

    // ---- The primary ----
    let load = imports; // the new import's index
    let loaded = input.globals.len() as u32;
    // A defined function after all the others (indices move up by one for the import).
    let ensure = input.func_types.len() as u32 + 1;
    let load_type = input.type_params.len() as u32;
    let mut shift = Shift { at: imports };
    let mut primary = enc::Module::new();
    let grown = |t: &wasmparser::TableType| -> Result<enc::TableType, Fail> {
        let mut t = enc::TableType::try_from(*t)?;
        t.minimum += u64::from(n);
        t.maximum = t.maximum.map(|m| m + u64::from(n));
        Ok(t)
    };
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload?;
        match &payload {
            Payload::TypeSection(s) => {
                let mut types = enc::TypeSection::new();
                shift.parse_type_section(&mut types, s.clone())?;
                types.ty().function([], []);
                primary.section(&types);
            }
            Payload::ImportSection(s) => {
                let mut out = enc::ImportSection::new();
                shift.parse_import_section(&mut out, s.clone())?;
                out.import("__split", "load", enc::EntityType::Function(load_type));
                primary.section(&out);
            }
            Payload::TableSection(s) => {
                let mut out = enc::TableSection::new();
                let defined_first = input
                    .tables
                    .iter()
                    .filter(|(_, imported)| *imported)
                    .count() as u32;
                for (i, t) in s.clone().into_iter().enumerate() {
                    let t = t?;
                    let ty = if defined_first + i as u32 == table {
                        grown(&t.ty)?
                    } else {
                        enc::TableType::try_from(t.ty)?
                    };
                    match t.init {
                        wasmparser::TableInit::RefNull => out.table(ty),
                        wasmparser::TableInit::Expr(e) => {
                            out.table_with_init(ty, &shift.const_expr(e)?)
                        }
                    };
                }
                primary.section(&out);
            }
            Payload::GlobalSection(s) => {
                let mut out = enc::GlobalSection::new();
                shift.parse_global_section(&mut out, s.clone())?;
                out.global(FLAG, &enc::ConstExpr::i32_const(0));
                primary.section(&out);
            }
            Payload::ExportSection(s) => {
                let mut out = enc::ExportSection::new();
                shift.parse_export_section(&mut out, s.clone())?;
                out.export("__split_loaded", enc::ExportKind::Global, loaded);
                for &t in &needs.tables {
                    out.export(&name('t', t), enc::ExportKind::Table, t);
                }
                for &g in &needs.globals {
                    out.export(&name('g', g), enc::ExportKind::Global, g);
                }
                for &f in &from_primary {
                    out.export(
                        &name('f', f),
                        enc::ExportKind::Func,
                        shift.function_index(f)?,
                    );
                }
                primary.section(&out);
            }
            Payload::StartSection { func, .. } => {
                primary.section(&enc::StartSection {
                    function_index: shift.function_index(*func)?,
                });
            }
            Payload::ElementSection(s) => {
                let mut out = enc::ElementSection::new();
                shift.parse_element_section(&mut out, s.clone())?;
                primary.section(&out);
            }
            Payload::CodeSectionStart { .. } => {
                let mut code = enc::CodeSection::new();
                let mut slot = base;
                for (j, body) in input.bodies.iter().enumerate() {
                    let f = imports + j as u32;
                    if moved_set.contains(&f) {
                        code.function(&stub(&input, f, ensure, slot, table));
                        slot += 1;
                    } else {
                        code.function(&reencode_body(&mut shift, body, &[])?);
                    }
                }
                code.function(&ensure_body(load, loaded));
                primary.section(&code);
            }
            Payload::CodeSectionEntry(_) | Payload::Version { .. } | Payload::End(_) => {}
            Payload::CustomSection(c) if c.name() == "name" => {}
            Payload::FunctionSection(s) => {
                let mut out = enc::FunctionSection::new();
                shift.parse_function_section(&mut out, s.clone())?;
                out.function(load_type);
                primary.section(&out);
            }
            // With a plan, the data segments are the plan's (more of them: each is cut
            // around the data that moved).
            Payload::DataCountSection { .. } => match &plan {
                Some(plan) => {
                    primary.section(&enc::DataCountSection {
                        count: plan.primary.len() as u32,
                    });
                }
                None => copy_section(&mut primary, bytes, &payload)?,
            },
            Payload::DataSection(_) => match &plan {
                Some(plan) => {
                    primary.section(&segments(&plan.primary));
                }
                None => copy_section(&mut primary, bytes, &payload)?,
            },
            Payload::MemorySection(_) | Payload::CustomSection(_) => {
                copy_section(&mut primary, bytes, &payload)?
            }
            _ => return Err("unsupported section in the input module".into()),
        }
    }

    // ---- The secondary ----
    let mut secondary = enc::Module::new();
    secondary.section(&enc::RawSection {
        id: enc::SectionId::Type as u8,
        data: input.types,
    });
    let mut imports_out = enc::ImportSection::new();
    let mut funcs = BTreeMap::new();
    let mut globals = BTreeMap::new();
    let mut tables = BTreeMap::new();
    for (i, m) in input.memories.iter().enumerate() {
        if i > 0 {
            return Err("more than one memory".into());
        }
        imports_out.import("", "memory", enc::EntityType::Memory((*m).into()));
    }
    for &t in &needs.tables {
        let (ty, _) = input.tables[t as usize];
        let ty = if t == table {
            grown(&ty)?
        } else {
            enc::TableType::try_from(ty)?
        };
        tables.insert(t, tables.len() as u32);
        imports_out.import("", &name('t', t), enc::EntityType::Table(ty));
    }
    for &g in &needs.globals {
        let ty = enc::GlobalType::try_from(input.globals[g as usize])?;
        globals.insert(g, globals.len() as u32);
        imports_out.import("", &name('g', g), enc::EntityType::Global(ty));
    }
    for &f in &from_primary {
        funcs.insert(f, funcs.len() as u32);
        imports_out.import(
            "",
            &name('f', f),
            enc::EntityType::Function(input.func_types[f as usize]),
        );
    }
    secondary.section(&imports_out);
    let first_defined = funcs.len() as u32;
    let mut functions = enc::FunctionSection::new();
    for (k, &f) in moved.iter().enumerate() {
        funcs.insert(f, first_defined + k as u32);
        functions.function(input.func_types[f as usize]);
    }
    secondary.section(&functions);
    let mut elements = enc::ElementSection::new();
    let defined: Vec<u32> = (first_defined..first_defined + n).collect();
    elements.active(
        Some(tables[&table]),
        &enc::ConstExpr::i32_const(base as i32),
        enc::Elements::Functions(defined.as_slice().into()),
    );
    secondary.section(&elements);
    let mut code = enc::CodeSection::new();
    let mut map = Secondary {
        funcs: &funcs,
        globals: &globals,
        tables: &tables,
    };
    for &f in &moved {
        code.function(&reencode_body(
            &mut map,
            &input.bodies[(f - imports) as usize],
            &[],
        )?);
    }
    secondary.section(&code);
    if let Some(plan) = &plan {
        secondary.section(&segments(&plan.secondary));
    }
    let (primary, secondary) = (primary.finish(), secondary.finish());
    eprintln!(
        "ordinal-split: {} of {} functions ran in the profile; {} moved to the secondary with {} of {} bytes of data, which imports {} functions, {} globals and {} tables from the primary; primary {} bytes, secondary {} bytes (input {})",
        profile.len(),
        input.defined(),
        moved.len(),
        plan.as_ref().map_or(0, data::Plan::moved_bytes),
        input.data.iter().map(|(_, b)| b.len()).sum::<usize>(),
        from_primary.len(),
        needs.globals.len(),
        needs.tables.len(),
        primary.len(),
        secondary.len(),
        bytes.len()
    );
    Ok((primary, secondary, moved.len()))
}

/// Active data segments of memory 0 at the given addresses.
fn segments(list: &[(u32, Vec<u8>)]) -> enc::DataSection {
    let mut out = enc::DataSection::new();
    for (at, bytes) in list {
        out.active(
            0,
            &enc::ConstExpr::i32_const(*at as i32),
            bytes.iter().copied(),
        );
    }
    out
}

/// A moved function's body in the primary: make sure the secondary is linked, then
/// call the real body through its table slot.
fn stub(input: &Input<'_>, f: u32, ensure: u32, slot: u32, table: u32) -> enc::Function {
    use enc::Instruction as I;
    let ty = input.func_types[f as usize];
    let mut s = enc::Function::new([]);
    s.instruction(&I::Call(ensure));
    for p in 0..input.type_params[ty as usize] {
        s.instruction(&I::LocalGet(p as u32));
    }
    s.instruction(&I::I32Const(slot as i32));
    s.instruction(&I::CallIndirect {
        type_index: ty,
        table_index: table,
    });
    s.instruction(&I::End);
    s
}

/// The stubs' shared check: unless `__split_loaded` is set, call the import
/// `__split.load`, which links the secondary (and sets it).
fn ensure_body(load: u32, loaded: u32) -> enc::Function {
    use enc::Instruction as I;
    let mut s = enc::Function::new([]);
    s.instruction(&I::GlobalGet(loaded));
    s.instruction(&I::I32Eqz);
    s.instruction(&I::If(enc::BlockType::Empty));
    s.instruction(&I::Call(load));
    s.instruction(&I::End);
    s.instruction(&I::End);
    s
}

/// The short export name the primary gives a thing the secondary imports (the
/// secondary imports it from the module named "").
fn name(kind: char, index: u32) -> String {
    format!("{kind}{index:x}")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let run = || -> Result<(), Fail> {
        match args
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["instrument", input, output] => {
                let bytes = std::fs::read(input)?;
                std::fs::write(output, instrument(&bytes)?)?;
            }
            ["split", input, profile, primary, secondary, rest @ ..] if rest.len() <= 1 => {
                let bytes = std::fs::read(input)?;
                let profile = std::fs::read_to_string(profile)?
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| l.trim().parse::<u32>())
                    .collect::<Result<BTreeSet<u32>, _>>()?;
                // The link map, when given, lets read-only data move too.
                let objects = match rest {
                    [map] => data::read_map(&std::fs::read_to_string(map)?)?,
                    _ => Vec::new(),
                };
                let (p, s, _) = split(&bytes, &profile, SMALL_BODY, &objects)?;
                // A part that does not validate would only fail in the browser.
                for (what, part) in [("first part", &p), ("rest", &s)] {
                    wasmparser::Validator::new()
                        .validate_all(part)
                        .map_err(|e| format!("the {what} does not validate: {e}"))?;
                }
                std::fs::write(primary, p)?;
                std::fs::write(secondary, s)?;
            }
            _ => {
                return Err(concat!(
                    "usage: ordinal-split instrument IN OUT",
                    " | split IN PROFILE PRIMARY SECONDARY [LINK-MAP]"
                )
                .into())
            }
        }
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ordinal-split: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests;

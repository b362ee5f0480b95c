//! The split module must behave as the whole one: built here with wasm-encoder,
//! split, validated, and run in node (which the page's tests need anyway).

use super::*;
use enc::Instruction as I;

/// A small module with what the page's .wasm has: a JS import, a function table
/// with an element segment, a memory, a mutable global, exported functions (one
/// of them moved), and calls between kept and moved functions in both directions.
fn module() -> Vec<u8> {
    let mut m = enc::Module::new();
    let mut types = enc::TypeSection::new();
    types
        .ty()
        .function([enc::ValType::I32], [enc::ValType::I32]); // 0
    types.ty().function([], [enc::ValType::I32]); // 1
    m.section(&types);
    let mut imports = enc::ImportSection::new();
    imports.import("env", "twice", enc::EntityType::Function(0)); // function 0
    m.section(&imports);
    // Defined functions 1..=5: entry, moved_a, kept_b, moved_c, quiet.
    let mut funcs = enc::FunctionSection::new();
    for ty in [0, 0, 0, 0, 1] {
        funcs.function(ty);
    }
    m.section(&funcs);
    table_memory_global(&mut m, 4, 100);
    let mut exports = enc::ExportSection::new();
    exports.export("entry", enc::ExportKind::Func, 1);
    exports.export("moved", enc::ExportKind::Func, 2);
    exports.export("quiet", enc::ExportKind::Func, 5);
    exports.export("memory", enc::ExportKind::Memory, 0);
    m.section(&exports);
    let mut elements = enc::ElementSection::new();
    elements.active(
        Some(0),
        &enc::ConstExpr::i32_const(1),
        enc::Elements::Functions([2u32, 3].as_slice().into()),
    );
    m.section(&elements);
    let mut code = enc::CodeSection::new();
    let body = |ins: &[I<'static>]| {
        let mut f = enc::Function::new([]);
        for i in ins {
            f.instruction(i);
        }
        f.instruction(&I::End);
        f
    };
    // entry(x) = moved_a(x) + table[1](x) + kept_b(x)
    code.function(&body(&[
        I::LocalGet(0),
        I::Call(2),
        I::LocalGet(0),
        I::I32Const(1),
        I::CallIndirect {
            type_index: 0,
            table_index: 0,
        },
        I::I32Add,
        I::LocalGet(0),
        I::Call(3),
        I::I32Add,
    ]));
    // moved_a(x): global += x; mem[16] = x; twice(x) + moved_c(x) + global + kept_b(x)
    code.function(&body(&[
        I::GlobalGet(0),
        I::LocalGet(0),
        I::I32Add,
        I::GlobalSet(0),
        I::I32Const(16),
        I::LocalGet(0),
        I::I32Store(enc::MemArg {
            offset: 0,
            align: 2,
            target: enc::MemArgTarget::Memory(0),
            ordering: None,
        }),
        I::LocalGet(0),
        I::Call(0),
        I::LocalGet(0),
        I::Call(4),
        I::I32Add,
        I::GlobalGet(0),
        I::I32Add,
        I::LocalGet(0),
        I::Call(3),
        I::I32Add,
    ]));
    // kept_b(x) = x + 7
    code.function(&body(&[I::LocalGet(0), I::I32Const(7), I::I32Add]));
    // moved_c(x) = x * 3
    code.function(&body(&[I::LocalGet(0), I::I32Const(3), I::I32Mul]));
    // quiet() = 42
    code.function(&body(&[I::I32Const(42)]));
    m.section(&code);
    m.finish()
}

/// The sections both test modules have after their functions: a funcref table
/// of `slots`, one page of memory, and a mutable i32 global starting at `init`.
fn table_memory_global(m: &mut enc::Module, slots: u64, init: i32) {
    let mut tables = enc::TableSection::new();
    tables.table(enc::TableType {
        element_type: enc::RefType::FUNCREF,
        minimum: slots,
        maximum: Some(slots),
        table64: false,
        shared: false,
    });
    m.section(&tables);
    let mut memories = enc::MemorySection::new();
    memories.memory(enc::MemoryType {
        minimum: 1,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    m.section(&memories);
    let mut globals = enc::GlobalSection::new();
    globals.global(FLAG, &enc::ConstExpr::i32_const(init));
    m.section(&globals);
}

/// Writes `files` to a directory of their own and runs `script` in node with
/// that directory as its argument; what it printed.
fn run_node(name: &str, files: &[(&str, &[u8])], script: &str) -> String {
    let dir = std::env::temp_dir().join(format!("ordinal-split-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (file, bytes) in files {
        std::fs::write(dir.join(file), bytes).unwrap();
    }
    let out = std::process::Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(&dir)
        .output()
        .expect("node runs (scripts/setup.sh installs it for the page's tests)");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn validate(bytes: &[u8]) {
    wasmparser::Validator::new()
        .validate_all(bytes)
        .expect("a valid module");
}

/// Defined functions 0 (entry), 2 (kept_b) and 4 (quiet) ran; 1 and 3 move.
fn profile() -> BTreeSet<u32> {
    [0, 2, 4].into_iter().collect()
}

#[test]
fn moves_what_did_not_run_and_both_parts_validate() {
    let whole = module();
    validate(&whole);
    let (first, rest, moved) = split(&whole, &profile(), 0, &[]).unwrap();
    assert_eq!(moved, 2);
    validate(&first);
    validate(&rest);
    let rest_input = Input::read(&rest).unwrap();
    assert_eq!(
        rest_input.defined(),
        2,
        "moved_a and moved_c live in the rest"
    );
}

#[test]
fn a_small_body_stays_in_the_first_part() {
    let (_, _, moved) = split(&module(), &profile(), 8, &[]).unwrap();
    assert_eq!(
        moved, 1,
        "moved_c (x * 3) is smaller than its stub would be"
    );
}

#[test]
fn instrumenting_keeps_the_module_valid_and_exports_a_flag_per_function() {
    let inst = instrument(&module()).unwrap();
    validate(&inst);
    let names: Vec<String> = Parser::new(0)
        .parse_all(&inst)
        .filter_map(|p| match p.unwrap() {
            Payload::ExportSection(s) => Some(
                s.into_iter()
                    .map(|e| e.unwrap().name.to_string())
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .flatten()
        .filter(|n| n.starts_with("__prof"))
        .collect();
    assert_eq!(
        names,
        ["__prof0", "__prof1", "__prof2", "__prof3", "__prof4"]
    );
}

/// Runs the whole module, then the split one, in node, the way public/split.js links it.
#[test]
fn the_split_module_computes_what_the_whole_one_does() {
    let whole = module();
    let (first, rest, _) = split(&whole, &profile(), 0, &[]).unwrap();
    let inst = instrument(&whole).unwrap();
    let script = r#"
const fs = require("fs");
const read = (n) => fs.readFileSync(process.argv[1] + "/" + n);
const env = { twice: (x) => 2 * x };
function run(x) {
  return [x.quiet(), x.entry(5), x.moved(3), x.entry(6), new Int32Array(x.memory.buffer)[4]];
}
const whole = new WebAssembly.Instance(new WebAssembly.Module(read("whole.wasm")), { env }).exports;
let loads = 0;
let first;
const load = () => {
  loads++;
  new WebAssembly.Instance(new WebAssembly.Module(read("rest.wasm")), { "": first });
  first.__split_loaded.value = 1;
};
first = new WebAssembly.Instance(new WebAssembly.Module(read("first.wasm")), { env, __split: { load } }).exports;
const quiet = first.quiet();
const loadsAfterQuiet = loads;
const split = [quiet, ...run(first).slice(1)];
const inst = new WebAssembly.Instance(new WebAssembly.Module(read("inst.wasm")), { env }).exports;
inst.quiet();
const ran = Object.keys(inst).filter((k) => k.startsWith("__prof") && inst[k].value);
console.log(JSON.stringify({ whole: run(whole), split, loadsAfterQuiet, loads, ran }));
"#;
    let got = run_node(
        "whole",
        &[
            ("whole.wasm", &whole),
            ("first.wasm", &first),
            ("rest.wasm", &rest),
            ("inst.wasm", &inst),
        ],
        script,
    );
    // quiet() = 42; entry(5) = moved_a(5) + moved_a(5) through the table + kept_b(5)
    // = (10 + 15 + 105 + 12) + (10 + 15 + 110 + 12) + 12 = 301, the global going
    // 100 -> 105 -> 110; moved(3) = 6 + 9 + 113 + 10 = 138; entry(6) = 162 + 168 + 13
    // = 343; mem[16] = 6. The split module must agree on every value.
    let want_whole = "[42,301,138,343,6]";
    assert!(got.contains(&format!("\"whole\":{want_whole}")), "{got}");
    assert!(got.contains(&format!("\"split\":{want_whole}")), "{got}");
    assert!(
        got.contains("\"loadsAfterQuiet\":0"),
        "a kept function loads nothing: {got}"
    );
    assert!(
        got.contains("\"loads\":1"),
        "the rest is linked once: {got}"
    );
    assert!(
        got.contains("\"ran\":[\"__prof4\"]"),
        "only quiet ran: {got}"
    );
}

/// A module whose moved function reads a static that only it uses: `kept()` reads
/// the word at 1024, `moved()` the word at 1028 (two statics, per the link map).
fn module_with_data() -> Vec<u8> {
    let mut m = enc::Module::new();
    let mut types = enc::TypeSection::new();
    types.ty().function([], [enc::ValType::I32]);
    m.section(&types);
    let mut imports = enc::ImportSection::new();
    imports.import("env", "one", enc::EntityType::Function(0)); // function 0
    m.section(&imports);
    let mut funcs = enc::FunctionSection::new();
    funcs.function(0); // 1: kept
    funcs.function(0); // 2: moved
    m.section(&funcs);
    table_memory_global(&mut m, 1, 1024); // a stack pointer below the statics
    let mut exports = enc::ExportSection::new();
    exports.export("kept", enc::ExportKind::Func, 1);
    exports.export("moved", enc::ExportKind::Func, 2);
    exports.export("memory", enc::ExportKind::Memory, 0);
    m.section(&exports);
    let load = enc::MemArg {
        offset: 0,
        align: 2,
        target: enc::MemArgTarget::Memory(0),
        ordering: None,
    };
    let mut code = enc::CodeSection::new();
    for at in [1024, 1028] {
        let mut f = enc::Function::new([]);
        f.instruction(&I::I32Const(at));
        f.instruction(&I::I32Load(load));
        f.instruction(&I::End);
        code.function(&f);
    }
    m.section(&code);
    let mut data = enc::DataSection::new();
    let bytes: Vec<u8> = [7u32, 11].iter().flat_map(|v| v.to_le_bytes()).collect();
    data.active(0, &enc::ConstExpr::i32_const(1024), bytes);
    m.section(&data);
    m.finish()
}

/// The moved static is not in the first part, and the rest writes it back where
/// it was before its function runs.
#[test]
fn a_static_only_moved_code_uses_arrives_with_the_rest() {
    let whole = module_with_data();
    validate(&whole);
    let objects = [1024..1028, 1028..1032].map(|range| data::Section {
        range,
        strings: false,
    });
    let (first, rest, moved) = split(&whole, &[0].into_iter().collect(), 0, &objects).unwrap();
    assert_eq!(moved, 1);
    validate(&first);
    validate(&rest);
    let script = r#"
const fs = require("fs");
const read = (n) => fs.readFileSync(process.argv[1] + "/" + n);
let first;
let loads = 0;
const load = () => {
  loads++;
  new WebAssembly.Instance(new WebAssembly.Module(read("rest.wasm")), { "": first });
  first.__split_loaded.value = 1;
};
first = new WebAssembly.Instance(new WebAssembly.Module(read("first.wasm")), { env: { one: () => 1 }, __split: { load } }).exports;
const word = () => new Uint32Array(first.memory.buffer)[1028 / 4];
const before = [first.kept(), word(), loads];
const after = [first.moved(), word(), loads];
console.log(JSON.stringify({ before, after }));
"#;
    let got = run_node(
        "data",
        &[("first.wasm", &first), ("rest.wasm", &rest)],
        script,
    );
    assert!(
        got.contains("\"before\":[7,0,0]"),
        "the kept static is there, the moved one not yet, nothing loaded: {got}"
    );
    assert!(
        got.contains("\"after\":[11,11,1]"),
        "the rest brought the moved static: {got}"
    );
}

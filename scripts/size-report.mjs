// Release bundle sizes and the first-load budget.
//
//   node scripts/size-report.mjs [DIST] [--budget FILE] [--wasm PRE_BINDGEN.wasm]
//
// 1. Every .wasm, .js and .css in DIST (default dist/), raw, gzip (-9) and
//    brotli (quality 11), with a total. Files under DIST's subdirectories that
//    the page fetches only when used (lessons/*.yaml, examples/*.yaml) are not
//    .wasm/.js/.css and so not counted: the total is what the default page
//    downloads before it is interactive (the first load). The rest of the
//    code (*_rest.wasm, scripts/split.sh) is fetched once the page has
//    mounted: listed, and not counted in the first load.
// 2. The top 20 contributors to the code, by crate and module, read from the
//    `name` section of the pre-wasm-bindgen release wasm that cargo leaves in
//    target/wasm32-unknown-unknown/web/ (rustc keeps function names there;
//    the shipped file has none). Sizes are of function bodies before
//    wasm-bindgen and wasm-opt, so they are shares, not shipped bytes.
// 3. Fails (exit 1) when the first-load brotli total exceeds the budget in
//    FILE (default size-budget.txt at the repository root: the first line that
//    is a number of bytes, comments start with #).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const budgetFile = opt("--budget", join(ROOT, "size-budget.txt"));
const wasmFile = opt("--wasm", join(ROOT, "target/wasm32-unknown-unknown/web/ordinal-web.wasm"));
const dist = args[0] ?? join(ROOT, "dist");

const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(wasm|js|css)$/.test(name)) files.push(p);
  }
})(dist);
if (files.length === 0) {
  console.error(`size report: no .wasm/.js/.css under ${dist} (run trunk build --release first)`);
  process.exit(1);
}
if (!files.some((f) => f.endsWith(".wasm"))) {
  console.error(`size report: no .wasm under ${dist}`);
  process.exit(1);
}

const kb = (n) => (n / 1024).toFixed(1).padStart(9);
const rows = files.map((f) => {
  const buf = readFileSync(f);
  return {
    name: relative(dist, f),
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
    }).length,
  };
});
const isRest = (r) => /_rest\.wasm$/.test(r.name);
const sum = (rs) => rs.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const total = sum(rows.filter((r) => !isRest(r)));
const width = Math.max(5, ...rows.map((r) => r.name.length));
console.log(`Release bundle (${dist}), KiB:`);
console.log(`${"file".padEnd(width)} ${"raw".padStart(9)} ${"gzip".padStart(9)} ${"brotli".padStart(9)}`);
for (const r of rows.filter((r) => !isRest(r))) console.log(`${r.name.padEnd(width)} ${kb(r.raw)} ${kb(r.gzip)} ${kb(r.brotli)}`);
console.log(`${"total".padEnd(width)} ${kb(total.raw)} ${kb(total.gzip)} ${kb(total.brotli)}`);
console.log(`total bytes: raw ${total.raw}, gzip ${total.gzip}, brotli ${total.brotli}`);
const rest = rows.filter(isRest);
if (rest.length) {
  console.log(`\nFetched once the page has mounted (the rest of the code, scripts/split.sh), KiB:`);
  for (const r of rest) console.log(`${r.name.padEnd(width)} ${kb(r.raw)} ${kb(r.gzip)} ${kb(r.brotli)}`);
  const all = sum(rows);
  console.log(`whole page bytes: raw ${all.raw}, gzip ${all.gzip}, brotli ${all.brotli}`);
} else {
  console.log(`\n(the .wasm is not split: scripts/split.sh was not run on ${dist})`);
}

// ---- Where the code goes: the pre-bindgen wasm's name section. ----

function leb(buf, pos) {
  let n = 0,
    shift = 0,
    b;
  do {
    b = buf[pos++];
    n += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return [n, pos];
}

/** { bodies: Map(funcIndex → body bytes), names: Map(funcIndex → name), data: bytes } */
export function readWasm(buf) {
  if (buf.readUInt32LE(0) !== 0x6d736100) throw new Error("not a wasm module");
  let pos = 8,
    imported = 0,
    data = 0;
  const bodies = new Map(),
    names = new Map(),
    sections = {};
  while (pos < buf.length) {
    const id = buf[pos++];
    let size;
    [size, pos] = leb(buf, pos);
    const end = pos + size;
    sections[id] = (sections[id] ?? 0) + size;
    if (id === 2) {
      // imports: count the imported functions (they come first in the index space)
      let n, p;
      [n, p] = leb(buf, pos);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < 2; k++) {
          let len;
          [len, p] = leb(buf, p);
          p += len;
        }
        const kind = buf[p++];
        if (kind === 0) {
          [, p] = leb(buf, p);
          imported++;
        } else if (kind === 1) {
          p++;
          const flags = buf[p++];
          [, p] = leb(buf, p);
          if (flags & 1) [, p] = leb(buf, p);
        } else if (kind === 2) {
          const flags = buf[p++];
          [, p] = leb(buf, p);
          if (flags & 1) [, p] = leb(buf, p);
        } else if (kind === 3) p += 2;
        else if (kind === 4) {
          p++;
          [, p] = leb(buf, p);
        }
      }
    } else if (id === 10) {
      let n, p;
      [n, p] = leb(buf, pos);
      for (let i = 0; i < n; i++) {
        let len;
        const start = p;
        [len, p] = leb(buf, p);
        p += len;
        bodies.set(imported + i, p - start);
      }
    } else if (id === 11) {
      data += size;
    } else if (id === 0) {
      let len, p;
      [len, p] = leb(buf, pos);
      const name = buf.toString("utf8", p, p + len);
      p += len;
      if (name === "name") {
        while (p < end) {
          const sub = buf[p++];
          let subSize;
          [subSize, p] = leb(buf, p);
          const subEnd = p + subSize;
          if (sub === 1) {
            let n, q;
            [n, q] = leb(buf, p);
            for (let i = 0; i < n; i++) {
              let idx, l;
              [idx, q] = leb(buf, q);
              [l, q] = leb(buf, q);
              names.set(idx, buf.toString("utf8", q, q + l));
              q += l;
            }
          }
          p = subEnd;
        }
      }
    }
    pos = end;
  }
  return { bodies, names, data, sections };
}

const ESCAPES = { $LT$: "<", $GT$: ">", $RF$: "&", $BP$: "*", $LP$: "(", $RP$: ")", $C$: ",", $SP$: "@" };

/** Rust's legacy mangling (`_ZN4core3fmt5write17h…E`) → ["core", "fmt", "write"]. */
export function demangle(sym) {
  const m = /^_?_ZN(.*)E$/.exec(sym);
  if (!m) return null;
  const s = m[1];
  const segs = [];
  let i = 0;
  while (i < s.length) {
    const d = /^\d+/.exec(s.slice(i));
    if (!d) break;
    i += d[0].length;
    const len = Number(d[0]);
    let seg = s.slice(i, i + len);
    i += len;
    if (/^h[0-9a-f]{16}$/.test(seg)) continue;
    seg = seg
      .replace(/^_\$/, "$")
      .replace(/\$(LT|GT|RF|BP|LP|RP|C|SP)\$/g, (e) => ESCAPES[e])
      .replace(/\$u([0-9a-f]+)\$/g, (_, h) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/\.\./g, "::");
    segs.push(seg);
  }
  return segs;
}

/** Splits a path at its top-level `::` (not inside `<...>`). */
function splitPath(s) {
  const out = [];
  let depth = 0,
    cur = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "<") depth++;
    else if (c === ">") depth--;
    if (depth === 0 && s.startsWith("::", i)) {
      out.push(cur);
      cur = "";
      i++;
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** The path a `<Self as Trait>::item` or `<Type>::item` counts under: Self's, or the trait's when Self is
 * a type parameter, a tuple or a primitive. */
function implPath(s) {
  let depth = 0,
    i = 0;
  for (; i < s.length; i++) {
    if (s[i] === "<") depth++;
    else if (s[i] === ">" && --depth === 0) break;
  }
  const inner = s.slice(1, i);
  let d = 0,
    as = -1;
  for (let j = 0; j < inner.length; j++) {
    if (inner[j] === "<") d++;
    else if (inner[j] === ">") d--;
    else if (d === 0 && inner.startsWith(" as ", j)) {
      as = j;
      break;
    }
  }
  const clean = (t) => t.replace(/^(&mut |&|\*const |\*mut |dyn |\[|\()+/, "").replace(/^impl /, "");
  const self = clean(as < 0 ? inner : inner.slice(0, as));
  const trait = as < 0 ? "" : clean(inner.slice(as + 4));
  if (splitPath(self).length > 1) return self;
  if (splitPath(trait).length > 1) return trait;
  return null;
}

/** Rust's v0 mangling (`_RNvMNtNtCs…_7ordinal3sim4appsNtB2_4Proc8run_argv`, what a -Z build
 * writes): the first crate root and the module names nested right under it
 * (["ordinal", "sim", "apps"]). Enough to tell where a function comes from. */
export function v0Path(sym) {
  if (!sym.startsWith("_R")) return null;
  const m = /C(s[0-9A-Za-z]*_)?(?=u?\d)/.exec(sym);
  if (!m) return null;
  let i = m.index + m[0].length;
  const out = [];
  for (;;) {
    const dis = /^s[0-9A-Za-z]*_/.exec(sym.slice(i));
    if (dis && out.length > 0) i += dis[0].length;
    if (sym[i] === "u") i++;
    const d = /^\d+/.exec(sym.slice(i));
    if (!d) break;
    i += d[0].length;
    if (sym[i] === "_") i++;
    out.push(sym.slice(i, i + Number(d[0])));
    i += Number(d[0]);
  }
  return out.length ? out : null;
}

/** The crate/module a function counts under (names as rust-lld writes them, demangled or not). */
export function owner(sym) {
  const v0 = v0Path(sym);
  if (v0) {
    const depth = v0[0] === "ordinal" ? 3 : 2;
    return v0.slice(0, depth).join("::");
  }
  const segs = demangle(sym);
  // Legacy names end in a hash; v0 names (a -Z build) carry crate disambiguators: `ordinal[4bc7…]`.
  let s = (segs ? segs.join("::") : sym).replace(/::h[0-9a-f]{16}$/, "").replace(/\[[0-9a-f]+\]/g, "");
  if (/^(__wbg|__wbindgen|__externref)/.test(s)) return "wasm-bindgen (glue)";
  if (s.startsWith("<")) s = implPath(s) ?? "(generic impls)";
  const path = splitPath(s).map((p) => p.replace(/<.*$/, ""));
  if (path.length === 1) return "(unmangled: builtins, exports)";
  const depth = path[0] === "ordinal" ? 3 : 2;
  return path.slice(0, Math.min(depth, path.length - 1) || 1).join("::");
}

if (existsSync(wasmFile)) {
  const { bodies, names, data, sections } = readWasm(readFileSync(wasmFile));
  const by = new Map();
  const crates = new Map();
  let code = 0;
  for (const [idx, size] of bodies) {
    code += size;
    const o = owner(names.get(idx) ?? "");
    by.set(o, (by.get(o) ?? 0) + size);
    const c = o.split("::")[0];
    crates.set(c, (crates.get(c) ?? 0) + size);
  }
  by.set("(data segments: strings, tables)", data);
  const all = code + data;
  const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, 20);
  const w = Math.max(...top.map(([n]) => n.length));
  console.log(
    `\nTop 20 contributors (${relative(ROOT, wasmFile)}, before wasm-bindgen and wasm-opt; ` +
      `code ${(code / 1024).toFixed(1)} KiB in ${bodies.size} functions, data ${(data / 1024).toFixed(1)} KiB):`,
  );
  for (const [n, s] of top) console.log(`${n.padEnd(w)} ${kb(s)} KiB ${((100 * s) / all).toFixed(1).padStart(5)}%`);
  const topCrates = [...crates].sort((a, b) => b[1] - a[1]).slice(0, 10);
  console.log(`By crate: ${topCrates.map(([c, s]) => `${c} ${(s / 1024).toFixed(0)}K`).join(", ")}`);
  if (sections[0] === undefined) console.log("(no custom sections: no names)");
} else {
  console.log(`\n(no ${relative(ROOT, wasmFile)}: no breakdown by crate; build with trunk build --release first)`);
}

// ---- The budget. ----
if (existsSync(budgetFile)) {
  const line = readFileSync(budgetFile, "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .find((l) => /^\d+$/.test(l));
  if (!line) {
    console.error(`size report: no budget (a number of bytes) in ${budgetFile}`);
    process.exit(1);
  }
  const budget = Number(line);
  const verdict = total.brotli <= budget ? "within" : "OVER";
  console.log(
    `\nFirst load (brotli): ${total.brotli} bytes (${(total.brotli / 1024).toFixed(1)} KiB), ` +
      `budget ${budget} bytes (${(budget / 1024).toFixed(1)} KiB, ${relative(ROOT, budgetFile)}): ${verdict}`,
  );
  if (total.brotli > budget) {
    console.error(
      `size report: the first load is ${total.brotli - budget} bytes over the budget in ${relative(ROOT, budgetFile)}`,
    );
    process.exit(1);
  }
} else {
  console.log(`\n(no budget file ${budgetFile})`);
}

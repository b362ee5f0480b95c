// Release bundle sizes: every .wasm, .js and .css in dist/, raw, gzip (-9) and
// brotli (quality 11), with a total. Usage: node scripts/size-report.mjs [DIST]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const dist = process.argv[2] ?? "dist";
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
const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const width = Math.max(5, ...rows.map((r) => r.name.length));
console.log(`Release bundle (${dist}), KiB:`);
console.log(`${"file".padEnd(width)} ${"raw".padStart(9)} ${"gzip".padStart(9)} ${"brotli".padStart(9)}`);
for (const r of rows) console.log(`${r.name.padEnd(width)} ${kb(r.raw)} ${kb(r.gzip)} ${kb(r.brotli)}`);
console.log(`${"total".padEnd(width)} ${kb(total.raw)} ${kb(total.gzip)} ${kb(total.brotli)}`);
console.log(`total bytes: raw ${total.raw}, gzip ${total.gzip}, brotli ${total.brotli}`);

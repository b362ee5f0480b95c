// Share links: the Rust deflate (miniz_oxide, level 9, in the core) against
// the browser's CompressionStream('deflate-raw') and node's zlib, on the JSON
// the page actually packs. A measurement for docs/embed2.md, not a test (not
// run by CI). Reproduce:
//
//   ORDINAL_LINKS_DIR=$PWD/target/links cargo test --lib -- link_lengths the_mysql_tutorial
//   node tests/e2e/deflate-measure.mjs            # needs a release build in dist/
//
// The cargo tests write the two sessions' links (the web example applied,
// scaled to 4 and a pod deleted; the whole MySQL tutorial, played in 16 ms
// frames as the page plays). This script, in headless Chromium:
//   1. opens each link in the app (so the page reads it), and inflates its
//      data with DecompressionStream('deflate-raw'): the JSON miniz packed;
//   2. packs that JSON with CompressionStream('deflate-raw') and base64url:
//      the link the browser's deflate would give, and its time (mean of 200);
//   3. reads the page's own time for a whole link (`<html data-perf>`'s
//      `link`: the session's JSON, miniz_oxide and base64url, in wasm) while
//      the opened session plays;
// and in node: zlib's deflateRawSync at levels 1, 6 and 9 of the same JSON.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { ROOT, launchBrowser, startServer } from "./harness.mjs";

const DIR = process.env.ORDINAL_LINKS_DIR ?? join(ROOT, "target", "links");
const NAMES = ["web", "mysql"];
const b64url = (buf) => Buffer.from(buf).toString("base64url");
const prefix = "o1.";

for (const n of NAMES) {
  if (!existsSync(join(DIR, `${n}.link`))) {
    console.error(`${DIR}/${n}.link missing: run\n  ORDINAL_LINKS_DIR=${DIR} cargo test --lib -- link_lengths the_mysql_tutorial`);
    process.exit(1);
  }
}

const server = await startServer();
const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
const rows = [];
try {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  for (const name of NAMES) {
    const link = readFileSync(join(DIR, `${name}.link`), "utf8").trim();
    const json = inflateRawSync(Buffer.from(link.slice(prefix.length), "base64url"));

    await page.goto("about:blank");
    await page.goto(`${server.url}#${link}`);
    await page.getByTestId("editor").waitFor({ timeout: 60_000 });
    const browserSide = await page.evaluate(
      async ({ data, runs }) => {
        const bytes = (b64) => Uint8Array.from(atob(b64.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
        const through = async (stream, input) => new Uint8Array(await new Response(new Blob([input]).stream().pipeThrough(stream)).arrayBuffer());
        const json = await through(new DecompressionStream("deflate-raw"), bytes(data));
        const packed = await through(new CompressionStream("deflate-raw"), json);
        const back = await through(new DecompressionStream("deflate-raw"), packed);
        const same = back.length === json.length && back.every((b, i) => b === json[i]);
        const b64u = (u8) => btoa(String.fromCharCode(...u8)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
        const t0 = performance.now();
        for (let i = 0; i < runs; i++) b64u(await through(new CompressionStream("deflate-raw"), json));
        const packMs = (performance.now() - t0) / runs;
        const t1 = performance.now();
        for (let i = 0; i < runs; i++) await through(new DecompressionStream("deflate-raw"), packed);
        const unpackMs = (performance.now() - t1) / runs;
        return { jsonBytes: json.length, linkChars: "o1.".length + b64u(packed).length, same, packMs, unpackMs };
      },
      { data: link.slice(prefix.length), runs: 200 },
    );
    if (browserSide.jsonBytes !== json.length) throw new Error(`${name}: the browser inflated ${browserSide.jsonBytes} bytes, node ${json.length}`);
    if (!browserSide.same) throw new Error(`${name}: CompressionStream's output does not inflate back`);

    // The page's own link time (wasm): play the opened session, read data-perf.
    await page.getByTestId("play").click();
    const samples = [];
    for (let i = 0; i < 60 && samples.length < 8; i++) {
      await page.waitForTimeout(250);
      const perf = await page.evaluate(() => document.documentElement.dataset.perf ?? "");
      const m = perf.match(/(?:^| )link=([\d.]+)x(\d+)/);
      if (m && perf !== samples.at(-1)?.perf) samples.push({ perf, ms: Number(m[1]), n: Number(m[2]) });
    }
    await page.getByTestId("play").click();
    const calls = samples.reduce((s, x) => s + x.n, 0);
    const wasmMs = calls ? samples.reduce((s, x) => s + x.ms * x.n, 0) / calls : NaN;

    rows.push({
      session: name,
      "JSON bytes": json.length,
      "miniz_oxide 9 (link now)": link.length,
      "CompressionStream": browserSide.linkChars,
      "zlib 1": prefix.length + b64url(deflateRawSync(json, { level: 1 })).length,
      "zlib 6": prefix.length + b64url(deflateRawSync(json, { level: 6 })).length,
      "zlib 9": prefix.length + b64url(deflateRawSync(json, { level: 9 })).length,
      [`page link ms (wasm, ${calls} calls)`]: Number(wasmMs.toFixed(3)),
      "CompressionStream pack ms": Number(browserSide.packMs.toFixed(3)),
      "DecompressionStream ms": Number(browserSide.unpackMs.toFixed(3)),
    });
  }
} finally {
  await browser.close();
  await server.close();
}
console.table(rows);
console.log(JSON.stringify(rows, null, 2));

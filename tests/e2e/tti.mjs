// Time to interactive on a slow profile: a measurement, not a test.
//
//   node tests/e2e/tti.mjs [--runs N] [--dist DIR] [--no-throttle] [--trace]
//
// Serves DIST (default dist/) under /docs/ordinal/ as a static host would,
// with brotli Content-Encoding for .wasm/.js/.css/.html/.yaml (what a docs
// site serves), opens it in Debian's headless Chromium through playwright-core
// with DevTools-protocol emulation of a slow device: CPU throttled 4× and
// Chrome DevTools' "Fast 3G" network (562.5 ms latency, 1.44 Mbit/s down,
// 675 kbit/s up, figures with DevTools' 0.9 factor).
//
// Per run it prints, in ms from navigation start:
//   wasm    the .wasm response finished (network)
//   mounted the console's input is in the page (the app rendered)
//   tti     interactive: mounted, then a typed `get pods` (after the "$ kubectl" prompt) printed its
//           answer (the main thread took input and answered it); the figure
//           is when the command was typed, i.e. when input was first possible
// and the median over the runs. Exit status 0 unless the page failed to load.
//
// --trace also records a DevTools trace of each run and prints where the
// page's main thread spent the time between the .wasm's arrival and
// `mounted`: compiling wasm functions on their first call (V8 compiles a
// module's functions lazily, on the main thread, as they are first
// called), running script, garbage collection, style, layout, paint, and
// idle. Tracing slows the page, so its timings are not the untraced ones.
import { createServer } from "node:http";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { DIST as DEFAULT_DIST, launchBrowser } from "./harness.mjs";

const args = process.argv.slice(2);
const flag = (n) => {
  const i = args.indexOf(n);
  if (i < 0) return null;
  return args[i + 1];
};
const RUNS = Number(flag("--runs") ?? 3);
const DIST = flag("--dist") ?? DEFAULT_DIST;
const THROTTLE = !args.includes("--no-throttle");
const TRACE = args.includes("--trace");
const PREFIX = "/docs/ordinal/";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".yaml": "text/yaml; charset=utf-8",
};
const COMPRESS = new Set([".html", ".js", ".wasm", ".css", ".yaml", ".svg"]);
const cache = new Map();
function body(file) {
  if (!cache.has(file)) {
    const raw = readFileSync(file);
    const br = COMPRESS.has(extname(file))
      ? brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })
      : null;
    cache.set(file, { raw, br });
  }
  return cache.get(file);
}

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (!path.startsWith(PREFIX)) return res.writeHead(404).end();
  let file = normalize(join(DIST, path.slice(PREFIX.length)));
  if (file !== DIST && !file.startsWith(DIST + sep)) return res.writeHead(403).end();
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!existsSync(file)) return res.writeHead(404).end();
  const { raw, br } = body(file);
  const useBr = br && /\bbr\b/.test(req.headers["accept-encoding"] ?? "");
  res.writeHead(200, {
    "Content-Type": MIME[extname(file)] ?? "application/octet-stream",
    "Cache-Control": "no-store",
    ...(useBr ? { "Content-Encoding": "br" } : {}),
  });
  res.end(useBr ? br : raw);
});
// Compress everything up front (brotli 11 on a 2 MB wasm takes seconds), outside the timings.
(function warm(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) warm(p);
    else body(p);
  }
})(DIST);
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const url = `http://127.0.0.1:${server.address().port}${PREFIX}`;

// Chrome DevTools' "Fast 3G" preset.
const FAST_3G = {
  offline: false,
  latency: 562.5,
  downloadThroughput: (1.44 * 1024 * 1024 * 0.9) / 8,
  uploadThroughput: (675 * 1024 * 0.9) / 8,
};

async function once() {
  const browser = await launchBrowser();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    if (THROTTLE) {
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      await cdp.send("Network.emulateNetworkConditions", FAST_3G);
    }
    const trace = [];
    if (TRACE) {
      cdp.on("Tracing.dataCollected", (e) => trace.push(...e.value));
      await cdp.send("Tracing.start", {
        categories: "devtools.timeline,disabled-by-default-devtools.timeline,v8.wasm,disabled-by-default-v8.wasm.detailed",
        transferMode: "ReportEvents",
      });
    }
    let bytes = 0;
    cdp.on("Network.loadingFinished", (e) => (bytes += e.encodedDataLength));
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url, { waitUntil: "commit", timeout: 120_000 });
    const input = page.getByTestId("console-input");
    await input.waitFor({ state: "visible", timeout: 120_000 });
    const mounted = await page.evaluate(() => performance.now());
    await input.fill("get pods");
    const typed = await page.evaluate(() => performance.now());
    await input.press("Enter");
    await page.getByTestId("console-output").getByText(/^NAME|No resources/).first().waitFor({ timeout: 60_000 });
    const answered = await page.evaluate(() => performance.now());
    const wasm = await page.evaluate(
      () => performance.getEntriesByType("resource").find((r) => r.name.endsWith(".wasm"))?.responseEnd ?? NaN,
    );
    await page.waitForLoadState("networkidle");
    if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
    let spent = null;
    if (TRACE) {
      const done = new Promise((ok) => cdp.once("Tracing.tracingComplete", ok));
      await cdp.send("Tracing.end");
      await done;
      spent = mainThread(trace, wasm, mounted);
    }
    return { wasm, mounted, tti: typed, answered, bytes, spent };
  } finally {
    await browser.close();
  }
}

// The renderer main thread's time from the first part's arrival (`wasm`,
// performance.now() ms) to `mounted`, by kind, in ms. The trace's clock is
// placed by the .wasm's ResourceFinish event, which is `wasm`.
function mainThread(trace, wasm, mounted) {
  const urls = new Map();
  for (const e of trace) {
    if (e.name === "ResourceSendRequest") urls.set(e.args.data.requestId, e.args.data.url);
  }
  const finish = trace.find(
    (e) => e.name === "ResourceFinish" && /_bg\.wasm$/.test(urls.get(e.args.data.requestId) ?? ""),
  );
  const thread = trace.find((e) => e.ph === "M" && e.name === "thread_name" && e.args.name === "CrRendererMain");
  if (!finish || !thread) return null;
  const from = finish.ts;
  const to = from + (mounted - wasm) * 1000;
  // Every event of the thread that overlaps the window, cut to it.
  const own = trace
    .filter((e) => e.ph === "X" && e.pid === thread.pid && e.tid === thread.tid && e.ts < to && e.ts + e.dur > from)
    .map((e) => ({ name: e.name, ts: Math.max(e.ts, from), dur: Math.min(e.ts + e.dur, to) - Math.max(e.ts, from) }))
    .sort((a, b) => a.ts - b.ts);
  const sum = (names) => own.filter((e) => names.includes(e.name)).reduce((t, e) => t + e.dur, 0) / 1000;
  // Top-level tasks only (a task's events nest inside it).
  let busy = 0;
  let end = 0;
  for (const e of own) {
    if (e.name === "RunTask" && e.ts >= end) {
      busy += e.dur / 1000;
      end = e.ts + e.dur;
    }
  }
  const kinds = {
    compile: sum(["wasm.CompileLazy"]),
    gc: sum(["MinorGC", "MajorGC"]),
    style: sum(["UpdateLayoutTree"]),
    layout: sum(["Layout"]),
    paint: sum(["PrePaint", "Paint", "Layerize", "Commit"]),
  };
  const script = busy - Object.values(kinds).reduce((a, b) => a + b, 0);
  return { ...kinds, script, idle: (to - from) / 1000 - busy };
}

const fmt = (n) => String(Math.round(n)).padStart(7);
const results = [];
console.log(
  `Time to interactive, ${THROTTLE ? "CPU 4× slower, Fast 3G" : "no throttling"}, brotli-served ${DIST} (ms):`,
);
console.log(`${"run".padEnd(6)}${"wasm".padStart(7)}${"mounted".padStart(8)}${"tti".padStart(7)}${"answered".padStart(9)}  bytes`);
for (let i = 0; i < RUNS; i++) {
  const r = await once();
  results.push(r);
  console.log(`${String(i + 1).padEnd(6)}${fmt(r.wasm)} ${fmt(r.mounted)}${fmt(r.tti)} ${fmt(r.answered)}  ${r.bytes}`);
  if (r.spent) {
    const parts = Object.entries(r.spent).map(([k, v]) => `${k} ${Math.round(v)}`);
    console.log(`      main thread from wasm to mounted (ms, traced): ${parts.join(", ")}`);
  }
}
const median = (k) => {
  const v = results.map((r) => r[k]).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
};
console.log(`${"median".padEnd(6)}${fmt(median("wasm"))} ${fmt(median("mounted"))}${fmt(median("tti"))} ${fmt(median("answered"))}  ${median("bytes")}`);
server.close();

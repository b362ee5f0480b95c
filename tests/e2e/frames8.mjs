// Frame time of the page with 300 pods at 16x (issues 8 and 14): a
// measurement, not a test. It prints figures and never fails on a number;
// it is not a *.test.mjs file, so the e2e suite does not run it.
//
//   node tests/e2e/frames8.mjs [--only a,b,c] [--replicas N] [--nodes N]
//                              [--settled S] [--minutes M] [--seed S]
//
// Serves dist/ (or ORDINAL_DIST) in headless Chromium (1400x900, precise
// memory info, gc exposed), gives the session --nodes nodes (default 4) and:
// (a) applies the web example as a Parallel set of --replicas pods (300) at
//     16x and records every frame from the Apply click until all its pods
//     are Running and Ready;
// (b) records --settled wall seconds (10) of play at 16x once settled;
// (c) plays on at 16x (the page's highest speed) for --minutes virtual
//     minutes (120), typing 2-4 random faults (pod deletes and crashes, a
//     node failing or recovering, a scale) into the console every 10
//     virtual minutes while playing, and samples the JS heap (after a GC),
//     the wasm memory, the event count and the frame times per 10 minutes.
// For each: frame count, p50/p95/max of requestAnimationFrame deltas, the
// longest task (PerformanceObserver "longtask"), the page's own
// `ordinal:*` measures (src/ui/perf.rs: sim, cluster, storage, ...; count,
// total, longest), and the load average before and after.
import { loadavg } from "node:os";
import { openApp, CHROMIUM_ARGS } from "./harness.mjs";
import { withCluster, applySet, stats } from "./frames.mjs";

const args = process.argv.slice(2);
const flag = (n, d) => {
  const i = args.indexOf(n);
  return i < 0 ? d : args[i + 1];
};
const ONLY = String(flag("--only", "a,b,c")).split(",");
const REPLICAS = Number(flag("--replicas", 300));
const NODES = Number(flag("--nodes", 4));
const SETTLED_S = Number(flag("--settled", 10));
const MINUTES = Number(flag("--minutes", 120));
let seed = Number(flag("--seed", 7));
const rand = () => {
  // xorshift32: the same faults every run.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const load = () => loadavg()[0].toFixed(1);
const mb = (b) => (b / 2 ** 20).toFixed(1);

/** Starts recording frames, long tasks and the page's measures. */
async function startRecording(page) {
  await page.evaluate(() => {
    const rec = { deltas: [], long: [], marks: [], stop: false };
    window.__rec = rec;
    try {
      rec.lo = new PerformanceObserver((l) => l.getEntries().forEach((e) => rec.long.push(e.duration)));
      rec.lo.observe({ type: "longtask" });
    } catch {}
    try {
      rec.mo = new PerformanceObserver((l) =>
        l.getEntries().forEach((e) => e.name.startsWith("ordinal:") && rec.marks.push([e.name.slice(8), e.duration])),
      );
      rec.mo.observe({ type: "measure" });
    } catch {}
    let last = performance.now();
    const tick = (now) => {
      rec.deltas.push(now - last);
      last = now;
      if (!rec.stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** Takes what was recorded since the last take (recording goes on). */
async function take(page, { stop = false } = {}) {
  return page.evaluate((stop) => {
    const rec = window.__rec;
    const out = { deltas: rec.deltas, long: rec.long, marks: rec.marks };
    rec.deltas = [];
    rec.long = [];
    rec.marks = [];
    if (stop) {
      rec.stop = true;
      rec.lo?.disconnect();
      rec.mo?.disconnect();
    }
    return out;
  }, stop);
}

function marksSummary(marks) {
  const m = new Map();
  for (const [n, d] of marks) {
    const e = m.get(n) ?? { n: 0, total: 0, max: 0 };
    e.n++;
    e.total += d;
    e.max = Math.max(e.max, d);
    m.set(n, e);
  }
  return [...m]
    .sort((a, b) => b[1].total - a[1].total)
    .map(([n, e]) => `${n} ${e.n}x ${e.total.toFixed(0)} ms (max ${e.max.toFixed(0)})`)
    .join("; ");
}

function report(label, rec, extra = "") {
  const st = stats(rec.deltas);
  const longest = rec.long.length ? Math.max(...rec.long) : 0;
  console.log(
    `${label}: frames ${st.n}, p50 ${st.p50} ms, p95 ${st.p95} ms, max ${st.max} ms; ` +
      `long tasks ${rec.long.length}, longest ${longest.toFixed(0)} ms${extra}`,
  );
  if (rec.marks.length) console.log(`  ordinal measures (>= 2 ms): ${marksSummary(rec.marks)}`);
}

const readyCount = (page) =>
  page.evaluate(() => document.querySelectorAll("[data-testid^='pod-web-'].card.ok").length);

async function memory(page) {
  return page.evaluate(() => {
    if (typeof gc === "function") gc();
    return {
      heap: performance.memory?.usedJSHeapSize ?? 0,
      wasm: window.__ordinalWasmMemory?.buffer.byteLength ?? 0,
      events: Number((document.querySelector("[data-testid=timeline-pos]")?.textContent ?? "0/0").split("/")[1]),
      clock: document.querySelector("[data-testid=clock]")?.textContent ?? "",
      pods: document.querySelectorAll("article[data-testid^='pod-']").length,
    };
  });
}

/** Virtual minutes on the page's clock (`mm:ss.t`, minutes may pass 99). */
const minutesOf = (clock) => {
  const [m, s] = clock.split(":");
  return Number(m) + Number(s) / 60;
};

async function run(page, line) {
  const input = page.getByTestId("console-input");
  await input.fill(line);
  await input.press("Enter");
}

async function main() {
  const app = await openApp(undefined, {
    viewport: { width: 1400, height: 900 },
    args: [...CHROMIUM_ARGS, "--enable-precise-memory-info", "--js-flags=--expose-gc"],
  });
  const { page } = app;
  // The wasm's linear memory is on no global: catch it as the module is
  // instantiated (from the next load on: withCluster reloads the page).
  await page.addInitScript(() => {
    const keep = (r) => {
      for (const v of Object.values((r.instance ?? r).exports ?? {})) {
        if (v instanceof WebAssembly.Memory) window.__ordinalWasmMemory = v;
      }
      return r;
    };
    const streaming = WebAssembly.instantiateStreaming;
    const plain = WebAssembly.instantiate;
    WebAssembly.instantiateStreaming = (...a) => streaming.apply(WebAssembly, a).then(keep);
    WebAssembly.instantiate = (...a) => plain.apply(WebAssembly, a).then(keep);
  });
  try {
    await withCluster(page, NODES);
    await page.getByTestId("speed").selectOption("16");
    console.log(`dist: ${process.env.ORDINAL_DIST ?? "dist/"}; ${REPLICAS} pods on ${NODES} nodes at 16x`);

    // (a) From the Apply click until every pod is Running and Ready.
    let l0 = load();
    await startRecording(page);
    const t0 = Date.now();
    await applySet(page, REPLICAS);
    await page.getByTestId("play").click();
    await page.waitForFunction(
      (n) => document.querySelectorAll("[data-testid^='pod-web-'].card.ok").length >= n,
      REPLICAS,
      { timeout: 900_000, polling: 500 },
    );
    const wall = ((Date.now() - t0) / 1000).toFixed(1);
    const clockA = await page.getByTestId("clock").textContent();
    if (ONLY.includes("a")) {
      report("(a) apply until all Ready", await take(page), `; ${wall} s wall, clock ${clockA}; load ${l0} -> ${load()}`);
    } else await take(page);

    // (b) Settled.
    if (ONLY.includes("b")) {
      l0 = load();
      await page.waitForTimeout(SETTLED_S * 1000);
      report(`(b) ${SETTLED_S} s settled`, await take(page), `; ready ${await readyCount(page)}; load ${l0} -> ${load()}`);
    }

    // (c) The long session.
    if (ONLY.includes("c")) {
      l0 = load();
      const all = { deltas: [], long: [], marks: [] };
      let m = await memory(page);
      console.log(`(c) ${MINUTES} virtual minutes at 16x with random faults every 10 (seed ${flag("--seed", 7)})`);
      console.log("  minute  clock     events  heapMB  wasmMB  pods  frames  p50ms  p95ms  longest  wall s  load");
      const row = (rec, m, at, wallS) => {
        const st = stats(rec.deltas);
        const longest = rec.long.length ? Math.max(...rec.long) : 0;
        console.log(
          `  ${String(at).padStart(6)}  ${m.clock.padEnd(8)}  ${String(m.events).padStart(6)}  ${mb(m.heap).padStart(6)}  ${mb(m.wasm).padStart(6)}  ${String(m.pods).padStart(4)}  ${String(st.n).padStart(6)}  ${String(st.p50).padStart(5)}  ${String(st.p95).padStart(5)}  ${longest.toFixed(0).padStart(7)}  ${wallS.padStart(6)}  ${load()}`,
        );
      };
      row({ deltas: [], long: [] }, m, Math.floor(minutesOf(m.clock)), "0");
      const start = minutesOf(m.clock);
      const tc = Date.now();
      for (let next = Math.ceil(start / 10) * 10; next <= start + MINUTES; next += 10) {
        // Faults while playing, as a student would type them.
        const pods = await page.evaluate(() =>
          [...document.querySelectorAll("[data-testid^='pod-web-']")].map((e) => e.dataset.testid.slice(4)),
        );
        const faults = 2 + Math.floor(rand() * 3);
        for (let f = 0; f < faults && pods.length; f++) {
          const r = rand();
          if (r < 0.45) await run(page, `fault pod ${pick(pods)} ${pick(["delete", "crash", "force-delete"])}`);
          else if (r < 0.7) await run(page, `fault node node-${1 + Math.floor(rand() * NODES)} ${pick(["fail", "recover"])}`);
          else if (r < 0.85) await run(page, `delete pod ${pick(pods)} --wait=false`);
          else await run(page, `scale statefulset web --replicas=${REPLICAS - Math.floor(rand() * 20)}`);
        }
        await page.waitForFunction(
          (n) => {
            const [m, s] = document.querySelector("[data-testid=clock]").textContent.split(":");
            return Number(m) + Number(s) / 60 >= n;
          },
          next,
          { timeout: 1_800_000, polling: 1000 },
        );
        const rec = await take(page);
        all.deltas.push(...rec.deltas);
        all.long.push(...rec.long);
        all.marks.push(...rec.marks);
        m = await memory(page);
        row(rec, m, next, ((Date.now() - tc) / 1000).toFixed(0));
      }
      const rec = await take(page, { stop: true });
      all.deltas.push(...rec.deltas);
      all.long.push(...rec.long);
      report(`(c) whole long session`, all, `; load ${l0} -> ${load()}`);
    }
    if (app.problems.length) console.log("problems:", app.problems.slice(0, 5));
  } finally {
    await app.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

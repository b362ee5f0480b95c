// Two virtual hours with 300 pods and random faults in the page: memory and
// frame time over time. A measurement, not a test (not run in CI).
//
//   node tests/e2e/long-session.mjs [--hours H] [--replicas N] [--nodes N] [--seed S]
//
// Opens the release build (dist/) in headless Chromium (precise memory info
// on), gives the cluster --nodes nodes (default 4), applies the web example as
// a Parallel set of --replicas pods (default 300), then for every 10 virtual
// minutes: types a few random faults into the console (pod delete, crash,
// unready/ready, force-delete; node fail and recover; a scale between N-20
// and N), types `sleep` for the rest of the 10 minutes, then plays at 16x
// for 3 wall seconds while recording frame deltas. After each chunk it
// samples performance.memory.usedJSHeapSize (after a GC), the wasm linear
// memory (caught as the module is instantiated) and the event count.
import { openApp, CHROMIUM_ARGS } from "./harness.mjs";
import { withCluster, applySet, flag, sampleFrames, stats } from "./frames.mjs";

const HOURS = flag("--hours", 2);
const REPLICAS = flag("--replicas", 300);
const NODES = flag("--nodes", 4);
let seed = flag("--seed", 7);
const rand = () => {
  // xorshift32: the same faults every run.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const T = 600_000;

async function run(page, line) {
  const input = page.getByTestId("console-input");
  await input.fill(line);
  await input.press("Enter");
}

async function memory(page) {
  return page.evaluate(() => {
    if (typeof gc === "function") gc();
    const heap = performance.memory?.usedJSHeapSize ?? 0;
    const wasm = window.__ordinalWasmMemory?.buffer.byteLength ?? 0;
    return {
      heap,
      wasm,
      events: Number((document.querySelector("[data-testid=timeline-pos]")?.textContent ?? "0/0").split("/")[1]),
      console: document.querySelectorAll("[data-testid=console-output] pre").length,
      clock: document.querySelector("[data-testid=clock]")?.textContent,
    };
  });
}

async function main() {
  const app = await openApp(undefined, {
    viewport: { width: 1400, height: 900 },
    args: [...CHROMIUM_ARGS, "--enable-precise-memory-info", "--js-flags=--expose-gc"],
  });
  const { page } = app;
  // The wasm's linear memory is not on any global: catch it as the module
  // is instantiated (from the next load on: withCluster reloads the page).
  await page.addInitScript(() => {
    const keep = (r) => {
      const exports = (r.instance ?? r).exports;
      for (const v of Object.values(exports ?? {})) {
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
    await applySet(page, REPLICAS);
    await page.getByTestId("speed").selectOption("16");
    await run(page, "sleep 120s");
    const mb = (b) => (b / 2 ** 20).toFixed(1);
    console.log("minute  events  heapMB  wasmMB  console  p50ms  p95ms  clock");
    const chunks = Math.round(HOURS * 6);
    for (let c = 1; c <= chunks; c++) {
      const pods = await page.evaluate(() =>
        [...document.querySelectorAll("[data-testid^='pod-web-']")].map((e) => e.dataset.testid.slice(4)),
      );
      const faults = 2 + Math.floor(rand() * 3);
      for (let f = 0; f < faults && pods.length; f++) {
        const r = rand();
        if (r < 0.5) await run(page, `fault pod ${pick(pods)} ${pick(["delete", "crash", "unready", "ready", "force-delete"])}`);
        else if (r < 0.7) await run(page, `fault node node-${1 + Math.floor(rand() * NODES)} ${pick(["fail", "recover"])}`);
        else if (r < 0.85) await run(page, `scale statefulset web --replicas=${REPLICAS - Math.floor(rand() * 20)}`);
        else await run(page, `get pods`);
      }
      await run(page, "sleep 540s");
      await page.getByTestId("play").click();
      const { deltas } = await sampleFrames(page, 3000);
      await page.getByTestId("play").click();
      const st = stats(deltas);
      const m = await memory(page);
      console.log(
        `${String(c * 10).padStart(6)}  ${String(m.events).padStart(6)}  ${mb(m.heap).padStart(6)}  ${mb(m.wasm).padStart(6)}  ${String(m.console).padStart(7)}  ${String(st.p50).padStart(5)}  ${String(st.p95).padStart(5)}  ${m.clock}`,
      );
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

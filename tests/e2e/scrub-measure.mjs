// Scrubbing in the page (issue 8: any point of a 5,000-event session in
// 60 ms or less, flat across positions): a measurement, not a test (not run
// in CI). It prints figures and never fails on a number.
//
//   node tests/e2e/scrub-measure.mjs [--replicas N] [--nodes N] [--events N] [--points N] [--profile N]
//
// Opens the release build (dist/, or ORDINAL_DIST), applies the web example
// as a Parallel set of --replicas pods and sleeps from the console until the
// session holds at least --events events (scaling down and up again), then
// moves the timeline to --points positions spread over the session, in a
// shuffled order, as a user drags it. For each it reports the core's scrub
// (`Session::scrub_to`, the page's "scrub" mark), the whole change handler
// (the scrub and every panel's redraw, up to the handler's return), and the
// time to the next frame. With --profile N, a CPU profile of the scrubs (and
// the browser's style and layout from a trace) prints the top N of the page's
// own functions by inclusive time (names need a build that keeps its name
// section, see frames-profile.mjs).
import { openApp } from "./harness.mjs";
import { applySet, flag, stats, withCluster } from "./frames.mjs";
import { inclusiveTimes } from "./profile.mjs";

const REPLICAS = flag("--replicas", 100);
const NODES = flag("--nodes", 4);
const EVENTS = flag("--events", 5000);
const POINTS = flag("--points", 10);
const PROFILE = flag("--profile", 0);
const T = 120_000;

async function consoleRun(page, line) {
  const input = page.getByTestId("console-input");
  await input.fill(line);
  await input.press("Enter");
}

async function position(page) {
  const text = await page.getByTestId("timeline-pos").textContent();
  const [at, total] = text.split("/").map(Number);
  return { at, total };
}

async function main() {
  const app = await openApp(undefined, { viewport: { width: 1400, height: 900 } });
  const { page } = app;
  try {
    await withCluster(page, NODES);
    await applySet(page, REPLICAS);
    await consoleRun(page, "sleep 2m");
    for (let round = 0; (await position(page)).total < EVENTS && round < 20; round++) {
      await consoleRun(page, `scale statefulset web --replicas=${round % 2 ? REPLICAS : 1}`);
      await consoleRun(page, "sleep 2m");
    }
    const { total } = await position(page);
    const points = Array.from({ length: POINTS }, (_, i) => Math.round(((i + 1) * total) / (POINTS + 1)));
    // A fixed shuffle: forwards and backwards, near and far.
    const order = points.map((p, i) => [((i * 7) % POINTS), p]).sort((a, b) => a[0] - b[0]).map(([, p]) => p);
    console.log(`session: ${total} events, ${REPLICAS} replicas, ${NODES} nodes; scrubbing to ${order.join(", ")}`);
    const rows = [];
    const cdp = PROFILE ? await page.context().newCDPSession(page) : null;
    const trace = [];
    if (cdp) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
      cdp.on("Tracing.dataCollected", (d) => trace.push(...d.value));
      await cdp.send("Tracing.start", { categories: "devtools.timeline", transferMode: "ReportEvents" });
      await cdp.send("Profiler.start");
    }
    for (const to of order) {
      const r = await page.evaluate(
        (to) =>
          new Promise((done) => {
            performance.clearMeasures("ordinal:scrub");
            const el = document.querySelector("[data-testid='timeline']");
            el.value = String(to);
            const t0 = performance.now();
            el.dispatchEvent(new Event("change", { bubbles: true }));
            const handler = performance.now() - t0;
            const core = performance.getEntriesByName("ordinal:scrub").reduce((a, e) => a + e.duration, 0);
            requestAnimationFrame(() => done({ handler, core, frame: performance.now() - t0 }));
          }),
        to,
      );
      const { at } = await position(page);
      rows.push({ to, at, ...r });
      console.log(
        `  to ${String(to).padStart(6)} (at ${String(at).padStart(6)}): core scrub ${r.core.toFixed(1)} ms` +
          ` (0 = under 2 ms), handler ${r.handler.toFixed(1)} ms, next frame ${r.frame.toFixed(1)} ms`,
      );
    }
    if (cdp) {
      const { profile } = await cdp.send("Profiler.stop");
      const traced = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
      await cdp.send("Tracing.end");
      await traced;
      const incl = inclusiveTimes(profile);
      console.log(`top ${PROFILE} of the page's own functions (ordinal::) by inclusive time, all scrubs:`);
      const own = [...incl].filter(([k]) => /ordinal::|replaceState|miniz|deflate/.test(k)).sort((a, b) => b[1] - a[1]);
      for (const [k, v] of own.slice(0, PROFILE)) console.log(`  ${v.toFixed(1).padStart(8)} ms  ${k.slice(0, 160)}`);
      const sum = new Map();
      for (const e of trace) {
        if (e.ph === "X" && e.dur && ["UpdateLayoutTree", "Layout", "Paint", "PrePaint", "Layerize", "MajorGC", "MinorGC"].includes(e.name)) {
          sum.set(e.name, (sum.get(e.name) ?? 0) + e.dur / 1000);
        }
      }
      const marks = await page.evaluate(() =>
        performance
          .getEntriesByType("measure")
          .filter((m) => m.name.startsWith("ordinal:"))
          .map((m) => [m.name, m.duration]),
      );
      const m = new Map();
      for (const [n, d] of marks) m.set(n, (m.get(n) ?? 0) + d);
      console.log("page marks (total ms): " + [...m].map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", "));
      console.log("browser, all scrubs: " + [...sum].map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(", "));
    }
    for (const k of ["core", "handler", "frame"]) {
      const s = stats(rows.map((r) => r[k]));
      console.log(`${k}: p50 ${s.p50} ms, max ${s.max} ms`);
    }
    if (app.problems.length) console.log("problems:", app.problems);
  } finally {
    await app.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

// Where the page's time goes while a 300-replica set rolls out at 16x: a
// measurement, not a test (not run in CI).
//
//   node tests/e2e/frames-profile.mjs [--replicas N] [--nodes N] [--seconds S] [--top N]
//
// Opens the release build (dist/, or ORDINAL_DIST), gives the session --nodes
// nodes, applies the web example as a Parallel set of --replicas pods and plays
// at 16x, recording with the Chrome DevTools Protocol for --seconds wall
// seconds from the Apply click:
// - a CPU profile (Profiler): self time per function, the top --top printed,
//   and per bucket (wasm, JS, the browser's own "(program)", GC);
// - a trace (Tracing, devtools.timeline): the longest tasks and, over the
//   window, the time in style, layout and paint;
// - the page's own marks (`performance.measure` entries named `ordinal:*`,
//   see src/ui/perf.rs): count, total and longest per name.
// Function names of the wasm show only in a build that keeps its name
// section (wasm-bindgen without wasm-opt's stripping); otherwise they read
// `wasm-function[N]`.
import { openApp } from "./harness.mjs";
import { applySet, flag, withCluster } from "./frames.mjs";
import { bucket, inclusiveTimes, selfTimes } from "./profile.mjs";

const REPLICAS = flag("--replicas", 300);
const NODES = flag("--nodes", 4);
const SECONDS = flag("--seconds", 15);
const TOP = flag("--top", 40);

async function main() {
  const app = await openApp(undefined, { viewport: { width: 1400, height: 900 } });
  const { page } = app;
  try {
    await withCluster(page, NODES);
    await page.getByTestId("speed").selectOption("16");
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
    const events = [];
    cdp.on("Tracing.dataCollected", (d) => events.push(...d.value));
    const traced = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
    await cdp.send("Tracing.start", {
      categories: "devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing",
      transferMode: "ReportEvents",
    });
    await cdp.send("Profiler.start");
    const t0 = Date.now();
    await applySet(page, REPLICAS);
    await page.getByTestId("play").click();
    await page.waitForTimeout(SECONDS * 1000);
    const { profile } = await cdp.send("Profiler.stop");
    await cdp.send("Tracing.end");
    await traced;
    const wall = Date.now() - t0;
    const running = await page.evaluate(
      () => document.querySelectorAll("[data-testid^='pod-web-'][data-status='Running']").length,
    );
    const clock = await page.getByTestId("clock").textContent();
    const marks = await page.evaluate(() =>
      performance
        .getEntriesByType("measure")
        .filter((m) => m.name.startsWith("ordinal:"))
        .map((m) => [m.name, m.duration]),
    );

    const self = selfTimes(profile);
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    const buckets = new Map();
    for (const [k, v] of self) buckets.set(bucket(k), (buckets.get(bucket(k)) ?? 0) + v);
    console.log(`window ${wall} ms from the Apply click; ${running} Running; clock ${clock}`);
    console.log(`CPU profile: ${total.toFixed(0)} ms sampled`);
    for (const [b, v] of [...buckets].sort((a, b) => b[1] - a[1])) {
      console.log(`  ${b.padEnd(20)} ${v.toFixed(0).padStart(7)} ms  ${((100 * v) / total).toFixed(1)}%`);
    }
    console.log(`top ${TOP} functions by self time:`);
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
      console.log(`  ${v.toFixed(1).padStart(8)} ms  ${k.slice(0, 140)}`);
    }

    const incl = inclusiveTimes(profile);
    console.log(`top ${TOP} of the page's own functions (ordinal::) by inclusive time:`);
    for (const [k, v] of [...incl].filter(([k]) => k.includes("ordinal::")).sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
      console.log(`  ${v.toFixed(1).padStart(8)} ms  ${k.slice(0, 160)}`);
    }

    // Trace: tasks and rendering.
    const sum = new Map();
    const tasks = [];
    const longTasks = [];
    for (const e of events) {
      if (e.ph !== "X" || !e.dur) continue;
      const ms = e.dur / 1000;
      if (e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask") {
        if (e.tid && ms > 50) tasks.push(ms);
        if (ms > 50) longTasks.push(e);
      }
      if (["UpdateLayoutTree", "Layout", "Paint", "PrePaint", "Layerize", "RecalculateStyles", "HitTest", "ParseHTML", "FunctionCall", "EvaluateScript", "FireAnimationFrame", "GCEvent", "MinorGC", "MajorGC", "V8.GC_SCAVENGER", "BlinkGC.AtomicPhase"].includes(e.name)) {
        sum.set(e.name, (sum.get(e.name) ?? 0) + ms);
      }
    }
    tasks.sort((a, b) => b - a);
    console.log(`trace: tasks over 50 ms: ${tasks.length}; longest ${tasks.slice(0, 8).map((t) => t.toFixed(0)).join(", ")} ms`);
    console.log(
      "trace totals: " +
        [...sum]
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
          .join(", "),
    );
    longTasks.sort((a, b) => b.dur - a.dur);
    for (const lt of longTasks.slice(0, 4)) {
      const inside = new Map();
      for (const e of events) {
        if (e.ph !== "X" || !e.dur || e.tid !== lt.tid || e.ts < lt.ts || e.ts + e.dur > lt.ts + lt.dur || e === lt) continue;
        inside.set(e.name, (inside.get(e.name) ?? 0) + e.dur / 1000);
      }
      const top = [...inside].sort((a, b) => b[1] - a[1]).slice(0, 6);
      console.log(`long task ${(lt.dur / 1000).toFixed(0)} ms at +${((lt.ts - profile.startTime) / 1000).toFixed(0)} ms: ` + top.map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", "));
      const i = inclusiveTimes(profile, lt.ts, lt.ts + lt.dur);
      for (const [k, v] of [...i].filter(([k]) => k.includes("ordinal::") || /replaceState|setItem|decode/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 14)) {
        console.log(`    ${v.toFixed(1).padStart(8)} ms  ${k.slice(0, 150)}`);
      }
    }
    if (marks.length) {
      const m = new Map();
      for (const [n, d] of marks) {
        const e = m.get(n) ?? { n: 0, total: 0, max: 0 };
        e.n++;
        e.total += d;
        e.max = Math.max(e.max, d);
        m.set(n, e);
      }
      console.log("page marks (count, total, longest):");
      for (const [n, e] of [...m].sort((a, b) => b[1].total - a[1].total)) {
        console.log(`  ${n.padEnd(28)} ${String(e.n).padStart(6)} ${e.total.toFixed(0).padStart(7)} ms ${e.max.toFixed(1).padStart(8)} ms`);
      }
    }
  } finally {
    await app.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

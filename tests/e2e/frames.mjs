// Frame time of the page at 16x with a 300-replica Parallel StatefulSet:
// a measurement, not a test (not run in CI).
//
//   node tests/e2e/frames.mjs [--replicas N] [--nodes N] [--seconds S] [--reduced-motion 1]
//
// Opens the release build (dist/) in headless Chromium, gives the saved
// session a cluster of --nodes nodes (default 4: 300 pods need more than the
// 3 default nodes' 330 pod slots once the system pods are placed), applies the
// web example as a Parallel set of --replicas pods (default 300), plays at 16x
// and records requestAnimationFrame deltas and long tasks (PerformanceObserver)
// over two windows of --seconds wall seconds each (default 8): the rollout,
// then the settled set. Prints p50/p95/max per window and the page's own
// per-frame accounting (<html data-perf>).
import { openApp } from "./harness.mjs";

/** A measurement script's `--name N` flag, as a number (`dflt` when absent). */
export function flag(name, dflt) {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i < 0 ? dflt : Number(args[i + 1]);
}

const REPLICAS = flag("--replicas", 300);
const NODES = flag("--nodes", 4);
const SECONDS = flag("--seconds", 8);
// With 1, the page runs as for a user who asked for reduced motion (no
// animations or transitions): what the page's motion costs.
const REDUCED = flag("--reduced-motion", 0);
const T = 120_000;

export async function withCluster(page, nodes) {
  // A saved session is how the page opens a cluster of another size: apply
  // once so one is saved, then change its config and open the page again.
  await page.getByTestId("editor").waitFor({ timeout: T });
  await page.getByTestId("apply").click();
  await page.waitForFunction(() => localStorage.getItem("ordinal.v1.session"), null, { timeout: T });
  await page.evaluate((n) => {
    const s = JSON.parse(localStorage.getItem("ordinal.v1.session"));
    s.config.nodes = n;
    s.journal = [];
    localStorage.setItem("ordinal.v1.session", JSON.stringify(s));
    // The page saves again as it unloads: not this time.
    Storage.prototype.setItem = () => {};
  }, nodes);
  // Without the address's share link (the page keeps one in step), which
  // would win over local storage.
  await page.goto(page.url().split("#")[0]);
  await page.getByTestId("editor").waitFor({ timeout: T });
}

export async function applySet(page, replicas) {
  const yaml = (await page.getByTestId("editor").inputValue())
    .replace(/replicas: \d+/, `replicas: ${replicas}`)
    .replace(/serviceName: "nginx"/, 'serviceName: "nginx"\n  podManagementPolicy: Parallel');
  await page.getByTestId("editor").fill(yaml);
  await page.getByTestId("apply").click();
}

/** rAF deltas and long tasks over `ms` wall milliseconds. */
export async function sampleFrames(page, ms) {
  return page.evaluate(
    (ms) =>
      new Promise((done) => {
        const deltas = [];
        const long = [];
        let obs = null;
        try {
          obs = new PerformanceObserver((l) => l.getEntries().forEach((e) => long.push(e.duration)));
          obs.observe({ type: "longtask", buffered: false });
        } catch {}
        let last = performance.now();
        const end = last + ms;
        const tick = (now) => {
          deltas.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(tick);
          else {
            obs?.disconnect();
            done({ deltas, long });
          }
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
}

export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : 0);
  return {
    n: s.length,
    p50: +q(0.5).toFixed(1),
    p95: +q(0.95).toFixed(1),
    max: +(s[s.length - 1] ?? 0).toFixed(1),
  };
}

async function main() {
  const app = await openApp(undefined, { viewport: { width: 1400, height: 900 } });
  const { page } = app;
  try {
    if (REDUCED) await page.emulateMedia({ reducedMotion: "reduce" });
    await withCluster(page, NODES);
    await applySet(page, REPLICAS);
    await page.getByTestId("speed").selectOption("16");
    await page.getByTestId("play").click();
    for (const phase of ["rollout", "settled"]) {
      if (phase === "settled") {
        await page
          .waitForFunction(
            (n) => document.querySelectorAll("[data-testid^='pod-web-'][data-status='Running']").length >= n,
            REPLICAS,
            { timeout: T, polling: 1000 },
          )
          .catch(() => console.log("(not all pods Running before the settled window)"));
      }
      const { deltas, long } = await sampleFrames(page, SECONDS * 1000);
      const pods = await page.evaluate(
        () => document.querySelectorAll("[data-testid^='pod-web-']").length,
      );
      const running = await page.evaluate(
        () => document.querySelectorAll("[data-testid^='pod-web-'][data-status='Running']").length,
      );
      const clock = await page.getByTestId("clock").textContent();
      const perf = await page.evaluate(() => document.documentElement.dataset.perf);
      const st = stats(deltas);
      const lt = stats(long);
      console.log(
        `${phase}: frames ${st.n} p50 ${st.p50} ms p95 ${st.p95} ms max ${st.max} ms; ` +
          `long tasks ${lt.n} (p95 ${lt.p95} ms); pods ${pods} (${running} Running); clock ${clock}`,
      );
      console.log(`  data-perf: ${perf}`);
    }
    if (app.problems.length) console.log("problems:", app.problems);
  } finally {
    await app.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

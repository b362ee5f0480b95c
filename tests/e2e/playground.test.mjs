// The playground end to end (issue 5): pick `web`, apply, play, watch the
// StatefulSet come up in order, break a pod and see it come back with its
// claim, scale from the console, scrub back, reload. Screenshots of each
// stage go to target/e2e/playground-*.png; the run must log no console error.
// Also measures frame time with 100 pods animating at 16x and the time to an
// interactive editor (reported, not asserted).
import { test } from "node:test";
import assert from "node:assert/strict";
import { openApp } from "./harness.mjs";

const T = 60_000;

async function setSpeed(page, speed) {
  await page.getByTestId("speed").selectOption(String(speed));
}

async function podStatus(page, name) {
  const card = page.getByTestId(`pod-${name}`);
  if ((await card.count()) === 0) return null;
  return card.first().getAttribute("data-status");
}

async function podNames(page) {
  return page.$$eval("[data-testid^='pod-']:not([data-testid^='pod-menu'])", (els) =>
    els.map((e) => e.getAttribute("data-testid").slice(4)).filter((n) => !n.startsWith("status")),
  );
}

async function consoleRun(page, line) {
  const input = page.getByTestId("console-input");
  await input.fill(line);
  await input.press("Enter");
}

test("web: apply, order, claims, DNS, delete, scale, scrub, reload", async (t) => {
  const app = await openApp(t, { viewport: { width: 1400, height: 900 } });
  const { page } = app;
  const t0 = Date.now();
  await page.getByTestId("editor").waitFor({ timeout: T });
  await page.getByTestId("editor").click();
  // performance.now() counts from the navigation's start (timeOrigin).
  const tti = await page.evaluate(() => performance.now());
  t.diagnostic(`editor interactive ${tti.toFixed(0)} ms after navigation start (${Date.now() - t0} ms after load)`);

  await page.getByTestId("example-web").click();
  const text = await page.getByTestId("editor").inputValue();
  assert.match(text, /kind: StatefulSet/);
  assert.match(text, /name: web/);
  await app.screenshot("playground-1-loaded");

  await page.getByTestId("apply").click();
  await setSpeed(page, 4);
  await page.getByTestId("play").click();

  // Ordered start: web-1 must not exist until web-0 is Running.
  let sawWeb0Running = false;
  const deadline = Date.now() + T;
  while (Date.now() < deadline) {
    // Both read in one go, so the pair is one moment of the page.
    const [s0, s1] = await page.evaluate(() =>
      ["web-0", "web-1"].map((n) => document.querySelector(`[data-testid='pod-${n}']`)?.getAttribute("data-status") ?? null),
    );
    if (s1 !== null) {
      assert.equal(s0, "Running", `web-1 appeared (${s1}) while web-0 was ${s0}`);
      sawWeb0Running = true;
      break;
    }
    if (s0 === "Running") sawWeb0Running = true;
    await page.waitForTimeout(50);
  }
  assert.ok(sawWeb0Running, "web-0 reached Running");
  await page.locator("[data-testid='pod-web-1'][data-status='Running']").waitFor({ timeout: T });
  await page.locator("[data-testid='pvc-www-web-0'][data-phase='Bound']").waitFor({ timeout: T });
  await page
    .getByTestId("dns-table")
    .getByText("web-0.nginx.default.svc.cluster.local", { exact: true })
    .first()
    .waitFor({ timeout: T });
  await app.screenshot("playground-2-running");

  // Delete web-1 from its card: it comes back, with the same claim.
  const claimBefore = await page.getByTestId("pod-web-1").locator(".claim").textContent();
  // A shut card menu holds no buttons (they are made when it opens, as a
  // rollout remakes cards); opened from the keyboard, it has all five.
  const items = page.getByTestId("pod-web-1").locator(".menu-items button");
  assert.equal(await items.count(), 0, "a shut menu has no buttons");
  await page.getByTestId("pod-menu-web-1").focus();
  await page.keyboard.press("Enter");
  await page.getByTestId("fault-delete-web-1").waitFor({ timeout: T });
  assert.equal(await items.count(), 5);
  const laneOf = (name) =>
    page.getByTestId(`pod-${name}`).evaluate((el) => el.closest("[data-testid^='lane-']").dataset.testid);
  const firstWeb1 = { at: Number((await page.getByTestId("timeline-pos").textContent()).split("/")[0]), lane: await laneOf("web-1") };
  await page.getByTestId("fault-delete-web-1").click();
  await page.locator("[data-testid='pod-web-1'][data-status='Terminating']").waitFor({ timeout: T });
  await app.screenshot("playground-3-terminating");
  await page.locator("[data-testid='pod-web-1'][data-status='Running']").waitFor({ timeout: T });
  const claimAfter = await page.getByTestId("pod-web-1").locator(".claim").textContent();
  assert.equal(claimAfter, claimBefore);
  assert.equal(claimAfter.trim(), "www-web-1");
  await app.screenshot("playground-4-web-1-back");

  // Tab completes from the core's completer (kinds, then names).
  const input = page.getByTestId("console-input");
  await input.fill("get statef");
  await input.press("Tab");
  assert.match(await input.inputValue(), /^get statefulset/);
  await input.fill("");

  // Scale from the console: five pods, created in order.
  const eventsBefore = Number((await page.getByTestId("timeline-pos").textContent()).split("/")[0]);
  await consoleRun(page, "kubectl scale sts web --replicas=5");
  await page.getByTestId("console-output").getByText("statefulset.apps/web scaled").waitFor({ timeout: T });
  const appeared = [];
  const animated = new Set();
  const deadline2 = Date.now() + T;
  while (Date.now() < deadline2) {
    for (const n of await podNames(page)) if (!appeared.includes(n)) appeared.push(n);
    // What the page animates while pods come: every animation and
    // transition running now, by the properties its keyframes move.
    const props = await page.evaluate(() =>
      document
        .getAnimations()
        .flatMap((a) => a.effect.getKeyframes().flatMap((k) => Object.keys(k)))
        .filter((p) => !["offset", "computedOffset", "easing", "composite"].includes(p)),
    );
    for (const p of props) animated.add(p);
    if (["web-2", "web-3", "web-4"].every((n) => appeared.includes(n))) break;
    await page.waitForTimeout(50);
  }
  const order = appeared.filter((n) => ["web-2", "web-3", "web-4"].includes(n));
  assert.deepEqual(order, ["web-2", "web-3", "web-4"], "scale-up creates pods in ordinal order");
  // Only what the compositor animates off the main thread: a colour or a
  // stroke animated on hundreds of cards and rows took the frame p95 of a
  // 300-pod rollout from 16.8 ms to 50-67 ms.
  assert.ok(animated.size > 0, "new pods' cards are animated in");
  assert.deepEqual([...animated].filter((p) => p !== "opacity" && p !== "transform"), []);
  await page.locator("[data-testid='pod-web-4'][data-status='Running']").waitFor({ timeout: T });
  await app.screenshot("playground-5-scaled");

  // Scrub back to before the scale: two pods.
  await page.getByTestId("play").click(); // pause
  await page.getByTestId("timeline").evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }, eventsBefore);
  await page.waitForFunction(
    () => document.querySelectorAll("[data-testid^='pod-web-']").length === 2,
    null,
    { timeout: T },
  );
  await app.screenshot("playground-6-scrubbed");

  // Further back, to the web-1 deleted above: another pod (another uid) of
  // the same name. Cards are keyed by name, so where it ran on the same
  // node its card is updated in place rather than made again.
  assert.equal(await laneOf("web-1"), firstWeb1.lane, "web-1 came back on the same node");
  const card = await page.getByTestId("pod-web-1").elementHandle();
  await page.getByTestId("timeline").evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }, firstWeb1.at);
  await page.waitForFunction(
    (before) => Number(document.querySelector("[data-testid='timeline-pos']").textContent.split("/")[0]) < before,
    eventsBefore,
    { timeout: T },
  );
  await page.locator("[data-testid='pod-web-1'][data-status='Running']").waitFor({ timeout: T });
  assert.ok(await card.evaluate((el) => el.isConnected), "web-1's card was made again by the scrub");

  // Reload: the editor's text is still there.
  await page.getByTestId("editor").fill(text + "\n# edited before reload\n");
  await page.reload();
  await page.getByTestId("editor").waitFor({ timeout: T });
  assert.match(await page.getByTestId("editor").inputValue(), /# edited before reload/);
  await app.screenshot("playground-7-reloaded");
  app.assertClean();
});

test("frame time with 100 pods at 16x (measured, not asserted)", async (t) => {
  const app = await openApp(t, { viewport: { width: 1400, height: 900 } });
  const { page } = app;
  await page.getByTestId("editor").waitFor({ timeout: T });
  const yaml = (await page.getByTestId("editor").inputValue())
    .replace(/replicas: \d+/, "replicas: 100")
    .replace(/serviceName: "nginx"/, 'serviceName: "nginx"\n  podManagementPolicy: Parallel');
  await page.getByTestId("editor").fill(yaml);
  await page.getByTestId("apply").click();
  await setSpeed(page, 16);
  await page.getByTestId("play").click();
  const deltas = await page.evaluate(
    () =>
      new Promise((done) => {
        const out = [];
        let last = performance.now();
        const end = last + 8000;
        const tick = (now) => {
          out.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(tick);
          else done(out);
        };
        requestAnimationFrame(tick);
      }),
  );
  const pods = (await podNames(page)).length;
  deltas.sort((a, b) => a - b);
  const q = (p) => deltas[Math.min(deltas.length - 1, Math.floor(p * deltas.length))].toFixed(1);
  t.diagnostic(`frames ${deltas.length}, pods on screen ${pods}, median ${q(0.5)} ms, p95 ${q(0.95)} ms (budget 16.7 ms)`);
  t.diagnostic(`mean ms per call over the last 60 frames: ${await page.evaluate(() => document.documentElement.dataset.perf)}`);
  t.diagnostic(`virtual clock after the run: ${await page.getByTestId("clock").textContent()}`);
  await app.screenshot("playground-8-hundred-pods");

  // A hundred pods make hundreds of DNS records: the table shows the first
  // 100, says how many there are, and shows all on request.
  await page.locator("[data-testid='pod-web-99'][data-status='Running']").waitFor({ timeout: T });
  const rows = page.getByTestId("dns-table").locator("tbody tr");
  assert.equal(await rows.count(), 100);
  const said = await page.getByTestId("dns-shown").textContent();
  const m = said.match(/^100 of (\d+) records shown\.$/);
  assert.ok(m, said);
  const total = Number(m[1]);
  assert.ok(total > 200, said);
  await page.getByTestId("dns-show-all").click();
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid='dns-table'] tbody tr").length === n, total);
  await page.getByTestId("dns-show-all").click();
  await page.waitForFunction(() => document.querySelectorAll("[data-testid='dns-table'] tbody tr").length === 100);

  // A new record's row is highlighted, and the same row stays when the
  // highlight fades (rows are keyed by the record, not by its highlight).
  await consoleRun(page, "scale statefulset web --replicas=101");
  const fresh = page.getByTestId("dns-table").locator("tr.rec.new").first();
  await fresh.waitFor({ timeout: T });
  const handle = await fresh.elementHandle();
  await page.waitForFunction((el) => !el.classList.contains("new"), handle, { timeout: T });
  assert.ok(await handle.evaluate((el) => el.isConnected), "the row was made again when its highlight faded");
  app.assertClean();
});

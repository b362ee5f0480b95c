// Same seed and journal, same trace on both targets (issue 3): play a session
// in the page (wasm), take its saved session from local storage and the trace
// hash the page publishes for the same moment, replay the session with the
// native CLI (`ordinal replay`) and compare. Then reload: the page's own
// replay of the saved session must give that trace again.
//
// The native binary comes from `cargo build --bin ordinal` (a no-op when
// scripts/test.sh has just run `cargo test`, which builds it); set
// ORDINAL_BIN to use another one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApp, ROOT } from "./harness.mjs";

const T = 60_000;

function nativeBinary() {
  if (process.env.ORDINAL_BIN) return process.env.ORDINAL_BIN;
  const out = execFileSync("cargo", ["build", "--quiet", "--locked", "--bin", "ordinal", "--message-format=json"], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 << 20,
    stdio: ["ignore", "pipe", "inherit"],
  });
  for (const line of out.split("\n")) {
    if (!line.startsWith("{")) continue;
    const msg = JSON.parse(line);
    if (msg.reason === "compiler-artifact" && msg.target?.name === "ordinal" && msg.executable) return msg.executable;
  }
  throw new Error("cargo build --bin ordinal reported no executable");
}

async function consoleRun(page, line) {
  const input = page.getByTestId("console-input");
  await input.fill(line);
  await input.press("Enter");
}

/** Saves and publishes, then reads the saved session and the published trace in one go: one moment of the page. */
async function snapshot(page) {
  await page.evaluate(() => document.querySelector("[data-testid='publish-trace']").click());
  return page.evaluate(() => ({
    session: localStorage.getItem("ordinal.v1.session"),
    hash: document.documentElement.getAttribute("data-trace-hash"),
    events: Number(document.documentElement.getAttribute("data-trace-events")),
  }));
}

async function pause(page) {
  const play = page.getByTestId("play");
  if ((await play.getAttribute("aria-pressed")) === "true") await play.click();
  await page.locator("[data-testid='play'][aria-pressed='false']").waitFor({ timeout: T });
}

function replayNative(bin, sessionJson) {
  const dir = mkdtempSync(join(tmpdir(), "ordinal-determinism-"));
  try {
    const file = join(dir, "session.json");
    writeFileSync(file, sessionJson);
    const out = execFileSync(bin, ["replay", file], { encoding: "utf8" });
    const hash = out.match(/^trace-hash ([0-9a-f]{16})$/m)?.[1];
    const events = Number(out.match(/^events (\d+)$/m)?.[1]);
    assert.ok(hash, `ordinal replay printed no hash:\n${out}`);
    return { hash, events };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a page session replays natively to the identical trace", async (t) => {
  // Build (or find) the native binary first: a cold build must not eat the page's time.
  const bin = nativeBinary();
  const app = await openApp(t, { viewport: { width: 1400, height: 900 } });
  const { page } = app;
  await page.getByTestId("editor").waitFor({ timeout: T });
  await page.evaluate(() => localStorage.clear());

  await page.getByTestId("example-web").click();
  await page.getByTestId("apply").click();
  await page.getByTestId("speed").selectOption("8");
  await page.getByTestId("play").click();
  await page.locator("[data-testid='pod-web-1'][data-status='Running']").waitFor({ timeout: T });

  // A command and a fault while the clock runs, at whatever instants the frames give.
  await consoleRun(page, "kubectl scale sts web --replicas=3");
  await page.getByTestId("console-output").getByText("statefulset.apps/web scaled").waitFor({ timeout: T });
  await page.getByTestId("pod-menu-web-0").click();
  await page.getByTestId("fault-delete-web-0").click();
  await page.locator("[data-testid='pod-web-2'][data-status='Running']").waitFor({ timeout: T });
  await page.locator("[data-testid='pod-web-0'][data-status='Running']").waitFor({ timeout: T });
  await page.waitForTimeout(500);
  await pause(page);

  const wasm = await snapshot(page);
  assert.match(wasm.hash ?? "", /^[0-9a-f]{16}$/, "the page published a trace hash");
  assert.ok(wasm.events > 50, `a real session (${wasm.events} events)`);
  const saved = JSON.parse(wasm.session);
  assert.ok(saved.journal.some((e) => e.Input?.Fault), "the journal holds the fault");
  assert.ok(
    saved.journal.some((e) => /scale sts web --replicas=3/.test(e.Input?.Kubectl?.line ?? "")),
    "the journal holds the scale command",
  );

  const native = replayNative(bin, wasm.session);
  t.diagnostic(`wasm ${wasm.hash} (${wasm.events} events), native ${native.hash} (${native.events} events)`);
  assert.equal(native.events, wasm.events, "event count, native replay vs the page");
  assert.equal(native.hash, wasm.hash, "trace hash, native replay vs the page");

  // The page's own replay of what it saved (on reload) is the same trace too.
  await page.reload();
  await page.getByTestId("editor").waitFor({ timeout: T });
  const again = await snapshot(page);
  assert.deepEqual({ hash: again.hash, events: again.events }, { hash: wasm.hash, events: wasm.events });
  await app.screenshot("determinism");
  app.assertClean();
});

test("a busy session with a time-travel branch and node faults replays identically", async (t) => {
  const bin = nativeBinary();
  const app = await openApp(t, { viewport: { width: 1400, height: 900 } });
  const { page } = app;
  await page.getByTestId("editor").waitFor({ timeout: T });
  await page.evaluate(() => localStorage.clear());
  await page.getByTestId("example-web").click();
  // Many pods at once (Parallel), at 16x: long frames, many syncs per frame.
  const yaml = (await page.getByTestId("editor").inputValue())
    .replace(/replicas: \d+/, "replicas: 12")
    .replace(/serviceName: "nginx"/, 'serviceName: "nginx"\n  podManagementPolicy: Parallel');
  await page.getByTestId("editor").fill(yaml);
  await page.getByTestId("apply").click();
  await page.getByTestId("speed").selectOption("16");
  await page.getByTestId("play").click();
  await page.locator("[data-testid='pod-web-11'][data-status='Running']").waitFor({ timeout: T });
  await pause(page);

  // Time travel to the middle, then branch: a new command and play on.
  const total = Number((await page.getByTestId("timeline-pos").textContent()).split("/")[1]);
  await page.getByTestId("timeline").evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }, Math.floor(total / 2));
  // Replay stops at the first step that reaches the index, which may add a few events past it.
  await page.getByTestId("console-output").getByText("session replayed to event").waitFor({ timeout: T });
  const at = Number((await page.getByTestId("timeline-pos").textContent()).split("/")[0]);
  assert.ok(at >= total / 2 - 1 && at < total, `scrubbed to ${at} of ${total}`);
  await consoleRun(page, "kubectl scale sts web --replicas=6");
  await page.getByTestId("console-output").getByText("statefulset.apps/web scaled").waitFor({ timeout: T });
  await page.getByTestId("play").click();
  await page.locator("[data-testid='pod-web-5'][data-status='Running']").waitFor({ timeout: T });

  // Fail a node that runs pods, let the node controller react, recover it.
  // (The node's menu may be open or shut; click its item directly.)
  const nodeAction = (a) => page.getByTestId(`node-${a}-node-1`).evaluate((el) => el.click());
  await nodeAction("fail");
  await page.waitForTimeout(1500);
  await nodeAction("recover");
  await page.waitForTimeout(1000);
  await pause(page);

  const wasm = await snapshot(page);
  const saved = JSON.parse(wasm.session);
  for (const want of ["node node-1 fail", "node node-1 recover"]) {
    assert.ok(saved.journal.some((e) => e.Input?.Fault === want), `the journal holds "${want}"`);
  }
  assert.ok(wasm.events > at, `the branch went on (${wasm.events} events)`);
  const native = replayNative(bin, wasm.session);
  t.diagnostic(`wasm ${wasm.hash} (${wasm.events} events), native ${native.hash} (${native.events} events)`);
  assert.deepEqual(native, { hash: wasm.hash, events: wasm.events }, "native replay vs the page");
  app.assertClean();
});

// Trusted Types and the recovery download of the editor's text
// (docs/robust15.md): the page runs under `require-trusted-types-for
// 'script'; trusted-types 'none'`, the harness fails a test on any Trusted
// Types violation (shown here by making one on purpose), and the panic
// recovery screen offers the editor's text when no session was saved.
//   node --test --test-concurrency=1 tests/e2e/robust15.test.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { openApp, CSP } from "./harness.mjs";

const T = 60_000;

test("the policy requires Trusted Types and allows no policy; the harness catches a violation", async (t) => {
  assert.match(CSP, /(^|; )require-trusted-types-for 'script'(;|$)/);
  assert.match(CSP, /(^|; )trusted-types 'none'(;|$)/);
  const app = await openApp(t);
  const { page } = app;
  await page.getByTestId("editor").waitFor({ timeout: T });
  // The app built its views (the editor's highlighted copy, the chart) with
  // no violation so far.
  await page.getByTestId("example-web").click();
  await page.getByTestId("apply").click();
  await page.getByTestId("speed").selectOption("16");
  await page.getByTestId("play").click();
  await page.getByTestId("pod-web-0").waitFor({ timeout: T });
  await page.getByTestId("chart").locator('g.row[data-object="Pod/web-0"]').waitFor({ timeout: T });
  assert.ok((await page.locator("pre.hl span").count()) > 10, "the editor is highlighted");
  assert.deepEqual(app.browser.violations, [], "no violation from the app itself");

  // Now break the rule on purpose, in each kind of sink.
  const refused = await page.evaluate(() => {
    const tries = {
      innerHTML: () => {
        document.createElement("div").innerHTML = "<b>x</b>";
      },
      insertAdjacentHTML: () => document.body.insertAdjacentHTML("beforeend", "<b>x</b>"),
      scriptSrc: () => {
        document.createElement("script").src = "/x.js";
      },
      createPolicy: () => window.trustedTypes.createPolicy("mine", { createHTML: (s) => s }),
    };
    const out = {};
    for (const [name, f] of Object.entries(tries)) {
      try {
        f();
        out[name] = "allowed";
      } catch (e) {
        out[name] = e.name;
      }
    }
    return out;
  });
  assert.deepEqual(refused, {
    innerHTML: "TypeError",
    insertAdjacentHTML: "TypeError",
    scriptSrc: "TypeError",
    createPolicy: "TypeError",
  });
  // The harness saw them (and would fail this test in its teardown).
  await page.waitForFunction(() => true);
  for (let i = 0; i < 50 && app.browser.violations.length < 4; i++) await page.waitForTimeout(100);
  const seen = app.browser.violations.splice(0).join("\n");
  assert.match(seen, /require-trusted-types-for/, seen);
  assert.match(seen, /trusted-types/, seen);
  assert.equal(await page.locator("b").count(), 0, "nothing was inserted");
});

test("a panic with only the editor's text saved: the recovery screen offers it as a session file that opens", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByTestId("editor").waitFor({ timeout: T });
  // A manifest typed but never applied: the page saves the editor's text,
  // not a session.
  const mine = [
    "# my own, never applied: ünïcödé, 中文, <b>&amp;</b> \"quotes\" \\ backslash",
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    "  name: unsaved-work",
    "data:",
    "  key: value",
    "",
  ].join("\n");
  await page.getByTestId("editor").fill(mine);
  await page.waitForFunction((m) => localStorage.getItem("ordinal.v1.editor") === m, mine, { timeout: T });
  assert.equal(await page.evaluate(() => localStorage.getItem("ordinal.v1.session")), null, "no session saved");

  await page.goto(`${app.url}?debug-panic=1`);
  const screen = page.getByTestId("recovery");
  await screen.waitFor({ timeout: T });
  assert.match(await screen.innerText(), /Only the editor's text was saved/);
  const download = page.getByTestId("recovery-download");
  assert.equal(await download.isDisabled(), false);
  const [file] = await Promise.all([page.waitForEvent("download"), download.click()]);
  assert.equal(file.suggestedFilename(), "ordinal-session.ordinal.json");
  const text = readFileSync(await file.path(), "utf8");
  assert.deepEqual(JSON.parse(text), { version: 1, seed: 1, journal: [], example: "", editor: mine });
  // Storage is as it was.
  assert.equal(await page.evaluate(() => localStorage.getItem("ordinal.v1.editor")), mine);
  await app.screenshot("robust15-editor-only");

  // The file opens in the page (Open file), editor text and all, even
  // after a reset cleared the browser's copy.
  page.once("dialog", (d) => d.accept());
  await Promise.all([page.waitForURL((u) => !u.search.includes("debug-panic")), page.getByTestId("recovery-reset").click()]);
  await page.getByTestId("editor").waitFor({ timeout: T });
  assert.notEqual(await page.getByTestId("editor").inputValue(), mine);
  await page
    .getByTestId("open-file")
    .setInputFiles({ name: "ordinal-session.ordinal.json", mimeType: "application/json", buffer: Buffer.from(text) });
  await page.waitForFunction((m) => document.querySelector("[data-testid=editor]").value === m, mine, { timeout: T });
  // The highlighted copy shows the markup in it as text.
  assert.match(await page.locator("pre.hl").innerText(), /<b>&amp;<\/b>/);
  assert.equal(await page.locator("pre.hl b").count(), 0);
});

test("a panic with nothing saved (storage refused): the download is disabled", async (t) => {
  const app = await openApp(t, { waitUntil: "commit" });
  await app.browser.context.addInitScript(() => {
    Object.defineProperty(window, "localStorage", {
      configurable: true,
      get() {
        throw new DOMException("Access is denied for this document.", "SecurityError");
      },
    });
  });
  await app.page.goto(`${app.url}?debug-panic=1`);
  const screen = app.page.getByTestId("recovery");
  await screen.waitFor({ timeout: T });
  assert.match(await screen.innerText(), /No session was saved in this browser/);
  assert.equal(await app.page.getByTestId("recovery-download").isDisabled(), true);
});

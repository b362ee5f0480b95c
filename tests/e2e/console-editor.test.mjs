// The console's live watch and history, and the editor's diagnostics.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openApp } from "./harness.mjs";

const T = 60_000;

test("get pods -w prints changes live; arrow keys recall history", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  const input = page.getByTestId("console-input");
  await input.waitFor({ timeout: T });
  await input.fill("get pods -w");
  await input.press("Enter");
  await page.getByTestId("stop-watch").waitFor({ timeout: 10_000 });
  await page.getByTestId("example-web").click();
  await page.getByTestId("apply").click();
  await page.getByTestId("speed").selectOption("8");
  await page.getByTestId("play").click();
  const out = page.getByTestId("console-output");
  // Watch rows name the pod and, later, its Running status.
  await out.locator("pre.watch", { hasText: /^web-0\s+0\/1\s+Pending/ }).first().waitFor({ timeout: T });
  await out.locator("pre.watch", { hasText: /^web-0\s+1\/1\s+Running/ }).first().waitFor({ timeout: T });
  await app.screenshot("console-watch");
  await page.getByTestId("stop-watch").click();
  // Faults and sleep, as in scripts, work from the console too.
  await page.getByTestId("play").click(); // pause
  const before = await page.getByTestId("clock").textContent();
  await input.fill("sleep 30s");
  await input.press("Enter");
  assert.notEqual(await page.getByTestId("clock").textContent(), before);
  await input.fill("fault pod web-0 unready");
  await input.press("Enter");
  await out.getByText("# fault pod web-0 unready").waitFor({ timeout: 10_000 });
  assert.equal(await out.locator("pre.err").count(), 0, "no console command failed");
  await input.fill("get sts");
  await input.press("Enter");
  await input.press("ArrowUp");
  assert.equal(await input.inputValue(), "get sts");
  await input.press("ArrowUp");
  assert.equal(await input.inputValue(), "fault pod web-0 unready");
  await input.press("ArrowDown");
  await input.press("ArrowDown");
  assert.equal(await input.inputValue(), "", "past the newest line is an empty prompt");
  app.assertClean();
});

test("the editor marks a YAML error on its line", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  const editor = page.getByTestId("editor");
  await editor.waitFor({ timeout: T });
  await editor.fill("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: [\n");
  const diag = page.getByTestId("diagnostics").locator("li");
  await diag.first().waitFor({ timeout: 10_000 });
  assert.match(await diag.first().textContent(), /line \d+:\d+/);
  assert.ok((await page.locator(".gutter .gl.err").count()) >= 1, "an error mark in the gutter");
  const title = await page.locator(".gutter .gl.err").first().getAttribute("title");
  assert.ok(title && title.length > 0, "the mark carries the message on hover");
  await app.screenshot("editor-diagnostic");
  app.assertClean();
});

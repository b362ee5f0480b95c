// The release build mounts from a sub-path and shows the core's version
// through the sim/ui boundary, with a clean console.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DIST, ROOT, SUB_PATH, openApp } from "./harness.mjs";

const crateVersion = readFileSync(join(ROOT, "Cargo.toml"), "utf8").match(/^version\s*=\s*"([^"]+)"/m)[1];

test("index.html names its assets with relative URLs only", () => {
  const html = readFileSync(join(DIST, "index.html"), "utf8");
  const absolute = [...html.matchAll(/\b(?:src|href)\s*=\s*["'](\/[^"']*)["']/g)].map((m) => m[1]);
  assert.deepEqual(absolute, [], "absolute asset URLs break hosting under a sub-path");
  assert.match(html, /\.wasm/, "the page loads a wasm module");
});

test("the app mounts under a sub-path with no console error", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByText("Ordinal", { exact: true }).first().waitFor({ timeout: 30_000 });
  const version = page.getByText(`ordinal-sim ${crateVersion}`, { exact: false }).first();
  await version.waitFor({ timeout: 10_000 });
  assert.match(await version.textContent(), new RegExp(`ordinal-sim ${crateVersion.replaceAll(".", "\\.")}`));
  await page.waitForLoadState("networkidle");
  const shot = await app.screenshot("mount");
  t.diagnostic(`screenshot: ${shot}`);

  const outside = app.server.requests.filter((p) => !p.startsWith(SUB_PATH));
  assert.deepEqual(outside, [], "every request stays under the sub-path");
  assert.ok(app.server.requests.some((p) => p.endsWith(".wasm")), "the wasm module was fetched");
  app.assertClean();
});

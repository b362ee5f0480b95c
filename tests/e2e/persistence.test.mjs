// Saved state that cannot be used (unreadable JSON, another version's keys)
// is set aside under ordinal.aside.* and reported in a dismissible banner;
// the page starts fresh with the default example instead of crashing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openApp } from "./harness.mjs";

test("corrupt and old saved state is set aside and reported", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByTestId("editor").waitFor({ timeout: 60_000 });
  await page.evaluate(() => {
    localStorage.clear();
    localStorage.setItem("ordinal.v1.session", "{not json");
    localStorage.setItem("ordinal.v0.editor", "kind: Pod");
  });
  await page.reload();
  await page.getByTestId("editor").waitFor({ timeout: 60_000 });
  const banners = page.getByTestId("banner");
  await banners.first().waitFor({ timeout: 10_000 });
  assert.equal(await banners.count(), 2);
  const text = (await banners.allTextContents()).join("\n");
  assert.match(text, /ordinal\.v1\.session/);
  assert.match(text, /ordinal\.v0\.editor/);
  const stored = await page.evaluate(() => ({
    session: localStorage.getItem("ordinal.aside.v1.session"),
    old: localStorage.getItem("ordinal.aside.v0.editor"),
    gone: localStorage.getItem("ordinal.v0.editor"),
  }));
  assert.deepEqual(stored, { session: "{not json", old: "kind: Pod", gone: null });
  // A fresh session with the default example, ready to apply.
  assert.match(await page.getByTestId("editor").inputValue(), /kind: StatefulSet/);
  await app.screenshot("persistence-banner");
  await banners.first().getByRole("button", { name: "Dismiss" }).click();
  assert.equal(await banners.count(), 1);
  app.assertClean();
});

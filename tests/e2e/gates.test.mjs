// The Feature gates panel (issue 13): v1.31's defaults, a gate switched on
// restarts the cluster with it and replays the session, and the gate travels
// with the session (reload, share link).
import { test } from "node:test";
import assert from "node:assert/strict";
import { openApp } from "./harness.mjs";

const T = 60_000;
const KV = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: kv}
spec:
  serviceName: kv
  replicas: 3
  podManagementPolicy: Parallel
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 2}
  selector: {matchLabels: {app: kv}}
  template:
    metadata: {labels: {app: kv}}
    spec:
      containers: [{name: kv, image: redis:7.0}]
`;
const JSONPATH = "get sts kv -o jsonpath={.spec.updateStrategy.rollingUpdate.maxUnavailable}";

/** Runs a console line; returns what it printed (the echo left out). */
async function run(page, line) {
  const pres = "[data-testid=console-output] pre";
  const before = await page.locator(pres).count();
  const input = page.getByTestId("console-input");
  await input.fill(line);
  await input.press("Enter");
  await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length > n, [pres, before]);
  await page.waitForTimeout(300);
  const lines = await page.locator(pres).evaluateAll(
    (els, n) => els.slice(n).filter((e) => !e.classList.contains("cmd")).map((e) => e.textContent),
    before,
  );
  return lines.join("\n");
}

test("a feature gate switched on replays the session with it and travels with the session", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  const summary = page.getByTestId("gates-summary");
  await summary.waitFor({ timeout: T });
  assert.match(await summary.textContent(), /All gates at v1\.31's defaults/);

  await page.getByTestId("editor").fill(KV);
  await page.getByTestId("apply").click();
  // Gate off (v1.31's default): the API server dropped the field.
  assert.equal((await run(page, JSONPATH)).trim(), "");

  await page.locator(".gates-list summary").click();
  const box = page.getByTestId("gate-MaxUnavailableStatefulSet");
  assert.equal(await box.isChecked(), false);
  assert.equal(await page.getByTestId("gate-StatefulSetStartOrdinal").isDisabled(), true, "locked gates cannot change");
  await box.check();
  await page.waitForFunction(() =>
    /MaxUnavailableStatefulSet=true/.test(document.querySelector("[data-testid=gates-summary]")?.textContent ?? ""),
  );
  // The same history on the new cluster keeps the field.
  assert.equal((await run(page, JSONPATH)).trim(), "2");
  assert.match(await run(page, "version"), /Feature Gates: .*MaxUnavailableStatefulSet=true/s);
  await app.screenshot("gates-on");

  // A reload keeps it (local storage), and so does the share link.
  const link = page.url();
  assert.match(link, /#o1\./);
  await page.reload();
  await summary.waitFor({ timeout: T });
  await page.waitForFunction(() =>
    /MaxUnavailableStatefulSet=true/.test(document.querySelector("[data-testid=gates-summary]")?.textContent ?? ""),
  );
  const other = await page.context().newPage();
  await other.goto(link);
  await other.getByTestId("gates-summary").waitFor({ timeout: T });
  await other.waitForFunction(() =>
    /MaxUnavailableStatefulSet=true/.test(document.querySelector("[data-testid=gates-summary]")?.textContent ?? ""),
  );
  assert.equal((await run(other, JSONPATH)).trim(), "2");
  await other.close();
  app.assertClean();
});

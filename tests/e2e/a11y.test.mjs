// Accessible to everyone, in both languages (issue 11): axe-core, injected
// from npm, finds no WCAG 2 A/AA violation on the page with a session
// running (the `web` example applied and played, so cards, events and DNS
// rows exist), in English and Chinese, in the light and the dark theme.
// The chart's table and an open lesson are audited too.
// Screenshots: target/e2e/a11y-<lang>-<theme>.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { allPanels, openApp, settle } from "./harness.mjs";

const T = 60_000;
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** Run axe-core on the whole document; return its violations, summed up. */
async function audit(page) {
  // Evaluated through the devtools protocol: an inline <script> tag would
  // break the page's Content-Security-Policy (and fail the harness).
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    TAGS,
  );
  // One line per distinct failure (the same colour pair on 40 gutter lines is one finding).
  return result.violations.map((v) => {
    const why = new Map();
    for (const n of v.nodes) {
      const msg = n.failureSummary.split("\n").slice(1, 2).join(" ").trim();
      if (!why.has(msg)) why.set(msg, { first: n.target.join(" "), count: 0 });
      why.get(msg).count += 1;
    }
    return {
      rule: v.id,
      elements: v.nodes.length,
      failures: [...why].map(([msg, { first, count }]) => `${count}x, e.g. ${first}: ${msg}`),
    };
  });
}


/** Press the theme button until <html data-theme> is `want`, and let the colours settle. */
async function setTheme(page, want) {
  for (let i = 0; i < 3; i++) {
    if ((await page.evaluate(() => document.documentElement.dataset.theme)) === want) break;
    await page.getByTestId("theme").click();
  }
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), want);
  await settle(page);
}

/** Apply the `web` example and play a few seconds: cards, events and DNS rows. */
async function runSession(page) {
  await page.getByTestId("editor").waitFor({ timeout: T });
  await page.getByTestId("example-web").click();
  await page.getByTestId("apply").click();
  await page.getByTestId("play").click();
  await page.locator("[data-testid='pod-web-1'][data-status='Running']").waitFor({ timeout: T });
  await page.waitForTimeout(1000);
  // Every panel audited as drawn, none as it waits for the rest of the code.
  await allPanels(page);
  await page.getByTestId("play").click();
  assert.ok((await page.locator("[data-testid=events] tbody tr").count()) > 0, "events listed");
}

for (const lang of ["en", "zh"]) {
  test(`axe-core: no WCAG 2 A/AA violation in ${lang}, light and dark, with a session running`, async (t) => {
    const app = await openApp(t, { path: `?lang=${lang}`, viewport: { width: 1400, height: 900 } });
    const { page } = app;
    await runSession(page);
    const found = {};
    for (const theme of ["light", "dark"]) {
      await setTheme(page, theme);
      await app.screenshot(`a11y-${lang}-${theme}`);
      const v = await audit(page);
      if (v.length) found[theme] = v;
    }
    // The chart as a table, then audited again.
    const toggle = page.getByTestId("chart-table-toggle");
    if ((await toggle.count()) > 0) {
      await toggle.click();
      await page.getByTestId("chart-table").waitFor({ timeout: T });
      for (const theme of ["light", "dark"]) {
        await setTheme(page, theme);
        const v = await audit(page);
        if (v.length) found[`${theme}, chart table`] = v;
      }
    }
    // A lesson open: its steps, checks and buttons.
    await page.locator("button.lesson").first().click();
    await page.getByTestId("lesson-body").waitFor({ timeout: T });
    for (const theme of ["light", "dark"]) {
      await setTheme(page, theme);
      const v = await audit(page);
      if (v.length) found[`${theme}, lesson open`] = v;
    }
    if (Object.keys(found).length) assert.fail(`axe-core violations:\n${JSON.stringify(found, null, 2)}`);
    app.assertClean();
  });
}

// Embed mode (`?embed=1`, issue 11 with issue 9): every tab's panel audited,
// the lessons tab with a lesson open, with a session running, in both
// languages and both themes. At 720×540 two panels show side by side; each
// tab is audited as the active one. Screenshots: target/e2e/a11y-embed-<lang>-<theme>.png.
const EMBED_TABS = ["editor", "cluster", "storage", "network", "console", "events", "lessons", "chart"];

/** The theme button is hidden in embed mode (`theme=` chooses); the app's own button still switches it. */
async function setEmbedTheme(page, want) {
  for (let i = 0; i < 3; i++) {
    if ((await page.evaluate(() => document.documentElement.dataset.theme)) === want) break;
    await page.evaluate(() => document.querySelector("[data-testid=theme]").click());
  }
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), want);
  await settle(page);
}

for (const lang of ["en", "zh"]) {
  test(`axe-core: no WCAG 2 A/AA violation in embed mode, ${lang}, light and dark, every tab`, async (t) => {
    const app = await openApp(t, {
      path: `?embed=1&example=web&apply=1&view=cluster&autoplay=1&speed=8&theme=light&lang=${lang}`,
      viewport: { width: 720, height: 540 },
    });
    const { page } = app;
    await page.locator("[data-testid='pod-web-1'][data-status='Running']").waitFor({ timeout: T });
    await page.getByTestId("play").click();
    await page.locator("[data-testid='play'][aria-pressed='false']").waitFor({ timeout: T });
    // The console with a command and its output; a lesson open (on the current session).
    await page.getByTestId("tab-console").click();
    await page.getByTestId("console-input").fill("get pods");
    await page.getByTestId("console-input").press("Enter");
    await page.getByTestId("console-output").getByText(/^web-0\s/m).first().waitFor({ timeout: T });
    await page.getByTestId("tab-lessons").click();
    page.once("dialog", (d) => d.dismiss());
    await page.locator("button.lesson").first().click();
    await page.getByTestId("lesson-body").waitFor({ timeout: T });
    assert.equal(await page.evaluate(() => document.documentElement.lang), lang === "zh" ? "zh-CN" : "en");
    const found = {};
    for (const theme of ["light", "dark"]) {
      await setEmbedTheme(page, theme);
      for (const tab of EMBED_TABS) {
        await page.getByTestId(`tab-${tab}`).click();
        await settle(page);
        const v = await audit(page);
        if (v.length) found[`${theme}, ${tab}`] = v;
      }
      await page.getByTestId("tab-cluster").click();
      await app.screenshot(`a11y-embed-${lang}-${theme}`);
    }
    if (Object.keys(found).length) assert.fail(`axe-core violations:\n${JSON.stringify(found, null, 2)}`);
    app.assertClean();
  });
}

test("axe-core: the click-to-load placeholder, in both languages and themes", async (t) => {
  const app = await openApp(t, {
    path: "?embed=1&ctl=1&example=web&lang=en&theme=light",
    waitUntil: "networkidle",
    viewport: { width: 480, height: 400 },
  });
  const { page } = app;
  const found = {};
  for (const lang of ["en", "zh"]) {
    for (const theme of ["light", "dark"]) {
      // networkidle: the previous page's favicon request must not be cut off by the next navigation.
      await page.goto(`${app.url}?embed=1&ctl=1&example=web&lang=${lang}&theme=${theme}`, { waitUntil: "networkidle" });
      await page.getByTestId("ctl-run").waitFor({ timeout: T });
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang === "zh" ? "zh-CN" : "en");
      if (lang === "zh") assert.match(await page.getByTestId("ctl").textContent(), /演练场.*运行/s);
      await settle(page);
      const v = await audit(page);
      if (v.length) found[`${lang}, ${theme}`] = v;
      await app.screenshot(`a11y-ctl-${lang}-${theme}`);
    }
  }
  if (Object.keys(found).length) assert.fail(`axe-core violations:\n${JSON.stringify(found, null, 2)}`);
  app.assertClean();
});

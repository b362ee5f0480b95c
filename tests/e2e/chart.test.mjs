// The lifecycle chart in the page (issue 15): play `web`, see a row per pod,
// click a point and the clock scrubs there, click a wait mark and the
// timeline goes to its event, Home then Enter scrubs to the start, Save as
// SVG downloads the picture, and the table gives the same data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openApp, SHOTS } from "./harness.mjs";

const T = 60_000;

/** "01:02.3" (the page's clock) in virtual milliseconds, to the tenth of a second. */
function clockMs(text) {
  const m = /^(\d+):(\d\d)\.(\d)$/.exec(text.trim());
  assert.ok(m, `a clock: ${text}`);
  return (+m[1] * 60 + +m[2]) * 1000 + +m[3] * 100;
}

const pos = async (page) => {
  const [at, total] = (await page.getByTestId("timeline-pos").textContent()).split("/").map(Number);
  return { at, total };
};

test("play web, then scrub the session from the chart", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByTestId("example-web").click();
  await page.getByTestId("apply").click();
  await page.getByTestId("speed").selectOption("16");
  await page.getByTestId("play").click();
  const chart = page.getByTestId("chart");
  // It grows live while playing: both pods get rows.
  await chart.locator('g.row[data-object="Pod/web-0"]').waitFor({ timeout: T });
  await chart.locator('g.row[data-object="Pod/web-1"]').waitFor({ timeout: T });
  // web-1 waited for web-0: the controller's wait is marked.
  await chart.locator("g.mark.wait").first().waitFor({ timeout: T });
  await page.waitForFunction(
    () => {
      const c = document.querySelector("[data-testid=clock]").textContent;
      return c >= "00:40.0";
    },
    null,
    { timeout: T },
  );
  await page.getByTestId("play").click(); // pause
  await page.getByTestId("chart").scrollIntoViewIfNeeded();
  await app.screenshot("chart-light-auto");
  const end = await pos(page);

  // Click at the x of a wait mark, but on the axis row (no mark there): the
  // clock moves to that time (the latest event at or before it).
  const mark = chart.locator("g.mark.wait").first();
  const markT = Number(await mark.getAttribute("data-t"));
  const box = await mark.boundingBox();
  const svgBox = await chart.locator("svg").boundingBox();
  const x = box.x + box.width / 2 + 1;
  await page.mouse.click(x, svgBox.y + 6);
  // A vertical line has no width: Playwright calls it hidden, so wait for it in the DOM.
  await chart.locator("line.cursor").waitFor({ state: "attached", timeout: T });
  const scrubbed = await pos(page);
  assert.ok(scrubbed.at < scrubbed.total, `scrubbed back: ${scrubbed.at}/${scrubbed.total}`);
  assert.equal(scrubbed.total, end.total, "history is kept while looking back");
  const clock = clockMs(await page.getByTestId("clock").textContent());
  // One pixel of the plot is under a second of this session.
  assert.ok(clock <= markT + 2000 && clock >= markT - 2000, `clock ${clock} near ${markT}`);
  await app.screenshot("chart-scrubbed");

  // A wait mark: the timeline goes to its event. Click its hourglass (the
  // middle of the whole mark is on its dashed wait line, over a bar).
  const seq = Number(await mark.getAttribute("data-seq"));
  await mark.locator("path.m-wait").click();
  assert.equal((await pos(page)).at, seq);
  // The same from the keyboard: a focused mark, Enter.
  const other = chart.locator("g.mark").last();
  const otherSeq = Number(await other.getAttribute("data-seq"));
  await other.focus();
  await other.press("Enter");
  assert.equal((await pos(page)).at, otherSeq);

  // Keyboard: Home then Enter on the focused chart scrubs to the start.
  await chart.focus();
  await chart.press("Home");
  await chart.press("Enter");
  assert.equal(clockMs(await page.getByTestId("clock").textContent()), 0);
  // Events of 0s itself (the nodes, the applied objects) stay: the session at 0s.
  assert.ok((await pos(page)).at < end.total);

  // Save as SVG.
  const [download] = await Promise.all([
    page.waitForEvent("download", { timeout: T }),
    page.getByTestId("chart-save").click(),
  ]);
  assert.equal(download.suggestedFilename(), "ordinal-chart.svg");
  const file = await download.path();
  const svg = readFileSync(file, "utf8");
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="ordinal-chart"/);
  assert.match(svg, /data-object="Pod\/web-1"/);

  // The table alternative.
  await page.getByTestId("chart-table-toggle").click();
  const table = page.getByTestId("chart-table");
  await table.waitFor({ timeout: T });
  assert.ok((await table.locator("tbody tr", { hasText: "pod web-0" }).count()) > 0, "pod web-0 in the table");
  assert.ok((await table.locator("tbody tr", { hasText: "pod web-1" }).count()) > 0, "pod web-1 in the table");
  await app.screenshot("chart-table");

  // Light and dark.
  await page.getByTestId("chart-table-toggle").click();
  await page.getByTestId("theme").click(); // auto → dark
  assert.equal(await page.locator("html").getAttribute("data-theme"), "dark");
  await chart.scrollIntoViewIfNeeded();
  await app.screenshot("chart-dark");
  await page.getByTestId("chart-panel").screenshot({ path: join(SHOTS, "chart-panel-dark.png") });
  await page.getByTestId("theme").click(); // dark → light
  await app.screenshot("chart-light");
  await page.getByTestId("chart-panel").screenshot({ path: join(SHOTS, "chart-panel-light.png") });
  app.assertClean();
});

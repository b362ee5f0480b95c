// Huge input: a 10,000-line manifest in the editor and a flood of console
// output. Behaviour, not timing: the editor keeps all the text, still takes
// keys, draws only part of it, and Apply applies it or names the line at
// fault; the console keeps at most its cap and says it dropped output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openApp, setText } from "./harness.mjs";

const T = 120_000;
/** The console's caps (src/ui/console.rs). */
const MAX_LINES = 500;
const MAX_BYTES = 512 * 1024;

/** `n` ConfigMaps of 25 lines each. */
function manifest(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push("---", "apiVersion: v1", "kind: ConfigMap", "metadata:", `  name: cm-${i}`, "  labels:", "    app: huge", "data:");
    for (let k = 0; k < 17; k++) out.push(`  k${String(k).padStart(2, "0")}: "value ${k} of cm-${i}, padded to look like real configuration"`);
  }
  return out.join("\n");
}

/**
 * Puts `text` in the editor as a paste does: the browser replaces the value,
 * then fires one `input` event. (Playwright's `fill` goes through the
 * browser's editing commands, which in headless Chromium take tens of
 * seconds for 300 KB whatever the page does.)
 */
async function paste(page, text) {
  await setText(page.getByTestId("editor"), text);
}

async function run(page, line) {
  const input = page.getByTestId("console-input");
  await input.fill(line);
  await input.press("Enter");
}

test("a 10,000-line manifest: all kept, typing works, Apply applies or names the line", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  const editor = page.getByTestId("editor");
  await editor.waitFor({ timeout: T });
  const text = manifest(400);
  assert.equal(text.split("\n").length, 10_000);
  await paste(page, text);
  assert.equal(await editor.inputValue(), text, "the editor holds every character");
  // The check runs once typing pauses: then it counts every document.
  await page.getByTestId("doc-count").filter({ hasText: "400" }).waitFor({ timeout: T });
  const drawn = await page.locator(".hl .ln").count();
  assert.ok(drawn > 0 && drawn < 1_000, `only the lines around the view are highlighted (${drawn})`);
  assert.ok((await page.locator(".gutter .gl").count()) < 1_000, "and numbered");

  // Scrolled to the end, the end is drawn.
  await page.getByTestId("editor-box").evaluate((b) => {
    b.scrollTop = b.scrollHeight;
    b.dispatchEvent(new Event("scroll"));
  });
  await page.locator(".gutter .gl", { hasText: /^10000$/ }).waitFor({ timeout: T });
  await page.locator(".hl .ln", { hasText: "cm-399, padded" }).first().waitFor({ timeout: T });

  // Typing at the end of the buffer.
  await editor.focus();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\n# typed at the end");
  await page.waitForFunction(
    () => document.querySelector("[data-testid=editor]").value.endsWith("\n# typed at the end"),
    null,
    { timeout: T },
  );
  assert.equal((await editor.inputValue()).split("\n").length, 10_001);

  // Apply: every object is created.
  await page.getByTestId("apply").click();
  const out = page.getByTestId("console-output");
  await out.getByText("configmap/cm-399 created").waitFor({ timeout: T });

  // A broken line near the end: the check marks it, and Apply names it.
  const broken = text.replace('  name: cm-390\n', '  name: cm-390\n  labels: [\n');
  const line = broken.split("\n").indexOf("  labels: [") + 1;
  assert.ok(line > 9_000);
  await paste(page, broken);
  const diag = page.getByTestId("diagnostics").locator("li").first();
  await diag.waitFor({ timeout: T });
  // YAML reports an unclosed flow sequence where it finds out: in the same
  // document, a few lines on.
  const at = Number((await diag.textContent()).match(/line (\d+):/)?.[1]);
  assert.ok(at >= line && at < line + 25, `the diagnostic is at line ${at}, the break at ${line}`);
  await page.getByTestId("apply").click();
  await out.locator("pre.err").last().waitFor({ timeout: T });
  assert.match(await out.locator("pre.err").last().textContent(), new RegExp(`line ${at}\\b`));
  app.assertClean();
});

test("a console flood keeps the console bounded and says what it dropped", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  const editor = page.getByTestId("editor");
  await editor.waitFor({ timeout: T });
  await paste(page, manifest(400));
  await page.getByTestId("apply").click();
  const out = page.getByTestId("console-output");
  await out.getByText("configmap/cm-399 created").waitFor({ timeout: T });

  // One output of about 400 KB keeps only its end.
  await run(page, "get configmaps -o yaml");
  const big = out.locator("pre.out").last();
  await big.waitFor({ timeout: T });
  const bigText = await big.textContent();
  assert.match(bigText, /^\[… \d+ KB of this output dropped/);
  assert.ok(bigText.length <= 130 * 1024, `one output is cut (${bigText.length} bytes)`);
  assert.match(bigText, /name: cm-99\b/, "its end is kept");

  // Many outputs: the oldest go, and the first line says so.
  for (let i = 0; i < 6; i++) await run(page, "get configmaps -o yaml");
  for (let i = 0; i < 260; i++) await run(page, `get configmap cm-${i}`);
  await page.waitForFunction(
    () => document.querySelector("[data-testid=console-output] pre")?.textContent.includes("earlier lines of output dropped"),
    null,
    { timeout: T },
  );
  const { count, bytes, first, last } = await out.evaluate((el) => {
    const pres = [...el.querySelectorAll("pre")];
    return {
      count: pres.length,
      bytes: pres.reduce((n, p) => n + p.textContent.length, 0),
      first: pres[0].textContent,
      last: pres[pres.length - 1].textContent,
    };
  });
  assert.ok(count <= MAX_LINES, `at most ${MAX_LINES} entries (${count})`);
  assert.ok(bytes <= MAX_BYTES + 1024, `at most about ${MAX_BYTES} bytes (${bytes})`);
  assert.match(first, /^# \d+ earlier lines of output dropped/);
  assert.match(last, /cm-259/, "the newest output is there");
  // Still responsive: a command answers.
  await run(page, "get configmap cm-1");
  await out.locator("pre.cmd", { hasText: "$ get configmap cm-1" }).last().waitFor({ timeout: T });
  app.assertClean();
});

// Huge input, measured (not a test; tests/e2e/huge.test.mjs asserts the
// behaviour): a 10,000-line manifest pasted into the editor, then keys typed
// into it, then a console flood.
//
//   node tests/e2e/huge-measure.mjs [--lines N] [--keys K]
//
// paste:   wall ms from the paste (the value replaced and one input event,
//          as a paste does) until the page paints again and its main thread is idle
//          (a requestAnimationFrame, then a task)
// key:     per typed key, wall ms from the key until the next paint and idle
//          task, minus the same round trip with no key (median, p95)
// flood:   ms for 20 `get configmaps -o yaml` of 400 ConfigMaps (~400 KB each),
//          and the console's entries and bytes after it
import { openApp, setText } from "./harness.mjs";
import { flag } from "./frames.mjs";

const LINES = flag("--lines", 10_000);
const KEYS = flag("--keys", 30);

function manifest(lines) {
  const out = [];
  for (let i = 0; out.length < lines; i++) {
    out.push("---", "apiVersion: v1", "kind: ConfigMap", "metadata:", `  name: cm-${i}`, "  labels:", "    app: huge", "data:");
    for (let k = 0; k < 17; k++) out.push(`  k${String(k).padStart(2, "0")}: "value ${k} of cm-${i}, padded to look like real configuration"`);
  }
  return out.slice(0, lines).join("\n");
}

const settle = (page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));

function quantiles(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(0)} ms, p95 ${q(0.95).toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms`;
}

async function main() {
  const app = await openApp(undefined, { viewport: { width: 1400, height: 900 } });
  const { page } = app;
  try {
    const editor = page.getByTestId("editor");
    await editor.waitFor({ timeout: 120_000 });
    const text = manifest(LINES);
    // A paste: the browser replaces the value and fires one input event.
    let t0 = Date.now();
    await setText(editor, text);
    await settle(page);
    const paste = Date.now() - t0;
    // Whatever the page does after a pause in typing (checks, saves).
    await page.waitForTimeout(1500);
    await settle(page);
    const idle = [];
    for (let i = 0; i < 10; i++) {
      t0 = Date.now();
      await settle(page);
      idle.push(Date.now() - t0);
    }
    const base = idle.sort((a, b) => a - b)[5];
    await page.keyboard.press("Control+End");
    const keys = [];
    for (let i = 0; i < KEYS; i++) {
      t0 = Date.now();
      await page.keyboard.press(i % 10 === 9 ? "Enter" : "x");
      await settle(page);
      keys.push(Date.now() - t0 - base);
    }
    const held = (await editor.inputValue()).split("\n").length;
    console.log(`paste of ${LINES} lines: ${paste} ms to the next idle paint (editor holds ${held} lines)`);
    console.log(`keys in that buffer (${KEYS}): ${quantiles(keys)} (round trip without a key: ${base} ms)`);

    await page.getByTestId("apply").click();
    const out = page.getByTestId("console-output");
    await out.getByText(/configmap\/cm-\d+ created/).first().waitFor({ timeout: 300_000 });
    const input = page.getByTestId("console-input");
    t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      await input.fill("get configmaps -o yaml");
      await input.press("Enter");
    }
    await settle(page);
    const flood = Date.now() - t0;
    const c = await out.evaluate((el) => {
      const pres = [...el.querySelectorAll("pre")];
      return { n: pres.length, bytes: pres.reduce((n, p) => n + p.textContent.length, 0) };
    });
    console.log(`flood: 20 × get configmaps -o yaml in ${flood} ms; console holds ${c.n} entries, ${(c.bytes / 1024).toFixed(0)} KB`);
    if (app.problems.length) console.log("problems:", app.problems.slice(0, 5));
  } finally {
    await app.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

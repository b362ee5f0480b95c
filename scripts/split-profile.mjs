// The profile that decides what the first load holds (scripts/split.sh, docs/split12.md).
//
//   node scripts/split-profile.mjs DIST INSTRUMENTED.wasm PROFILE
//
// Serves a copy of DIST whose .wasm is INSTRUMENTED (`ordinal-split instrument`:
// each function sets its exported global `__prof<N>` when it runs) in Debian's
// headless Chromium, and goes through a first visit: the full page mounts and
// answers a typed `get pods` (what tests/e2e/tti.mjs calls interactive), an
// embed of another example mounts, and the Chinese page of a third mounts. Writes the indices of the
// functions that ran, one per line, to PROFILE.
//
// The page actions taken before the rest arrives wait for it
// (`Ui::waits_for_rest`, src/ui/later.rs), and that waiting must itself be in
// the first part, or the action would run a stub and load the rest
// synchronously after all: the first visit then takes each gated action once
// (typing in the editor, new lines and their removal, its scroll, a large
// paste and its undo, its Ctrl+Enter, an example, Apply, Step, +1s, Play,
// Reset, Share, Save file, Open file, a dropped file, a node's menu, a console
// line, Tab completion, the hidden Publish trace) and the embed gets a host page's message. None of them runs: the rest never comes.
// The controls that need no waiting (the language, the theme, the speed, the
// console's history keys and Clear, the embed's tabs) are used too, so that they do not reach a stub either.
//
// The page is served as a split page whose rest never arrives (index.html
// names one, and its request is never answered): what a first visit runs
// before the rest is linked, so the panels that wait for it (src/ui/later.rs)
// show that they are loading and their code goes to the rest. A last visit
// gets a 404 for it, so that those panels can say which file is missing
// without the code they would need to say it being in the rest.
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dropFile, LARGE_PASTE, launchBrowser, setText, startServer } from "../tests/e2e/harness.mjs";

const [dist, instrumented, out] = process.argv.slice(2);
if (!out) {
  console.error("usage: node scripts/split-profile.mjs DIST INSTRUMENTED.wasm PROFILE");
  process.exit(2);
}
const html = readFileSync(join(dist, "index.html"), "utf8");
const wasm = html.match(/data-wasm="\.\/([^"]+\.wasm)"/)?.[1];
if (!wasm) throw new Error(`${dist}/index.html names no .wasm`);
const root = mkdtempSync(join(tmpdir(), "ordinal-split-"));
cpSync(dist, root, { recursive: true });
copyFileSync(instrumented, join(root, wasm));
const HELD = "held_rest.wasm";
const held = html.replace(`data-wasm="./${wasm}"`, `data-wasm="./${wasm}" data-split="./${HELD}"`);
if (held === html) throw new Error(`${dist}/index.html: could not name a rest beside ./${wasm}`);
writeFileSync(join(root, "index.html"), held);

// The embed and the Chinese page open examples other than the default, which
// is inline: their files are fetched at mount (src/ui/lazy.rs), a path the
// default never takes (mysql's are three files); the embed also has
// `speed=` (read as a number), which runs nothing, so boot.js does not wait
// for the rest. The Chinese
// page then switches to English, which drops `?lang=` from the address.
const VISITS = [
  { path: "", command: "get pods", actions: true },
  { path: "?embed=1&example=zookeeper&speed=2", message: true },
  { path: "?lang=zh&example=mysql", toLang: "en" },
  { path: "", missing: true },
];
const ran = new Set();
const server = await startServer({ root });
try {
  for (const visit of VISITS) {
    const browser = await launchBrowser();
    try {
      // Keep the instance's exports where the profile can read them.
      await browser.context.addInitScript(() => {
        const wa = WebAssembly;
        const keep = (r) => {
          window.__ordinalExports = (r.instance ?? r).exports;
          return r;
        };
        const streaming = wa.instantiateStreaming;
        const instantiate = wa.instantiate;
        wa.instantiateStreaming = (...a) => streaming.apply(wa, a).then(keep);
        wa.instantiate = (...a) => instantiate.apply(wa, a).then(keep);
      });
      const page = await browser.context.newPage();
      // The rest is still on its way: its request is never answered (or, for
      // the last visit, answered 404).
      await page.route(`**/${HELD}`, (route) => {
        if (visit.missing) route.fulfill({ status: 404, body: "not found" });
      });
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(server.url + visit.path, { waitUntil: "load" });
      const input = page.getByTestId(visit.command ? "console-input" : "editor");
      await input.first().waitFor({ state: "visible", timeout: 120_000 });
      if (visit.command) {
        // Twice: the second answer goes below the first.
        for (let i = 1; i <= 2; i++) {
          await input.fill(visit.command);
          await input.press("Enter");
          await page.getByTestId("console-output").getByText(/^NAME|No resources/).nth(i - 1).waitFor({ timeout: 60_000 });
        }
      }
      if (visit.actions) {
        // Typing in the editor, and its Ctrl+Enter (Apply).
        const editor = page.getByTestId("editor");
        await editor.press("Control+End");
        await editor.press("Space");
        // A new line and its removal (the gutter grows and shrinks), and a scroll.
        await editor.press("Enter");
        await page.keyboard.type("# profile");
        for (let i = 0; i < 10; i++) await editor.press("Backspace");
        await editor.evaluate((el) => {
          el.scrollTop = el.scrollHeight;
          el.dispatchEvent(new Event("scroll"));
        });
        await page.waitForTimeout(100);
        await editor.evaluate((el) => {
          el.scrollTop = 0;
          el.dispatchEvent(new Event("scroll"));
        });
        // A large paste (the editor's path for a huge text), then its undo.
        const original = await editor.inputValue();
        await setText(editor, `${original}\n${LARGE_PASTE}`);
        await page.waitForTimeout(800);
        // Its undo brings the example's text back, so the rest of the visit runs on a page of
        // the usual size.
        await setText(editor, original, "historyUndo");
        await page.waitForTimeout(800);
        await editor.press("Control+Enter");
        // The console's Clear (its lines go), before the actions below print anything.
        await page.getByTestId("console-clear").click();
        for (const id of ["example-web", "apply", "step", "advance", "play", "reset", "share", "download"]) {
          await page.getByTestId(id).click();
        }
        // Hidden, for tests and devtools.
        await page.getByTestId("publish-trace").evaluate((el) => el.click());
        await page.locator("[data-testid^='node-cordon-']").first().evaluate((el) => el.click());
        const file = { name: "profile.ordinal.json", mimeType: "application/json", buffer: Buffer.from("{}") };
        await page.getByTestId("open-file").setInputFiles(file);
        // The page's own controls, which do not wait: the language, the theme, the speed.
        for (const lang of ["zh", "en"]) await page.getByTestId("lang").selectOption(lang);
        for (let i = 0; i < 3; i++) await page.getByTestId("theme").click();
        const speed = page.getByTestId("speed");
        for (const v of await speed.locator("option").evaluateAll((os) => os.map((o) => o.value))) await speed.selectOption(v);
        // The console's keys: Tab (its completion waits) and the history.
        await input.fill("get po");
        await input.press("Tab");
        await input.press("ArrowUp");
        await input.press("ArrowDown");
        // A session file dropped on the page (what `accept_drops` listens for).
        await dropFile(page, "profile.ordinal.json", "{}", ["dragover", "dragleave", "dragover", "drop"]);
        await input.fill("describe statefulset web");
        await input.press("Enter");
        await page.getByTestId("loading").waitFor({ timeout: 60_000 });
      }
      if (visit.message) {
        // The embed's tabs, by click and by arrow key.
        for (const tab of await page.getByRole("tab").all()) await tab.click();
        await page.getByRole("tab").first().press("ArrowRight");
        await page.evaluate(() => window.postMessage({ type: "ordinal:run", id: "profile", line: "get pods" }, "*"));
      }
      if (visit.toLang) await page.getByTestId("lang").selectOption(visit.toLang);
      // What the page does in its first frames after that.
      await page.waitForTimeout(500);
      const later = await page.getByTestId("later").count();
      if (later === 0) throw new Error(`${visit.path || "/"}: no panel waits for the rest (src/ui/later.rs)`);
      if (visit.missing) {
        await page.waitForFunction(
          (file) => [...document.querySelectorAll("[data-testid=later]")].every((e) => e.textContent.includes(file)),
          HELD,
          { timeout: 60_000 },
        );
      }
      if (await page.evaluate(() => window.ordinalRestLinked === true)) throw new Error(`${visit.path || "/"}: the held rest was linked`);
      if (errors.length) throw new Error(`${visit.path || "/"}: page errors: ${errors.join("; ")}`);
      const indices = await page.evaluate(() => {
        const x = window.__ordinalExports;
        return Object.keys(x)
          .filter((k) => k.startsWith("__prof") && x[k].value)
          .map((k) => Number(k.slice(6)));
      });
      if (indices.length === 0) throw new Error(`${visit.path || "/"}: no function ran (not an instrumented .wasm?)`);
      for (const i of indices) ran.add(i);
      console.log(`split profile: ${visit.path || "/"}${visit.missing ? " (no rest)" : ""}: ${indices.length} functions ran`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
  rmSync(root, { recursive: true, force: true });
}
writeFileSync(out, [...ran].sort((a, b) => a - b).join("\n") + "\n");
console.log(`split profile: ${ran.size} functions in all, written to ${out}`);

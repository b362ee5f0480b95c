// The release .wasm in two parts (issue 12, scripts/split.sh, public/split.js):
// the first load holds what the page runs to mount and answer a first command;
// the rest follows once the page has mounted, or beside the first part when
// the page runs the simulation at mount, and a stub that runs before it has
// arrived loads it at once. The panels a first visit does not need at once
// (src/ui/later.rs) say they are loading until the rest is linked, or name
// the file when it cannot be had. The first part's fetch starts as index.html
// is parsed (its early script), not after boot.js. Page actions taken before
// the rest arrives wait for it, in order, instead of loading it synchronously.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { allPanels, DIST, dropFile, LARGE_PASTE, openApp, setText } from "./harness.mjs";

const T = 60_000;
const html = readFileSync(join(DIST, "index.html"), "utf8");
const REST = html.match(/data-split="\.\/([^"]+_rest\.wasm)"/)?.[1];
const FIRST = html.match(/data-wasm="\.\/([^"]+\.wasm)"/)?.[1];

/** Opens PATH with synchronous XHRs counted; `route` may hold back requests for the rest. */
async function open(t, path, route) {
  assert.ok(REST, `${DIST}/index.html names no split rest (data-split): run scripts/split.sh on the release build`);
  const app = await openApp(t, {
    path,
    before: async (page) => {
      await page.addInitScript(() => {
        window.__syncXhr = [];
        const open = XMLHttpRequest.prototype.open;
        XMLHttpRequest.prototype.open = function (method, url, async, ...rest) {
          if (async === false) window.__syncXhr.push(String(url));
          return open.call(this, method, url, async, ...rest);
        };
      });
      if (route) await page.route(`**/${REST}`, route);
    },
  });
  const { page } = app;
  const entry = (name) =>
    page.evaluate((n) => {
      const e = performance.getEntriesByType("resource").find((r) => r.name.endsWith(n));
      return e ? { start: e.startTime, end: e.responseEnd } : null;
    }, name);
  return { ...app, entry, syncXhr: () => page.evaluate(() => window.__syncXhr) };
}

/**
 * A route that holds the rest's requests back until `release()`: never longer than 30 s, so a
 * stub that ran after all cannot hang the test.
 */
function holdRest(t) {
  let release;
  const released = new Promise((r) => {
    release = r;
  });
  const safety = setTimeout(release, 30_000);
  t.after(() => clearTimeout(safety));
  return {
    release,
    route: async (route) => {
      await released;
      return route.continue();
    },
  };
}

/**
 * A route for the rest that never answers its fetch and answers a synchronous load (a stub's)
 * with a 404, which stops the page: a test that counts synchronous loads is not held up by one.
 */
const refuseSync = (route) =>
  route.request().resourceType() === "xhr" ? route.fulfill({ status: 404, body: "held back" }) : undefined;

async function command(page, line) {
  const input = page.getByTestId("console-input");
  await input.fill(line);
  await input.press("Enter");
}

test("the first load is the first part; the rest follows the mount and runs what it holds", async (t) => {
  const { page, problems, entry, syncXhr } = await open(t, "");
  await page.getByTestId("console-input").waitFor({ timeout: T });
  await page.waitForFunction(() => window.ordinalRestLinked === true, null, { timeout: T });
  const first = await entry(FIRST);
  const rest = await entry(REST);
  assert.ok(first && rest, "both parts were fetched");
  assert.ok(rest.start >= first.end, `the rest (from ${rest.start} ms) was fetched after the first part arrived (${first.end} ms)`);
  // Applying, the controllers and describe run code the first load does not hold.
  await page.getByTestId("example-web").click();
  await page.getByTestId("apply").click();
  await command(page, "describe statefulset web");
  await page.getByTestId("console-output").getByText(/^Pods Status:/m).first().waitFor({ timeout: T });
  assert.deepEqual(await syncXhr(), [], "nothing waited for the rest");
  assert.deepEqual(problems, []);
});

test("a stub that runs after the rest's fetch failed loads it at once, and the page goes on", async (t) => {
  let held = 0;
  // Hold back the background fetch of the rest; let the synchronous load through.
  const { page, problems, syncXhr } = await open(t, "", async (route) => {
    if (route.request().resourceType() === "fetch" && held++ === 0) {
      await new Promise((r) => setTimeout(r, 8_000));
      return route.fulfill({ status: 503, body: "held back" }).catch(() => {});
    }
    return route.continue();
  });
  await page.getByTestId("console-input").waitFor({ timeout: T });
  // A `get` the first part cannot print waits for the rest (the next tests); once its fetch
  // has failed, it runs, and its YAML printer's stub loads the rest.
  await command(page, "get pods -o yaml");
  await page.getByTestId("loading").getByText(/^Loading the rest of the code/).waitFor({ timeout: T });
  await page.getByTestId("console-output").getByText(/^kind: List$/m).first().waitFor({ timeout: T });
  const sync = await syncXhr();
  assert.equal(sync.length, 1, `one synchronous load: ${sync}`);
  assert.ok(sync[0].endsWith(REST));
  assert.equal(held, 1, "the background fetch was held back");
  // The held-back fetch answered 503 on purpose; nothing else went wrong.
  const held503 = (p) => (p.startsWith("HTTP 503") && p.endsWith(REST)) || /Failed to load resource: .*status of 503/.test(p);
  assert.deepEqual(problems.filter((p) => !held503(p)), []);
});

test("page actions before the rest arrives wait for it, in order, without freezing the page", async (t) => {
  const held = holdRest(t);
  const { page, problems, syncXhr } = await open(t, "", held.route);
  await page.getByTestId("console-input").waitFor({ timeout: T });
  await page.getByTestId("example-web").click();
  await page.getByTestId("apply").click();
  await command(page, "describe statefulset web");
  // A node's menu in the cluster view (a fault through the console's queue).
  const lane = page.locator("[data-testid^='lane-']:not([data-testid='lane-pending'])").first();
  const node = (await lane.getAttribute("data-testid")).slice("lane-".length);
  await page.getByTestId(`node-cordon-${node}`).evaluate((el) => el.click());
  // A `get` after them waits its turn too.
  await command(page, "get statefulsets");
  const status = page.getByTestId("loading");
  await status.getByText(/^Loading the rest of the code/).waitFor({ timeout: T });
  // The page still answers: the console takes typing, the editor edits.
  await page.getByTestId("console-input").fill("typed while waiting");
  assert.equal(await page.getByTestId("console-input").inputValue(), "typed while waiting");
  const editor = page.getByTestId("editor");
  await editor.press("Control+End");
  await editor.press("Space");
  assert.match(await editor.inputValue(), / $/, "the editor took a key");
  // The language, the theme and the speed change at once.
  await page.getByTestId("lang").selectOption("zh");
  await page.getByRole("heading", { name: "控制台" }).waitFor({ timeout: T });
  await page.getByTestId("lang").selectOption("en");
  await page.getByTestId("theme").click();
  await page.getByTestId("speed").selectOption({ index: 0 });
  assert.equal(await page.evaluate(() => window.ordinalRestLinked ?? false), false, "the rest was held back");
  assert.deepEqual(await syncXhr(), [], "nothing loaded synchronously");
  held.release();
  const out = page.getByTestId("console-output");
  await out.getByText(/^web\s+\d\/\d/m).first().waitFor({ timeout: T });
  const text = await out.innerText();
  const at = (re) => text.search(re);
  const order = [/statefulset\.apps\/web created/, /^Pods Status:/m, /^NAME\s+READY\s+AGE/m].map(at);
  assert.ok(order.every((i) => i >= 0), `all three answered: ${order}\n${text}`);
  assert.ok(order[0] < order[1] && order[1] < order[2], `in the order asked: ${order}`);
  await lane.getByText(/SchedulingDisabled/).waitFor({ timeout: T });
  assert.equal(await status.count(), 0, "the status went away");
  assert.deepEqual(await syncXhr(), [], "nothing loaded synchronously");
  assert.deepEqual(problems, []);
});

test("Tab completion, the history keys, a dropped file and a `get` the first part cannot print wait too", async (t) => {
  const held = holdRest(t);
  const { page, problems, syncXhr } = await open(t, "", held.route);
  const input = page.getByTestId("console-input");
  await input.waitFor({ timeout: T });
  await command(page, "get pods -o yaml");
  const status = page.getByTestId("loading");
  await status.getByText(/^Loading the rest of the code/).waitFor({ timeout: T });
  // The history keys work at once.
  await input.press("ArrowUp");
  assert.equal(await input.inputValue(), "get pods -o yaml");
  await input.press("ArrowDown");
  assert.equal(await input.inputValue(), "");
  // Tab keeps the focus and the line; the completion comes with the rest.
  await input.fill("kubectl delete pod x --gr");
  await input.press("Tab");
  assert.equal(await input.inputValue(), "kubectl delete pod x --gr");
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "console-input");
  // A file dropped on the page waits too.
  await dropFile(page, "dropped.ordinal.json", "not a session");
  // The status follows the language while it waits.
  await page.getByTestId("lang").selectOption("zh");
  await status.getByText(/其余代码/).waitFor({ timeout: T });
  await page.getByTestId("lang").selectOption("en");
  await status.getByText(/the rest of the code/).waitFor({ timeout: T });
  assert.equal(await page.getByText(/dropped\.ordinal\.json could not be/).count(), 0, "the file waits");
  assert.equal(await page.evaluate(() => window.ordinalRestLinked ?? false), false, "the rest was held back");
  assert.deepEqual(await syncXhr(), [], "nothing loaded synchronously");
  held.release();
  await page.getByTestId("console-output").getByText(/^kind: List$/m).first().waitFor({ timeout: T });
  await page.getByText(/dropped\.ordinal\.json could not be opened/).first().waitFor({ timeout: T });
  await page.waitForFunction(() => document.querySelector("[data-testid=console-input]").value === "kubectl delete pod x --grace-period ", null, { timeout: T });
  assert.equal(await status.count(), 0, "the status went away");
  assert.deepEqual(await syncXhr(), [], "nothing loaded synchronously");
  assert.deepEqual(problems, []);
});

test("the address, the saved session and an embed's Open in Ordinal wait for the rest; what came meanwhile is kept when it comes", async (t) => {
  const held = holdRest(t);
  const { page, problems, syncXhr } = await open(t, "", held.route);
  await page.getByTestId("console-input").waitFor({ timeout: T });
  // The first part answers `get pods`; the session (its journal holds the line) is saved once the
  // rest, which holds the session's JSON writer, is linked.
  await command(page, "get pods");
  await page.getByTestId("console-output").getByText(/No resources found/).first().waitFor({ timeout: T });
  const saved = () => page.evaluate(() => localStorage.getItem("ordinal.v1.session") ?? "");
  assert.doesNotMatch(await saved(), /get pods/, "the save waits");
  const editor = page.getByTestId("editor");
  await editor.press("Control+End");
  await page.keyboard.type("\n# typed while the rest was on its way\n");
  // The link's compression is in the rest: the address keeps what the page opened with, and the
  // editor's text is kept in local storage meanwhile.
  assert.equal(await page.evaluate(() => location.hash), "", "the address waits");
  const stored = await page.evaluate(() => localStorage.getItem("ordinal.v1.editor"));
  assert.match(stored, /# typed while the rest was on its way\n$/);
  assert.equal(await page.evaluate(() => window.ordinalRestLinked ?? false), false, "the rest was held back");
  assert.deepEqual(await syncXhr(), [], "nothing loaded synchronously");
  held.release();
  await page.waitForFunction(() => location.hash.startsWith("#o1."), null, { timeout: T });
  await page.waitForFunction(() => (localStorage.getItem("ordinal.v1.session") ?? "").includes("get pods"), null, { timeout: T });
  assert.deepEqual(await syncXhr(), [], "nothing loaded synchronously");
  assert.deepEqual(problems, []);
  // The link holds the edit: a browser with nothing stored opens it with the edit.
  const other = await open(t, await page.evaluate(() => location.hash));
  await other.page.getByTestId("editor").waitFor({ timeout: T });
  assert.match(await other.page.getByTestId("editor").inputValue(), /# typed while the rest was on its way/);
  assert.deepEqual(other.problems, []);

  // An embed's "Open in Ordinal" is the address it opened with (without the embed's own
  // parameters) until the rest comes, then the session's link.
  const held2 = holdRest(t);
  const embed = await open(t, "?embed=1&example=web", held2.route);
  const full = embed.page.getByTestId("open-full");
  await full.waitFor({ timeout: T });
  const before = new URL(await full.getAttribute("href"));
  assert.equal(before.search, "?example=web");
  assert.equal(before.hash, "");
  assert.deepEqual(await embed.syncXhr(), [], "nothing loaded synchronously");
  held2.release();
  await embed.page.waitForFunction(() => document.querySelector("[data-testid=open-full]").href.includes("#o1."), null, { timeout: T });
  assert.deepEqual(await embed.syncXhr(), [], "nothing loaded synchronously");
  assert.deepEqual(embed.problems, []);
});

for (const path of ["", "?embed=1&example=web", "?lang=zh"]) {
  test(`every control of a first visit${path ? ` (${path})` : ""}, used before the rest arrives, loads nothing synchronously`, async (t) => {
    // The rest's fetch is never answered; a synchronous load would get a 404 (and stop the page).
    const { page, problems, syncXhr } = await open(t, path, refuseSync);
    await page.locator("[data-testid=console-input], [data-testid=editor]").first().waitFor({ timeout: T });
    // The editor: typing, a new line and its removal, a scroll.
    const editor = page.getByTestId("editor");
    if (await editor.isEditable().catch(() => false)) {
      await editor.press("Control+End");
      await page.keyboard.type("\n# a line\n  more: 1\n");
      assert.deepEqual(await syncXhr(), [], "new lines in the editor loaded the rest synchronously");
      for (let i = 0; i < 20; i++) await editor.press("Backspace");
      await editor.evaluate((el) => {
        el.scrollTop = el.scrollHeight;
        el.dispatchEvent(new Event("scroll"));
      });
      assert.deepEqual(await syncXhr(), [], "the editor loaded the rest synchronously");
      // A large paste (over the editor's huge-text size), and its undo.
      const original = await editor.inputValue();
      await setText(editor, `${original}\n${LARGE_PASTE}`);
      await page.waitForTimeout(800);
      assert.deepEqual(await syncXhr(), [], "a large paste loaded the rest synchronously");
      // Its undo brings the example's text back, so the clicks below run on a page of the usual size.
      await setText(editor, original, "historyUndo");
      await page.waitForTimeout(800);
      assert.deepEqual(await syncXhr(), [], "an undo loaded the rest synchronously");
    }
    // `get pods` twice: the second answer goes below the first.
    const input = page.getByTestId("console-input");
    if (await input.isVisible()) {
      for (let i = 1; i <= 2; i++) {
        await input.fill("get pods");
        await input.press("Enter");
        await page.getByTestId("console-output").getByText(/No resources/).nth(i - 1).waitFor({ timeout: T });
      }
      assert.deepEqual(await syncXhr(), [], "a second get pods loaded the rest synchronously");
    }
    const CONTROLS = "button, select, summary, [role=tab], input[type=checkbox]";
    const count = await page.locator(CONTROLS).count();
    assert.ok(count > 20, `the page has its controls (${count})`);
    for (let i = 0; i < count; i++) {
      const what = await page.evaluate(
        ([sel, i]) => {
          const e = document.querySelectorAll(sel)[i];
          if (!e || e.disabled) return null;
          const name = `${e.tagName.toLowerCase()} ${e.dataset.testid ?? ""} "${(e.textContent ?? "").trim().slice(0, 30)}"`;
          if (e.tagName === "SELECT") {
            e.selectedIndex = (e.selectedIndex + 1) % e.options.length;
            e.dispatchEvent(new Event("change", { bubbles: true }));
          } else {
            e.click();
          }
          return name;
        },
        [CONTROLS, i],
      );
      if (!what) continue;
      await page.waitForTimeout(50);
      assert.deepEqual(await syncXhr(), [], `${what} loaded the rest synchronously`);
    }
    assert.equal(await page.evaluate(() => window.ordinalRestLinked ?? false), false, "the rest was held back");
    assert.deepEqual(problems, []);
  });
}

test("every example, opened by the address before the rest arrives (in an embed too), loads nothing synchronously", async (t) => {
  const first = await open(t, "", () => {});
  await first.page.getByTestId("console-input").waitFor({ timeout: T });
  const ids = await first.page.locator("button[data-testid^='example-']").evaluateAll((els) => els.map((e) => e.dataset.testid.slice("example-".length)));
  assert.ok(ids.length >= 10, `the examples: ${ids}`);
  for (const [i, id] of ids.entries()) {
    // Half of them in an embed, some of those with the parameters that shape an embed but run
    // nothing (public/boot.js, restAtMount); the rest's fetch is never answered, and a
    // synchronous load gets a 404.
    const shape = ["", "embed=1&", "", "embed=1&console=0&speed=4&view=cluster&apply=0&autoplay=0&"][i % 4];
    const path = `?${shape}example=${id}`;
    const { page, problems, syncXhr } = await open(t, path, refuseSync);
    await page.locator("[data-testid=editor], [data-testid=recovery]").first().waitFor({ state: "attached", timeout: T });
    assert.deepEqual(await syncXhr(), [], `${path} loaded the rest synchronously`);
    await page.waitForFunction(() => document.querySelector("[data-testid=editor]")?.value.includes("kind:"), null, { timeout: T });
    await page.waitForTimeout(300);
    assert.deepEqual(await syncXhr(), [], `${path} loaded the rest synchronously`);
    assert.equal(await page.getByTestId("recovery").count(), 0, `${path} stopped`);
    assert.deepEqual(problems, [], path);
  }
});

test("an embed's tabs switch while the rest is on its way, and a host page's message waits for it", async (t) => {
  const held = holdRest(t);
  const { page, problems, syncXhr } = await open(t, "?embed=1&example=web", held.route);
  await page.getByTestId("tab-editor").waitFor({ timeout: T });
  // The page posts the message to itself, as a host would: the answer comes back to it.
  await page.evaluate(() => {
    window.__answers = [];
    window.addEventListener("message", (e) => e.data?.type === "ordinal:output" && window.__answers.push(e.data));
    window.postMessage({ type: "ordinal:run", id: "q", line: "kubectl get pods" }, "*");
  });
  const tabs = await page.getByRole("tab").all();
  for (const tab of tabs) await tab.click();
  assert.equal(await tabs.at(-1).getAttribute("aria-selected"), "true");
  // From the last tab, ArrowRight comes round to the first.
  await tabs.at(-1).press("ArrowRight");
  assert.equal(await tabs[0].getAttribute("aria-selected"), "true");
  await page.waitForTimeout(300);
  assert.deepEqual(await page.evaluate(() => window.__answers), [], "the message waits");
  assert.equal(await page.evaluate(() => window.ordinalRestLinked ?? false), false, "the rest was held back");
  assert.deepEqual(await syncXhr(), [], "nothing loaded synchronously");
  held.release();
  await page.waitForFunction(() => window.__answers.length === 1, null, { timeout: T });
  const [answer] = await page.evaluate(() => window.__answers);
  assert.equal(answer.id, "q");
  assert.match(answer.text, /No resources found/);
  assert.deepEqual(await syncXhr(), [], "nothing loaded synchronously");
  assert.deepEqual(problems, []);
});

test("a slow device mounts from the first part alone", async (t) => {
  // With the CPU 6× slower every span at mount runs long enough to be a
  // performance.measure: its code must be in the first part whatever the
  // profile's machine measured (scripts/split-profile.mjs, perf::measure).
  // The background fetch never answers; a synchronous load gets a 404 (and the recovery screen).
  const { page, problems, syncXhr } = await open(t, "", (route) =>
    route.request().resourceType() === "fetch" ? undefined : route.fulfill({ status: 404, body: "held back" }),
  );
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 6 });
  await page.reload();
  await page.locator("[data-testid=console-input], [data-testid=recovery]").first().waitFor({ timeout: T });
  assert.deepEqual(await syncXhr(), [], "nothing loaded synchronously at mount");
  await command(page, "get pods");
  await page.getByTestId("console-output").getByText(/^No resources/m).first().waitFor({ timeout: T });
  assert.ok(
    await page.evaluate(() => performance.getEntriesByName("ordinal:mount").length === 1),
    "the mount is measured",
  );
  assert.deepEqual(await syncXhr(), [], "nothing loaded synchronously");
  assert.equal(await page.evaluate(() => window.ordinalRestLinked ?? false), false, "the rest was held back");
  // (The reload cancelled the unthrottled visit's requests.)
  assert.deepEqual(problems.filter((p) => !p.endsWith("(net::ERR_ABORTED)")), []);
});

test("a page that runs the simulation at mount fetches the rest beside the first part", async (t) => {
  const { page, problems, syncXhr, entry } = await open(t, "?example=web&apply=1");
  await page.getByTestId("console-input").waitFor({ timeout: T });
  await command(page, "get statefulsets");
  await page.getByTestId("console-output").getByText(/^web\s/m).first().waitFor({ timeout: T });
  assert.ok(await entry(REST), "the rest was fetched");
  assert.deepEqual(await syncXhr(), [], "the rest was linked before the app started");
  assert.deepEqual(problems, []);
});

test("the panels a first visit does not need say they are loading until the rest is linked", async (t) => {
  const held = holdRest(t);
  const { page, problems, syncXhr } = await open(t, "", held.route);
  await page.getByTestId("console-input").waitFor({ timeout: T });
  const later = page.getByTestId("later");
  const titles = await later.locator("h2").allTextContents();
  assert.deepEqual(titles, ["Lessons", "Feature gates", "Storage", "Network", "Events", "Chart"]);
  for (const panel of await later.all()) {
    assert.equal(await panel.getAttribute("aria-busy"), "true");
    assert.match(await panel.getByRole("status").textContent(), /^Loading .+…$/);
  }
  // The editor's text is not checked yet: the check's code is in the rest.
  assert.equal(await page.getByTestId("doc-count").textContent(), "");
  // The panels above the editor draw their outlines meanwhile, so it does not move when they come.
  // (Its place in the column, which scrolls: the console below it takes the focus meanwhile.)
  const editorTop = () =>
    page.getByTestId("editor").evaluate((e) => {
      const column = e.closest(".left");
      return e.getBoundingClientRect().top - column.getBoundingClientRect().top + column.scrollTop;
    });
  const top = await editorTop();
  // The console answers meanwhile, from the first part alone.
  await command(page, "get pods");
  await page.getByTestId("console-output").getByText(/^No resources/m).first().waitFor({ timeout: T });
  assert.equal(await page.evaluate(() => window.ordinalRestLinked ?? false), false, "the rest was held back");
  held.release();
  await allPanels(page);
  const moved = (await editorTop()) - top;
  assert.ok(Math.abs(moved) <= 4, `the editor moved ${moved}px when the panels above it came`);
  for (const id of ["lessons-h", "gates-h", "storage-h", "network-h", "events-h", "chart-h"]) {
    assert.ok(await page.locator(`#${id}`).isVisible(), `${id} is drawn`);
  }
  await page.getByTestId("doc-count").getByText(/^\d+ objects?$/).waitFor({ timeout: T });
  assert.deepEqual(await syncXhr(), [], "nothing waited for the rest");
  assert.deepEqual(problems, []);
});

test("a rest the server does not give is named by the panels that wait for it, and by the screen that stops the page", async (t) => {
  const { page } = await open(t, "", (route) => route.fulfill({ status: 404, body: "not found" }));
  await page.getByTestId("console-input").waitFor({ timeout: T });
  const later = page.getByTestId("later");
  await page.waitForFunction(
    (rest) => [...document.querySelectorAll("[data-testid=later]")].every((e) => e.textContent.includes(rest)),
    REST,
    { timeout: T },
  );
  assert.equal(await later.count(), 6);
  assert.match(await later.first().getByRole("status").textContent(), /^Not loaded: .*serve the whole dist\/ folder/);
  // Choosing the example already runs code of the rest; applying it surely does.
  const screen = page.getByTestId("recovery");
  await page.getByTestId("example-web").click();
  if (!(await screen.isVisible())) await page.getByTestId("apply").click();
  await screen.waitFor({ timeout: T });
  const text = await screen.innerText();
  assert.match(text, /could not be loaded from the server/);
  assert.ok(text.includes(REST), `the screen names ${REST}: ${text}`);
});

test("the first part is fetched as index.html is parsed, beside boot.js and the CSS, not after them", async (t) => {
  // boot.js and the stylesheets held back 1.5 s: the .wasm's request must wait for neither (on a
  // slow link each request in a row costs a round trip; a classic script below a stylesheet would
  // wait for it), and boot.js must use that fetch, not make another.
  const hold = async (route) => {
    await new Promise((r) => setTimeout(r, 1_500));
    return route.continue();
  };
  const app = await openApp(t, {
    before: async (page) => {
      await page.route("**/boot.js", hold);
      await page.route("**/*.css", hold);
    },
  });
  const { page, problems, server } = app;
  await page.getByTestId("console-input").waitFor({ timeout: T });
  const entries = await page.evaluate(() =>
    performance.getEntriesByType("resource").map((e) => ({ name: e.name, start: e.startTime, end: e.responseEnd })),
  );
  const held = entries.filter((e) => e.name.endsWith("/boot.js") || e.name.endsWith(".css"));
  const first = entries.find((e) => e.name.endsWith(`/${FIRST}`));
  assert.equal(held.length, 4, "boot.js and three stylesheets");
  assert.ok(first, "the first part was fetched");
  const arrived = Math.min(...held.map((e) => e.end));
  assert.ok(arrived > 1_400, `boot.js and the CSS were held back (the first arrived at ${arrived} ms)`);
  assert.ok(first.start < arrived - 1_000, `the .wasm was requested at ${first.start} ms, boot.js and the CSS arrived from ${arrived} ms`);
  assert.equal(server.requests.filter((p) => p.endsWith(`/${FIRST}`)).length, 1, "one request for the first part");
  assert.equal(await page.locator("script[data-ordinal-early]").count(), 0, "the early script removed itself");
  assert.deepEqual(problems, []);
});

// The page under bad conditions (issue 14, docs/robust2.md). Every test here
// also runs under the page's Content-Security-Policy, sent as a header and
// as a <meta>; the harness fails any test that causes a violation.
//
// - No HTML injection: markup in names, labels, annotations, ConfigMap data,
//   YAML comments, error messages, console input and output, a lesson's text
//   and links (lesson and session) is shown as text: no element is created
//   from it, no handler runs, and the text is visible.
// - A panic is not a frozen page: `?debug-panic=1` panics the wasm after
//   start; boot.js shows a recovery screen that offers the saved session as
//   a file (and the file is what local storage holds, untouched) and a reset.
// - Storage trouble: full (setItem throws QuotaExceededError) or disabled
//   (reading window.localStorage throws) storage leaves the page working and
//   shows a banner that nothing will be saved.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { openApp } from "./harness.mjs";

const T = 60_000;

// Each piece of markup would set window.__pwned if it ever became an element.
const IMG = "<img src=x onerror=window.__pwned=1>";
const SCRIPT = "<script>window.__pwned=1</script>";
const SVG = '"><svg onload=window.__pwned=1>';
const JS_URL = "javascript:window.__pwned=1";

async function run(page, line) {
  const input = page.getByTestId("console-input");
  await input.fill(line);
  await input.press("Enter");
}

async function setEditor(page, text) {
  await page.getByTestId("editor").fill(text);
}

/** Console output text (what a person reads). */
const consoleText = (page) => page.getByTestId("console-output").innerText();

/** Waits until the console output contains `needle`. */
async function consoleHas(page, needle) {
  await page.waitForFunction(
    (n) => document.querySelector("[data-testid=console-output]")?.innerText.includes(n),
    needle,
    { timeout: T },
  );
}

/**
 * Nothing in the document was made from markup: no <img>, no <iframe>, no
 * <object>, no script but boot.js, no element with an on* attribute, no
 * javascript: link, and window.__pwned never set.
 */
async function assertNoInjection(page, where) {
  const found = await page.evaluate(() => ({
    pwned: window.__pwned,
    imgs: [...document.querySelectorAll("img, iframe, object, embed")].map((e) => e.outerHTML.slice(0, 80)),
    scripts: [...document.querySelectorAll("script")].map((s) => s.getAttribute("src")),
    handlers: [...document.querySelectorAll("*")]
      .filter((e) => [...e.attributes].some((a) => a.name.toLowerCase().startsWith("on")))
      .map((e) => e.outerHTML.slice(0, 80)),
    jsLinks: [...document.querySelectorAll("[href], [src], [action], [formaction]")]
      .filter((e) =>
        ["href", "src", "action", "formaction"].some((a) => /^\s*javascript:/i.test(e.getAttribute(a) ?? "")),
      )
      .map((e) => e.outerHTML.slice(0, 80)),
    // Every <svg> is the chart's or the storage view's own drawing.
    strangeSvgs: [...document.querySelectorAll("svg")]
      .filter((s) => !s.matches(".chart-wrap svg, svg.ordinal-chart, svg.links"))
      .map((s) => s.outerHTML.slice(0, 80)),
  }));
  assert.equal(found.pwned, undefined, `${where}: window.__pwned was set`);
  assert.deepEqual(found.imgs, [], `${where}: an image or frame element`);
  assert.deepEqual(found.scripts, [found.scripts.find((s) => s?.endsWith("boot.js"))], `${where}: scripts`);
  assert.deepEqual(found.handlers, [], `${where}: an inline event handler`);
  assert.deepEqual(found.jsLinks, [], `${where}: a javascript: URL`);
  assert.deepEqual(found.strangeSvgs, [], `${where}: an <svg> that is not the page's`);
}

const GOOD = `# ${SCRIPT} in a comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: xss # ${IMG}
  labels:
    app: xss
  annotations:
    note: "${IMG}"
    link: "${JS_URL}"
    svg: '${SVG}'
data:
  page.html: "${SCRIPT}${IMG}"
  url: "${JS_URL}"
`;

const BAD_NAME = `apiVersion: v1
kind: ConfigMap
metadata:
  name: "${IMG}"
`;

const BAD_LABEL = `apiVersion: v1
kind: ConfigMap
metadata:
  name: bad-label
  labels:
    x: "${SCRIPT}"
`;

const BAD_YAML = `apiVersion: v1
kind: ${SCRIPT}
metadata: {name: "${IMG}"
`;

test("markup in manifests, names, labels, annotations, data, errors and the console stays text", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByTestId("editor").waitFor({ timeout: T });

  // A ConfigMap whose annotations, data and comments hold markup.
  await setEditor(page, GOOD);
  // The highlighted copy of the buffer (inner_html of escaped spans) shows it as text.
  await page.waitForFunction(
    (m) => document.querySelector("pre.hl")?.textContent.includes(m),
    SCRIPT,
    { timeout: T },
  );
  await page.getByTestId("apply").click();
  await consoleHas(page, "configmap/xss created");
  await assertNoInjection(page, "a ConfigMap with markup, applied");

  // Rejected name and label: the error quotes them, as text.
  for (const [text, needle] of [
    [BAD_NAME, IMG],
    [BAD_LABEL, SCRIPT],
  ]) {
    await setEditor(page, text);
    await page.getByTestId("apply").click();
    await consoleHas(page, needle);
    await assertNoInjection(page, `rejected ${needle}`);
  }

  // Broken YAML: the diagnostics (list and gutter titles) quote the markup.
  await setEditor(page, BAD_YAML);
  await page.getByTestId("diagnostics").locator("li").first().waitFor({ timeout: T });
  await page.getByTestId("apply").click();
  await page.waitForTimeout(300);
  await assertNoInjection(page, "broken YAML with markup");

  // The console: markup typed in, and objects holding markup printed back.
  await run(page, "get cm xss -o yaml");
  await consoleHas(page, "annotations:");
  await run(page, "describe configmap xss");
  await consoleHas(page, "Annotations:");
  await run(page, `get pods "${IMG}"`);
  await run(page, `annotate cm xss extra='${SVG}'`);
  await run(page, `${SCRIPT}`);
  await run(page, `label cm xss 'bad=${SCRIPT}'`);
  await run(page, "get cm xss -o jsonpath={.metadata.annotations}");
  await consoleHas(page, "javascript:window.__pwned=1");
  const out = await consoleText(page);
  for (const m of [IMG, SCRIPT, JS_URL]) assert.ok(out.includes(m), `console shows ${m} as text`);
  // The chart draws the commands typed (marks) with the markup in their titles.
  await page.getByTestId("chart").scrollIntoViewIfNeeded();
  await assertNoInjection(page, "the console and the chart");
  await app.screenshot("robust-injection");

  // A session link (made here, outside the page) whose editor text, example
  // name and journal hold markup opens as text in a fresh browser.
  const raw = await page.evaluate(() => localStorage.getItem("ordinal.v1.session"));
  const saved = JSON.parse(raw);
  assert.ok(saved.journal.length >= 5, "the journal holds the inputs");
  saved.editor = GOOD;
  saved.example = IMG;
  const link = "#o1." + deflateRawSync(Buffer.from(JSON.stringify(saved))).toString("base64url");
  const other = await openApp(t, { path: link });
  await other.page.getByTestId("editor").waitFor({ timeout: T });
  assert.equal(await other.page.getByTestId("editor").inputValue(), GOOD);
  await other.page.waitForFunction(
    (m) => document.querySelector("pre.hl")?.textContent.includes(m),
    IMG,
    { timeout: T },
  );
  await other.page.getByTestId("apply").click();
  await run(other.page, "get cm xss -o yaml");
  await consoleHas(other.page, IMG);
  await assertNoInjection(other.page, "a crafted session link");
  app.assertClean();
  other.assertClean();
});

const LESSON = `id: xss-lesson
title: {en: "Lesson ${IMG}", zh: "课程 ${SCRIPT}"}
summary: {en: 'Summary ${SVG} [click](${JS_URL})', zh: "摘要"}
cluster: {nodes: 1, seed: 3}
setup:
  editor: web
steps:
  - title: {en: "Step ${SCRIPT}", zh: "步骤"}
    text:
      en: |
        Body ${IMG} and [a link](javascript:alert(1)) and **${SVG}**
        and \`${SCRIPT}\`.

        - item ${IMG}

        \`\`\`
        ${SCRIPT}
        \`\`\`
      zh: "正文"
    hints:
      - {en: "Hint ${IMG} [x](javascript:alert(1))", zh: "提示"}
    solution: kubectl get pods
    checks:
      - exists: service/nginx
`;

test("markup in a lesson's text, hints and links, opened from a lesson link, stays text", async (t) => {
  const frag = "l1." + deflateRawSync(Buffer.from(LESSON)).toString("base64url");
  const app = await openApp(t, { path: `#${frag}` });
  const { page } = app;
  const body = page.getByTestId("lesson-body");
  await body.waitFor({ timeout: T });
  await page.getByTestId("lesson-hint").click();
  await page.locator(".lesson-hint").first().waitFor({ timeout: T });
  const text = await page.getByTestId("lessons").innerText();
  for (const m of [IMG, SCRIPT, "[a link](javascript:alert(1))", "Hint <img src=x"]) {
    assert.ok(text.includes(m), `the lesson shows ${m} as text:\n${text}`);
  }
  await assertNoInjection(page, "a lesson with markup");
  assert.equal(await page.locator(".lessons a[href^='javascript:' i]").count(), 0);
  await page.getByTestId("lessons").scrollIntoViewIfNeeded();
  await app.screenshot("robust-lesson");
  app.assertClean();
});

/** Waits for the app, applies the editor's example and lets pods start. */
async function applyAndRun(page) {
  await page.getByTestId("example-web").click();
  await page.getByTestId("apply").click();
  await run(page, "sleep 30s");
  await page.getByTestId("pod-web-0").waitFor({ timeout: T });
}

test("?debug-panic=1: a wasm panic shows the recovery screen; the saved session is kept and downloadable", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByTestId("editor").waitFor({ timeout: T });
  await applyAndRun(page);
  const before = await page.evaluate(() => localStorage.getItem("ordinal.v1.session"));
  assert.ok(before && JSON.parse(before).journal.length >= 2, "a session is saved");

  // The same page, asked to panic a moment after it started.
  await page.goto(`${app.url}?debug-panic=1`);
  const screen = page.getByTestId("recovery");
  await screen.waitFor({ timeout: T });
  assert.match(await screen.innerText(), /Ordinal stopped working/);
  assert.equal(await page.getByTestId("app").count(), 0, "the broken app is gone");
  assert.ok(
    app.problems.some((p) => /unreachable|RuntimeError/i.test(p)),
    `the trap was reported: ${app.problems.join("\n")}`,
  );
  // Local storage is untouched, and stays so (the app may not write after a trap).
  await page.waitForTimeout(2500);
  assert.equal(await page.evaluate(() => localStorage.getItem("ordinal.v1.session")), before);

  // Download session: the file is the saved session, as `ordinal replay` reads it.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("recovery-download").click()]);
  assert.equal(download.suggestedFilename(), "ordinal-session.ordinal.json");
  // It is the stored session with the editor's text (stored apart) added,
  // spliced in without re-serialising.
  const file = readFileSync(await download.path(), "utf8");
  const editor = await page.evaluate(() => localStorage.getItem("ordinal.v1.editor"));
  assert.match(editor, /kind: StatefulSet/);
  assert.equal(file, `${before.slice(0, -1)},"editor":${JSON.stringify(editor)}}`);
  assert.deepEqual(JSON.parse(file), { ...JSON.parse(before), editor });
  await app.screenshot("robust-recovery");

  // Reset asks first; cancelling keeps everything.
  page.once("dialog", (d) => d.dismiss());
  await page.getByTestId("recovery-reset").click();
  assert.equal(await page.evaluate(() => localStorage.getItem("ordinal.v1.session")), before);
  // Accepting clears the session and reloads a working page, without the trigger.
  page.once("dialog", (d) => d.accept());
  await Promise.all([page.waitForURL((u) => !u.search.includes("debug-panic")), page.getByTestId("recovery-reset").click()]);
  await page.getByTestId("editor").waitFor({ timeout: T });
  const after = await page.evaluate(() => localStorage.getItem("ordinal.v1.session"));
  assert.ok(after === null || JSON.parse(after).journal.length === 0, `reset: ${after}`);
});

test("after a trap the still-running app writes nothing: a playing session's last save stays", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByTestId("editor").waitFor({ timeout: T });
  await applyAndRun(page);
  // Playing saves every 2 s; the timers and frames of the broken app go on after the trap.
  await page.goto(`${app.url}?debug-panic=1&autoplay=1`);
  await page.getByTestId("recovery").waitFor({ timeout: T });
  const atCrash = await page.evaluate(() => localStorage.getItem("ordinal.v1.session"));
  await page.waitForTimeout(5000);
  assert.equal(await page.evaluate(() => localStorage.getItem("ordinal.v1.session")), atCrash);
});

test("a panic while the page starts (the init fails) also ends on the recovery screen", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByTestId("editor").waitFor({ timeout: T });
  await applyAndRun(page);
  const before = await page.evaluate(() => localStorage.getItem("ordinal.v1.session"));
  await page.goto(`${app.url}?debug-panic=start`);
  await page.getByTestId("recovery").waitFor({ timeout: T });
  assert.equal(await page.getByTestId("app").count(), 0);
  assert.equal(await page.evaluate(() => localStorage.getItem("ordinal.v1.session")), before);
  assert.equal(await page.getByTestId("recovery-download").isDisabled(), false);
});

test("the recovery screen speaks the page's language", async (t) => {
  const app = await openApp(t, { path: "?debug-panic=1&lang=zh" });
  const screen = app.page.getByTestId("recovery");
  await screen.waitFor({ timeout: T });
  assert.match(await screen.innerText(), /Ordinal 停止工作/);
  assert.equal(await screen.getAttribute("lang"), "zh-CN");
  // No session saved yet, but the page stored its editor's text (the
  // default example) at start: that is offered (tests/e2e/robust15.test.mjs).
  assert.match(await screen.innerText(), /只保存了编辑器中的文本/);
  assert.equal(await app.page.getByTestId("recovery-download").isDisabled(), false);
});

for (const [name, init, kind] of [
  [
    "full (setItem throws QuotaExceededError)",
    () => {
      Storage.prototype.setItem = function () {
        throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      };
    },
    "full",
  ],
  [
    "disabled (reading window.localStorage throws)",
    () => {
      Object.defineProperty(window, "localStorage", {
        configurable: true,
        get() {
          throw new DOMException("Access is denied for this document.", "SecurityError");
        },
      });
    },
    "disabled",
  ],
]) {
  test(`local storage ${name}: the page works and says nothing will be saved`, async (t) => {
    const app = await openApp(t, { waitUntil: "commit", path: "" });
    // The init script must be in place before the page's scripts: reload under it.
    await app.browser.context.addInitScript(init);
    await app.page.reload();
    // The first load's requests, cut short by the reload, are no problem.
    app.problems.splice(0);
    const { page } = app;
    await page.getByTestId("editor").waitFor({ timeout: T });
    await applyAndRun(page);
    const banner = page.getByTestId("storage-banner");
    await banner.waitFor({ timeout: T });
    assert.equal(await banner.getAttribute("data-trouble"), kind);
    assert.match(await banner.innerText(), /nothing (more )?will be saved/);
    await app.screenshot(`robust-storage-${kind}`);
    // The Chinese page says it in Chinese.
    await page.getByTestId("lang").selectOption("zh");
    assert.match(await banner.innerText(), /不会(再)?保存任何内容/);
    app.assertClean();
  });
}

test("public/demo.html and its three embeds run under the policy", async (t) => {
  const app = await openApp(t, { path: "demo.html", viewport: { width: 1000, height: 2400 } });
  const { page } = app;
  // The page's own <meta> policy is the one the server sends.
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  const header = (await page.request.get(`${app.url}demo.html`)).headers()["content-security-policy"];
  assert.equal(meta, header);
  const frame = (id) => page.frameLocator(`#${id}`);
  await frame("ctl").getByTestId("ctl-run").click();
  await frame("ctl").getByTestId("pod-web-0").waitFor({ timeout: T });
  await frame("readonly").locator("[data-testid^='pod-zk-']").first().waitFor({ timeout: T });
  await page.getByRole("button", { name: "Apply web.yaml" }).click();
  await page.getByRole("button", { name: "kubectl get pods" }).click();
  await page.locator("#log").filter({ hasText: "← output" }).waitFor({ timeout: T });
  await app.screenshot("robust-demo");
  app.assertClean();
});

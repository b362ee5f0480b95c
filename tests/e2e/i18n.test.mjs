// The page in Simplified Chinese and English (issue 11): `?lang=` chooses,
// the header's switch changes the language in place (no reload, the
// session kept), the choice is saved, and the browser's language decides
// a first visit. What kubectl and the cluster print stays English.
// Screenshots: target/e2e/i18n-*.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { allPanels, openApp } from "./harness.mjs";

const T = 60_000;
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff]/;
const HEADINGS = ["examples-h", "editor-h", "console-h", "cluster-h", "storage-h", "network-h", "events-h"];

async function ready(page) {
  await page.getByTestId("editor").waitFor({ timeout: T });
  await allPanels(page);
}

/** The heading texts, the buttons' texts and the example's description. */
async function words(page) {
  return page.evaluate((ids) => ({
    htmlLang: document.documentElement.lang,
    title: document.title,
    headings: ids.map((id) => document.getElementById(id)?.textContent ?? ""),
    play: document.querySelector("[data-testid=play]").textContent,
    step: document.querySelector("[data-testid=step]").textContent,
    apply: document.querySelector("[data-testid=apply]").textContent,
    desc: document.querySelector("[data-testid=example-desc]")?.textContent ?? "",
    lang: document.querySelector("[data-testid=lang]").value,
  }), HEADINGS);
}

/** Every text and label the page shows, except the switches (which name 中文 in English too). */
async function allText(page) {
  return page.evaluate(() => {
    const body = document.body.cloneNode(true);
    body.querySelectorAll("[data-testid=lang],[data-testid=lesson-lang]").forEach((e) => e.remove());
    const attrs = [...body.querySelectorAll("[aria-label],[title],[placeholder]")].flatMap((e) =>
      ["aria-label", "title", "placeholder"].map((a) => e.getAttribute(a) ?? ""),
    );
    return [body.textContent, ...attrs, document.title].join("\n");
  });
}

/** The console's lines: its own notes (`data-note`), and the rest (what kubectl printed). */
async function consoleLines(page) {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll("[data-testid=console-output] pre")];
    return {
      notes: lines.filter((l) => l.hasAttribute("data-note")).map((l) => l.textContent),
      output: lines.filter((l) => !l.hasAttribute("data-note")).map((l) => l.textContent),
    };
  });
}

async function stepUntilWaiting(page) {
  for (let i = 0; i < 200; i++) {
    if ((await page.getByTestId("waiting").count()) > 0) return;
    await page.getByTestId("step").click();
  }
  assert.fail("no StatefulSet waited on a pod");
}

test("?lang=zh shows Chinese in the header, headings, buttons and the example", async (t) => {
  const app = await openApp(t, { path: "?lang=zh", viewport: { width: 1400, height: 900 } });
  const { page } = app;
  await ready(page);
  const w = await words(page);
  assert.equal(w.htmlLang, "zh-CN");
  assert.equal(w.lang, "zh");
  assert.match(w.title, CJK);
  for (const [i, h] of w.headings.entries()) assert.match(h, CJK, `heading ${HEADINGS[i]}: ${h}`);
  for (const b of [w.play, w.step, w.apply]) assert.match(b, CJK, b);
  assert.match(w.desc, CJK, "the example's description");
  // StatefulSet stays StatefulSet, as the Chinese documents write it.
  assert.doesNotMatch(await allText(page), /有状态副本集/);
  // Said once: the cluster's own output stays English.
  assert.match(await page.getByTestId("english-note").textContent(), /kubectl.*英文/);
  // kubectl output is not translated.
  const input = page.getByTestId("console-input");
  await input.fill("get pods");
  await input.press("Enter");
  await page.getByTestId("console-output").getByText("No resources found in default namespace.").waitFor({ timeout: T });
  await app.screenshot("i18n-zh");
  app.assertClean();
});

test("?lang=en shows no Chinese", async (t) => {
  const app = await openApp(t, { path: "?lang=en", viewport: { width: 1400, height: 900 }, locale: "zh-CN" });
  const { page } = app;
  await ready(page);
  const w = await words(page);
  assert.equal(w.htmlLang, "en");
  assert.equal(w.lang, "en");
  assert.equal(await page.getByTestId("english-note").count(), 0);
  const text = await allText(page);
  assert.doesNotMatch(text, CJK, `Chinese on the English page: ${text.match(new RegExp(`.{0,30}${CJK.source}.{0,30}`))?.[0]}`);
  await app.screenshot("i18n-en");
  app.assertClean();
});

test("the switch changes the language in place and keeps the session; the choice survives a reload", async (t) => {
  const app = await openApp(t, { viewport: { width: 1400, height: 900 } });
  const { page } = app;
  await ready(page);
  assert.equal((await words(page)).lang, "en", "headless Chromium's en-US picks English");
  await page.getByTestId("example-web").click();
  await page.getByTestId("apply").click();
  await stepUntilWaiting(page);
  const before = {
    pos: await page.getByTestId("timeline-pos").textContent(),
    pods: await page.locator("[data-testid^='pod-web-']").count(),
    console: await consoleLines(page),
  };
  assert.ok(before.console.notes.includes("# apply editor buffer"), JSON.stringify(before.console));
  assert.match((await page.getByTestId("waiting").first().textContent()).trim(), /^waiting on web-\d: waiting for/);
  await page.evaluate(() => (window.__sameDocument = true));

  await page.getByTestId("lang").selectOption("zh");
  await page.locator("#cluster-h", { hasText: "集群" }).waitFor({ timeout: T });
  assert.equal(await page.evaluate(() => window.__sameDocument), true, "no reload");
  const after = await words(page);
  assert.equal(after.htmlLang, "zh-CN");
  for (const h of after.headings) assert.match(h, CJK, h);
  assert.match(after.desc, CJK);
  // The same session: same position, same pods, same console.
  assert.equal(await page.getByTestId("timeline-pos").textContent(), before.pos);
  assert.equal(await page.locator("[data-testid^='pod-web-']").count(), before.pods);
  // What kubectl printed stays; the console's own notes are worded anew.
  const now = await consoleLines(page);
  assert.deepEqual(now.output, before.console.output);
  assert.equal(now.notes.length, before.console.notes.length);
  assert.ok(now.notes.includes("# 应用编辑器中的清单"), JSON.stringify(now.notes));
  for (const n of now.notes) assert.match(n, CJK, n);
  // The controller's reason beside the card is translated; the pod name is not.
  assert.match((await page.getByTestId("waiting").first().textContent()).trim(), /^等待 web-\d：等待 web-\d /);
  await app.screenshot("i18n-switched-zh");

  await page.reload();
  await ready(page);
  assert.equal((await words(page)).htmlLang, "zh-CN", "the choice survives a reload");
  assert.equal(await page.evaluate(() => localStorage.getItem("ordinal.v1.lang")), "zh");
  assert.equal(await page.getByTestId("banner").count(), 0, "ordinal.v1.lang is a known key, not set aside");
  assert.ok((await page.locator("[data-testid^='pod-web-']").count()) > 0, "the session came back too");

  // ?lang= wins over the saved choice; switching drops it from the URL so
  // the new choice holds on the next load.
  await page.goto(app.url + "?lang=en");
  await ready(page);
  assert.equal((await words(page)).htmlLang, "en");
  await page.getByTestId("lang").selectOption("zh");
  await page.locator("#cluster-h", { hasText: "集群" }).waitFor({ timeout: T });
  assert.doesNotMatch(page.url(), /lang=/);
  await page.reload();
  await ready(page);
  assert.equal((await words(page)).htmlLang, "zh-CN");
  // The console's own notes in Chinese (Reset, the timeline), English again after the switch.
  await page.getByTestId("reset").click();
  await page.getByTestId("console-output").getByText("# 会话已重置").waitFor({ timeout: T });
  await page.getByTestId("lang").selectOption("en");
  await page.locator("#cluster-h", { hasText: "Cluster" }).waitFor({ timeout: T });
  await page.getByTestId("console-output").getByText("# session reset").waitFor({ timeout: T });
  assert.doesNotMatch(await allText(page), CJK);
  app.assertClean();
});

test("a first visit follows the browser's language", async (t) => {
  const app = await openApp(t, { locale: "zh-CN" });
  const { page } = app;
  await ready(page);
  assert.equal(await page.evaluate(() => navigator.language), "zh-CN");
  const w = await words(page);
  assert.equal(w.htmlLang, "zh-CN");
  assert.match(w.headings[0], CJK);
  // Not saved: only the switch saves a choice.
  assert.equal(await page.evaluate(() => localStorage.getItem("ordinal.v1.lang")), null);
  app.assertClean();
});

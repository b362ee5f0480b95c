// Lessons in the page (issue 10): `?lesson=web` starts the lesson's cluster;
// the student works in the editor and the console and sees the checks tick;
// progress survives a reload. A teacher's own lesson opens from a file and
// from a link that carries it in its fragment (`#l1.` + base64url of the raw
// DEFLATE of the YAML, made here with node's zlib, independently of the core).
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { openApp } from "./harness.mjs";

const T = 60_000;

/** Types one console line and waits for its echo. */
async function type(page, line) {
  const input = page.getByTestId("console-input");
  await input.fill(line);
  await input.press("Enter");
}

const stepPassed = (page, n) =>
  page.locator(`[data-testid=lesson-step-${n}].passed`).waitFor({ timeout: T });

test("?lesson=web: editor and console steps tick, and progress survives a reload", async (t) => {
  const app = await openApp(t, { path: "?lesson=web" });
  const { page } = app;
  const body = page.getByTestId("lesson-body");
  await body.waitFor({ timeout: T });
  // The lesson's setup put web.yaml into the editor; nothing is done yet.
  assert.match(await page.getByTestId("editor").inputValue(), /kind: StatefulSet/);
  const checks = page.getByTestId("lesson-checks").locator("li");
  await checks.first().waitFor({ timeout: T });
  assert.equal(await page.locator(".lesson-step.passed").count(), 0, "nothing passes by itself");
  assert.equal(await checks.locator(".tick", { hasText: "✗" }).count(), await checks.count());
  assert.match(await checks.first().textContent(), /Service nginx does not exist/);
  await page.getByTestId("lessons").scrollIntoViewIfNeeded();
  await app.screenshot("lesson-start");

  // Step 1 in the editor: Apply.
  await page.getByTestId("apply").click();
  await stepPassed(page, 1);
  assert.match(await page.getByTestId("lesson-current").locator("h3").textContent(), /^2\. /);
  // Step 2 in the console: give the controller time; the checks tick.
  await type(page, "sleep 60s");
  await stepPassed(page, 2);
  // Step 3 in the console: DNS names of both pods, looked up from a pod.
  await page.getByTestId("lesson-hint").click();
  await page.locator(".lesson-hint").first().waitFor();
  await type(page, "run -i --tty --image busybox:1.28 dns-test --restart=Never --rm -- nslookup web-0.nginx");
  await type(page, "run -i --tty --image busybox:1.28 dns-test --restart=Never --rm -- nslookup web-1.nginx");
  await stepPassed(page, 3);
  // busybox:1.28, as the tutorial says: its nslookup uses the search path.
  const out = page.getByTestId("console-output");
  await out.getByText(/Name:\s+web-1\.nginx/).waitFor({ timeout: T });
  assert.equal(await out.getByText("NXDOMAIN").count(), 0, "both names resolve");
  const current = page.getByTestId("lesson-current");
  assert.match(await current.locator("h3").textContent(), /^4\. /);
  // Step 4's checks are shown with why they fail, in words.
  await current.locator("li.bad .why").first().waitFor({ timeout: T });
  assert.match(await page.getByTestId("lesson-web").textContent(), /3\/7/);
  await page.getByTestId("lessons").scrollIntoViewIfNeeded();
  await app.screenshot("lesson-progress");

  // A reload finds the progress, and does not start the lesson over.
  const pos = await page.getByTestId("timeline-pos").textContent();
  await page.reload();
  await page.getByTestId("lesson-body").waitFor({ timeout: T });
  for (const n of [1, 2, 3]) await stepPassed(page, n);
  assert.equal(await page.locator("[data-testid=lesson-step-4].passed").count(), 0);
  assert.match(await page.getByTestId("lesson-current").locator("h3").textContent(), /^4\. /);
  assert.match(await page.getByTestId("lesson-web").textContent(), /3\/7/);
  assert.equal(await page.getByTestId("timeline-pos").textContent(), pos, "the session is kept");
  await page.getByTestId("lessons").scrollIntoViewIfNeeded();
  await app.screenshot("lesson-reloaded");

  // Opening another lesson over this history asks first; cancelling keeps it.
  page.once("dialog", (d) => d.dismiss());
  await page.getByTestId("lesson-zookeeper").click();
  await page.getByTestId("console-output").getByText(/opened on the current session/).waitFor({ timeout: T });
  assert.equal(await page.getByTestId("timeline-pos").textContent(), pos, "history not destroyed");
  // Accepting starts the lesson's own cluster.
  page.once("dialog", (d) => d.accept());
  await page.getByTestId("lesson-reset").click();
  await page.getByTestId("console-output").getByText('# lesson "zookeeper" started').waitFor({ timeout: T });
  assert.notEqual(await page.getByTestId("timeline-pos").textContent(), pos);
  app.assertClean();
});

const OWN = `id: my-nginx
title: {en: "My nginx", zh: "我的 nginx"}
summary: {en: "Create the web example.", zh: "创建 web 示例。"}
cluster: {nodes: 2, seed: 7}
setup:
  editor: web
steps:
  - title: {en: "Create the Service", zh: "创建 Service"}
    text: {en: "Press **Apply**.", zh: "点击 **Apply**。"}
    solution: kubectl apply -f web.yaml
    checks:
      - exists: service/nginx
  - title: {en: "Two pods Ready", zh: "两个 Pod 就绪"}
    text: {en: "Wait.", zh: "等待。"}
    solution: sleep 1m
    checks:
      - ready_replicas: {object: statefulset/web, count: 2}
`;

test("a teacher's lesson opens from a file, with positioned errors, and from a link", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByTestId("lessons").waitFor({ timeout: T });
  await page.locator(".lesson-own summary").click();
  const chooser = page.getByTestId("lesson-own-file");
  // A bad file: the error names the file, line and problem.
  const bad = OWN.replace("exists: service/nginx", "wobbles: service/nginx");
  await chooser.setInputFiles({ name: "bad.yaml", mimeType: "text/yaml", buffer: Buffer.from(bad) });
  const err = page.locator(".lesson-own-error");
  await err.waitFor({ timeout: T });
  assert.match(await err.textContent(), /^bad\.yaml:12:\d+: .*wobbles/);
  // A good file opens and starts its cluster.
  await chooser.setInputFiles({ name: "mine.yaml", mimeType: "text/yaml", buffer: Buffer.from(OWN) });
  await page.getByTestId("lesson-my-nginx").waitFor({ timeout: T });
  assert.equal(await err.count(), 0);
  await page.getByTestId("apply").click();
  await stepPassed(page, 1);
  // Its link carries the file; the page offers it.
  const href = await page.getByTestId("lesson-link").getAttribute("href");
  assert.match(href, /^#l1\.[A-Za-z0-9_-]+$/);
  await page.getByTestId("lessons").scrollIntoViewIfNeeded();
  await app.screenshot("lesson-own-file");

  // A link made outside the page (node's zlib) opens in a fresh browser.
  const frag = "l1." + deflateRawSync(Buffer.from(OWN.replace("my-nginx", "linked"))).toString("base64url");
  const other = await openApp(t, { path: `#${frag}` });
  await other.page.getByTestId("lesson-body").waitFor({ timeout: T });
  assert.match(await other.page.getByTestId("lesson-linked").getAttribute("class"), /current/);
  assert.match(await other.page.getByTestId("editor").inputValue(), /kind: StatefulSet/);
  await other.page.getByTestId("apply").click();
  await stepPassed(other.page, 1);
  // A damaged link is reported, not a crash.
  const broken = await openApp(t, { path: `#${frag.slice(0, 40)}` });
  const banner = broken.page.getByTestId("banner");
  await banner.first().waitFor({ timeout: T });
  assert.match(await banner.first().textContent(), /lesson link.*damaged/);
  app.assertClean();
  other.assertClean();
  broken.assertClean();
});

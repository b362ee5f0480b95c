// Open a URL in headless Chromium and report console errors and failed requests:
//   node tests/e2e/check-url.mjs http://127.0.0.1:8080/ [screenshot.png]
// (for checking `scripts/serve.sh` by hand; exit 1 on any problem)
import { launchBrowser } from "./harness.mjs";

const [url, shot] = process.argv.slice(2);
if (!url) {
  console.error("usage: node tests/e2e/check-url.mjs URL [screenshot.png]");
  process.exit(2);
}
const browser = await launchBrowser();
const problems = [];
try {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  await page.goto(url, { waitUntil: "networkidle" });
  await page.waitForTimeout(1000);
  console.log(`title: ${await page.title()}`);
  console.log(`text: ${(await page.locator("body").innerText()).slice(0, 300)}`);
  if (shot) await page.screenshot({ path: shot, fullPage: true });
} finally {
  await browser.close();
}
for (const p of problems) console.log(p);
console.log(problems.length ? `${problems.length} problem(s)` : "no console errors, no failed requests");
process.exit(problems.length ? 1 : 0);

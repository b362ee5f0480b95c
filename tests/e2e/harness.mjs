// Shared end-to-end harness: serves the release build (dist/) over HTTP on
// 127.0.0.1 under a sub-path, drives Debian's Chromium through playwright-core,
// and records console errors, page errors and failed requests.
//
// A test file (tests/e2e/*.test.mjs, run by `node --test`) typically does:
//
//   import { test, after } from "node:test";
//   import { openApp } from "./harness.mjs";
//   test("something", async (t) => {
//     const app = await openApp(t);          // closed automatically when t ends
//     await app.page.getByText("Ordinal").waitFor();
//     await app.screenshot("something");     // target/e2e/something.png
//     app.assertClean();                      // no console errors, no failed requests
//   });
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const DIST = process.env.ORDINAL_DIST ?? join(ROOT, "dist");
export const SHOTS = join(ROOT, "target", "e2e");
/** The app is served from here, as on a documentation site, to prove asset URLs are relative. */
export const SUB_PATH = "/docs/ordinal/";

/**
 * The page's Content-Security-Policy, as Trunk.toml's [serve.headers] gives
 * it to `trunk serve` (tests/csp.rs checks index.html and public/demo.html
 * carry the same string in their <meta>). Served here as a header too, so
 * every e2e test runs under both the header and the meta policy.
 */
export const CSP = (() => {
  const toml = readFileSync(join(ROOT, "Trunk.toml"), "utf8");
  const m = toml.match(/^Content-Security-Policy = "([^"]+)"$/m);
  if (!m) throw new Error("Trunk.toml: no Content-Security-Policy in [serve.headers]");
  return m[1];
})();

/** The built index.html must keep the policy's <meta> and hold no inline script. */
function checkBuiltHtml(root) {
  const html = readFileSync(join(root, "index.html"), "utf8");
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/);
  if (meta?.[1] !== CSP) throw new Error(`${root}/index.html: its CSP <meta> is not Trunk.toml's policy`);
  // One inline script, the early fetch of the .wasm, allowed by its hash.
  for (const m of html.matchAll(/<script\b([^>]*)>/g)) {
    const tag = m[1];
    if (/\ssrc=/.test(tag)) continue;
    const from = m.index + m[0].length;
    const text = html.slice(from, html.indexOf("</script>", from));
    const hash = `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
    if (tag !== " data-ordinal-early" || !CSP.includes(`script-src 'self' 'wasm-unsafe-eval' ${hash};`)) {
      throw new Error(`${root}/index.html: an inline script the policy does not name by its hash (${hash}): <script${tag}>`);
    }
  }
  if (/\son[a-z]+=/i.test(html) || /style=/.test(html)) {
    throw new Error(`${root}/index.html: an inline event handler or style attribute`);
  }
}

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".yaml": "text/yaml; charset=utf-8",
  ".woff2": "font/woff2",
};

/**
 * Serve `root` read-only under `prefix` on 127.0.0.1 (a random free port).
 * Anything outside the prefix is a 404, so an absolute asset URL fails the test.
 */
export async function startServer({ root = DIST, prefix = SUB_PATH } = {}) {
  if (!existsSync(join(root, "index.html"))) {
    throw new Error(`${root}/index.html missing: build first (trunk build --release --offline)`);
  }
  checkBuiltHtml(root);
  const requests = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const path = decodeURIComponent(url.pathname);
    requests.push(path);
    if (path === prefix.slice(0, -1)) {
      res.writeHead(301, { Location: prefix }).end();
      return;
    }
    if (!path.startsWith(prefix)) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("outside the app's sub-path\n");
      return;
    }
    let file = normalize(join(root, path.slice(prefix.length)));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, {
      "Content-Type": MIME[extname(file)] ?? "application/octet-stream",
      "Cache-Control": "no-store",
      "Content-Security-Policy": CSP,
    });
    createReadStream(file).pipe(res);
  });
  await new Promise((ok, fail) => server.listen(0, "127.0.0.1", ok).on("error", fail));
  // A test that fails before closing it must not keep node running.
  server.unref();
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** Chromium from Debian, never a downloaded browser. */
export const CHROMIUM = process.env.ORDINAL_CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** A browser context with a fresh, throw-away profile (--user-data-dir). */
export async function launchBrowser({ viewport = { width: 1280, height: 800 }, ...options } = {}) {
  const profile = mkdtempSync(join(tmpdir(), "ordinal-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    ...options,
  });
  // Every CSP violation in any frame of any page, from the
  // `securitypolicyviolation` event and from Chromium's console report.
  const violations = [];
  await context.exposeBinding("__ordinalCspViolation", ({ frame }, text) => {
    violations.push(`${text} (in ${frame.url()})`);
  });
  await context.addInitScript(() => {
    document.addEventListener(
      "securitypolicyviolation",
      (e) => {
        const where = e.sourceFile ? ` at ${e.sourceFile}:${e.lineNumber}` : "";
        window.__ordinalCspViolation?.(
          `CSP violation: ${e.effectiveDirective} refused ${e.blockedURI || "inline"}${where}: ${e.sample}`,
        );
      },
      true,
    );
  });
  context.on("console", (msg) => {
    const text = msg.text();
    // A Trusted Types violation (a string reaching innerHTML, eval, a
    // script's src) throws, fires `securitypolicyviolation`, and logs that
    // the document "requires 'TrustedHTML' assignment".
    if (
      (/Content[ -]Security[ -]Policy/i.test(text) && /refused|violat|ignored/i.test(text)) ||
      /requires 'Trusted(HTML|Script|ScriptURL)' assignment|Trusted ?Type/i.test(text)
    ) {
      violations.push(`CSP console ${msg.type()}: ${text}`);
    }
  });
  return {
    context,
    /** CSP violations seen so far (close() fails when there are any). */
    violations,
    /** Closes the browser, then fails if any CSP violation was seen. */
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
      const seen = [...new Set(violations.splice(0))];
      assert.deepEqual(seen, [], "the page broke its Content-Security-Policy");
    },
  };
}

/**
 * Start the server and a browser, open the app, and watch for problems.
 * Pass the node:test context `t` to close everything when the test ends.
 * `before(page)` runs before the page is opened (init scripts, routes).
 * Returns { page, url, server, problems, assertClean(), screenshot(name), close() }.
 */
export async function openApp(t, { path = "", waitUntil = "load", before, ...browserOptions } = {}) {
  const server = await startServer();
  const browser = await launchBrowser(browserOptions);
  const close = async () => {
    try {
      await browser.close();
    } finally {
      await server.close();
    }
  };
  t?.after(close);

  const problems = [];
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) => {
    // The rest of the code (public/split.js) is fetched in the background once
    // the page has mounted; a reload or navigation cancels that fetch.
    if (/_rest\.wasm$/.test(req.url()) && req.failure()?.errorText === "net::ERR_ABORTED") return;
    problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });

  await before?.(page);
  const response = await page.goto(server.url + path, { waitUntil });
  assert.equal(response?.status(), 200, `GET ${server.url + path}`);

  return {
    page,
    browser,
    url: server.url,
    server,
    problems,
    /** Fail when the page logged a console error or any request failed. */
    assertClean() {
      assert.deepEqual(problems, [], "console errors or failed requests");
    },
    /** Save a full-page screenshot to target/e2e/NAME.png and return its path. */
    async screenshot(name) {
      mkdirSync(SHOTS, { recursive: true });
      const file = join(SHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    close,
  };
}

/** Wait in `page` (or a frame) for the finite CSS transitions and animations (a theme's colours fading in, a card's entrance) to end. */
export async function settle(page) {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => {})),
    ),
  );
}

/**
 * Wait in `page` (or a frame) until every panel is drawn: in a split build the
 * panels a first visit does not need at once (src/ui/later.rs) wait for the
 * rest of the code, which follows the mount.
 */
export async function allPanels(page) {
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=later]").length === 0, null, {
    timeout: 60_000,
  });
}

/**
 * A paste over the editor's huge-text size (64 KiB): 3,000 commented lines, about 75 KB. The
 * build's profile (scripts/split-profile.mjs) and the split test paste the same text, so the test
 * checks the path the profile recorded.
 */
export const LARGE_PASTE = Array.from({ length: 3000 }, (_, i) => `# line ${i}\nkey${i}: "v"`).join("\n");

/**
 * Set a textarea's whole text as a paste (or, with `inputType` "historyUndo", an undo) would:
 * the value changes and one input event fires. Playwright's `fill` and `insertText` go through
 * Chromium's editing commands, which take tens of seconds for a text of 100 KB in headless Chromium.
 */
export async function setText(locator, text, inputType = "insertFromPaste") {
  await locator.evaluate(
    (el, [t, type]) => {
      el.focus();
      el.value = t;
      el.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: type }));
    },
    [text, inputType],
  );
}

/** Drop a file named `name` holding `body` on the page, as a drag from the desktop would. */
export async function dropFile(page, name, body, types = ["dragover", "drop"]) {
  await page.evaluate(
    ([n, b, ts]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([b], n, { type: "application/json" }));
      for (const type of ts) {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    },
    [name, body, types],
  );
}

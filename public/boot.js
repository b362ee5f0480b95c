// Loads the app. Trunk writes the names of the app's JS glue and .wasm into
// this script's data-js and data-wasm attributes (Trunk.toml,
// pattern_script).
//
// index.html's one inline script starts fetching the .wasm as the page is
// parsed (window.ordinalWasm); docs/split12.md says why and where it sits.
//
// Click to load (?ctl=1): a light static placeholder (title, example, Run
// button) stands in for the app, and nothing more is fetched until Run is
// clicked. The app itself ignores ctl=.
const boot = document.querySelector("script[data-ordinal-boot]");
const jsUrl = new URL(boot.dataset.js, document.baseURI).href;
const wasmUrl = new URL(boot.dataset.wasm, document.baseURI).href;
const params = new URLSearchParams(location.search);

// A release build's .wasm is in two parts (scripts/split.sh): data-wasm holds
// what the page runs to mount and answer a first command, data-split the rest,
// which split.js links in once the app has mounted.
const splitUrl = boot.dataset.split ? new URL(boot.dataset.split, document.baseURI).href : null;

function start() {
  // Fetch the .wasm while the JS glue loads: index.html's early script has
  // already started it, unless this is a click-to-load embed.
  const wasm = window.ordinalWasm ?? fetch(wasmUrl);
  window.ordinalWasm = null;
  const split = splitUrl ? import("./split.js") : null;
  return Promise.all([import(jsUrl), split])
    .then(([glue, split]) => {
      const init = () => glue.default({ module_or_path: wasm });
      return split ? split.withRest(init, splitUrl, restAtMount()) : init();
    })
    .catch((err) => {
      recover(err);
      throw err;
    });
}

// Whether the page runs the simulation as it mounts (an applied example, a
// lesson, a share link, a saved session to restore; an unknown parameter
// counts, one set to 0 does not): then the rest of the code is needed at once
// and is fetched beside the first part, not after it.
function restAtMount() {
  const quiet = new Set(["lang", "theme", "embed", "view", "readonly", "example", "ctl", "console", "speed"]);
  if ([...params].some(([k, v]) => !quiet.has(k) && v !== "0") || location.hash.length > 1) return true;
  return readKey(SESSION_KEY) !== null;
}

// ---- A panic is not a frozen page ------------------------------------------
// Release builds abort on panic (-Cpanic=immediate-abort, scripts/lib.sh):
// a panic is a WebAssembly trap (`RuntimeError: unreachable`) with no Rust
// hook to run, and a debug build's panic hook logs and then traps the same
// way. After a trap the app's state cannot be trusted, so this script takes
// over: it stops the page writing local storage (the last good save stays
// as it was) and shows a recovery screen made of DOM text nodes (never
// markup) that offers the saved session as a file and a reset.
// The screen's words live here, outside the app's i18n table; the language
// is chosen as the app chooses it: ?lang=, then the saved choice, then the
// browser's language.
const SESSION_KEY = "ordinal.v1.session";
const EDITOR_KEY = "ordinal.v1.editor";
const LANG_KEY = "ordinal.v1.lang";
const FILE_NAME = "ordinal-session.ordinal.json";
const WORDS = {
  en: {
    title: "Ordinal stopped working",
    what: "The simulator hit an internal error (a bug in Ordinal, not in your manifests) and cannot go on in this page.",
    missing: "Part of Ordinal's code ({file}) could not be loaded from the server, so this page cannot go on. Reload to try again; if it keeps failing, the site is missing that file.",
    kept: "Your last saved session is kept in this browser: download it to keep a copy (a file that Open file and ordinal replay read), then reload, or reset if the page fails again.",
    none: "No session was saved in this browser.",
    editorOnly: "Only the editor's text was saved: download it as a session file that Open file and ordinal replay read, then reload, or reset if the page fails again.",
    download: "Download session",
    reload: "Reload",
    reset: "Reset session…",
    confirm: "Delete the saved session and the editor text from this browser, and start again?",
    detail: "Details",
  },
  zh: {
    title: "Ordinal 停止工作",
    what: "模拟器遇到内部错误（是 Ordinal 的缺陷，不是你的清单的问题），无法在此页面中继续运行。",
    missing: "Ordinal 的一部分代码（{file}）无法从服务器加载，此页面无法继续运行。请重新加载再试；如果一直失败，说明网站缺少该文件。",
    kept: "你最后保存的会话仍保留在此浏览器中：请先下载一份副本（“打开文件”和 ordinal replay 都能读取该文件），再重新加载；如果页面再次出错，可以重置。",
    none: "此浏览器中没有保存的会话。",
    editorOnly: "只保存了编辑器中的文本：请把它下载为会话文件（“打开文件”和 ordinal replay 都能读取），再重新加载；如果页面再次出错，可以重置。",
    download: "下载会话",
    reload: "重新加载",
    reset: "重置会话…",
    confirm: "要从此浏览器中删除保存的会话和编辑器内容，并重新开始吗？",
    detail: "详细信息",
  },
};

/** Local storage, or null when the browser refuses it (the getter throws). */
function store() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function readKey(key) {
  try {
    return store()?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function pickLang() {
  const parse = (s) => {
    const primary = String(s ?? "").trim().toLowerCase().split(/[-_]/)[0];
    return primary === "zh" || primary === "en" ? primary : null;
  };
  return parse(params.get("lang")) ?? parse(readKey(LANG_KEY)) ?? parse(navigator.language) ?? "en";
}

/**
 * The saved session with the editor's text added when the session does not
 * carry one (the page saves them under two keys), as the page's Save file
 * writes it. Spliced into the text, not re-serialised: JSON.stringify
 * would round a seed above 2^53.
 */
function withEditor(session, editor) {
  if (session === null || editor === null) return session;
  try {
    const parsed = JSON.parse(session);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed) || "editor" in parsed) return session;
    const body = session.trimEnd();
    if (!body.endsWith("}")) return session;
    const sep = Object.keys(parsed).length ? "," : "";
    return `${body.slice(0, -1)}${sep}"editor":${JSON.stringify(editor)}}`;
  } catch {
    return session;
  }
}

/**
 * What to offer when only the editor's text was saved (the page saves the
 * session once something happened in the cluster): a session with no
 * history on the page's default seed and configuration, carrying the text.
 * Open file restores it into the editor; `ordinal replay` reads it too.
 */
const DEFAULT_SEED = 1; // src/ui/mod.rs, DEFAULT_SEED
function editorOnly(editor) {
  return `${JSON.stringify({ version: 1, seed: DEFAULT_SEED, journal: [], example: "", editor }, null, 2)}\n`;
}

let crashed = false;
let removeItem = null;

/** From now on the broken app writes nothing: the last save stays intact. */
function freezeStorage() {
  const proto = window.Storage?.prototype;
  if (!proto) return;
  removeItem = proto.removeItem;
  for (const name of ["setItem", "removeItem", "clear"]) {
    try {
      Object.defineProperty(proto, name, { value: () => {}, configurable: true, writable: true });
    } catch {
      // A frozen prototype: nothing more to do.
    }
  }
}

function isWasmTrap(err) {
  return typeof WebAssembly !== "undefined" && err instanceof WebAssembly.RuntimeError;
}

/** Replaces the page with the recovery screen (once). */
function recover(err) {
  if (crashed) return;
  crashed = true;
  freezeStorage();
  console.error("Ordinal stopped:", err);
  const w = WORDS[pickLang()];
  const session = readKey(SESSION_KEY);
  const editor = readKey(EDITOR_KEY);
  const saved = session === null ? (editor === null ? null : editorOnly(editor)) : withEditor(session, editor);
  const button = (text, testid, onClick) => {
    const b = el("button", { type: "button" }, text);
    b.dataset.testid = testid;
    b.addEventListener("click", onClick);
    return b;
  };
  const download = button(w.download, "recovery-download", () => {
    const url = URL.createObjectURL(new Blob([saved], { type: "application/json" }));
    const a = el("a", { href: url, download: FILE_NAME });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  download.className = "primary";
  download.disabled = saved === null;
  // Reload at the same address without what may have caused the crash:
  // the test-only trigger and a link's fragment.
  const cleanUrl = () => {
    const u = new URL(location.href);
    u.searchParams.delete("debug-panic");
    u.hash = "";
    return u.href;
  };
  const reload = button(w.reload, "recovery-reload", () => location.replace(cleanUrl()));
  const reset = button(w.reset, "recovery-reset", () => {
    if (!window.confirm(w.confirm)) return;
    const s = store();
    for (const key of [SESSION_KEY, EDITOR_KEY]) {
      try {
        removeItem?.call(s, key);
      } catch {
        // Storage refused: nothing was saved there anyway.
      }
    }
    location.replace(cleanUrl());
  });
  const detail = el("details", {}, el("summary", {}, w.detail), el("pre", {}, String(err?.stack ?? err)));
  const box = el(
    "main",
    { className: "recovery" },
    el("h1", {}, w.title),
    // split.js names a part of the code the server did not give.
    el("p", {}, err?.ordinalMissing ? w.missing.replace("{file}", err.ordinalMissing) : w.what),
    el("p", {}, saved === null ? w.none : session === null ? w.editorOnly : w.kept),
    el("p", { className: "recovery-actions" }, download, " ", reload, " ", reset),
    detail,
  );
  box.dataset.testid = "recovery";
  box.setAttribute("role", "alert");
  box.lang = pickLang() === "zh" ? "zh-CN" : "en";
  document.body.replaceChildren(box);
}

window.addEventListener("error", (ev) => {
  if (isWasmTrap(ev.error)) recover(ev.error);
});
window.addEventListener("unhandledrejection", (ev) => {
  if (isWasmTrap(ev.reason)) recover(ev.reason);
});

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
}

// The placeholder's words, in the languages of the page (src/ui/i18n.rs).
const PLACEHOLDER_WORDS = {
  en: {
    title: "Kubernetes StatefulSet playground",
    run: "▶ Run",
    example: "Example: ",
    note: "Runs a simulated cluster in this page; loads about 0.5 MB.",
    aria: "Ordinal playground, not loaded yet",
    loading: "Loading…",
  },
  zh: {
    title: "Kubernetes StatefulSet 演练场",
    run: "▶ 运行",
    example: "示例：",
    note: "在本页中运行一个模拟集群；需加载约 0.5 MB。",
    aria: "Ordinal 演练场，尚未加载",
    loading: "正在加载…",
  },
};

function placeholder() {
  const theme = params.get("theme");
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
  const lang = pickLang();
  const w = PLACEHOLDER_WORDS[lang];
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  const example = params.get("example");
  const title = params.get("title") || w.title;
  const run = el("button", { className: "primary ctl-run", type: "button" }, w.run);
  run.dataset.testid = "ctl-run";
  const box = el(
    "main",
    { className: "ctl" },
    el("p", { className: "ctl-brand" }, "Ordinal"),
    el("h1", { className: "ctl-title" }, title),
    example ? el("p", { className: "ctl-example" }, w.example, el("code", {}, example)) : "",
    run,
    el("p", { className: "ctl-note muted" }, w.note),
  );
  box.dataset.testid = "ctl";
  box.setAttribute("aria-label", w.aria);
  document.body.append(box);
  run.addEventListener("click", () => {
    run.disabled = true;
    run.textContent = w.loading;
    start().then(
      () => box.remove(),
      () => {},
    );
  });
}

if (params.get("ctl") === "1") placeholder();
else start().catch(() => {});

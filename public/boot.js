// Loads the app. Trunk writes the names of the app's JS glue and .wasm into
// this script's data-js and data-wasm attributes (Trunk.toml,
// pattern_script), so the page needs no inline script.
//
// Click to load (?ctl=1): a light static placeholder (title, example, Run
// button) stands in for the app, and nothing more is fetched until Run is
// clicked. The app itself ignores ctl=.
const boot = document.querySelector("script[data-ordinal-boot]");
const jsUrl = new URL(boot.dataset.js, document.baseURI).href;
const wasmUrl = new URL(boot.dataset.wasm, document.baseURI).href;
const params = new URLSearchParams(location.search);

function start() {
  // Fetch the .wasm while the JS glue loads.
  const wasm = fetch(wasmUrl);
  return import(jsUrl).then((glue) => glue.default({ module_or_path: wasm }));
}

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
}

// The placeholder's words, in the languages of the page (src/ui/i18n.rs).
const WORDS = {
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

/** As the app chooses (src/ui/i18n.rs `choose`): ?lang=, the saved choice, the browser's language. */
function language() {
  const pick = (s) => {
    const p = (s || "").trim().toLowerCase().split(/[-_]/)[0];
    return p === "zh" || p === "en" ? p : null;
  };
  let saved = null;
  try {
    saved = localStorage.getItem("ordinal.v1.lang");
  } catch {
    // A cross-origin frame may have no storage.
  }
  return pick(params.get("lang")) ?? pick(saved) ?? pick(navigator.language) ?? "en";
}

function placeholder() {
  const theme = params.get("theme");
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
  const lang = language();
  const w = WORDS[lang];
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
    start().then(() => box.remove());
  });
}

if (params.get("ctl") === "1") placeholder();
else start();

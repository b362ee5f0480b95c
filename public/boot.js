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

function placeholder() {
  const theme = params.get("theme");
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
  const example = params.get("example");
  const title = params.get("title") || "Kubernetes StatefulSet playground";
  const run = el("button", { className: "primary ctl-run", type: "button" }, "▶ Run");
  run.dataset.testid = "ctl-run";
  const box = el(
    "main",
    { className: "ctl" },
    el("p", { className: "ctl-brand" }, "Ordinal"),
    el("h1", { className: "ctl-title" }, title),
    example ? el("p", { className: "ctl-example" }, "Example: ", el("code", {}, example)) : "",
    run,
    el("p", { className: "ctl-note muted" }, "Runs a simulated cluster in this page; loads about 0.5 MB."),
  );
  box.dataset.testid = "ctl";
  box.setAttribute("aria-label", "Ordinal playground, not loaded yet");
  document.body.append(box);
  run.addEventListener("click", () => {
    run.disabled = true;
    run.textContent = "Loading…";
    start().then(() => box.remove());
  });
}

if (params.get("ctl") === "1") placeholder();
else start();

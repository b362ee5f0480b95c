// Links the rest of the page's code (issue 12; tools/split, scripts/split.sh).
//
// A release build's .wasm is split in two. The first part holds the functions
// the page runs to mount and answer a first command; every other function has
// a stub there that calls `__split.load` (below) unless the rest is linked, and
// then calls the real function through the function table. The rest is a
// second module that imports the first part's memory, tables, globals and the
// functions it calls, and writes its functions into the table as it is
// instantiated.
//
// The rest is fetched and compiled as soon as the app has mounted (or beside
// the first part when the page runs the simulation at mount). A stub that runs
// before that loads it synchronously: the page waits for it once instead of
// failing.
//
// The panels a first visit does not need at once (src/ui/later.rs, `Later`)
// wait for the rest: `window.ordinalRestLinked` and the `ordinal:rest-linked`
// event say it is linked; `window.ordinalRestFailed` (the file's name) and
// `ordinal:rest-failed` that it could not be fetched.

let first = null; // the first part's exports
let rest = null; // the rest, compiled
let url = null;

function link() {
  if (first.__split_loaded.value) return;
  new WebAssembly.Instance(rest, { "": first });
  first.__split_loaded.value = 1;
  // The whole code is there from now on (read by src/ui/later.rs and tests).
  window.ordinalRestLinked = true;
  window.dispatchEvent(new Event("ordinal:rest-linked"));
}

// The rest could not be fetched in the background: the panels that wait for
// it say which file is missing. (A stub may still load it later.)
function failed(err) {
  console.warn(`Ordinal: the rest of the code (${url}) did not load: ${err}`);
  window.ordinalRestFailed = new URL(url).pathname.split("/").pop();
  window.dispatchEvent(new Event("ordinal:rest-failed"));
}

// `__split.load`: a stub ran before the rest was linked.
function loadNow() {
  if (!rest) {
    const xhr = new XMLHttpRequest();
    xhr.open("GET", url, false);
    // A synchronous request cannot ask for an ArrayBuffer; this charset keeps
    // each byte in the low 8 bits of a character.
    xhr.overrideMimeType("text/plain; charset=x-user-defined");
    let status = 0;
    try {
      xhr.send();
      status = xhr.status;
    } catch {
      // A network error: status stays 0.
    }
    if (status !== 200) {
      // The app cannot go on without the function it called: as after a trap,
      // boot.js shows its recovery screen, which names the file.
      const err = new WebAssembly.RuntimeError(`Ordinal could not load ${url} (HTTP ${status || "network error"})`);
      err.ordinalMissing = new URL(url).pathname.split("/").pop();
      throw err;
    }
    const text = xhr.responseText;
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    rest = new WebAssembly.Module(bytes);
  }
  link();
}

function fetchRest() {
  return fetch(url)
    .then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.arrayBuffer();
    })
    .then((bytes) => WebAssembly.compile(bytes));
}

/**
 * Runs `init` (wasm-bindgen's glue instantiating the first part) with
 * `__split` added to its imports, then links the rest: fetched beside the
 * first part when `atMount`, else once the app has mounted.
 */
export function withRest(init, restUrl, atMount) {
  url = restUrl;
  const early = atMount ? fetchRest() : null;
  // wasm-bindgen's glue builds the import object itself: add __split to it,
  // and keep the instance's exports, while the glue instantiates.
  const wa = WebAssembly;
  const streaming = wa.instantiateStreaming;
  const instantiate = wa.instantiate;
  const add = (imports) => ({ ...imports, __split: { load: loadNow } });
  const keep = async (result) => {
    first = (result.instance ?? result).exports;
    if (early) {
      // Linked before the glue starts the app, so no stub waits. If the fetch
      // failed, the first stub to run tries again and says what is missing.
      try {
        rest ??= await early;
        link();
      } catch (err) {
        failed(err);
      }
    }
    return result;
  };
  wa.instantiateStreaming = (source, imports) => streaming.call(wa, source, add(imports)).then(keep);
  wa.instantiate = (source, imports) => instantiate.call(wa, source, add(imports)).then(keep);
  const restore = () => {
    wa.instantiateStreaming = streaming;
    wa.instantiate = instantiate;
  };
  return init().then(
    (exports) => {
      restore();
      if (!early) {
        fetchRest()
          .then((module) => {
            rest ??= module;
            link();
          })
          .catch(failed);
      }
      return exports;
    },
    (err) => {
      restore();
      throw err;
    },
  );
}

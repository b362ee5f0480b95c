// Reading a Chrome DevTools Protocol CPU profile (Profiler.stop's): self and
// inclusive time per function, shared by the measurement scripts
// (frames-profile.mjs, scrub-measure.mjs).

export function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dts = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    const dt = (dts[i + 1] ?? 0) / 1000;
    const f = n.callFrame;
    const name = f.functionName || "(anonymous)";
    const where = f.url ? f.url.split("/").pop() : "";
    const key = `${name} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  return self;
}

/** Inclusive time per function (once per sample however deep it recurses), in [from, to) µs when given. */
export function inclusiveTimes(profile, from = -Infinity, to = Infinity) {
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const incl = new Map();
  let t = profile.startTime;
  const dts = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    t += dts[i];
    if (t < from || t >= to) continue;
    const dt = (dts[i + 1] ?? 0) / 1000;
    const seen = new Set();
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id).callFrame;
      const key = short(f.functionName || "(anonymous)");
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + dt);
    }
  }
  return incl;
}

/** A Rust symbol without its crate hashes. */
export function short(name) {
  return name.replace(/\[[0-9a-f]{8,}\]/g, "");
}

export function bucket(key) {
  if (key.startsWith("(program)")) return "browser (program)";
  if (key.startsWith("(garbage collector)")) return "GC";
  if (key.startsWith("(idle)")) return "idle";
  if (key.includes(".wasm") || key.startsWith("wasm-function") || key.includes("_bg.wasm")) return "wasm";
  return "JS";
}

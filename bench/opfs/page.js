// Reads a sparse 1 GiB OPFS file to its end through a directory-handle
// preopen (tests/guests' store_writes `scan`), timing it and sampling the
// shim's memory (and, in Chromium, the JS heap) every 20 ms: the peak is
// what the run held. run.mjs drives this page and prints the figures.
import init, { runWasi } from "/pkg/index.js";

const GIB = 1 << 30;
const params = new URLSearchParams(location.search);
const size = Number(params.get("size") ?? GIB);

const wasm = await init();
const root = await navigator.storage.getDirectory();
try {
  await root.removeEntry("bench-large", { recursive: true });
} catch {
  // not there yet
}
const dir = await root.getDirectoryHandle("bench-large", { create: true });
const file = await dir.getFileHandle("huge", { create: true });
const w = await file.createWritable();
await w.truncate(size);
await w.write({ type: "write", position: 0, data: "first" });
await w.write({ type: "write", position: size - 4, data: "last" });
await w.close();
const guest = new Uint8Array(await (await fetch("/guest.wasm")).arrayBuffer());

const shim = () => wasm.memory.buffer.byteLength;
const heap = () => performance.memory?.usedJSHeapSize ?? 0;
const runs = [];
for (let i = 0; i < 3; i++) {
  const base = { shim: shim(), heap: heap() };
  const peak = { ...base };
  const sampler = setInterval(() => {
    peak.shim = Math.max(peak.shim, shim());
    peak.heap = Math.max(peak.heap, heap());
  }, 20);
  const t0 = performance.now();
  const result = await runWasi(guest, { args: ["store_writes", "scan", "huge"], preopens: { "/data": dir } });
  const ms = performance.now() - t0;
  clearInterval(sampler);
  const out = new TextDecoder().decode(result.stdout);
  if (!out.includes(`scan: ${size} bytes`) || !out.includes("at 0: first")) throw new Error(`wrong output: ${out}`);
  runs.push({ ms, shimGrowth: peak.shim - base.shim, heapGrowth: peak.heap - base.heap, shimTotal: peak.shim });
  result.free();
}
window.RESULT = { size, runs };
document.title = "done";

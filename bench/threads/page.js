// The threads benchmark's page: runs each measurement `reps` times through
// the JS package and publishes the samples as window.samples.
import init, { runWasi } from "../../pkg/index.js";

const reps = Number(new URLSearchParams(location.search).get("reps") ?? 5);
const CALLS = 20000;

let worker = null;
async function inWorker(wasm, args) {
  if (worker === null) {
    worker = new Worker(new URL("worker.js", import.meta.url), { type: "module" });
    await new Promise((r) => (worker.onmessage = r));
  }
  const r = await new Promise((resolve) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.postMessage({ wasm: new URL(wasm, location.href).href, args });
  });
  if (r.exitCode !== 0) throw new Error(`${wasm} ${args} in a worker: exit ${r.exitCode}`);
  return r;
}

async function run(wasm, args) {
  const result = await runWasi(fetch(wasm), { args });
  if (result.exitCode !== 0) throw new Error(`${wasm} ${args}: exit ${result.exitCode} ${result.trap ?? ""}`);
  return { stdout: new TextDecoder().decode(result.stdout), stderr: new TextDecoder().decode(result.stderr) };
}

const measurements = {
  // ns per WASI call, as the guest measures it
  "direct (wasm32-wasip1, main thread)": async () =>
    Number((await run("target/calls-p1.wasm", ["calls", `${CALLS}`, "main"])).stdout),
  "kernel (wasm32-wasip1-threads, main thread)": async () =>
    Number((await run("target/calls-threads.wasm", ["calls", `${CALLS}`, "main"])).stdout),
  "kernel (wasm32-wasip1-threads, spawned thread)": async () =>
    Number((await run("target/calls-threads.wasm", ["calls", `${CALLS}`, "thread"])).stdout),
  // the same, each call after ~200 µs of computing (the kernel idle)
  "direct, spaced calls": async () =>
    Number((await run("target/calls-p1.wasm", ["calls", "1000", "main", "spaced"])).stdout),
  "kernel, spawned thread, spaced calls": async () =>
    Number((await run("target/calls-threads.wasm", ["calls", "1000", "thread", "spaced"])).stdout),
  "kernel in a worker, spawned thread": async () =>
    Number((await inWorker("target/calls-threads.wasm", ["calls", `${CALLS}`, "thread"])).stdout),
  "kernel in a worker, spawned thread, spaced calls": async () =>
    Number((await inWorker("target/calls-threads.wasm", ["calls", "1000", "thread", "spaced"])).stdout),
  // ms for the rayon sum, as the guest measures it
  "rayon sum, 1 thread": async () =>
    Number((await run(RAYON, ["rayon_sum", "1", "2000000", "--time"])).stderr.match(/time (\d+) ms/)[1]),
  "rayon sum, 2 threads": async () =>
    Number((await run(RAYON, ["rayon_sum", "2", "2000000", "--time"])).stderr.match(/time (\d+) ms/)[1]),
};
const RAYON = "../../target/guests/wasm32-wasip1-threads/release/rayon_sum.wasm";

await init();
const samples = {};
for (const name of Object.keys(measurements)) samples[name] = [];
try {
  for (let r = 0; r < reps; r++) {
    for (const [name, measure] of Object.entries(measurements)) samples[name].push(await measure());
  }
  window.samples = samples;
} catch (e) {
  window.samples = { error: String(e) };
}
document.getElementById("out").textContent = JSON.stringify(window.samples, null, 1);

// The test page: runs ?wasm= with ?args= (comma-separated) on the page, or
// from a worker with ?in=worker, and publishes what happened as
// window.result.
import { runThreadsProgram } from "./run.js";

const params = new URLSearchParams(location.search);
const wasm = params.get("wasm");
const args = (params.get("args") ?? "prog").split(",");

let result;
if (params.get("in") === "worker") {
  const worker = new Worker(new URL("worker.js", import.meta.url), { type: "module" });
  result = await new Promise((resolve) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.postMessage({ wasm, args });
  });
} else {
  result = await runThreadsProgram(wasm, args);
}
window.result = result;
document.getElementById("out").textContent = JSON.stringify(result, null, 2);

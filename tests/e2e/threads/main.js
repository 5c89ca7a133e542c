// Runs a wasi-threads program with the JS package (pkg/, as built by
// scripts/build-pkg: the threads kernel and worker are its own snippet
// files) and publishes what happened as window.result.
import init, { runWasi } from "../../../pkg/index.js";

const params = new URLSearchParams(location.search);
const wasm = params.get("wasm");
const args = (params.get("args") ?? "prog").split(",");

await init();
try {
  const data = {};
  for (let i = 0; i < 4; i++) data[`f${i}.txt`] = `file ${i}\n`.repeat(1000 * (i + 1));
  const result = await runWasi(fetch(wasm), { args, preopens: { "/data": data } });
  window.result = {
    isolated: self.crossOriginIsolated,
    exitCode: result.exitCode,
    trap: result.trap,
    threads: result.threads,
    stdout: new TextDecoder().decode(result.stdout),
    stderr: new TextDecoder().decode(result.stderr),
  };
} catch (e) {
  window.result = { isolated: self.crossOriginIsolated, error: { name: e.name, message: e.message } };
}
document.getElementById("out").textContent = JSON.stringify(window.result, null, 2);

// Runs a wasi-threads program with the JS package (pkg/, as built by
// scripts/build-pkg: the threads kernel and worker are its own snippet
// files) on four files in /data, and says what happened as plain data.
// main.js calls it on the page, worker.js in a worker.
import init, { runWasi } from "../../../pkg/index.js";

export async function runThreadsProgram(wasm, args) {
  await init();
  try {
    const data = {};
    for (let i = 0; i < 4; i++) data[`f${i}.txt`] = `file ${i}\n`.repeat(1000 * (i + 1));
    const result = await runWasi(fetch(new URL(wasm, location.href)), { args, preopens: { "/data": data } });
    return {
      isolated: self.crossOriginIsolated,
      exitCode: result.exitCode,
      trap: result.trap,
      threads: result.threads,
      stdout: new TextDecoder().decode(result.stdout),
      stderr: new TextDecoder().decode(result.stderr),
    };
  } catch (e) {
    return { isolated: self.crossOriginIsolated, error: { name: e.name, message: e.message } };
  }
}

// The threads benchmark's measurements with runWasi called in a worker (as
// the playground does), not on the page: the kernel then waits on a
// worker's event loop.
import init, { runWasi } from "../../pkg/index.js";

await init();
onmessage = async ({ data: { wasm, args } }) => {
  const result = await runWasi(fetch(new URL(wasm, location.href)), { args });
  postMessage({ exitCode: result.exitCode, stdout: new TextDecoder().decode(result.stdout), stderr: new TextDecoder().decode(result.stderr) });
};
postMessage("ready");

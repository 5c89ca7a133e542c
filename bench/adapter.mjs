// Adapter for ../shared/bench: runs a guest through browser-wasi's JS API
// (pkg/, built by bench/build) the way a page would, capturing all output.
import init, { runWasi } from "../pkg/index.js";

export const name = "browser-wasi";

// Loading the library is part of importing the adapter, as on a page.
await init();

/** Turns `{ "a/b.txt": bytes, "dir": null }` into a nested DirSpec. */
function nest(files) {
  const root = {};
  for (const [path, value] of Object.entries(files)) {
    const parts = path.split("/").filter(Boolean);
    let dir = root;
    for (const part of parts.slice(0, -1)) dir = dir[part] ??= {};
    const leaf = parts[parts.length - 1];
    if (value === null) dir[leaf] ??= {};
    else dir[leaf] = value;
  }
  return root;
}

export async function run(wasmBytes, { args, env, dirs, stdin }) {
  const preopens = {};
  for (const { guestPath, files } of dirs) preopens[guestPath] = nest(files);
  const result = await runWasi(wasmBytes, { args, env, stdin, preopens });
  if (result.trap !== undefined) throw new Error(`trap: ${result.trap}`);
  const out = { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  result.free();
  return out;
}

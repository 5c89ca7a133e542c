// Adapter for ../shared/bench: runs a guest through browser-wasi's JS API
// (pkg/, built by bench/build) the way a page would, capturing all output.
import init, { runWasi } from "../pkg/browser_wasi.js";

export const name = "bw-warm";

// Loading the library is part of importing the adapter, as on a page.
await init();
await runWasi(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 12, 2, 96, 4, 127, 127, 127, 127, 1, 127, 96, 0, 0, 2, 35, 1, 22, 119, 97, 115, 105, 95, 115, 110, 97, 112, 115, 104, 111, 116, 95, 112, 114, 101, 118, 105, 101, 119, 49, 8, 102, 100, 95, 119, 114, 105, 116, 101, 0, 0, 3, 2, 1, 1, 5, 3, 1, 0, 1, 7, 19, 2, 6, 109, 101, 109, 111, 114, 121, 2, 0, 6, 95, 115, 116, 97, 114, 116, 0, 1, 10, 29, 1, 27, 0, 65, 0, 65, 8, 54, 2, 0, 65, 4, 65, 1, 54, 2, 0, 65, 1, 65, 0, 65, 1, 65, 16, 16, 0, 26, 11, 11, 7, 1, 0, 65, 8, 11, 1, 120, 0, 11, 4, 110, 97, 109, 101, 1, 4, 1, 0, 1, 119]), { args: ['w'], preopens: { '/w': { f: 'x' } } });

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

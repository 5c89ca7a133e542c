// browser-wasi: run WASI programs in the browser.
//
//   import init, { runWasi } from "browser-wasi";
//   await init();
//   const { exitCode, stdout } = await runWasi(bytes, { args: ["prog"] });
//
// init() loads the shim's WebAssembly module and then primes it (runs a
// tiny WASI module once) so the first real run is as fast as later ones.
// runWasi takes a wasm32-wasip2 component too: the component support is a
// package of its own (component/), loaded the first time one is run, so a
// page that only runs preview1 modules never loads it.
import load, { prime, runWasi as runModule } from "./browser_wasi.js";

export * from "./browser_wasi.js";
export { importArchive, readArchive, exportArchive } from "./archive.js";

export default async function init(options) {
  const exports = await load(options);
  await prime();
  return exports;
}

let componentPackage = null;

function components() {
  componentPackage ??= import("./component/browser_wasi.js").then(async (m) => {
    await m.default();
    return m;
  });
  return componentPackage;
}

// A component's header: the magic, then version 0x0d and layer 1.
const isComponent = (b) =>
  b.length >= 8 && b[0] === 0 && b[1] === 0x61 && b[2] === 0x73 && b[3] === 0x6d && b[6] === 1 && b[7] === 0;

export async function runWasi(module, options) {
  let m = await module;
  if (typeof Response !== "undefined" && m instanceof Response && m.ok) {
    m = new Uint8Array(await m.arrayBuffer());
  }
  const bytes = m instanceof ArrayBuffer ? new Uint8Array(m) : m;
  if (bytes instanceof Uint8Array && isComponent(bytes)) {
    return (await components()).runWasi(bytes, options);
  }
  return runModule(m, options);
}

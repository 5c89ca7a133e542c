// browser-wasi: run WASI preview1 programs in the browser.
//
//   import init, { runWasi } from "browser-wasi";
//   await init();
//   const { exitCode, stdout } = await runWasi(bytes, { args: ["prog"] });
//
// init() loads the shim's WebAssembly module and then primes it (runs a
// tiny WASI module once) so the first real run is as fast as later ones.
import load, { prime } from "./browser_wasi.js";

export * from "./browser_wasi.js";
export { importArchive, readArchive, exportArchive } from "./archive.js";

export default async function init(options) {
  const exports = await load(options);
  await prime();
  return exports;
}

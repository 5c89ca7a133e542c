export * from "./browser_wasi.js";
import type { InitInput, InitOutput } from "./browser_wasi.js";
/**
 * Loads the shim's WebAssembly module (from next to this file by default)
 * and primes it so the first run is fast. Await it once before runWasi.
 */
export default function init(
  options?: { module_or_path?: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<InitOutput>;

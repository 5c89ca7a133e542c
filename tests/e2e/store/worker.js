// Runs store_writes `loop d` on an OPFS directory, posting each line the
// program prints: the page terminates this worker in the middle of it.
import init, { runWasi } from "/pkg/index.js";

await init();
const root = await navigator.storage.getDirectory();
const dir = await root.getDirectoryHandle("e2e-terminate", { create: true });
await dir.getDirectoryHandle("d", { create: true });
const guest = new Uint8Array(await (await fetch("/target/guests/wasm32-wasip1/release/store_writes.wasm")).arrayBuffer());
const decoder = new TextDecoder();
await runWasi(guest, {
  args: ["store_writes", "loop", "d"],
  preopens: { "/data": dir },
  onStdout: (chunk) => postMessage(decoder.decode(chunk)),
});

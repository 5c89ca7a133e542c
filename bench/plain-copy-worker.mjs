// Plain Uint8Array copies of the bytes the stdout-bulk and file-read-seq
// workloads move, in the same chunk sizes, for the "within 3x" target.
const out = {};
function median(xs) { xs.sort((a, b) => a - b); return xs[xs.length >> 1]; }
const mem = new WebAssembly.Memory({ initial: 1200 });
const wasm8 = new Uint8Array(mem.buffer); { const w = new Uint32Array(mem.buffer); for (let i = 0; i < w.length; i++) w[i] = i; }
// stdout-bulk: 64 MiB leaving wasm memory in 64 KiB writes, kept as one array
let t = [];
for (let r = 0; r < 5; r++) {
  const a = performance.now();
  const chunks = [];
  for (let i = 0; i < 1024; i++) chunks.push(wasm8.slice(1024 + (i % 64) * 65536, 1024 + (i % 64) * 65536 + 65536));
  const all = new Uint8Array(64 << 20);
  for (let i = 0; i < 1024; i++) all.set(chunks[i], i * 65536);
  t.push(performance.now() - a);
}
out.stdoutBulkPlainCopy = median(t).toFixed(1);
// file-read-seq: a 64 MiB array read 16 times into wasm memory in 64 KiB reads
const file = new Uint8Array(64 << 20); { const w = new Uint32Array(file.buffer); for (let i = 0; i < w.length; i++) w[i] = Math.imul(i, 2654435761); }
t = [];
for (let r = 0; r < 5; r++) {
  const a = performance.now();
  for (let p = 0; p < 16; p++) for (let i = 0; i < file.length; i += 65536) wasm8.set(file.subarray(i, i + 65536), 1024);
  t.push(performance.now() - a);
}
out.fileReadSeqPlainCopy = median(t).toFixed(1);
postMessage(out);

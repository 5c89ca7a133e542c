// One thread of a wasi-threads program (shim/js/threads.js starts one per
// thread, the program's main thread included): a worker that instantiates
// the program's module on the shared memory and runs `_start` or
// `wasi_thread_start(tid, arg)`.
//
// A WASI call is posted to the kernel through this thread's slot, a small
// SharedArrayBuffer only this worker and the kernel see (its layout comes
// with the start message), and the worker blocks in Atomics.wait until the
// kernel has answered:
//
//   slot[FN], slot[ARGS + 2i], slot[ARGS + 2i + 1]   the call: a function id
//                                                    and its arguments (an
//                                                    i64 as two halves)
//   slot[REQ] = ++seq, notify                        asked
//   wait until slot[ANS] === seq                     answered: slot[RES]
//
// When the program ends, the kernel terminates every thread's worker, in
// whatever call or loop it is.
//
// random_get is answered here (crypto.getRandomValues works in a worker);
// everything else, the clocks included, is the kernel's, so that every
// thread sees one clock.
//
// Worker -> kernel messages: { type: "returned" } when the entry point
// returns, { type: "trap", message } when it throws.

const EFAULT = 21;

// How long a call watches for its answer before it sleeps in Atomics.wait:
// the kernel often answers within microseconds, and waking from a wait
// costs more than that.
const SPIN_MS = 0.03;

function randomGet(memory) {
  let bounce = null;
  return (ptr, len) => {
    ptr >>>= 0;
    len >>>= 0;
    const u8 = new Uint8Array(memory.buffer);
    if (ptr + len > u8.length) return EFAULT;
    // getRandomValues refuses views of shared memory: fill a copy.
    bounce ??= new Uint8Array(65536);
    for (let at = 0; at < len; at += 65536) {
      const n = Math.min(65536, len - at);
      const part = bounce.subarray(0, n);
      crypto.getRandomValues(part);
      u8.set(part, ptr + at);
    }
    return 0;
  };
}

function start(m) {
  // The slot's layout is the kernel's (threads.js).
  const { REQ, ANS, FN, RES, ARGS } = m.layout;
  const slot = new Int32Array(m.slot);
  let seq = 0;
  const call = (id, args) => {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (typeof a === "bigint") {
        slot[ARGS + 2 * i] = Number(BigInt.asIntN(32, a));
        slot[ARGS + 2 * i + 1] = Number(BigInt.asIntN(32, a >> 32n));
      } else {
        slot[ARGS + 2 * i] = a;
      }
    }
    slot[FN] = id;
    const asked = (seq = (seq + 1) | 0);
    Atomics.store(slot, REQ, asked);
    Atomics.notify(slot, REQ);
    const until = performance.now() + SPIN_MS;
    while (Atomics.load(slot, ANS) !== asked && performance.now() < until);
    let seen;
    while ((seen = Atomics.load(slot, ANS)) !== asked) Atomics.wait(slot, ANS, seen);
    return slot[RES];
  };

  const imports = { [m.memoryModule]: { [m.memoryName]: m.memory } };
  for (const imp of WebAssembly.Module.imports(m.module)) {
    if (imp.kind !== "function") continue;
    const ns = (imports[imp.module] ??= {});
    const id = m.ids[imp.module]?.[imp.name];
    if (imp.name === "random_get" && id !== undefined) ns.random_get = randomGet(m.memory);
    else if (id !== undefined) ns[imp.name] = (...args) => call(id, args);
  }

  let outcome;
  try {
    const instance = new WebAssembly.Instance(m.module, imports);
    const entry = instance.exports[m.entry];
    if (m.entry === "wasi_thread_start") entry(m.tid, m.arg);
    else entry();
    outcome = { type: "returned" };
  } catch (e) {
    const message = e instanceof Error ? (e.name ? `${e.name}: ${e.message}` : e.message) : String(e);
    outcome = { type: "trap", message };
  }
  postMessage(outcome);
}

onmessage = (e) => start(e.data);

// The kernel of a wasi-threads program (shim/src/browser/threads.rs loads
// this module when it runs one). Every guest thread, the main one included,
// runs in a worker of its own (shim/js/thread_worker.js) on one shared
// memory; their WASI calls come here, through one slot per thread, and are
// answered by the run's dispatchers: one descriptor table, one filesystem,
// one stdout for all of them.
//
// The kernel runs where runWasi was called (a page or a worker) and never
// blocks: it learns of a call with Atomics.waitAsync on the thread's slot,
// and a call that must wait (a sleep, stdin) waits with a promise, so the
// other threads' calls go on being answered meanwhile. The calling worker
// blocks in Atomics.wait until its answer is written.
//
// The program ends when its main thread's entry point returns (exit 0, even
// with threads still running, as in wasmtime), when any thread calls
// proc_exit (or a call finds the run over: a listener threw), or when any
// thread traps; then every worker is terminated at once.

// A thread's slot, as Int32Array indices (thread_worker.js is given this
// layout with its start message): the call's sequence number, the answer's,
// the function id, the result, and from ARGS two words per argument.
const SLOT = { REQ: 0, ANS: 1, FN: 2, RES: 3, ARGS: 8 };
const { REQ, ANS, FN, RES, ARGS } = SLOT;
const SLOT_BYTES = 128;

// After answering a call the kernel watches the thread's slot this long for
// its next call before it goes back to waiting for a wakeup: a thread that
// makes call after call (a loop of small writes) is then answered in a
// microsecond or two instead of a wakeup's 10-50 µs. A burst of such calls
// is answered without yielding for at most BURST_MS, so the page stays
// responsive.
const SPIN_MS = 0.03;
const BURST_MS = 4;

// The highest thread id wasi-threads allows.
const MAX_TID = 0x1fffffff;

// Runs the program; resolves to how it ended: { kind: "returned" },
// { kind: "ended" } (proc_exit, or the run was ended by the host: the
// dispatchers' state says which) or { kind: "trap", message }, each with
// `spawned`, how many threads thread-spawn started.
//
// p: { module, memory, memoryModule, memoryName, entry, workerUrl,
//      dispatchers: [one per function-table module], table: [[module index,
//      name, params, i64 mask]], ids: { [module]: { [name]: id } },
//      spawnId, maxThreads, pending, raise, signal (an AbortSignal or
//      undefined) }
//
// An aborted signal ends the program at once, as proc_exit would (the
// dispatchers have been told first: their state says it was stopped).
export function run_threads(p) {
  return new Promise((resolve) => {
    const kernel = new Kernel(p, resolve);
    const signal = p.signal;
    if (signal?.aborted) return kernel.end({ kind: "ended" });
    if (signal) {
      const stop = () => kernel.end({ kind: "ended" });
      signal.addEventListener("abort", stop, { once: true });
      kernel.onEnd = () => signal.removeEventListener("abort", stop);
    }
    kernel.start(0, 0, p.entry);
  });
}

class Kernel {
  constructor(p, resolve) {
    this.p = p;
    this.resolve = resolve;
    this.over = false;
    this.threads = new Set();
    this.nextTid = 1;
    // Threads started by thread-spawn that have not returned, and in all.
    this.running = 0;
    this.spawned = 0;
    this.onEnd = null;
  }

  end(outcome) {
    if (this.over) return;
    this.over = true;
    for (const t of this.threads) t.worker.terminate();
    this.threads.clear();
    this.onEnd?.();
    this.resolve({ ...outcome, spawned: this.spawned });
  }

  start(tid, arg, entry) {
    const slot = new SharedArrayBuffer(SLOT_BYTES);
    const name = tid === 0 ? "wasi main thread" : `wasi thread ${tid}`;
    const worker = new Worker(this.p.workerUrl, { type: "module", name });
    const t = { tid, slot: new Int32Array(slot), seen: 0, worker, done: false };
    this.threads.add(t);
    worker.onmessage = (e) => this.message(t, e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      this.end({ kind: "trap", message: `browser-wasi: ${name} failed: ${e.message ?? "the worker could not start"}` });
    };
    worker.onmessageerror = () => this.end({ kind: "trap", message: `browser-wasi: ${name} could not be sent the module` });
    const p = this.p;
    worker.postMessage({
      module: p.module,
      memory: p.memory,
      memoryModule: p.memoryModule,
      memoryName: p.memoryName,
      ids: p.ids,
      layout: SLOT,
      slot,
      tid,
      arg,
      entry,
    });
    this.serve(t);
  }

  message(t, m) {
    if (this.over) return;
    if (m.type === "trap") {
      const who = t.tid === 0 ? "the main thread" : `thread ${t.tid}`;
      this.end({ kind: "trap", message: `${m.message} (in ${who})` });
    } else if (m.type === "returned") {
      if (t.tid === 0) return this.end({ kind: "returned" });
      // A spawned thread is done: free its worker and its slot's waiter.
      t.done = true;
      this.running--;
      this.threads.delete(t);
      t.worker.terminate();
      Atomics.notify(t.slot, REQ);
    }
  }

  // Answers one thread's calls, one at a time, until it or the program ends.
  async serve(t) {
    const s = t.slot;
    while (!this.over && !t.done) {
      const w = Atomics.waitAsync(s, REQ, t.seen);
      if (w.async) await w.value;
      const burst = performance.now();
      while (!this.over && !t.done) {
        const asked = Atomics.load(s, REQ);
        if (asked === t.seen) break;
        t.seen = asked;
        let r = this.call(s);
        if (r instanceof Promise) r = await r;
        if (this.over || r === undefined) return;
        s[RES] = r;
        Atomics.store(s, ANS, asked);
        Atomics.notify(s, ANS);
        if (performance.now() - burst > BURST_MS || !nextCallSoon(s, asked)) break;
      }
    }
  }

  // The answer to the call in slot `s`: a number, a promise of one (the call
  // waits), or undefined when the program ended.
  call(s) {
    const p = this.p;
    const id = s[FN];
    if (id === p.spawnId) return this.spawn(s[ARGS]);
    const f = p.table[id];
    if (f === undefined) return 52; // ENOSYS: not a function the worker was given
    const [module, name, params, wide] = f;
    const args = new Array(params);
    for (let i = 0; i < params; i++) {
      const lo = s[ARGS + 2 * i];
      args[i] = wide & (1 << i) ? (BigInt(s[ARGS + 2 * i + 1] >>> 0) << 32n) | BigInt(lo >>> 0) : lo >>> 0;
    }
    const d = p.dispatchers[module];
    if (name === "proc_exit") {
      d.proc_exit(args[0]);
      this.end({ kind: "ended" });
      return undefined;
    }
    const r = d[name](...args);
    if (r === p.pending) return this.waitAndRetry(d, name, args);
    if (r === p.raise) {
      this.end({ kind: "ended" });
      return undefined;
    }
    return r;
  }

  // A call that must wait: waits without blocking (the other threads go on)
  // and asks again, until it is answered.
  async waitAndRetry(d, name, args) {
    const p = this.p;
    let r = p.pending;
    while (r === p.pending) {
      const resumed = await d.wait();
      if (this.over) return undefined;
      d.resume(resumed);
      r = d[name](...args);
    }
    if (r === p.raise) {
      this.end({ kind: "ended" });
      return undefined;
    }
    return r;
  }

  // thread-spawn: a new thread id, or -1 (as wasmtime answers) past the
  // limit of running threads or of thread ids.
  spawn(arg) {
    if (this.running >= this.p.maxThreads || this.nextTid > MAX_TID) return -1;
    try {
      this.start(this.nextTid, arg, "wasi_thread_start");
    } catch {
      return -1;
    }
    this.running++;
    this.spawned++;
    return this.nextTid++;
  }
}

// Whether the thread posts its next call (slot[REQ] moves on from `seen`)
// within SPIN_MS.
function nextCallSoon(s, seen) {
  const until = performance.now() + SPIN_MS;
  do {
    if (Atomics.load(s, REQ) !== seen) return true;
  } while (performance.now() < until);
  return false;
}

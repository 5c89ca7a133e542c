// The guest's import object (shim/src/browser/dispatch.rs builds it with
// make_imports). A guest call reaches the shim by one of four routes:
//
// 1. adapter (the usual one): a function of an instance of the adapter
//    module (shim/src/adapter.rs), a wasm function that pushes the run's
//    dispatcher (wasm-bindgen's `__wbg_ptr` of the Rust `Dispatch`, held in
//    the adapter's mutable global `r.p`) and calls the shim's export
//    `dispatch_<name>` directly: wasm to wasm, no JavaScript in between.
// 2. suspending: with JSPI, the calls that may wait (poll_oneoff, and
//    fd_read when stdin is interactive) are `WebAssembly.Suspending` JS
//    functions calling the dispatcher's method; when the shim answers
//    PENDING they await `dispatch.wait()` and ask again, and JSPI suspends
//    the guest meanwhile.
// 3. random_get: a JS function filling guest memory straight from
//    `crypto.getRandomValues` (randomness is the browser's to give).
// 4. proc_exit: the dispatcher's method, which records the code and
//    throws to unwind the guest (only JavaScript can throw).

import { fresh } from "./memory.js";

export function jspi_available() {
  return typeof WebAssembly.Suspending === "function" && typeof WebAssembly.promising === "function";
}

export function promising(f) {
  return WebAssembly.promising(f);
}

// An import that may have to wait: a plain call while the shim answers at
// once; when it answers `pending`, a promise that waits (dispatch.wait())
// and asks again, so JSPI suspends the guest meanwhile. Both importable
// calls that can wait (fd_read, poll_oneoff) take four arguments.
function suspending(dispatch, name, pending) {
  const f = dispatch[name].bind(dispatch);
  return new WebAssembly.Suspending(function (a, b, c, d) {
    const r = f(a, b, c, d);
    if (r !== pending) return r;
    return (async () => {
      let v = r;
      while (v === pending) {
        await dispatch.wait();
        v = f(a, b, c, d);
      }
      return v;
    })();
  });
}

// random_get straight into the guest's memory. `memory.c` is the run's
// view object once the guest's memory is known, null before.
function randomGet(memory) {
  return (ptr, len) => {
    ptr >>>= 0;
    len >>>= 0;
    const c = memory.c;
    if (c === null) return len === 0 ? 0 : 21; // EFAULT
    const u8 = fresh(c).u8;
    if (ptr + len > u8.byteLength) return 21; // EFAULT
    for (let at = 0; at < len; at += 65536) {
      crypto.getRandomValues(new Uint8Array(u8.buffer, ptr + at, Math.min(65536, len - at)));
    }
    return 0;
  };
}

// The shim's exports the adapter calls: `dispatch_<name>` as `<name>`.
let shimExports = null;
// Adapter instances, kept for the next run once a run is over.
const adapterPool = [];

function takeAdapter(adapter, ptr) {
  let a = adapterPool.pop();
  if (!a) {
    const global = new WebAssembly.Global({ value: "i32", mutable: true }, 0);
    a = { global, exports: new WebAssembly.Instance(adapter, { s: shimExports, r: { p: global } }).exports };
  }
  a.global.value = ptr;
  return a;
}

export function release_adapters(used, reuse) {
  for (const a of used) {
    a.global.value = 0; // a stray call now fails instead of reaching a run
    if (reuse) adapterPool.push(a);
  }
}

// Returns [imports, adapters used]: `{ [module]: { [name]: function } }`
// for each import module, with the route each function takes.
export function make_imports(modules, dispatchers, names, jspi, interactive, pending, adapter, raw, memory) {
  if (shimExports === null) {
    shimExports = {};
    for (const name of names[0]) if (raw["dispatch_" + name]) shimExports[name] = raw["dispatch_" + name];
  }
  const imports = {};
  const used = [];
  for (let i = 0; i < modules.length; i++) {
    const d = dispatchers[i];
    const ns = {};
    // wasm-bindgen keeps the address of a Rust object in __wbg_ptr.
    const a = takeAdapter(adapter, d.__wbg_ptr);
    used.push(a);
    for (const name of names[i]) {
      if (jspi && (name === "poll_oneoff" || (name === "fd_read" && interactive))) {
        ns[name] = suspending(d, name, pending);
      } else if (name === "random_get") {
        ns[name] = randomGet(memory);
      } else {
        ns[name] = a.exports[name] ?? d[name].bind(d);
      }
    }
    imports[modules[i]] = ns;
  }
  return [imports, used];
}

export function instantiate_bytes(bytes, imports) {
  return WebAssembly.instantiate(bytes, imports);
}

// Whether a module imports poll_oneoff, the one call that may wait when
// stdin is not interactive.
export function may_wait(module) {
  return WebAssembly.Module.imports(module).some((i) => i.name === "poll_oneoff");
}

const provided = {};

// The imports of a compiled module the shim does not provide, as
// "module.name".
export function unsupported_imports(module, preview1, unstable) {
  provided.wasi_snapshot_preview1 ??= new Set(preview1);
  provided.wasi_unstable ??= new Set(unstable);
  return WebAssembly.Module.imports(module)
    .filter((i) => i.kind !== "function" || !provided[i.module]?.has(i.name))
    .map((i) => `${i.module}.${i.name}`);
}

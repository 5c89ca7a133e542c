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
// 4. proc_exit: a JS function: the dispatcher's method records the code,
//    then it throws the run's exit error to unwind the guest.
//
// Once a run is over (the guest exited, or the host failed: an output
// listener threw), every call answers RAISE, and the adapter (or the JS
// function) throws the run's error instead of returning into the guest:
// a guest that catches the throw with wasm exception handling cannot go on
// calling WASI.

import { fresh, guest_size } from "./memory.js";

export function jspi_available() {
  return typeof WebAssembly.Suspending === "function" && typeof WebAssembly.promising === "function";
}

// Whether directory handles can be moved (Firefox's OPFS; Chrome's moves
// files only): a guest's directory rename in a store is EXDEV without it.
export function can_move_directories() {
  return typeof FileSystemDirectoryHandle !== "undefined" && typeof FileSystemDirectoryHandle.prototype.move === "function";
}

// Whether `value` is a directory handle (a preopen kept in a store).
export function is_directory_handle(value) {
  return typeof FileSystemDirectoryHandle !== "undefined" && value instanceof FileSystemDirectoryHandle;
}

// Serves a run's directory handles: store.js, imported the first time.
export function serve_store_at(url, handles, dispatch) {
  return import(url).then((m) => m.serve(handles, dispatch));
}

export function promising(f) {
  return WebAssembly.promising(f);
}

// An import that may have to wait: a plain call while the shim answers at
// once; when it answers `pending`, a promise that waits (dispatch.wait()),
// gives back what the wait took (dispatch.resume()) and asks again (`again`),
// so JSPI suspends the guest meanwhile.
function settle(dispatch, r, again, pending, raise) {
  if (r === raise) throw dispatch.take_error();
  if (r !== pending) return r;
  return (async () => {
    let v = r;
    while (v === pending) {
      dispatch.resume(await dispatch.wait());
      v = again();
    }
    if (v === raise) throw dispatch.take_error();
    return v;
  })();
}

// The calls that can wait without a store (fd_read, poll_oneoff) take four
// arguments: passed as they are, without a rest array.
function suspending(dispatch, name, pending, raise) {
  const f = dispatch[name].bind(dispatch);
  return new WebAssembly.Suspending((a, b, c, d) => settle(dispatch, f(a, b, c, d), () => f(a, b, c, d), pending, raise));
}

// The same for any call, whatever its arguments: with a preopen kept in a
// directory handle, every descriptor and path call may have to wait for
// the store (see store.js).
function suspendingAny(dispatch, name, pending, raise) {
  const f = dispatch[name].bind(dispatch);
  return new WebAssembly.Suspending((...args) => settle(dispatch, f(...args), () => f(...args), pending, raise));
}

// random_get straight into the guest's memory. `memory.c` is the run's
// view object once the guest's memory is known, null before.
function randomGet(memory) {
  return (ptr, len) => {
    ptr >>>= 0;
    len >>>= 0;
    const c = memory.c;
    if (c === null) return len === 0 ? 0 : 21; // EFAULT
    if (ptr + len > guest_size(c)) return 21; // EFAULT
    const u8 = fresh(c).u8;
    // getRandomValues refuses views of shared memory: fill a copy there.
    const bounce = c.shared ? new Uint8Array(Math.min(len, 65536)) : null;
    for (let at = 0; at < len; at += 65536) {
      const n = Math.min(65536, len - at);
      if (bounce === null) {
        crypto.getRandomValues(new Uint8Array(u8.buffer, ptr + at, n));
      } else {
        const part = bounce.subarray(0, n);
        crypto.getRandomValues(part);
        u8.set(part, ptr + at);
      }
    }
    return 0;
  };
}

// The shim's exports the adapter calls: `dispatch_<name>` as `<name>`.
let shimExports = null;
// Adapter instances, kept for the next run once a run is over.
const adapterPool = [];

function takeAdapter(adapter, dispatch) {
  let a = adapterPool.pop();
  if (!a) {
    const global = new WebAssembly.Global({ value: "i32", mutable: true }, 0);
    const entry = { global, dispatch: null };
    // Throws the run's error (see RAISE above): from JavaScript, so no shim
    // frame is left on the stack.
    const raise = () => {
      throw entry.dispatch === null ? new Error("browser-wasi: this run is over") : entry.dispatch.take_error();
    };
    entry.exports = new WebAssembly.Instance(adapter, { s: shimExports, r: { p: global, raise } }).exports;
    a = entry;
  }
  // wasm-bindgen keeps the address of a Rust object in __wbg_ptr.
  a.global.value = dispatch.__wbg_ptr;
  a.dispatch = dispatch;
  return a;
}

export function release_adapters(used, reuse) {
  for (const a of used) {
    a.global.value = 0; // a stray call now fails instead of reaching a run
    a.dispatch = null;
    if (reuse) adapterPool.push(a);
  }
}

// Returns [imports, adapters used, switch modes]: `{ [module]: { [name]:
// function } }` for each import module, with the route each function takes.
// With a switch module (the WASI object, under JSPI), the calls that may
// wait go through a switch whose `mode` global picks their plain version
// (start) or their suspending one (startAsync); see adapter.rs.
export function make_imports(modules, dispatchers, names, jspi, interactive, pending, raise, adapter, raw, memory, switchModule, store) {
  if (shimExports === null) {
    shimExports = {};
    for (const name of names[0]) if (raw["dispatch_" + name]) shimExports[name] = raw["dispatch_" + name];
  }
  const imports = {};
  const used = [];
  const modes = [];
  for (let i = 0; i < modules.length; i++) {
    const d = dispatchers[i];
    const ns = {};
    const a = takeAdapter(adapter, d);
    used.push(a);
    for (const name of names[i]) {
      if (jspi && store && (name.startsWith("fd_") || name.startsWith("path_"))) {
        ns[name] = suspendingAny(d, name, pending, raise);
      } else if (jspi && (name === "poll_oneoff" || (name === "fd_read" && interactive))) {
        ns[name] = suspending(d, name, pending, raise);
      } else if (name === "proc_exit") {
        ns[name] = (code) => {
          d.proc_exit(code);
          throw d.take_error();
        };
      } else if (name === "random_get") {
        ns[name] = randomGet(memory);
      } else {
        ns[name] = a.exports[name] ?? d[name].bind(d);
      }
    }
    if (switchModule !== null && jspi) {
      const mode = new WebAssembly.Global({ value: "i32", mutable: true }, 0);
      const w = { mode };
      for (const name of ["fd_read", "poll_oneoff"]) {
        w[`${name}_plain`] = a.exports[name];
        w[`${name}_suspending`] = ns[name];
      }
      const sw = new WebAssembly.Instance(switchModule, { w }).exports;
      ns.fd_read = sw.fd_read;
      ns.poll_oneoff = sw.poll_oneoff;
      modes.push(mode);
    }
    imports[modules[i]] = ns;
  }
  return [imports, used, modes];
}

// Sets the switches' mode: 1 for suspending calls, 0 for plain ones.
export function set_modes(modes, suspending) {
  for (const m of modes) m.value = suspending ? 1 : 0;
}

export function instantiate_bytes(bytes, imports) {
  return WebAssembly.instantiate(bytes, imports);
}

// Whether a module imports poll_oneoff, the one call that may wait when
// stdin is not interactive.
export function may_wait(module) {
  return WebAssembly.Module.imports(module).some((i) => i.name === "poll_oneoff");
}

// Whether a threads program can run here: shared memory needs a
// cross-origin isolated page (or a worker of one).
export function threads_available() {
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === "function";
}

// Loads a module of the shim that only some runs need (the threads kernel).
export function import_module(url) {
  return import(url);
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

// The shim's shadow-stack pointer, where the shim exports it (its build
// links with --export=__stack_pointer): a WASI call cut short by the engine
// (a stack overflow in the guest's last frames) never pops its frames, so
// the edge puts the pointer back once the guest's entry point has ended.
export function shim_stack_pointer(raw) {
  const sp = raw.__stack_pointer;
  return sp instanceof WebAssembly.Global ? sp.value : -1;
}

export function set_shim_stack_pointer(raw, value) {
  raw.__stack_pointer.value = value;
}

// `promise`, or a promise that resolves (to undefined) as soon as `signal`
// is aborted, whichever comes first. The abort listener is removed when
// the promise settles, so that a run that waits many times on a signal
// that is never aborted leaves nothing behind.
export function or_abort(promise, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return resolve(undefined);
    const stopped = () => resolve(undefined);
    signal.addEventListener("abort", stopped, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", stopped);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", stopped);
        reject(e);
      },
    );
  });
}

// Calls `dispatcher.stop()` when `signal` is aborted (at once if it already
// is); returns the function that stops watching, called when the run is
// over (its dispatchers are freed then).
export function watch_abort(signal, dispatcher) {
  const stop = () => dispatcher.stop();
  if (signal.aborted) {
    stop();
    return () => {};
  }
  signal.addEventListener("abort", stop, { once: true });
  return () => signal.removeEventListener("abort", stop);
}

// A wasip2 component's lowered import or resource.drop, as core wasm
// calls it: its arguments go to `call` with the function's key, and what
// `call` returns (a number, a BigInt, or nothing) is the result
// (shim/src/browser/component.rs answers; it throws to end the run). One
// that may wait (a pollable's block, poll) is, with JSPI, a Suspending
// function: when `call` answers `{ wait: ms }` instead, the guest is
// suspended that long, and the call made again.
export function component_function(call, key, waits) {
  if (!waits) return (...args) => call(key, args);
  return new WebAssembly.Suspending(async (...args) => {
    for (;;) {
      const r = call(key, args);
      if (typeof r !== "object" || r === null) return r;
      await new Promise((resolve) => setTimeout(resolve, r.wait));
    }
  });
}

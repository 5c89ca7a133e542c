// Clocks, randomness and blocking for the shim (shim/src/browser/host.rs).

let cell = null;

export function monotonic_ms() {
  return performance.now();
}

export function realtime_ms() {
  return performance.timeOrigin + performance.now();
}

export function fill_random(view) {
  crypto.getRandomValues(view);
}

export function sleep_ms(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Blocks the thread for `ms` milliseconds where that is allowed: in a
// worker of a cross-origin isolated page. Returns false elsewhere.
export function block_ms(ms) {
  if (typeof SharedArrayBuffer !== "function" || typeof WorkerGlobalScope === "undefined") return false;
  try {
    cell ??= new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(cell, 0, 0, ms);
    return true;
  } catch {
    return false;
  }
}

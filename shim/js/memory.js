// Guest memory for the shim: access (shim/src/browser/guest_memory.rs) and
// output capture (shim/src/browser/capture.rs). One file, not two: the
// wasm-bindgen test runner's server stalls when a page loads more than four
// snippet modules at once, so the shim keeps to three.
//
// Access
//
// Every access is one call that takes only numbers and the run's view
// object `{ memory, u8, dv }`, and copies straight between the guest's
// memory and the shim's own: no typed-array objects cross into Rust, and
// small values go through a DataView. `memory.grow` detaches the old
// ArrayBuffer (its views then have length 0); `fresh` notices that and takes
// new views, for the guest's memory and for the shim's own.

let shimMemory = null;
let shimU8 = null;

/** The shim's own memory as bytes (a fresh view after it grew). */
export function shimBytes() {
  if (shimU8 === null || shimU8.byteLength === 0) shimU8 = new Uint8Array(shimMemory.buffer);
  return shimU8;
}

/** The run's view object, with views renewed if the guest's memory grew. */
export function fresh(c) {
  if (c.u8.byteLength === 0) {
    c.u8 = new Uint8Array(c.memory.buffer);
    c.dv = new DataView(c.memory.buffer);
  }
  return c;
}

export function set_shim_memory(m) {
  shimMemory = m;
  shimU8 = null;
}

export function guest_view(memory) {
  const buffer = memory.buffer;
  const shared = typeof SharedArrayBuffer === "function" && buffer instanceof SharedArrayBuffer;
  return { memory, shared, u8: new Uint8Array(buffer), dv: new DataView(buffer) };
}

// The memory's size. A grown shared memory keeps its old buffer (it is not
// detached, just shorter than the memory now): renew the views from the
// memory's current buffer. Only asked when a cached size is too small.
export function guest_size(c) {
  if (c.shared) {
    const buffer = c.memory.buffer;
    if (buffer.byteLength !== c.u8.byteLength) {
      c.u8 = new Uint8Array(buffer);
      c.dv = new DataView(buffer);
    }
  }
  return fresh(c).u8.byteLength;
}

// Small copies go byte by byte: creating a subarray costs more than that.
export function guest_read(c, ptr, len, dst) {
  const from = fresh(c).u8;
  const to = shimBytes();
  if (len <= 64) for (let i = 0; i < len; i++) to[dst + i] = from[ptr + i];
  else to.set(from.subarray(ptr, ptr + len), dst);
}

export function guest_write(c, ptr, src, len) {
  const from = shimBytes();
  const to = fresh(c).u8;
  if (len <= 64) for (let i = 0; i < len; i++) to[ptr + i] = from[src + i];
  else to.set(from.subarray(src, src + len), ptr);
}

export function guest_read_u32(c, ptr) {
  return fresh(c).dv.getUint32(ptr, true);
}

export function guest_write_u32(c, ptr, v) {
  fresh(c).dv.setUint32(ptr, v, true);
}

export function guest_write_u64(c, ptr, lo, hi) {
  const dv = fresh(c).dv;
  dv.setUint32(ptr, lo, true);
  dv.setUint32(ptr + 4, hi, true);
}

export function guest_fill_zero(c, ptr, len) {
  fresh(c).u8.fill(0, ptr, ptr + len);
}

// Copies part of a byte array the page gave (a file's contents) into the
// guest's memory; false if the array was detached (transferred) meanwhile.
export function guest_write_js(c, ptr, bytes, from, len) {
  if (from + len > bytes.length) return false;
  fresh(c).u8.set(bytes.subarray(from, from + len), ptr);
  return true;
}

// Output capture: one fd_write's
// buffers copied once, from guest memory into JS arrays. Small writes are
// packed into shared 64 KiB blocks; a listener gets its own copy.

// A capture keeps up to `limit` bytes; past that, writes still go to the
// listener, and `dropped` counts what was not kept. A listener that throws
// is not called again: its error is kept in `error` and the call answers 1,
// and the shim ends the run.
export function capture_new(limit) {
  return { chunks: [], length: 0, block: null, at: 0, limit, dropped: 0, error: null };
}

function tell(cap, listener, chunk) {
  if (!listener || cap.error !== null) return 0;
  try {
    listener(chunk);
    return 0;
  } catch (e) {
    cap.error = e;
    return 1;
  }
}

// Whether `len` more bytes are kept (once one write is dropped, every later
// one is too, so that what is kept is a prefix of the output).
function keeps(cap, len) {
  if (cap.dropped === 0 && cap.length + len <= cap.limit) return true;
  cap.dropped += len;
  return false;
}

export function capture_dropped(cap) {
  return cap.dropped;
}

export function capture_error(cap) {
  return cap.error;
}

function seal(cap) {
  if (cap.at > 0) cap.chunks.push(cap.block.subarray(0, cap.at));
  cap.block = null;
  cap.at = 0;
}

// The common case, one buffer, passed as numbers.
export function capture_one(c, cap, ptr, len, listener) {
  if (cap.error !== null) return 1;
  const u8 = fresh(c).u8;
  if (!keeps(cap, len)) return listener ? tell(cap, listener, u8.slice(ptr, ptr + len)) : 0;
  cap.length += len;
  if (len <= 4096) {
    if (cap.block === null || cap.at + len > cap.block.length) {
      seal(cap);
      cap.block = new Uint8Array(65536);
    }
    const block = cap.block;
    const start = cap.at;
    if (len <= 64) for (let i = 0; i < len; i++) block[start + i] = u8[ptr + i];
    else block.set(u8.subarray(ptr, ptr + len), start);
    cap.at = start + len;
    return listener ? tell(cap, listener, block.slice(start, start + len)) : 0;
  }
  seal(cap);
  const chunk = u8.slice(ptr, ptr + len);
  cap.chunks.push(chunk);
  return listener ? tell(cap, listener, chunk.slice()) : 0;
}

// Several buffers: n (ptr, len) pairs of u32 in the shim's memory at iovs.
function gatherIovecs(u8, v, n, total) {
  const chunk = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < n; i++) {
    chunk.set(u8.subarray(v[2 * i], v[2 * i] + v[2 * i + 1]), at);
    at += v[2 * i + 1];
  }
  return chunk;
}

export function capture_iovecs(c, cap, iovs, n, total, listener) {
  if (cap.error !== null) return 1;
  const u8 = fresh(c).u8;
  const v = new Uint32Array(shimBytes().buffer, iovs, n * 2);
  if (!keeps(cap, total)) return listener ? tell(cap, listener, gatherIovecs(u8, v, n, total)) : 0;
  cap.length += total;
  if (total <= 4096) {
    if (cap.block === null || cap.at + total > cap.block.length) {
      seal(cap);
      cap.block = new Uint8Array(65536);
    }
    const start = cap.at;
    for (let i = 0; i < n; i++) {
      cap.block.set(u8.subarray(v[2 * i], v[2 * i] + v[2 * i + 1]), cap.at);
      cap.at += v[2 * i + 1];
    }
    return listener ? tell(cap, listener, cap.block.slice(start, cap.at)) : 0;
  }
  seal(cap);
  const chunk = n === 1 ? u8.slice(v[0], v[0] + v[1]) : gatherIovecs(u8, v, n, total);
  cap.chunks.push(chunk);
  return listener ? tell(cap, listener, chunk.slice()) : 0;
}

// Bytes from the shim's own memory (what a Rust sink was given).
export function capture_bytes(cap, ptr, len, listener) {
  const chunk = shimBytes().slice(ptr, ptr + len);
  if (!keeps(cap, len)) return tell(cap, listener, chunk);
  seal(cap);
  cap.chunks.push(chunk);
  cap.length += len;
  return tell(cap, listener, chunk.slice());
}

// Everything captured, as one array.
export function capture_take(cap) {
  seal(cap);
  if (cap.chunks.length === 1) return cap.chunks[0];
  const out = new Uint8Array(cap.length);
  let at = 0;
  for (const c of cap.chunks) {
    out.set(c, at);
    at += c.length;
  }
  cap.chunks = [out];
  return out;
}

// What the browser tests need from the page, beyond the shim: timers that
// mark when they fired, and directory handles with one behaviour changed.
//
// One module for every test binary, not an inline snippet each: the
// wasm-bindgen test runner's server (tiny_http) can leave a connection
// unserved when a page fetches more than four modules at once, and the
// shim's own three leave room for one more.

// An object whose `at` becomes performance.now() once `ms` have passed (0
// until then).
export function mark_after(ms) {
  const m = { at: 0 };
  setTimeout(() => {
    m.at = performance.now();
  }, ms);
  return m;
}

export function now() {
  return performance.now();
}

export function abort_after(controller, ms) {
  setTimeout(() => controller.abort(), ms);
}

// A directory handle that is `dir` in every way but one: its files' writable
// streams refuse to write past `quota` bytes (QuotaExceededError), as a full
// origin quota does. It passes for a FileSystemDirectoryHandle.
export function quota_handle(dir, quota) {
  const wrapFile = (f) => Object.create(FileSystemFileHandle.prototype, {
    kind: { value: "file" }, name: { value: f.name },
    getFile: { value: () => f.getFile() },
    move: { value: (parent, name) => f.move(parent.inner ?? parent, name) },
    createWritable: { value: async (o) => {
      const w = await f.createWritable(o);
      const refuse = (end) => { if (end > quota) throw new DOMException("over quota", "QuotaExceededError"); };
      return {
        truncate: (n) => { refuse(n); return w.truncate(n); },
        write: (x) => { refuse((x.position ?? 0) + (x.data ?? x).byteLength); return w.write(x); },
        close: () => w.close(),
        abort: () => w.abort(),
      };
    } },
  });
  const wrapDir = (d) => Object.create(FileSystemDirectoryHandle.prototype, {
    kind: { value: "directory" }, name: { value: d.name }, inner: { value: d },
    entries: { value: async function* () {
      for await (const [n, h] of d.entries()) yield [n, h.kind === "file" ? wrapFile(h) : wrapDir(h)];
    } },
    getDirectoryHandle: { value: async (n, o) => wrapDir(await d.getDirectoryHandle(n, o)) },
    getFileHandle: { value: async (n, o) => wrapFile(await d.getFileHandle(n, o)) },
    removeEntry: { value: (n, o) => d.removeEntry(n, o) },
  });
  return wrapDir(dir);
}

// A file of `size` bytes, zeros but for `marks` ([offset, text] pairs):
// written sparsely, in a moment, whatever its size.
export async function sparse_file(dir, name, size, marks) {
  const f = await dir.getFileHandle(name, { create: true });
  const w = await f.createWritable();
  await w.truncate(size);
  for (const [at, text] of marks) await w.write({ type: "write", position: at, data: text });
  await w.close();
}

export function can_move_directories() {
  return typeof FileSystemDirectoryHandle.prototype.move === "function";
}

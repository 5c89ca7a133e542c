// Runs one WASI program at a time with browser-wasi for the playground, on
// whichever side it is loaded: the runner worker (runner.js) for most
// programs, the page itself (playground/js/page.js) for wasi-threads programs,
// whose threads are workers already and whose kernel never blocks.
//
// Messages in (receive):  { type: "run", module, args, env, stdin, interactive, preopens, readonly,
//                           workspace, folder }
//                         (workspace: the guest path of the persistent workspace, an OPFS
//                         directory; folder: { path, handle }, a local folder the user picked)
//                         { type: "stdin", text } / { type: "eof" }   (interactive stdin)
//                         { type: "stop" }   (aborts the run's signal)
// Messages out (post):    { type: "stdin-wanted" }   (the program waits for input)
//                         { type: "output", stream: "stdout" | "stderr", chunk }
//                         { type: "done", exitCode, trap, stopped, ms, threads, files, contents }
//                         { type: "error", name, message }
//
// Stopping aborts the run's signal: a threads program ends at once, any
// other at its next WASI call (or in a sleep or a stdin wait), and "done"
// comes with `stopped` and the files as the program left them. A program
// that spins without calls never sees it: the page then terminates the
// runner worker.
export function programRunner(runWasi, post) {
  // Output is forwarded in batches: at most one message per stream every
  // 16 ms while the program writes, and whatever is left when it pauses or
  // ends.
  const pending = { stdout: [], stderr: [] };
  let lastPost = 0;
  let timer = 0;

  function flush() {
    if (timer) clearTimeout(timer);
    timer = 0;
    lastPost = performance.now();
    for (const stream of ["stdout", "stderr"]) {
      const parts = pending[stream];
      if (parts.length === 0) continue;
      const chunk = parts.length === 1 ? parts[0] : concat(parts);
      pending[stream] = [];
      post({ type: "output", stream, chunk }, [chunk.buffer]);
    }
  }

  function collect(stream) {
    return (chunk) => {
      pending[stream].push(chunk);
      if (performance.now() - lastPost >= 16) flush();
      else if (!timer) timer = setTimeout(flush, 16);
    };
  }

  // Interactive stdin: lines the page sent and the program has not asked
  // for yet, or the program's pending request for more.
  const typed = [];
  let waiting = null;
  let ended = false;
  function nextInput() {
    if (typed.length > 0) return typed.shift();
    if (ended) return null;
    flush();
    post({ type: "stdin-wanted" });
    return new Promise((resolve) => {
      waiting = resolve;
    });
  }
  function deliver(text) {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w(text);
    } else if (text !== null) typed.push(text);
  }

  const controller = new AbortController();
  function stop() {
    controller.abort();
    // A program waiting for typed input stops waiting.
    ended = true;
    deliver(null);
  }

  async function run(data) {
    const started = performance.now();
    try {
      // Directories kept in handles: the program reads and writes them in
      // place, and the page lists them afterwards from the handles.
      const preopens = { ...data.preopens };
      const handles = [];
      if (data.workspace) handles.push([data.workspace, await workspaceDir()]);
      if (data.folder) handles.push([data.folder.path, data.folder.handle]);
      for (const [path, handle] of handles) preopens[path] = handle;
      // What the handles held before, to tell what the run changed.
      const before = new Map();
      for (const [path, handle] of handles) await listHandle(handle, path, [], null, before, { entries: 5000, bytes: 0 });
      const result = await runWasi(data.module, {
        args: data.args,
        env: data.env,
        stdin: data.interactive ? nextInput : data.stdin,
        preopens,
        readonly: data.readonly,
        onStdout: collect("stdout"),
        onStderr: collect("stderr"),
        signal: controller.signal,
      });
      const ms = performance.now() - started;
      flush();
      const files = result.listFiles();
      const contents = {};
      for (const f of files) {
        if (f.type === "file") contents[f.path] = result.readPath(f.path);
      }
      const budget = { entries: 5000, bytes: 32 << 20 };
      for (const [path, handle] of handles) await listHandle(handle, path, files, contents, before, budget);
      const { exitCode, trap, stopped, threads, storeError } = result;
      post({ type: "done", exitCode, trap, stopped, ms, threads, files, contents, storeError });
      result.free();
    } catch (e) {
      flush();
      post({ type: "error", name: e.name ?? "Error", message: e.message ?? String(e) });
    }
  }

  return {
    receive(data) {
      if (data.type === "stdin") return deliver(data.text);
      if (data.type === "eof") {
        ended = true;
        return deliver(null);
      }
      if (data.type === "stop") return stop();
      if (data.type === "run") run(data);
    },
    stop,
  };
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// The playground's persistent workspace: a directory in the origin private
// file system, still there after a reload.
export async function workspaceDir() {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle("playground-workspace", { create: true });
}

// Lists what a directory handle holds, as result.listFiles() does, with the
// bytes of the smaller files (within `budget`) for the file viewer (unless
// `contents` is null). `seen` maps a file's path to its size and time as
// they were before the run: one that differs, or is new, was changed by it;
// without `contents`, `seen` is filled in instead.
async function listHandle(dir, path, files, contents, seen, budget) {
  for await (const [name, handle] of dir.entries()) {
    if (budget.entries-- <= 0) return;
    const at = `${path.replace(/\/$/, "")}/${name}`;
    if (handle.kind === "directory") {
      files.push({ path: at, type: "directory", size: 0, mtime: 0 });
      await listHandle(handle, at, files, contents, seen, budget);
    } else {
      const file = await handle.getFile();
      const meta = `${file.size} ${file.lastModified}`;
      if (contents === null) {
        seen.set(at, meta);
        continue;
      }
      files.push({ path: at, type: "file", size: file.size, mtime: file.lastModified, changed: seen.get(at) !== meta });
      if (file.size <= 1 << 20 && file.size <= budget.bytes) {
        budget.bytes -= file.size;
        contents[at] = new Uint8Array(await file.arrayBuffer());
      }
    }
  }
}

// The playground page's own JavaScript, one wasm-bindgen snippet (the test
// runner's server stalls a page that fetches more than four modules at
// once, and the shim has three): running a wasi-threads program on the
// page, the directories kept in handles (the persistent workspace, a local
// folder), archives, and downloads.

// Runs a wasi-threads program on the page itself (playground/src/runner.rs
// uses this instead of the runner worker for one). Its threads are workers
// of their own and the kernel that serves their calls never blocks, so the
// page stays responsive; Stop aborts the run's signal (a "stop" message),
// which terminates every thread at once. Running the kernel here rather than in the runner
// worker also spares a level of nested workers.
//
// start_on_page(onmessage) returns { postMessage, terminate }, shaped like
// the runner worker: onmessage receives { data } events, first
// { type: "ready" } once browser-wasi is loaded.

let loaded = null;

// browser-wasi's package and run_program.js, from the page's directory
// (this file is a wasm-bindgen snippet, served from elsewhere).
function load() {
  loaded ??= Promise.all([
    import(new URL("pkg/index.js", document.baseURI).href),
    import(new URL("run_program.js", document.baseURI).href),
  ]).then(async ([pkg, { programRunner }]) => {
    await pkg.default();
    return { runWasi: pkg.runWasi, programRunner };
  });
  return loaded;
}

export function start_on_page(onmessage) {
  let live = true;
  let runner = null;
  const queued = [];
  const deliver = (data) => {
    if (live) onmessage({ data });
  };
  load().then(
    ({ runWasi, programRunner }) => {
      if (!live) return;
      runner = programRunner(runWasi, deliver);
      deliver({ type: "ready" });
      for (const m of queued.splice(0)) runner.receive(m);
    },
    (e) => deliver({ type: "error", name: e.name ?? "Error", message: `browser-wasi could not be loaded: ${e.message ?? e}` }),
  );
  return {
    postMessage(data) {
      if (runner) runner.receive(data);
      else queued.push(data);
    },
    // Stops the run and drops whatever it reports afterwards.
    terminate() {
      live = false;
      runner?.stop();
    },
  };
}

// The page's side of the directories kept in handles (a wasm-bindgen
// snippet of the playground): the persistent workspace in the origin private
// file system, and a local folder the user picks (Chromium has
// showDirectoryPicker; Firefox does not).

// The workspace directory (the same one run_program.js gives the program).
async function workspace() {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle("playground-workspace", { create: true });
}

// Removes everything in the workspace.
export async function clear_workspace() {
  const dir = await workspace();
  const names = [];
  for await (const [name] of dir.entries()) names.push(name);
  for (const name of names) await dir.removeEntry(name, { recursive: true });
}

// How many entries the workspace holds at its top.
export async function workspace_entries() {
  const names = [];
  for await (const name of (await workspace()).keys()) names.push(name);
  return names.length;
}

export function can_pick_folder() {
  return typeof window.showDirectoryPicker === "function";
}

// A folder the user picks, read-write; null if they cancel.
export async function pick_folder() {
  try {
    return await window.showDirectoryPicker({ mode: "readwrite" });
  } catch (e) {
    if (e.name === "AbortError") return null;
    throw e;
  }
}

// The package's archive functions (pkg/archive.js, from the page's
// directory: this file is a snippet, served from elsewhere), loaded on
// first use.
let archives = null;
function archive() {
  archives ??= import(new URL("pkg/archive.js", document.baseURI).href);
  return archives;
}

// A .zip, .tar or .tar.gz's entries: [{ path, type, bytes?, target? }].
export async function read_archive(bytes) {
  return (await archive()).readArchive(bytes);
}

// `entries` ([{ path, type, bytes, mtime }]) as an archive of `format`.
export async function write_archive(entries, format) {
  return (await archive()).exportArchive(entries, format);
}

// A directory handle as an archive of `format`, read from the handle
// (every file, with its time); null: the workspace.
export async function handle_archive(handle, format) {
  return (await archive()).exportArchive(handle ?? (await workspace()), format);
}

// Offers bytes as a download. The link is in the document while it is
// clicked and its URL lives a minute: Firefox starts a download after the
// click returns, and fails it if the URL is gone by then.
export function download(bytes, name) {
  const url = URL.createObjectURL(new Blob([bytes]));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.style.display = "none";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

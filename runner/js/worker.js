// The runner's worker: runs the program with browser-wasi's WASI object.
// Each --dir becomes a preopen built from the runner's manifest, whose
// files are fetched (synchronously, as the program reads them) only when
// first read; stdout and stderr go to the page as they are written; stdin
// is fetched as the program asks for it. After the run, what the program
// changed in each directory goes back to the runner, then how it ended.
import init, { WASI } from "/pkg/index.js";

const report = (result) => postMessage({ kind: "done", result });

function fetchSync(url) {
  const x = new XMLHttpRequest();
  x.open("GET", url, false);
  x.responseType = "arraybuffer";
  x.send();
  if (x.status !== 200) throw new Error(`${url}: HTTP ${x.status}`);
  return new Uint8Array(x.response);
}

// A manifest (parents before their entries) as a DirSpec.
function dirSpec(index, entries) {
  const root = Object.create(null);
  const dirs = new Map([["", root]]);
  for (const e of entries) {
    const cut = e.path.lastIndexOf("/");
    const parent = dirs.get(cut < 0 ? "" : e.path.slice(0, cut));
    const name = e.path.slice(cut + 1);
    if (e.type === "dir") {
      const d = Object.create(null);
      parent[name] = d;
      dirs.set(e.path, d);
    } else if (e.type === "symlink") {
      parent[name] = { symlink: e.target };
    } else {
      const url = `/dir/${index}/file?path=${encodeURIComponent(e.path)}`;
      parent[name] = { size: e.size, read: () => fetchSync(url) };
    }
  }
  return root;
}

async function post(url, body, method = "POST") {
  const r = await fetch(url, { method, body });
  if (!r.ok) throw new Error(`${url}: ${await r.text()}`);
}

// What the program changed below one preopen, sent back: removals and new
// directories first, then the files it wrote, then links and times.
async function sendChanges(wasi, index, guest, before, after) {
  const prefix = guest.replace(/\/+$/, "");
  const rel = (path) => path.slice(prefix.length + 1);
  const mine = (e) => e.path.startsWith(`${prefix}/`);
  const old = new Map(before.filter(mine).map((e) => [e.path, e]));
  const now = new Map(after.filter(mine).map((e) => [e.path, e]));
  const remove = [];
  const mkdir = [];
  const files = [];
  const symlinks = [];
  const times = [];
  for (const [path, e] of old) {
    const n = now.get(path);
    if (!n || n.type !== e.type) remove.push(rel(path));
  }
  for (const [path, e] of now) {
    const o = old.get(path);
    const fresh = !o || o.type !== e.type;
    if (e.type === "directory") {
      if (fresh) mkdir.push(rel(path));
      if (fresh || o.mtime !== e.mtime) times.push([rel(path), e.mtime]);
    } else if (e.type === "symlink") {
      if (fresh || o.target !== e.target || o.mtime !== e.mtime) {
        symlinks.push({ path: rel(path), type: "symlink", target: e.target });
      }
    } else if (fresh || o.size !== e.size || o.mtime !== e.mtime) {
      files.push(path);
      times.push([rel(path), e.mtime]);
    }
  }
  if (remove.length + mkdir.length + files.length + symlinks.length === 0 && times.length === 0) return;
  // Read every file first: one the program renamed may still read its
  // bytes from its old host path, which the removals below take away.
  const contents = files.map((path) => {
    const bytes = wasi.readPath(path);
    if (!(bytes instanceof Uint8Array)) throw new Error(`could not read ${path} back`);
    return [rel(path), bytes];
  });
  await post(`/dir/${index}/prepare`, JSON.stringify({ remove, mkdir }));
  for (const [path, bytes] of contents) {
    await post(`/dir/${index}/file?path=${encodeURIComponent(path)}`, bytes, "PUT");
  }
  // Times last: writing the files changed their directories' again.
  await post(`/dir/${index}/finish`, JSON.stringify({ symlinks, times }));
}

async function main() {
  await init({ module_or_path: "/pkg/browser_wasi_bg.wasm" });
  const config = await (await fetch("/config")).json();
  const manifests = await Promise.all(config.dirs.map((_, i) => fetch(`/dir/${i}/manifest`).then((r) => r.json())));
  const preopens = {};
  config.dirs.forEach((guest, i) => (preopens[guest] = dirSpec(i, manifests[i])));
  const out = (stream) => (chunk) => postMessage({ kind: "out", stream, chunk }, [chunk.buffer]);
  const wasi = new WASI({
    version: "preview1",
    args: config.argv,
    env: Object.fromEntries(config.env),
    preopens,
    stdin: async () => {
      const r = await fetch("/stdin");
      return r.status === 204 ? null : new Uint8Array(await r.arrayBuffer());
    },
    stdout: out(1),
    stderr: out(2),
  });
  const before = wasi.listFiles();
  let module;
  try {
    module = await WebAssembly.compileStreaming(fetch("/module.wasm"));
  } catch (e) {
    return report({ error: `the browser could not compile the module: ${e.message}` });
  }
  // A wasi-threads program needs runWasi's kernel, which the runner does not
  // use yet (it keeps one WASI object's files to write them back).
  if (WebAssembly.Module.imports(module).some((i) => i.module === "wasi" && i.name === "thread-spawn")) {
    return report({
      error: "this is a wasi-threads program (wasm32-wasip1-threads), which browser-wasi-runner does not run yet: build it for wasm32-wasip1, or run it with runWasi",
    });
  }
  let instance;
  try {
    instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  } catch (e) {
    return report({ error: `the browser could not instantiate the module: ${e.message}` });
  }
  const result = { exit: null, trap: null };
  try {
    result.exit = await wasi.startAsync(instance);
  } catch (e) {
    if (e.name === "WasiExitError") result.exit = e.code;
    else result.trap = `${e.name}: ${e.message}`;
  }
  const after = wasi.listFiles();
  for (const [i, guest] of config.dirs.entries()) await sendChanges(wasi, i, guest, before, after);
  report(result);
}

main().catch((e) => report({ error: `${e.name}: ${e.message}` }));

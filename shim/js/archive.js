// Archives in and out of browser-wasi: importArchive and exportArchive,
// re-exported by index.js. The formats are a WebAssembly package of their
// own (archive/ in the repository: the zip, tar and flate2 crates), loaded
// the first time one of these is called, so a page that never uses an
// archive never loads it.

let loaded = null;

function archive() {
  loaded ??= import("./archive/browser_wasi_archive.js").then(async (m) => {
    await m.default();
    return m;
  });
  return loaded;
}

const isHandle = (v) => typeof FileSystemDirectoryHandle !== "undefined" && v instanceof FileSystemDirectoryHandle;

// A .zip, .tar or .tar.gz (told by its first bytes) as a DirSpec, to give
// as a preopen: directories, files (bytes) and symlinks ({ symlink }).
export async function importArchive(bytes, { maxBytes } = {}) {
  const entries = (await archive()).readArchive(await asBytes(bytes), maxBytes);
  const root = Object.create(null);
  for (const e of entries) {
    const parts = e.path.split("/");
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      if (!(part in dir)) dir[part] = Object.create(null);
      dir = dir[part];
    }
    const leaf = parts[parts.length - 1];
    if (e.type === "directory") dir[leaf] ??= Object.create(null);
    else dir[leaf] = e.type === "symlink" ? { symlink: e.target } : e.bytes;
  }
  return root;
}

// The entries of an archive, with their times: [{ path, type, bytes?,
// target?, mtime }] (mtime in ms since the epoch).
export async function readArchive(bytes, { maxBytes } = {}) {
  return (await archive()).readArchive(await asBytes(bytes), maxBytes);
}

// An archive ("zip", "tar" or "tar.gz") of `source`: a DirSpec, a
// FileSystemDirectoryHandle (OPFS, a picked folder: read now, with its
// files' times), a run's result or a WASI object with `guestPath` (one of
// its preopens, with the times the program left), or entries as
// readArchive gives them.
export async function exportArchive(source, format, { guestPath } = {}) {
  let entries;
  if (Array.isArray(source)) entries = source;
  else if (isHandle(source)) entries = await handleEntries(source, "");
  else if (typeof source?.listFiles === "function") entries = resultEntries(source, guestPath);
  else entries = specEntries(source, "");
  return (await archive()).writeArchive(entries, format);
}

async function asBytes(v) {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (typeof v?.arrayBuffer === "function") return new Uint8Array(await v.arrayBuffer()); // a Blob, a File, a Response
  throw new TypeError("an archive must be a Uint8Array, an ArrayBuffer, a Blob or a Response");
}

async function handleEntries(dir, prefix) {
  const out = [];
  for await (const [name, handle] of dir.entries()) {
    const path = prefix + name;
    if (handle.kind === "directory") {
      out.push({ path, type: "directory", mtime: 0 });
      out.push(...(await handleEntries(handle, `${path}/`)));
    } else {
      const file = await handle.getFile();
      out.push({ path, type: "file", bytes: new Uint8Array(await file.arrayBuffer()), mtime: file.lastModified });
    }
  }
  return out;
}

function resultEntries(result, guestPath) {
  if (typeof guestPath !== "string") throw new TypeError("exporting a run's files needs { guestPath }, one of its preopens");
  const root = guestPath.replace(/\/+$/, "");
  const out = [];
  for (const f of result.listFiles()) {
    if (!f.path.startsWith(`${root}/`)) continue;
    const path = f.path.slice(root.length + 1);
    if (f.type === "directory") out.push({ path, type: "directory", mtime: f.mtime });
    else if (f.type === "symlink") out.push({ path, type: "symlink", target: f.target, mtime: f.mtime });
    else out.push({ path, type: "file", bytes: result.readPath(f.path), mtime: f.mtime });
  }
  return out;
}

function specEntries(spec, prefix) {
  const out = [];
  for (const [name, v] of Object.entries(spec ?? {})) {
    const path = prefix + name;
    if (v instanceof Uint8Array) out.push({ path, type: "file", bytes: v });
    else if (v instanceof ArrayBuffer) out.push({ path, type: "file", bytes: new Uint8Array(v) });
    else if (typeof v === "string") out.push({ path, type: "file", bytes: new TextEncoder().encode(v) });
    else if (v && typeof v.symlink === "string") out.push({ path, type: "symlink", target: v.symlink });
    else {
      out.push({ path, type: "directory" });
      out.push(...specEntries(v, `${path}/`));
    }
  }
  return out;
}

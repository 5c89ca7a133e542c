// The browser's side of a preopen kept in a directory handle
// (`FileSystemDirectoryHandle`: OPFS, or a folder the user picked). The
// core (shim/src/vfs/store.rs) asks for what it has not seen and queues
// what the guest changed; `serve` does both, asynchronously, while JSPI
// keeps the guest suspended (dispatch.rs calls it from `Dispatch::wait`
// and at the end of a run). Loaded only when such a run needs it, with no
// imports of its own (the test runner serves it from a blob URL).
//
// `handles` maps the core's keys to handles; `dispatch` is the run's
// dispatcher: `store_next` gives what to do, `store_listing` and
// `store_done` hand back what came of it.

// A listing, a read or a change failed: the errno the guest gets.
function errnoOf(e) {
  switch (e && e.name) {
    case "QuotaExceededError":
      return 51; // ENOSPC
    case "NotFoundError":
      return 44; // ENOENT
    case "InvalidModificationError":
      return 55; // ENOTEMPTY (removing a directory with entries)
    case "TypeMismatchError":
      return 54; // ENOTDIR
    case "NoModificationAllowedError":
      return 10; // EBUSY (another tab holds the file open)
    case "NotAllowedError":
    case "SecurityError":
      return 2; // EACCES (permission withdrawn)
    default:
      return 29; // EIO (a file changed by someone else: NotReadableError, AbortError)
  }
}

// What a run's store knows besides the handles the core's keys name: where
// each entry is (its parent's key, its name, whether it is a directory), so
// that a handle a directory's move left stale (Firefox) is found again, and
// each file's `File` snapshot, until it is written.
const states = new WeakMap();

function stateOf(handles) {
  let st = states.get(handles);
  if (!st) states.set(handles, (st = { handles, places: new Map(), files: new Map() }));
  return st;
}

// The handle of entry `key`: the one kept, or found again from its parent.
async function handleOf(st, key) {
  let h = st.handles.get(key);
  if (h === undefined) {
    const p = st.places.get(key);
    const parent = await handleOf(st, p.parent);
    h = p.dir ? await parent.getDirectoryHandle(p.name) : await parent.getFileHandle(p.name);
    st.handles.set(key, h);
  }
  return h;
}

function keep(st, key, handle, parent, name, dir) {
  st.handles.set(key, handle);
  st.places.set(key, { parent, name, dir });
}

// After directory `key` moved: every handle below it may be stale (Firefox
// keeps a moved directory's own handle, not its entries'), so they are
// found again from it when next needed.
function forgetBelow(st, key) {
  for (const k of st.places.keys()) {
    for (let up = st.places.get(k)?.parent; up !== undefined; up = st.places.get(up)?.parent) {
      if (up === key) {
        st.handles.delete(k);
        st.files.delete(k);
        break;
      }
    }
  }
}

async function fileOf(st, key) {
  let f = st.files.get(key);
  if (!f) {
    f = await (await handleOf(st, key)).getFile();
    st.files.set(key, f);
  }
  return f;
}

// Lists directory `key` (inode `ino`) into the core, and keeps the handles
// of its entries under the keys the core gives them. Entries whose names are
// not well-formed Unicode (a lone surrogate) are left out: a guest's names
// are UTF-8.
async function list(st, dispatch, ino, key) {
  const names = [];
  const meta = []; // kind (1: directory), size, mtime (ms), per entry
  const found = [];
  for await (const [name, handle] of (await handleOf(st, key)).entries()) {
    if (typeof name.isWellFormed === "function" && !name.isWellFormed()) continue;
    names.push(name);
    found.push(handle);
    if (handle.kind === "directory") {
      meta.push(1, 0, 0);
    } else {
      const file = await handle.getFile();
      meta.push(0, file.size, file.lastModified);
    }
  }
  const keys = dispatch.store_listing(ino, names, new Float64Array(meta));
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== 0) keep(st, keys[i], found[i], key, names[i], found[i].kind === "directory");
  }
}

async function read(st, dispatch, key, offset, len) {
  const file = await fileOf(st, key);
  const bytes = new Uint8Array(await file.slice(offset, offset + len).arrayBuffer());
  // Short: the file shrank under the run (someone else changed it).
  if (bytes.length !== len) throw new DOMException("the file changed", "NotReadableError");
  dispatch.store_done(0, key, offset, bytes);
}

// Makes file `key` hold what inode `ino` holds (`data`: its size, how much
// of the store's bytes are still its own, then each chunk it wrote, as
// offset and bytes): through a writable stream, which writes a copy and
// swaps it in on close, so a file is never left half-written. It keeps the
// store's bytes, cuts what is no longer the file's, and writes only the
// chunks the guest changed.
async function write(st, dispatch, key, ino, data) {
  // Keeping the store's bytes only when some are still the file's: Chrome
  // leaves a file's modification time as it was when they are kept.
  const w = await (await handleOf(st, key)).createWritable({ keepExistingData: data[1] > 0 });
  try {
    await w.truncate(data[1]);
    await w.truncate(data[0]);
    for (let i = 2; i < data.length; i += 2) await w.write({ type: "write", position: data[i], data: data[i + 1] });
    await w.close();
  } catch (e) {
    await w.abort().catch(() => {});
    throw e;
  }
  st.files.delete(key);
  dispatch.store_done(1, key, ino);
}

// One thing to do, as the core's `store_next` gives it: `[kind, a, b, c]`.
async function apply(st, dispatch, [kind, a, b, c]) {
  switch (kind) {
    case 0: // make directory `c` in `a`, as key `b`
      keep(st, b, await (await handleOf(st, a)).getDirectoryHandle(c, { create: true }), a, c, true);
      break;
    case 1: // make the empty file `c` in `a`, as key `b`
      keep(st, b, await (await handleOf(st, a)).getFileHandle(c, { create: true }), a, c, false);
      break;
    case 2: // remove `c` from `a`
      await (await handleOf(st, a)).removeEntry(c);
      break;
    case 3: {
      // move `a` into `b` as `c`
      const h = await handleOf(st, a);
      await h.move(await handleOf(st, b), c);
      const dir = h.kind === "directory";
      keep(st, a, h, b, c, dir);
      if (dir) forgetBelow(st, a);
      break;
    }
    case 4: // write file `a` (inode `b`) back: `c` is what it holds
      await write(st, dispatch, a, b, c);
      break;
    case 5: // list directory `a` (inode `b`)
      await list(st, dispatch, b, a);
      break;
    case 6: // read `c` bytes of file `a` from `b`
      await read(st, dispatch, a, b, c);
      break;
  }
}

// Serves the core: what the last call needs, then every change it queued,
// in order. A failure is handed in as an errno (the call answers with it);
// this never throws.
export async function serve(handles, dispatch) {
  const st = stateOf(handles);
  for (let next = dispatch.store_next(); next !== undefined; next = dispatch.store_next()) {
    try {
      await apply(st, dispatch, next);
    } catch (e) {
      dispatch.store_done(2, errnoOf(e), 0);
    }
  }
}

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

// A reactor with an import of its own: instantiate it beside the WASI
// object's imports, initialize it once, then call its exports as often as
// the user clicks. One descriptor table and one filesystem serve them all.
import init, { WASI } from "../../pkg/index.js";

const $ = (id) => document.getElementById(id);
const text = new TextDecoder();

await init();
const wasi = new WASI({ version: "preview1", preopens: { "/data": {} } });
let memory = null;
const env = {
  log: (ptr, len) => {
    $("log").textContent += text.decode(new Uint8Array(memory.buffer, ptr, len)) + "\n";
  },
};
const bytes = await (await fetch(new URL("reactor_notes.wasm", location.href))).arrayBuffer();
const { instance } = await WebAssembly.instantiate(bytes, { ...wasi.getImportObject(), env });
memory = instance.exports.memory;
wasi.initialize(instance);

function showFile() {
  const file = wasi.readPath("/data/notes.txt");
  $("file").textContent = file instanceof Uint8Array ? text.decode(file) : "(no file yet)";
}

$("add").addEventListener("click", () => {
  const note = new TextEncoder().encode($("text").value);
  const ptr = instance.exports.buffer(note.length);
  new Uint8Array(memory.buffer, ptr, note.length).set(note);
  const count = instance.exports.note(ptr, note.length);
  $("status").textContent = `note() returned ${count}`;
  showFile();
});
$("count").addEventListener("click", () => {
  $("status").textContent = `lines() returned ${instance.exports.lines()}`;
});
$("quit").addEventListener("click", () => {
  try {
    instance.exports.quit(3);
  } catch (e) {
    $("status").textContent = `quit() threw ${e.name}, code ${e.code}; stdout: ${text.decode(wasi.stdout()).trim()}`;
  }
  showFile();
});
$("add").disabled = false;
$("add").textContent = "Add note";
showFile();

// Terminates a worker whose program writes file after file into OPFS (as
// the playground's Stop does with a program that does not stop), then
// reads what the directory holds: every file the program said it closed,
// whole; nothing torn. The result goes to window.result.
const root = await navigator.storage.getDirectory();
try {
  await root.removeEntry("e2e-terminate", { recursive: true });
} catch {
  // not there yet
}
const closed = await new Promise((resolve) => {
  const worker = new Worker("worker.js", { type: "module" });
  let text = "";
  worker.onmessage = ({ data }) => {
    text += data;
    const lines = text.split("\n").filter((l) => l.startsWith("wrote "));
    if (lines.length >= 30) {
      worker.terminate();
      resolve(lines.length);
    }
  };
});
const dir = await (await root.getDirectoryHandle("e2e-terminate")).getDirectoryHandle("d");
const files = {};
for await (const [name, handle] of dir.entries()) files[name] = await (await handle.getFile()).text();
window.result = { closed, files };

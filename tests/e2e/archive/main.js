// Archives through the package as a page uses them: round trips of a
// DirSpec, of entries with times, of an OPFS directory handle, and of a
// run's preopen. The results go to window.result for archive.test.mjs.
import init, { runWasi, importArchive, readArchive, exportArchive } from "/pkg/index.js";

const text = (b) => new TextDecoder().decode(b);
const result = {};
try {
  await init();
  // A DirSpec with an empty directory, nested files and a symlink.
  const spec = { "a.txt": "alpha", empty: {}, sub: { "b.bin": new Uint8Array([0, 1, 2, 255]) }, link: { symlink: "a.txt" } };
  for (const format of ["zip", "tar", "tar.gz"]) {
    const back = await importArchive(await exportArchive(spec, format));
    result[format] = {
      a: text(back["a.txt"]),
      empty: Object.keys(back.empty ?? { missing: 1 }),
      b: Array.from(back.sub["b.bin"]),
      link: back.link,
    };
  }
  // Entries with times: tar keeps seconds, zip two-second steps.
  const t = Date.UTC(2026, 11, 1, 14, 39, 23);
  const entries = [{ path: "dir", type: "directory", mtime: t }, { path: "dir/f", type: "file", bytes: new Uint8Array([7]), mtime: t }];
  result.times = {};
  for (const format of ["zip", "tar"]) {
    result.times[format] = (await readArchive(await exportArchive(entries, format))).map((e) => [e.path, e.type, e.mtime]);
  }
  result.expectedTime = t;
  // An OPFS handle, exported with its files' times, then imported and run.
  const root = await navigator.storage.getDirectory();
  try {
    await root.removeEntry("e2e-archive", { recursive: true });
  } catch {
    // not there yet
  }
  const dir = await root.getDirectoryHandle("e2e-archive", { create: true });
  const w = await (await dir.getFileHandle("kept", { create: true })).createWritable();
  await w.write("kept");
  await w.close();
  await dir.getDirectoryHandle("nothing-inside", { create: true });
  const tgz = await exportArchive(dir, "tar.gz");
  const preopen = await importArchive(new Blob([tgz]));
  const guest = await (await fetch("/target/guests/wasm32-wasip1/release/store_writes.wasm")).arrayBuffer();
  const run = await runWasi(guest, { args: ["store_writes", "write", "w", "1"], preopens: { "/data": preopen } });
  const zip = await exportArchive(run, "zip", { guestPath: "/data" });
  result.run = (await readArchive(zip)).map((e) => [e.path, e.type, e.bytes ? e.bytes.length : null, e.mtime > 0]);
  // A hostile archive: a path that leaves it.
  try {
    await importArchive(await exportArchive([{ path: "../up", type: "file", bytes: new Uint8Array(1) }], "tar"));
    result.hostile = "accepted";
  } catch (e) {
    result.hostile = `${e.name}: ${e.message}`;
  }
  try {
    await importArchive(new TextEncoder().encode("not an archive"));
  } catch (e) {
    result.notArchive = `${e.name}: ${e.message}`;
  }
} catch (e) {
  result.error = `${e.name}: ${e.message}\n${e.stack}`;
}
window.result = result;

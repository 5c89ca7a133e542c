// The yardstick for the "within 3x of a plain copy" target: how long plain
// Uint8Array copies of the bytes stdout-bulk and file-read-seq move take, in
// the same chunk sizes, in a worker of each browser.
// Usage: node bench/plain-copy.mjs   (from the repository root)
import { writeFile, mkdtemp, copyFile } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { serve } from "../tests/e2e/server.mjs";
import { BROWSERS } from "../tests/e2e/browsers.mjs";

const dir = await mkdtemp(join(tmpdir(), "plain-copy-"));
await copyFile(new URL("plain-copy-worker.mjs", import.meta.url), join(dir, "worker.mjs"));
await writeFile(join(dir, "index.html"), `<!doctype html><script type="module">
new Worker("worker.mjs", { type: "module" }).onmessage = (e) => { window.result = e.data; };
</script>`);
const server = await serve(dir);
for (const [name, launch] of Object.entries(BROWSERS)) {
  const browser = await launch();
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => window.result, null, { timeout: 120000 });
  console.log(name, JSON.stringify(await page.evaluate(() => window.result)));
  await browser.close();
}
server.close();

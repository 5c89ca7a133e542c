// Drives page.js in headless Chromium and Firefox: node bench/opfs/run.mjs
// (after scripts/build-pkg and scripts/build-guests). Prints, per browser,
// the time to read a 1 GiB OPFS file to its end and how much the run grew
// the shim's memory (and Chromium's JS heap) at its peak.
import { chromium, firefox } from "../../tools/node_modules/playwright-core/index.mjs";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const types = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };
const files = {
  "/": "bench/opfs/index.html",
  "/page.js": "bench/opfs/page.js",
  "/guest.wasm": "target/guests/wasm32-wasip1/release/store_writes.wasm",
};
const server = http.createServer((req, res) => {
  const url = req.url.split("?")[0];
  const rel = files[url] ?? (url.startsWith("/pkg/") ? url.slice(1) : null);
  const file = rel && path.join(root, rel);
  if (!file || !fs.existsSync(file)) return res.writeHead(404).end();
  res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
  res.end(fs.readFileSync(file));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${server.address().port}/`;
const launchers = {
  chromium: () => chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--enable-precise-memory-info"] }),
  firefox: () => firefox.launch({ channel: "moz-firefox", executablePath: "/usr/bin/firefox-esr" }),
};
const mib = (n) => (n / 1048576).toFixed(1);
for (const [name, launch] of Object.entries(launchers)) {
  const browser = await launch();
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.title === "done", null, { timeout: 300000 });
  const { size, runs } = await page.evaluate(() => window.RESULT);
  for (const r of runs) {
    const heap = name === "chromium" ? `, JS heap +${mib(r.heapGrowth)} MiB` : "";
    console.log(`${name}: ${mib(size)} MiB read in ${r.ms.toFixed(0)} ms (${(size / 1048576 / (r.ms / 1000)).toFixed(0)} MiB/s); shim memory +${mib(r.shimGrowth)} MiB (${mib(r.shimTotal)} MiB in all)${heap}`);
  }
  await browser.close();
}
server.close();

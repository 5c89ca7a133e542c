// Drives page.js in headless Chromium and Firefox: node bench/components/run.mjs
// (after bench/components/build). Prints, per browser, the median time of
// the startup and stdout rows as a wasip1 module and as a wasip2
// component, and the component's ratio to the module.
import { chromium, firefox } from "../../tools/node_modules/playwright-core/index.mjs";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const types = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };
const files = { "/": "bench/components/index.html", "/page.js": "bench/components/page.js" };
const server = http.createServer((req, res) => {
  const url = req.url.split("?")[0];
  const guest = url.match(/^\/(wasm32-wasip[12])\/([a-z-]+\.wasm)$/);
  const rel =
    files[url] ??
    (guest ? `target/bench-components/${guest[1]}/release/${guest[2]}` : null) ??
    (url.startsWith("/pkg/") ? url.slice(1) : null);
  const file = rel && path.join(root, rel);
  if (!file || !fs.existsSync(file)) return res.writeHead(404).end();
  res.writeHead(200, {
    "content-type": types[path.extname(file)] ?? "application/octet-stream",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
  });
  res.end(fs.readFileSync(file));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${server.address().port}/`;
const launchers = {
  chromium: () => chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] }),
  firefox: () => firefox.launch({ channel: "moz-firefox", executablePath: "/usr/bin/firefox-esr" }),
};
const ms = (x) => `${x.toFixed(1)} ms`;
for (const [name, launch] of Object.entries(launchers)) {
  const browser = await launch();
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error(`${name}: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => document.title === "done", null, { timeout: 600000 });
  for (const r of await page.evaluate(() => window.RESULT)) {
    const [m0, m1] = r.spread.module;
    const [c0, c1] = r.spread.component;
    console.log(
      `${name} | ${r.name} | module ${ms(r.module)} (${ms(m0)}–${ms(m1)}) | component ${ms(r.component)} (${ms(c0)}–${ms(c1)}) | ${(r.component / r.module).toFixed(2)}× | n=${r.reps} | ${r.sizes.module} / ${r.sizes.component} bytes`,
    );
  }
  await browser.close();
}
server.close();

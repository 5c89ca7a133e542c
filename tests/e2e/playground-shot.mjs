// Drives the built playground (dist/) in headless Chromium as a user would:
// loads a module through the file picker, sets arguments and stdin, runs it,
// and checks the output. Saves screenshots of each state.
// Usage: node tests/e2e/playground-shot.mjs DIST_DIR WASM_FILE OUT_DIR
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { chromium } from "../../tools/node_modules/playwright-core/index.mjs";

const [dist, wasm, outDir] = process.argv.slice(2);
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".svg": "image/svg+xml" };
const server = createServer(async (req, res) => {
  const path = req.url === "/" ? "/index.html" : req.url.split("?")[0];
  try {
    const body = await readFile(join(dist, path));
    res.writeHead(200, {
      "content-type": types[extname(path)] ?? "application/octet-stream",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
    });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
}).listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", r));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
});
const errors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector("input[type=file]");
  await page.screenshot({ path: join(outDir, "playground-empty.png") });
  await page.setInputFiles("input[type=file]", wasm);
  await page.waitForSelector(".summary");
  await page.fill("input[type=text]", `"two words" second`);
  await page.fill("textarea", "typed on stdin\n");
  await page.click("button");
  await page.waitForSelector(".status");
  const status = await page.textContent(".status");
  const stdout = await page.textContent("pre.stdout");
  await page.screenshot({ path: join(outDir, "playground-ran.png"), fullPage: true });
  console.log(JSON.stringify({ status, stdout, errors }));
  if (errors.length) process.exitCode = 1;
} finally {
  await browser.close();
  server.close();
}

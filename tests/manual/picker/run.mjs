// The showDirectoryPicker check, by hand but scripted: a real Chromium
// window on a virtual X display, a click on the page's button, the GTK
// folder chooser and Chromium's "Allow this site to edit files?" prompt
// clicked through with xdotool, then the folder on disk compared with what
// the guest must have left. Not part of CI (headless Chromium has no
// picker). Needs: apt-get install xvfb xdotool imagemagick; scripts/build-pkg
// and scripts/build-guests first. Run from the repository root:
//   node tests/manual/picker/run.mjs
// Screenshots of each step go to target/screenshots/picker-*.png. The
// click positions are those of Chromium 156's window at 1200x800 with its
// --no-sandbox infobar, and of the GTK 3 chooser: adjust them if a step's
// screenshot shows otherwise (the prompt is answered from the keyboard).
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { execSync, spawn } from "node:child_process";
import process from "node:process";

const root = path.resolve(import.meta.dirname, "../../..");
const home = process.env.HOME;
const folder = path.join(home, "picker-check");
const shots = path.join(root, "target/screenshots");
fs.mkdirSync(shots, { recursive: true });
fs.rmSync(folder, { recursive: true, force: true });
fs.mkdirSync(path.join(folder, "deep/x"), { recursive: true });
fs.writeFileSync(path.join(folder, "old"), "to be removed");
fs.writeFileSync(path.join(folder, "kept"), "kept");
fs.writeFileSync(path.join(folder, "deep/x/y"), "untouched");

const files = { "/": "tests/manual/picker/index.html", "/guest.wasm": "target/guests/wasm32-wasip1/release/store_writes.wasm" };
let result = null;
const server = http.createServer((req, res) => {
  const url = req.url.split("?")[0];
  if (url === "/result") {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      result = JSON.parse(body);
      res.end();
    });
    return;
  }
  const rel = files[url] ?? (url.startsWith("/pkg/") ? url.slice(1) : null);
  const file = rel && path.join(root, rel);
  if (!file || !fs.existsSync(file)) return res.writeHead(404).end();
  const type = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" }[path.extname(file)];
  res.writeHead(200, { "content-type": type ?? "application/octet-stream" }).end(fs.readFileSync(file));
});
await new Promise((r) => server.listen(8769, "127.0.0.1", r));

const display = ":98";
const xvfb = spawn("Xvfb", [display, "-screen", "0", "1280x900x24"], { stdio: "ignore" });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const x = (args) => execSync(`xdotool ${args}`, { env: { ...process.env, DISPLAY: display } });
const shot = (name) => execSync(`import -display ${display} -window root ${shots}/picker-${name}.png`);
await sleep(1000);
const profile = fs.mkdtempSync("/tmp/picker-profile-");
const chromium = spawn(
  "/usr/bin/chromium",
  ["--no-sandbox", `--user-data-dir=${profile}`, "--no-first-run", "--window-size=1200,800", "--window-position=0,0", "http://127.0.0.1:8769/"],
  { env: { ...process.env, DISPLAY: display }, stdio: "ignore" },
);
try {
  await sleep(6000);
  shot("1-page");
  // Each step within the page's 5 s of user activation.
  x("mousemove 57 177 click 1"); // the page's button
  await sleep(1500);
  shot("2-chooser");
  x("mousemove 212 106 click 1"); // the folder, second row of the home directory
  await sleep(300);
  x("mousemove 1074 798 click 1"); // Open
  await sleep(1500);
  shot("3-prompt");
  x("key Tab"); // from "Don't Allow" (focused) to "Allow"
  await sleep(300);
  x("key Return");
  for (let i = 0; i < 50 && result === null; i++) await sleep(200);
  shot("4-done");
} finally {
  chromium.kill();
  xvfb.kill();
  server.close();
}
const read = (p) => (fs.existsSync(path.join(folder, p)) ? fs.readFileSync(path.join(folder, p), "utf8") : null);
const disk = { "a/h": read("a/h"), kept: read("kept"), old: read("old"), "deep/x/y": read("deep/x/y") };
const want = { "a/h": "hello", kept: "kept and more", old: null, "deep/x/y": "untouched" };
console.log("page:", JSON.stringify(result));
console.log("disk:", JSON.stringify(disk));
const ok = result?.exitCode === 0 && JSON.stringify(disk) === JSON.stringify(want);
console.log(ok ? "PASS: the picked folder holds the guest's tree" : "FAIL");
process.exit(ok ? 0 : 1);

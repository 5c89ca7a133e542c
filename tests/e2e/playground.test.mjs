// The built playground (dist/, from `scripts/serve --build-only`) driven in
// headless Chromium and Firefox as a user would. Screenshots of the main
// states go to target/screenshots/.
// Usage: node --test tests/e2e/playground.test.mjs   (from the repository root)
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { test } from "node:test";
import { serve } from "./server.mjs";
import { BROWSERS, open } from "./browsers.mjs";

const server = await serve("dist");
const shots = "target/screenshots";
await mkdir(shots, { recursive: true });

const status = (page) => page.textContent(".status");
const output = (page) => page.textContent("pre.output");

async function loadExample(page, title, wasm) {
  await page.click(`.example:has-text("${title}")`);
  await page.waitForFunction((w) => document.querySelector(".summary strong")?.textContent === w, wasm);
}

// Runs the Progress example (a line every 250 ms) until its first line.
async function runProgressToItsFirstLine(page) {
  await loadExample(page, "Progress", "progress.wasm");
  await page.click("button.run");
  await page.waitForFunction(() => document.querySelector("pre.output").textContent.includes("1/8"));
}

for (const [name, launch] of Object.entries(BROWSERS)) {
  test(`${name}: run an example with an argument and a new file, then browse the files`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, server.url);
      await page.waitForSelector(".summary");
      if (name === "chromium") await page.screenshot({ path: `${shots}/playground-start.png` });
      await page.click('.example:has-text("tree")');
      await page.waitForFunction(() => document.querySelector(".summary strong")?.textContent === "tree.wasm");
      await page.fill("#args", "/data");
      await page.click('button:has-text("+ new file")');
      await page.fill('input[aria-label="file name"]', "extra.txt");
      await page.fill('textarea[aria-label="file contents"]', "added by the test\n");
      await page.click("button.run");
      await page.waitForFunction(() => /exit code/.test(document.querySelector(".status").textContent));
      assert.match(await status(page), /^exit code 0 · \d+ ms$/);
      const out = await output(page);
      assert.match(out, /extra\.txt \(18 bytes\)/);
      assert.match(out, /2 directories, 4 files/);
      // the file browser: tree.txt was created by the program
      const row = page.locator("tr", { hasText: "/data/tree.txt" });
      assert.match(await row.textContent(), /changed/);
      await row.locator('button:has-text("view")').click();
      assert.equal((await page.textContent(".viewer pre")).trim(), "2 directories, 4 files");
      if (name === "chromium") await page.screenshot({ path: `${shots}/playground-after-run.png`, fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  test(`${name}: output streams in while the program runs`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, server.url);
      await runProgressToItsFirstLine(page);
      assert.equal(await status(page), "running…", "the first line arrived before the end");
      await page.waitForFunction(() => /exit code 0/.test(document.querySelector(".status").textContent), null, { timeout: 20000 });
      assert.match(await output(page), /8\/8[\s\S]*finished in/);
      // ANSI colours became styled spans
      assert.ok(await page.locator("pre.output span.ansi-fg-2").count() > 0);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  test(`${name}: Stop ends an infinite loop at once`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, server.url);
      await loadExample(page, "Infinite loop", "spin.wasm");
      await page.click("button.run");
      await page.waitForFunction(() => document.querySelector("pre.output").textContent.includes("spinning"));
      // the page is responsive while the guest spins: typing still works
      await page.fill("#args", "still typing");
      const stopped = Date.now();
      await page.click("button.stop");
      await page.waitForFunction(() => document.querySelector(".status").textContent === "stopped");
      assert.ok(Date.now() - stopped < 2000);
      // and the next run works
      await loadExample(page, "Hello", "hello.wasm");
      await page.click("button.run");
      await page.waitForFunction(() => /exit code 0/.test(document.querySelector(".status").textContent));
      assert.match(await output(page), /Hello, Ada and Grace!/);
      // Firefox reports the terminated worker's interruption as an
      // "uncaught exception: undefined" (the page's own window.onerror sees
      // nothing); anything else is a real error.
      assert.deepEqual(errors.filter((e) => !(name === "firefox" && e === "uncaught exception: undefined")), []);
    } finally {
      await browser.close();
    }
  });

  test(`${name}: Stop ends a sleeping program at its next call`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, server.url);
      await runProgressToItsFirstLine(page);
      await page.click("button.stop");
      assert.equal(await status(page), "stopped");
      // A step takes 250 ms: had it gone on, 3/8 would be out by now.
      await new Promise((r) => setTimeout(r, 1000));
      assert.doesNotMatch(await output(page), /3\/8/);
      assert.equal(await status(page), "stopped");
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  test(`${name}: the Threads example hashes files on several workers`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, server.url);
      await loadExample(page, "Threads", "parallel.wasm");
      assert.match(await page.textContent(".summary"), /wasi-threads program/);
      await page.click("button.run");
      await page.waitForFunction(() => /exit code/.test(document.querySelector(".status").textContent), null, { timeout: 30000 });
      assert.match(await status(page), /^exit code 0 · \d+ ms · 4 threads$/);
      const out = await output(page);
      assert.match(out, /hashing 8 files on 4 threads/);
      const workers = Number(out.match(/8 files hashed by (\d) of 4 workers/)[1]);
      assert.ok(workers >= 2, `${workers} workers did the hashing`);
      if (name === "chromium") await page.screenshot({ path: `${shots}/playground-threads.png`, fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  test(`${name}: Stop ends every thread of a threads program at once`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, server.url);
      await loadExample(page, "Threads", "parallel.wasm");
      await page.fill("#args", "/data 4 1000000");
      await page.click("button.run");
      await page.waitForFunction(() => document.querySelector("pre.output").textContent.includes("hashing 8 files"));
      // The program's main thread and its four pool threads (the page
      // itself serves their calls: no runner worker).
      if (name === "chromium") {
        for (let i = 0; i < 50 && page.workers().length < 5; i++) await new Promise((r) => setTimeout(r, 100));
        assert.equal(page.workers().length, 5, `${page.workers().length} workers while running`);
      }
      const stopped = Date.now();
      await page.click("button.stop");
      await page.waitForFunction(() => document.querySelector(".status").textContent === "stopped");
      assert.ok(Date.now() - stopped < 2000);
      if (name === "chromium") {
        for (let i = 0; i < 50 && page.workers().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
        assert.equal(page.workers().length, 0, `${page.workers().length} workers left after Stop`);
      }
      // Stopped by its signal, the run still reports its files.
      await page.waitForSelector('tr:has-text("/data/part8.txt")');
      assert.equal(await status(page), "stopped");
      await loadExample(page, "Hello", "hello.wasm");
      await page.click("button.run");
      await page.waitForFunction(() => /exit code 0/.test(document.querySelector(".status").textContent));
      assert.deepEqual(errors.filter((e) => !(name === "firefox" && e === "uncaught exception: undefined")), []);
    } finally {
      await browser.close();
    }
  });

  test(`${name}: interactive stdin is typed while the program waits`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, server.url);
      await loadExample(page, "Word count", "wordcount.wasm");
      await page.check("#interactive");
      await page.click("button.run");
      await page.waitForSelector("#stdin-line");
      await page.waitForFunction(() => /waits for input/.test(document.querySelector("#stdin-line").placeholder));
      await page.fill("#stdin-line", "the cat and the hat");
      await page.press("#stdin-line", "Enter");
      await page.fill("#stdin-line", "the end");
      await page.press("#stdin-line", "Enter");
      assert.equal(await status(page), "running…", "the program still waits for more");
      await page.click('button:has-text("End input")');
      await page.waitForFunction(() => /exit code 0/.test(document.querySelector(".status").textContent));
      const out = await output(page);
      assert.match(out, /2 lines, 7 words/);
      assert.match(out, /\s+3\s+the/);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  test(`${name}: the workspace keeps a program's files across a reload`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, server.url);
      await loadExample(page, "tree", "tree.wasm");
      await page.check(".handle-dirs input[type=checkbox]");
      await page.fill("#args", "/work");
      await page.click("button.run");
      await page.waitForFunction(() => /exit code/.test(document.querySelector(".status").textContent));
      assert.match(await output(page), /0 directories, 0 files/);
      // The file browser lists the workspace from its handle.
      assert.match(await page.locator("tr", { hasText: "/work/tree.txt" }).textContent(), /changed/);
      await page.reload();
      await page.waitForSelector(".summary");
      assert.ok(await page.isChecked(".handle-dirs input[type=checkbox]"), "the workspace stays on");
      await loadExample(page, "tree", "tree.wasm");
      await page.fill("#args", "/work");
      await page.click("button.run");
      await page.waitForFunction(() => /exit code/.test(document.querySelector(".status").textContent));
      // The first run's file is still there, in a new page.
      assert.match(await output(page), /tree\.txt \(23 bytes\)[\s\S]*0 directories, 1 files/);
      // Written again by this run: changed, as the handle's times say.
      assert.match(await page.locator("tr", { hasText: "/work/tree.txt" }).textContent(), /changed/);
      if (name === "chromium") {
        assert.match(await page.textContent(".local-folder"), /open a local folder at \/local/);
        await page.screenshot({ path: `${shots}/playground-workspace.png`, fullPage: true });
      } else {
        assert.match(await page.textContent(".local-folder"), /needs showDirectoryPicker/);
      }
      await page.click('button:has-text("clear workspace")');
      await page.waitForFunction(() => /empty/.test(document.querySelector(".handle-dirs").textContent));
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  test(`${name}: an uploaded archive becomes a directory's files, and the directory downloads as one`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, server.url);
      await loadExample(page, "tree", "tree.wasm");
      // A zip made with the package itself, then picked as a file.
      const zip = await page.evaluate(async () => {
        const { exportArchive } = await import(new URL("pkg/archive.js", document.baseURI).href);
        return Array.from(await exportArchive({ "from-zip.txt": "zipped\n", deep: { "inner.md": "# in\n" } }, "zip"));
      });
      await page.setInputFiles('.preopen input[accept=".zip,.tar,.tar.gz,.tgz"]', {
        name: "upload.zip",
        mimeType: "application/zip",
        buffer: Buffer.from(zip),
      });
      await page.waitForFunction(() => document.querySelector(".preopen .files").textContent.includes("deep/inner.md"));
      await page.click("button.run");
      await page.waitForFunction(() => /exit code/.test(document.querySelector(".status").textContent));
      assert.match(await output(page), /from-zip\.txt \(7 bytes\)/);
      // What the page offers as a download, caught where it is made
      // (Playwright's Firefox reports no download of a blob: URL).
      await page.evaluate(() => {
        window.offered = [];
        const click = HTMLAnchorElement.prototype.click;
        HTMLAnchorElement.prototype.click = function () {
          window.offered.push({ name: this.download, url: this.href });
          return click.call(this);
        };
      });
      await page.click('.archive-links:has-text("/data") button:has-text(".zip")');
      await page.waitForFunction(() => window.offered.length > 0);
      const { name: offeredName, names } = await page.evaluate(async () => {
        const { name, url } = window.offered[0];
        const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
        const { readArchive } = await import(new URL("pkg/archive.js", document.baseURI).href);
        return { name, names: (await readArchive(bytes)).filter((e) => e.type === "file").map((e) => e.path).sort() };
      });
      assert.equal(offeredName, "data.zip");
      assert.deepEqual(names, ["deep/inner.md", "from-zip.txt", "poem.txt", "src/lib/util.rs", "src/main.rs", "tree.txt"]);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  test(`${name}: a shared link reproduces the setup`, async () => {
    const browser = await launch();
    try {
      const { page } = await open(browser, server.url);
      await loadExample(page, "grep", "grep.wasm");
      await page.fill("#args", "lazy /data/poem.txt");
      await page.click('button:has-text("Share")');
      const url = page.url();
      assert.match(url, /#c=/);
      const { page: second, errors } = await open(browser, url);
      await second.waitForSelector(".summary");
      assert.equal(await second.inputValue("#args"), "lazy /data/poem.txt");
      await second.click("button.run");
      await second.waitForFunction(() => /exit code/.test(document.querySelector(".status").textContent));
      assert.match(await output(second), /poem\.txt.*2.*lazy dog/);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  test(`${name}: a component that is not a command is refused with a clear message`, async () => {
    const browser = await launch();
    try {
      const { page } = await open(browser, server.url);
      await page.setInputFiles('input[aria-label="Choose a .wasm file"]', {
        name: "component.wasm", mimeType: "application/wasm", buffer: Buffer.from([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]),
      });
      await page.waitForFunction(() => document.querySelector(".error")?.textContent.includes("component"));
      assert.match(await page.textContent(".error"), /exports no wasi:cli\/run/);
      assert.equal(await page.isDisabled("button.run"), true);
    } finally {
      await browser.close();
    }
  });

  test(`${name}: a wasm32-wasip2 component reads the preopened files and writes one`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, server.url);
      await loadExample(page, "Component", "component.wasm");
      assert.match(await page.textContent(".summary"), /a wasip2 component of the wasi:cli\/command world/);
      await page.click("button.run");
      await page.waitForFunction(() => /exit code/.test(document.querySelector(".status").textContent), null, { timeout: 30000 });
      assert.match(await status(page), /^exit code 0 · \d+ ms$/);
      const out = await output(page);
      assert.match(out, /Hello from a wasip2 component!/);
      assert.match(out, /poem\.txt: 3 lines, 13 words/);
      const row = page.locator("tr", { hasText: "/data/report.txt" });
      assert.match(await row.textContent(), /changed/);
      await row.locator('button:has-text("view")').click();
      assert.match(await page.textContent(".viewer pre"), /notes\.txt: 1 lines, 2 words/);
      if (name === "chromium") await page.screenshot({ path: `${shots}/playground-component.png`, fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}

test("chromium: tutorial and narrow screen", async () => {
  const browser = await BROWSERS.chromium();
  try {
    const { page, errors } = await open(browser, server.url, { width: 390, height: 844 });
    await page.waitForSelector(".summary");
    await page.click('button:has-text("Tutorial")');
    await page.click('button.step:has-text("2. Capabilities")');
    await page.waitForFunction(() => document.querySelector(".summary strong")?.textContent === "capabilities.wasm");
    await page.click("button.run");
    await page.waitForFunction(() => /exit code/.test(document.querySelector(".status").textContent));
    assert.match(await output(page), /cannot read \/etc\/passwd/);
    await page.screenshot({ path: `${shots}/playground-narrow-tutorial.png`, fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test.after(() => server.close());

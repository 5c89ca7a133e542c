// The WASI object in headless Chromium and Firefox: the reactor example
// page (examples/notes: a C reactor with an import of its own, its exports
// called as the user clicks), and node:wasi's documented example run as
// written, but for its import line (tests/e2e/node-wasi).
// Usage: node --test tests/e2e/wasi-object.test.mjs   (from the repository root)
import assert from "node:assert/strict";
import { test } from "node:test";
import { serve } from "./server.mjs";
import { BROWSERS, open } from "./browsers.mjs";

const server = await serve(".");

for (const [name, launch] of Object.entries(BROWSERS)) {
  test(`the reactor example calls exports on one state in ${name}`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, `${server.url}examples/notes/`);
      await page.waitForSelector("#add:not([disabled])", { timeout: 60000 });
      for (const [i, note] of ["buy milk", "call home", "write tests"].entries()) {
        await page.fill("#text", note);
        await page.click("#add");
        await page.waitForFunction((n) => document.querySelector("#status").textContent === `note() returned ${n}`, i + 1);
      }
      assert.equal(await page.textContent("#log"), "buy milk\ncall home\nwrite tests\n");
      assert.equal(await page.textContent("#file"), "buy milk\ncall home\nwrite tests\n");
      await page.click("#count");
      assert.equal(await page.textContent("#status"), "lines() returned 3");
      await page.click("#quit");
      assert.equal(await page.textContent("#status"), "quit() threw WasiExitError, code 3; stdout: leaving with 3");
      // The object is still whole: the file reads back after the exit.
      assert.equal(await page.textContent("#file"), "buy milk\ncall home\nwrite tests\n");
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  test(`node:wasi's example runs in ${name}`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, `${server.url}tests/e2e/node-wasi/`);
      await page.waitForFunction(() => document.querySelector("#out").textContent !== "", null, { timeout: 60000 });
      assert.equal(
        await page.textContent("#out"),
        'exit 3\nargs: ["demo", "from", "the", "page"]\nenv: GREETING=hello\ninput: one\ntwo\n',
      );
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}

test.after(() => server.close());

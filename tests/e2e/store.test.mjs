// A directory handle when the worker running the program is terminated (no
// chance to write anything back), in headless Chromium and Firefox: every
// file the program closed is in OPFS, whole, and no file is torn.
// Usage: node --test tests/e2e/store.test.mjs   (from the repository root)
import assert from "node:assert/strict";
import { test } from "node:test";
import { serve } from "./server.mjs";
import { BROWSERS, open } from "./browsers.mjs";

const server = await serve(".");

for (const [name, launch] of Object.entries(BROWSERS)) {
  test(`${name}: a terminated worker leaves every file its program closed whole in OPFS`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, `${server.url}tests/e2e/store/`);
      await page.waitForFunction(() => window.result !== undefined, null, { timeout: 60000 });
      const { closed, files } = await page.evaluate(() => window.result);
      assert.ok(closed >= 30);
      for (let i = 0; i < closed; i++) {
        assert.equal(files[`f${i}`], `file ${i}\n`.repeat(512), `f${i} was closed before the worker was terminated`);
      }
      for (const [file, text] of Object.entries(files)) {
        const i = Number(file.slice(1));
        assert.ok(text === `file ${i}\n`.repeat(512) || text === "", `${file} is torn`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}

test.after(() => server.close());

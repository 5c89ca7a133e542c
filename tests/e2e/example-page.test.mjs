// The plain-HTML example (examples/text-tools) in headless Chromium and
// Firefox: a user edits the file, types a command, runs it, and reads the
// output and the files the command created.
// Usage: node --test tests/e2e/example-page.test.mjs   (from the repository root)
import assert from "node:assert/strict";
import { test } from "node:test";
import { serve } from "./server.mjs";
import { BROWSERS, open } from "./browsers.mjs";

const server = await serve(".");
const url = `${server.url}examples/text-tools/`;

for (const [name, launch] of Object.entries(BROWSERS)) {
  test(`example page runs coreutils in ${name}`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, url);
      await page.waitForSelector("#run:not([disabled])", { timeout: 60000 });
      await page.fill("#input", "pear\napple\npear\nfig\n");
      await page.fill("#command", "sort -u -o /data/sorted.txt /data/input.txt");
      await page.click("#run");
      await page.waitForFunction(() => document.querySelector("#status").textContent !== "");
      assert.match(await page.textContent("#status"), /^exit code 0 in /);
      assert.match(await page.textContent("#files"), /sorted\.txt {2}15 bytes/);

      await page.fill("#command", "wc -l /data/input.txt");
      await page.click("#run");
      await page.waitForFunction(() => document.querySelector("#stdout").textContent.includes("input.txt"));
      assert.equal((await page.textContent("#stdout")).trim(), "4 /data/input.txt");

      await page.fill("#command", "cat /data/missing");
      await page.click("#run");
      await page.waitForFunction(() => /exit code 1/.test(document.querySelector("#status").textContent));
      assert.match(await page.textContent("#stderr"), /No such file or directory/);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}

test.after(() => server.close());

// Archives in and out through the JS package (pkg/, as a page loads it), in
// headless Chromium and Firefox: zip, tar and tar.gz round trips of a
// DirSpec (empty directories, binary files, symlinks), of times, of an OPFS
// directory handle, and of a run's preopen; a hostile path refused.
// Usage: node --test tests/e2e/archive.test.mjs   (from the repository root)
import assert from "node:assert/strict";
import { test } from "node:test";
import { serve } from "./server.mjs";
import { BROWSERS, open } from "./browsers.mjs";

const server = await serve(".");

for (const [name, launch] of Object.entries(BROWSERS)) {
  test(`${name}: archives round trip directories, files, symlinks and times`, async () => {
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, `${server.url}tests/e2e/archive/`);
      await page.waitForFunction(() => window.result !== undefined, null, { timeout: 60000 });
      const r = await page.evaluate(() => window.result);
      assert.equal(r.error, undefined);
      for (const format of ["zip", "tar", "tar.gz"]) {
        assert.deepEqual(r[format], { a: "alpha", empty: [], b: [0, 1, 2, 255], link: { symlink: "a.txt" } }, format);
      }
      // 14:39:23: tar keeps the second, zip rounds down to an even one.
      assert.deepEqual(r.times.tar, [["dir", "directory", r.expectedTime], ["dir/f", "file", r.expectedTime]]);
      assert.deepEqual(r.times.zip, [["dir", "directory", r.expectedTime - 1000], ["dir/f", "file", r.expectedTime - 1000]]);
      const run = Object.fromEntries(r.run.map(([path, type, size, timed]) => [path, { type, size, timed }]));
      assert.deepEqual(run, {
        kept: { type: "file", size: 4, timed: true },
        "nothing-inside": { type: "directory", size: null, timed: true },
        w: { type: "file", size: 1024, timed: true },
      });
      assert.match(r.hostile, /^ArchiveError: .*outside itself/);
      assert.match(r.notArchive, /^ArchiveError: not a \.zip, \.tar or \.tar\.gz archive/);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}

test.after(() => server.close());

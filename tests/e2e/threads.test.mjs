// wasi-threads through the JS package (pkg/, as a page loads it) in headless
// Chromium and Firefox: a cross-origin isolated page runs a threads program
// and a real one (b3sum on its thread pool); a page that is not isolated
// gets the error that says what to serve; in Chromium, runWasi called from
// a worker (each thread then a worker of that worker).
// Usage: node --test tests/e2e/threads.test.mjs   (from the repository root)
import assert from "node:assert/strict";
import { test } from "node:test";
import { serve } from "./server.mjs";
import { BROWSERS, open } from "./browsers.mjs";

const isolated = await serve(".");
const plain = await serve(".", 0, { isolated: false });
const page = (server, wasm, args, where = "page") =>
  `${server.url}tests/e2e/threads/?wasm=${encodeURIComponent(wasm)}&args=${encodeURIComponent(args.join(","))}&in=${where}`;
const COUNTER = "/target/guests/wasm32-wasip1-threads/release/counter.wasm";
const B3SUM = "/target/guests/real/b3sum.wasm";

async function result(browser, url) {
  const { page: p, errors } = await open(browser, url);
  await p.waitForFunction(() => window.result !== undefined, null, { timeout: 60000 });
  return { result: await p.evaluate(() => window.result), errors };
}

for (const [name, launch] of Object.entries(BROWSERS)) {
  test(`${name}: an isolated page runs a threads program through the package`, async () => {
    const browser = await launch();
    try {
      const { result: r, errors } = await result(browser, page(isolated, COUNTER, ["counter", "4", "500"]));
      assert.equal(r.isolated, true);
      assert.deepEqual(
        { exitCode: r.exitCode, threads: r.threads, stdout: r.stdout },
        { exitCode: 0, threads: 4, stdout: "atomic 2000\nmutex 2000\ndistinct threads 4\n" },
      );
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  // Not in Firefox under Playwright: with a WebDriver BiDi session there,
  // `new Worker()` inside a worker sometimes never returns (plain Firefox
  // ran it 300 times without a hang; README, Threaded programs).
  if (name === "chromium") {
    test(`${name}: runWasi in a worker runs a threads program, its threads nested workers`, async () => {
      const browser = await launch();
      try {
        const url = page(isolated, COUNTER, ["counter", "4", "500"], "worker");
        const { result: r, errors } = await result(browser, url);
        assert.deepEqual(
          { isolated: r.isolated, exitCode: r.exitCode, threads: r.threads, stdout: r.stdout },
          { isolated: true, exitCode: 0, threads: 4, stdout: "atomic 2000\nmutex 2000\ndistinct threads 4\n" },
        );
        assert.deepEqual(errors, []);
      } finally {
        await browser.close();
      }
    });
  }

  test(`${name}: b3sum hashes a preopen on its thread pool`, async () => {
    const browser = await launch();
    try {
      const args = ["b3sum", "--num-threads", "2", "/data/f0.txt", "/data/f3.txt"];
      const { result: r } = await result(browser, page(isolated, B3SUM, args));
      assert.equal(r.exitCode, 0, JSON.stringify(r));
      assert.ok(r.threads >= 2, `${r.threads} threads`);
      const lines = r.stdout.trim().split("\n");
      assert.equal(lines.length, 2);
      assert.match(lines[0], /^[0-9a-f]{64} {2}\/data\/f0\.txt$/);
    } finally {
      await browser.close();
    }
  });

  test(`${name}: a page that is not cross-origin isolated is told what to serve`, async () => {
    const browser = await launch();
    try {
      const { result: r } = await result(browser, page(plain, COUNTER, ["counter", "1", "1"]));
      assert.equal(r.isolated, false);
      assert.equal(r.error?.name, "ConfigError", JSON.stringify(r));
      assert.match(r.error.message, /cross-origin isolated/);
      assert.match(r.error.message, /Cross-Origin-Opener-Policy: same-origin/);
      assert.match(r.error.message, /Cross-Origin-Embedder-Policy: require-corp/);
    } finally {
      await browser.close();
    }
  });
}

test.after(() => {
  isolated.close();
  plain.close();
});

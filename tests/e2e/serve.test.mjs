// `scripts/serve` builds the playground once and then stays idle: its
// pre-build hook writes pkg/ and target/, which trunk must not watch (it
// used to rebuild forever, at 100 % CPU, reloading the page every ~50 s).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const PORT = 8093;

test("scripts/serve builds once, serves, and stays idle", { timeout: 15 * 60_000 }, async () => {
  const child = spawn("scripts/serve", ["--port", String(PORT)], { cwd: root, detached: true });
  let log = "";
  const builds = () => (log.match(/starting build/g) ?? []).length;
  const onData = (d) => (log += d.toString());
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  try {
    const deadline = Date.now() + 14 * 60_000;
    while (!log.includes("server listening")) {
      assert.ok(Date.now() < deadline, `no server after 14 minutes:\n${log.slice(-2000)}`);
      assert.equal(child.exitCode, null, `scripts/serve exited:\n${log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const page = await fetch(`http://127.0.0.1:${PORT}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("cross-origin-opener-policy"), "same-origin");
    // A rebuild loop started the next build within seconds of the last.
    await new Promise((r) => setTimeout(r, 20_000));
    assert.equal(builds(), 1, `trunk rebuilt without a source change:\n${log.slice(-2000)}`);
  } finally {
    process.kill(-child.pid, "SIGTERM");
  }
});

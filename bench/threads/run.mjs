// The threads benchmark: the cost of one WASI call through the kernel
// against the direct path, and a rayon workload's time on 1 and 2 threads,
// in headless Chromium and Firefox through the JS package (pkg/). Prints a
// markdown table of medians (and min–max) per browser.
// Usage: bench/threads/run.mjs [--reps N]   (from the repository root, after
// scripts/build-pkg and scripts/build-guests; bench/threads/build first)
import { serve } from "../../tests/e2e/server.mjs";
import { BROWSERS, open } from "../../tests/e2e/browsers.mjs";

const reps = Number(process.argv[process.argv.indexOf("--reps") + 1] || 5);
const server = await serve(".");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const [name, launch] of Object.entries(BROWSERS)) {
  const browser = await launch();
  try {
    const { page } = await open(browser, `${server.url}bench/threads/?reps=${reps}`);
    await page.waitForFunction(() => window.samples !== undefined, null, { timeout: 600000 });
    const samples = await page.evaluate(() => window.samples);
    if (samples.error) throw new Error(samples.error);
    console.log(`\n${name} ${browser.version()}, ${reps} reps\n`);
    console.log("| measurement | median | min–max |\n| --- | --- | --- |");
    for (const [m, xs] of Object.entries(samples)) {
      const unit = m.startsWith("rayon") ? "ms" : "ns/call";
      console.log(`| ${m} | ${median(xs)} ${unit} | ${Math.min(...xs)}–${Math.max(...xs)} |`);
    }
    const speedup = median(samples["rayon sum, 1 thread"]) / median(samples["rayon sum, 2 threads"]);
    console.log(`\nrayon speedup 1 → 2 threads: ${speedup.toFixed(2)}×`);
  } finally {
    await browser.close();
  }
}
server.close();

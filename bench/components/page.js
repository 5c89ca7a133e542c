// The shared benchmark's startup and stdout rows, each guest once as a
// wasm32-wasip1 module and once as a wasm32-wasip2 component, through the
// package's runWasi (which loads the component package for a component),
// interleaved; run.mjs drives this page and prints the medians. Every run
// gets the guest's bytes (compile, instantiate, run, output assembled);
// the packages are loaded and warmed by one untimed run of each first.
import init, { runWasi } from "/pkg/index.js";

const WORKLOADS = [
  { name: "startup", args: ["startup"], reps: 20, expect: 13 },
  { name: "stdout-bulk", args: ["stdout-bulk", `${64 << 20}`, `${64 << 10}`], reps: 5, expect: 64 << 20 },
  { name: "stdout-small", args: ["stdout-small", "200000", "16"], reps: 5, expect: 200000 * 16 },
];

await init();
const bytes = async (kind, name) => new Uint8Array(await (await fetch(`/${kind}/${name}.wasm`)).arrayBuffer());

async function once(wasm, w) {
  const t0 = performance.now();
  const result = await runWasi(wasm, { args: w.args });
  const ms = performance.now() - t0;
  if (result.exitCode !== 0 || result.stdout.length !== w.expect) {
    throw new Error(`${w.name}: exit ${result.exitCode}, ${result.stdout.length} bytes of stdout`);
  }
  result.free();
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const w of WORKLOADS) {
  const module = await bytes("wasm32-wasip1", w.name);
  const component = await bytes("wasm32-wasip2", w.name);
  await once(module, w);
  await once(component, w);
  const times = { module: [], component: [] };
  for (let i = 0; i < w.reps; i++) {
    times.module.push(await once(module, w));
    times.component.push(await once(component, w));
  }
  rows.push({
    name: w.name,
    reps: w.reps,
    module: median(times.module),
    component: median(times.component),
    spread: {
      module: [Math.min(...times.module), Math.max(...times.module)],
      component: [Math.min(...times.component), Math.max(...times.component)],
    },
    sizes: { module: module.length, component: component.length },
  });
}
window.RESULT = rows;
document.title = "done";

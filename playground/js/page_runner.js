// Runs a wasi-threads program on the page itself (playground/src/runner.rs
// uses this instead of the runner worker for one). Its threads are workers
// of their own and the kernel that serves their calls never blocks, so the
// page stays responsive; Stop aborts the run's signal (a "stop" message),
// which terminates every thread at once. Running the kernel here rather than in the runner
// worker also spares a level of nested workers.
//
// start_on_page(onmessage) returns { postMessage, terminate }, shaped like
// the runner worker: onmessage receives { data } events, first
// { type: "ready" } once browser-wasi is loaded.

let loaded = null;

// browser-wasi's package and run_program.js, from the page's directory
// (this file is a wasm-bindgen snippet, served from elsewhere).
function load() {
  loaded ??= Promise.all([
    import(new URL("pkg/index.js", document.baseURI).href),
    import(new URL("run_program.js", document.baseURI).href),
  ]).then(async ([pkg, { programRunner }]) => {
    await pkg.default();
    return { runWasi: pkg.runWasi, programRunner };
  });
  return loaded;
}

export function start_on_page(onmessage) {
  let live = true;
  let runner = null;
  const queued = [];
  const deliver = (data) => {
    if (live) onmessage({ data });
  };
  load().then(
    ({ runWasi, programRunner }) => {
      if (!live) return;
      runner = programRunner(runWasi, deliver);
      deliver({ type: "ready" });
      for (const m of queued.splice(0)) runner.receive(m);
    },
    (e) => deliver({ type: "error", name: e.name ?? "Error", message: `browser-wasi could not be loaded: ${e.message ?? e}` }),
  );
  return {
    postMessage(data) {
      if (runner) runner.receive(data);
      else queued.push(data);
    },
    // Stops the run and drops whatever it reports afterwards.
    terminate() {
      live = false;
      runner?.stop();
    },
  };
}

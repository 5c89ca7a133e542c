// Runs one WASI program at a time with browser-wasi for the playground, on
// whichever side it is loaded: the runner worker (runner.js) for most
// programs, the page itself (page_runner.js) for wasi-threads programs,
// whose threads are workers already and whose kernel never blocks.
//
// Messages in (receive):  { type: "run", module, args, env, stdin, interactive, preopens, readonly }
//                         { type: "stdin", text } / { type: "eof" }   (interactive stdin)
//                         { type: "stop" }   (aborts the run's signal)
// Messages out (post):    { type: "stdin-wanted" }   (the program waits for input)
//                         { type: "output", stream: "stdout" | "stderr", chunk }
//                         { type: "done", exitCode, trap, stopped, ms, threads, files, contents }
//                         { type: "error", name, message }
//
// Stopping aborts the run's signal: a threads program ends at once, any
// other at its next WASI call (or in a sleep or a stdin wait), and "done"
// comes with `stopped` and the files as the program left them. A program
// that spins without calls never sees it: the page then terminates the
// runner worker.
export function programRunner(runWasi, post) {
  // Output is forwarded in batches: at most one message per stream every
  // 16 ms while the program writes, and whatever is left when it pauses or
  // ends.
  const pending = { stdout: [], stderr: [] };
  let lastPost = 0;
  let timer = 0;

  function flush() {
    if (timer) clearTimeout(timer);
    timer = 0;
    lastPost = performance.now();
    for (const stream of ["stdout", "stderr"]) {
      const parts = pending[stream];
      if (parts.length === 0) continue;
      const chunk = parts.length === 1 ? parts[0] : concat(parts);
      pending[stream] = [];
      post({ type: "output", stream, chunk }, [chunk.buffer]);
    }
  }

  function collect(stream) {
    return (chunk) => {
      pending[stream].push(chunk);
      if (performance.now() - lastPost >= 16) flush();
      else if (!timer) timer = setTimeout(flush, 16);
    };
  }

  // Interactive stdin: lines the page sent and the program has not asked
  // for yet, or the program's pending request for more.
  const typed = [];
  let waiting = null;
  let ended = false;
  function nextInput() {
    if (typed.length > 0) return typed.shift();
    if (ended) return null;
    flush();
    post({ type: "stdin-wanted" });
    return new Promise((resolve) => {
      waiting = resolve;
    });
  }
  function deliver(text) {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w(text);
    } else if (text !== null) typed.push(text);
  }

  const controller = new AbortController();
  function stop() {
    controller.abort();
    // A program waiting for typed input stops waiting.
    ended = true;
    deliver(null);
  }

  async function run(data) {
    const started = performance.now();
    try {
      const result = await runWasi(data.module, {
        args: data.args,
        env: data.env,
        stdin: data.interactive ? nextInput : data.stdin,
        preopens: data.preopens,
        readonly: data.readonly,
        onStdout: collect("stdout"),
        onStderr: collect("stderr"),
        signal: controller.signal,
      });
      const ms = performance.now() - started;
      flush();
      const files = result.listFiles();
      const contents = {};
      for (const f of files) {
        if (f.type === "file") contents[f.path] = result.readPath(f.path);
      }
      const { exitCode, trap, stopped, threads } = result;
      post({ type: "done", exitCode, trap, stopped, ms, threads, files, contents });
      result.free();
    } catch (e) {
      flush();
      post({ type: "error", name: e.name ?? "Error", message: e.message ?? String(e) });
    }
  }

  return {
    receive(data) {
      if (data.type === "stdin") return deliver(data.text);
      if (data.type === "eof") {
        ended = true;
        return deliver(null);
      }
      if (data.type === "stop") return stop();
      if (data.type === "run") run(data);
    },
    stop,
  };
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

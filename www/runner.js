// The playground's runner: a module worker that runs one WASI program at a
// time with browser-wasi, so the page stays responsive and Stop can end a
// runaway program with worker.terminate().
//
// Page -> worker: { type: "run", module, args, env, stdin, interactive, preopens, readonly }
//                 { type: "stdin", text } / { type: "eof" }   (interactive stdin)
// Worker -> page: { type: "ready" }
//                 { type: "stdin-wanted" }   (the program waits for input)
//                 { type: "output", stream: "stdout" | "stderr", chunk }
//                 { type: "done", exitCode, trap, ms, threads, files, contents }
//                 { type: "error", name, message }
import init, { runWasi } from "./pkg/index.js";

await init();
postMessage({ type: "ready" });

// Output is forwarded in batches: at most one message per stream every
// 16 ms while the program writes, and whatever is left when it pauses or ends.
const pending = { stdout: [], stderr: [] };
let lastPost = 0;
let timer = 0;

function flush() {
  timer = 0;
  lastPost = performance.now();
  for (const stream of ["stdout", "stderr"]) {
    const parts = pending[stream];
    if (parts.length === 0) continue;
    const chunk = parts.length === 1 ? parts[0] : concat(parts);
    pending[stream] = [];
    postMessage({ type: "output", stream, chunk }, [chunk.buffer]);
  }
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

function collect(stream) {
  return (chunk) => {
    pending[stream].push(chunk);
    if (performance.now() - lastPost >= 16) flush();
    else if (!timer) timer = setTimeout(flush, 16);
  };
}

// Interactive stdin: lines the page sent and the program has not asked for
// yet, or the program's pending request for more.
const typed = [];
let waiting = null;
let ended = false;
function nextInput() {
  if (typed.length > 0) return typed.shift();
  if (ended) return null;
  flush();
  postMessage({ type: "stdin-wanted" });
  return new Promise((resolve) => { waiting = resolve; });
}
function deliver(text) {
  if (waiting) {
    const w = waiting;
    waiting = null;
    w(text);
  } else if (text !== null) typed.push(text);
}

onmessage = async ({ data }) => {
  if (data.type === "stdin") return deliver(data.text);
  if (data.type === "eof") {
    ended = true;
    return deliver(null);
  }
  if (data.type !== "run") return;
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
    });
    const ms = performance.now() - started;
    flush();
    const files = result.listFiles();
    const contents = {};
    for (const f of files) {
      if (f.type === "file") contents[f.path] = result.readPath(f.path);
    }
    const threads = result.threads;
    postMessage({ type: "done", exitCode: result.exitCode, trap: result.trap, ms, threads, files, contents });
    result.free();
  } catch (e) {
    flush();
    postMessage({ type: "error", name: e.name ?? "Error", message: e.message ?? String(e) });
  }
};

// The runner's page: starts the worker that runs the program and relays
// what it reports to the runner, in order: output chunks as they come
// (coalesced while a request is in flight), then how the run ended.
const worker = new Worker("/worker.js", { type: "module" });

const queue = [];
let sending = false;

async function pump() {
  if (sending) return;
  sending = true;
  while (queue.length > 0) {
    const next = queue.shift();
    if (next.kind === "out") {
      // Join the chunks of the same stream that queued up meanwhile.
      const parts = [next.chunk];
      while (queue.length > 0 && queue[0].kind === "out" && queue[0].stream === next.stream) {
        parts.push(queue.shift().chunk);
      }
      const body = parts.length === 1 ? parts[0] : new Blob(parts);
      await fetch(`/out?stream=${next.stream}`, { method: "POST", body });
    } else {
      await fetch("/done", { method: "POST", body: JSON.stringify(next.result) });
    }
  }
  sending = false;
}

worker.onmessage = ({ data }) => {
  queue.push(data);
  pump();
};
worker.onerror = (e) => {
  queue.push({ kind: "done", result: { error: `the runner's worker failed: ${e.message ?? "unknown error"}` } });
  pump();
};

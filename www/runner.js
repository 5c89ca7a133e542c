// The playground's runner worker: runs one WASI program (run_program.js
// says how) off the page, so that the page stays responsive and Stop can
// end a runaway program with worker.terminate().
//
// Worker -> page: { type: "ready" } once browser-wasi is loaded, then
// run_program.js's messages.
import init, { runWasi } from "./pkg/index.js";
import { programRunner } from "./run_program.js";

await init();
const runner = programRunner(runWasi, (message, transfer) => postMessage(message, transfer));
onmessage = ({ data }) => runner.receive(data);
postMessage({ type: "ready" });

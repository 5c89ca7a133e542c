// Runs the program from a worker (the kernel there, each thread a worker
// of that worker) and posts what happened.
import { runThreadsProgram } from "./run.js";

onmessage = async ({ data }) => postMessage(await runThreadsProgram(data.wasm, data.args));

// The whole integration: load the package, fetch the program once, run it
// with the text as a file in a preopened directory.
import init, { runWasi } from "../../pkg/index.js";

const $ = (id) => document.getElementById(id);
const text = new TextDecoder();

await init();
const program = await WebAssembly.compileStreaming(fetch(new URL("coreutils.wasm", location.href)));
$("run").disabled = false;
$("run").textContent = "Run";

$("run").addEventListener("click", async () => {
  const args = ["coreutils", ...$("command").value.trim().split(/\s+/)];
  $("stdout").textContent = "";
  const started = performance.now();
  try {
    const result = await runWasi(program, {
      args,
      preopens: { "/data": { "input.txt": $("input").value } },
      onStdout: (chunk) => { $("stdout").textContent += text.decode(chunk, { stream: true }); },
    });
    $("stderr").textContent = text.decode(result.stderr);
    $("status").textContent = result.trap
      ? `trapped: ${result.trap}`
      : `exit code ${result.exitCode} in ${(performance.now() - started).toFixed(1)} ms`;
    const data = result.readPath("/data");
    $("files").textContent = Object.entries(data)
      .map(([name, v]) => `${name}  ${v instanceof Uint8Array ? `${v.length} bytes` : "(directory)"}`)
      .join("\n");
    result.free();
  } catch (e) {
    $("status").textContent = `${e.name}: ${e.message}`;
  }
});

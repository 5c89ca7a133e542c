// node:wasi's documented example (https://nodejs.org/api/wasi.html), with
// `import { WASI } from 'node:wasi'` replaced by the line below, and the
// preopen given as a directory (a page has no host paths to give).
import init, { WASI } from 'browser-wasi'; await init();
import { readFile } from 'node:fs/promises';
import { argv, env } from 'node:process';

const wasi = new WASI({
  version: 'preview1',
  args: argv,
  env,
  preopens: {
    '/data': { 'input.txt': 'one\ntwo\n' },
  },
});

const wasm = await WebAssembly.compile(
  await readFile(new URL('./demo.wasm', import.meta.url)),
);
const instance = await WebAssembly.instantiate(wasm, wasi.getImportObject());

const code = wasi.start(instance);
document.getElementById('out').textContent = `exit ${code}\n` + new TextDecoder().decode(wasi.stdout());

// What node:wasi's example imports from node, as a page can provide it:
// readFile fetches, argv and env are fixed.
export async function readFile(url) {
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}
export const argv = ["demo", "from", "the", "page"];
export const env = { GREETING: "hello" };

export * from "./browser_wasi.js";
import type { InitInput, InitOutput } from "./browser_wasi.js";
/**
 * Loads the shim's WebAssembly module (from next to this file by default)
 * and primes it so the first run is fast. Await it once before runWasi.
 */
export default function init(
  options?: { module_or_path?: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<InitOutput>;

/**
 * A .zip, .tar or .tar.gz (told by its first bytes) as a DirSpec, to give
 * as a preopen. The formats load on first use (a package of their own,
 * about 140 KB gzipped). Rejects with an `ArchiveError` for a damaged
 * archive, a path that leaves it (`..`, absolute), or one that unpacks to
 * more than `maxBytes` (default 1 GiB).
 */
export function importArchive(
  bytes: Uint8Array | ArrayBuffer | Blob | Response,
  options?: { maxBytes?: number },
): Promise<DirSpec>;

/** An archive entry: `mtime` in milliseconds since the epoch. */
export interface ArchiveEntry {
  path: string;
  type: "file" | "directory" | "symlink";
  bytes?: Uint8Array;
  target?: string;
  mtime?: number;
}

/** The entries of a .zip, .tar or .tar.gz, with their times. */
export function readArchive(
  bytes: Uint8Array | ArrayBuffer | Blob | Response,
  options?: { maxBytes?: number },
): Promise<ArchiveEntry[]>;

/**
 * An archive of a DirSpec, a FileSystemDirectoryHandle (OPFS or a picked
 * folder), entries, or one preopen (`{ guestPath }`) of a run's result or a
 * WASI object. A zip keeps times to two seconds; tar, to the second.
 */
export function exportArchive(
  source: DirSpec | FileSystemDirectoryHandle | ArchiveEntry[] | { listFiles(): unknown[]; readPath(path: string): unknown },
  format: "zip" | "tar" | "tar.gz",
  options?: { guestPath?: string },
): Promise<Uint8Array>;

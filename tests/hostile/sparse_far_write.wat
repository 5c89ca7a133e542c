;; A seek to 1.5 GiB and a one-byte write: the file's size is 1.5 GiB + 1,
;; and it costs what was written, not a gigabyte and a half of zeros.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0x60) "sparse")
  (data (i32.const 0x70) "!")
  (func (export "_start")
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x60) (i32.const 6) (i32.const 1)
          (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0) (i32.const 0x48)) (then (unreachable)))
    (if (call $fd_seek (i32.load (i32.const 0x48)) (i64.const 0x60000000) (i32.const 0) (i32.const 0x40)) (then (unreachable)))
    (i32.store (i32.const 0x50) (i32.const 0x70))
    (i32.store (i32.const 0x54) (i32.const 1))
    (if (call $fd_write (i32.load (i32.const 0x48)) (i32.const 0x50) (i32.const 1) (i32.const 0x40)) (then (unreachable)))))

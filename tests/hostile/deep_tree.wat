;; Directories, each inside the last, until the path from the preopen would
;; pass PATH_MAX (2048 levels of "d"): then ENAMETOOLONG. Reading the tree
;; back (a listing, the preopen as objects, the deepest path) must not
;; recurse, and stays linear in what it returns.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0x60) "d")
  (data (i32.const 0x80) "2048 levels, then ENAMETOOLONG\n")
  (func (export "_start") (local $fd i32) (local $next i32) (local $i i32) (local $err i32)
    (local.set $fd (i32.const 3))
    (block $done
      (loop $deeper
        (local.set $err (call $mkdir (local.get $fd) (i32.const 0x60) (i32.const 1)))
        (br_if $done (local.get $err))
        ;; O_DIRECTORY, with the rights to look up and create below
        (if (call $path_open (local.get $fd) (i32.const 0) (i32.const 0x60) (i32.const 1) (i32.const 2)
              (i64.const 0x3fb7ffbb) (i64.const 0x3fb7ffbb) (i32.const 0) (i32.const 0x48)) (then (unreachable)))
        (local.set $next (i32.load (i32.const 0x48)))
        (if (i32.ne (local.get $fd) (i32.const 3)) (then (drop (call $close (local.get $fd)))))
        (local.set $fd (local.get $next))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $deeper)))
    (if (i32.and (i32.eq (local.get $err) (i32.const 37)) (i32.eq (local.get $i) (i32.const 2048)))
      (then
        (i32.store (i32.const 0x50) (i32.const 0x80))
        (i32.store (i32.const 0x54) (i32.const 31))
        (drop (call $fd_write (i32.const 1) (i32.const 0x50) (i32.const 1) (i32.const 0x58)))))))

;; Grows memory, then passes pointers into the new pages: the shim must
;; see the grown memory (a browser detaches the old buffer on grow).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "before grow\n")
  (func $write (param $iov i32) (param $ptr i32) (param $len i32) (result i32)
    (i32.store (local.get $iov) (local.get $ptr))
    (i32.store (i32.add (local.get $iov) (i32.const 4)) (local.get $len))
    (call $fd_write (i32.const 1) (local.get $iov) (i32.const 1) (i32.add (local.get $iov) (i32.const 8))))
  (func (export "_start")
    (drop (call $write (i32.const 0) (i32.const 16) (i32.const 12)))
    (drop (memory.grow (i32.const 3)))
    ;; "after grow\n" at 200000, iovec at 250000
    (i32.store (i32.const 200000) (i32.const 0x65746661))
    (i32.store (i32.const 200004) (i32.const 0x72672072))
    (i32.store16 (i32.const 200008) (i32.const 0x776f))
    (i32.store8 (i32.const 200010) (i32.const 10))
    ;; exit code = errno of the write (0 expected)
    (call $proc_exit (call $write (i32.const 250000) (i32.const 200000) (i32.const 11)))))

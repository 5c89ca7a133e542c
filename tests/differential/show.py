#!/usr/bin/env python3
"""Prints what wasmtime did for recorded cases: show.py CASE..."""
import base64, json, sys
for name in sys.argv[1:]:
    d = json.load(open("target/expected/%s.json" % name))
    print("== %s: exit %s%s" % (name, d["exit"], " TRAP" if d["trap"] else ""))
    print(base64.b64decode(d["stdout"]).decode(errors="replace"), end="")
    err = base64.b64decode(d["stderr"]).decode(errors="replace")
    if err:
        print("-- stderr:\n" + err, end="")

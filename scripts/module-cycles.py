#!/usr/bin/env python3
"""Lists import cycles between the top-level modules of each crate (a module `a` and its
folder `a/` count as one). Exits 1 when there is any. Run from the repository root:

    python3 scripts/module-cycles.py
"""
import glob
import os
import re
import sys
from collections import defaultdict


def modules(src):
    out = {}
    for p in glob.glob(src + "/**/*.rs", recursive=True):
        rel = os.path.relpath(p, src)
        if rel in ("lib.rs", "main.rs"):
            continue
        out.setdefault(rel.split("/")[0].removesuffix(".rs"), []).append(p)
    return out


def cycles_of(src):
    mods = modules(src)
    graph = defaultdict(set)
    for m, files in mods.items():
        for p in files:
            code = "\n".join(l for l in open(p).read().split("\n") if not l.strip().startswith("//"))
            for d in re.findall(r"crate::(\w+)", code):
                if d in mods and d != m:
                    graph[m].add(d)
    found = set()

    def walk(n, path):
        for d in graph[n]:
            if d in path:
                cyc = path[path.index(d):]
                i = cyc.index(min(cyc))
                found.add(" -> ".join(cyc[i:] + cyc[:i] + [min(cyc)]))
            elif len(path) < 10:
                walk(d, path + [d])

    for n in list(graph):
        walk(n, [n])
    return sorted(found)


bad = 0
for src in sorted(glob.glob("crates/*/src")):
    for c in cycles_of(src):
        print(f"{src}: {c}")
        bad += 1
print(f"{bad} module cycles")
sys.exit(1 if bad else 0)

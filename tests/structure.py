#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The code's shape, checked (docs/architecture.md): which folder may call
which, no cycle between folders, no production file over 1,000 lines and no
function over 120 lines without a comment saying why. Folder dependencies
are read from the symbols the core library's objects define and use, so a
call hidden behind a header of another folder still counts. Prints TAP.
Usage: structure.py SOURCE_ROOT CORE_LIBRARY"""
import os
import re
import subprocess
import sys

# Who may use whom. syscalls/table.c and syscalls/filter.c are the table's
# interface: the sentry core reaches handlers only through them, and the
# policy compiler reads syscall names from it.
ALLOWED = {
    "common": set(),
    "policy": {"common", "syscalls:table"},
    "gofer": {"common", "policy"},
    "guest": {"common", "syscalls:table"},
    "sentry": {"common", "policy", "guest", "syscalls:table"},
    "syscalls": {"common", "policy", "sentry"},
    "sandbox": {"common", "policy", "gofer", "sentry", "guest", "syscalls:table"},
    "runsc-c": {"common", "policy", "sandbox", "syscalls:table"},
}
TABLE_OBJECTS = {"syscalls/table", "syscalls/filter"}
PRODUCTION = list(ALLOWED)
MAX_FILE_LINES = 1000
MAX_FUNCTION_LINES = 120

results = []


def tap(ok, name, diag=()):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}", flush=True)
    if not ok:
        for line in list(diag)[:40]:
            print(f"#   {line}", flush=True)


def object_unit(member):
    """common_util.c.o -> common/util; guest_init.c.o -> guest/init."""
    base = re.sub(r"\.(c|S)\.o$", "", os.path.basename(member))
    folder, _, rest = base.partition("_")
    return f"{folder}/{rest}" if folder in ALLOWED else None


def symbol_graph(library):
    out = subprocess.run(["nm", "-A", "--defined-only", library], capture_output=True,
                         text=True, check=True).stdout
    defined = {}
    for line in out.splitlines():
        m = re.match(r"[^:]+:([^:]+):\s*\S+\s+([TDBRVWC])\s+(\S+)$", line)
        if m and object_unit(m.group(1)):
            defined.setdefault(m.group(3), object_unit(m.group(1)))
    out = subprocess.run(["nm", "-A", "--undefined-only", library], capture_output=True,
                         text=True, check=True).stdout
    uses = {}
    for line in out.splitlines():
        m = re.match(r"[^:]+:([^:]+):\s*U\s+(\S+)$", line)
        if not m or not object_unit(m.group(1)) or m.group(2) not in defined:
            continue
        user, owner = object_unit(m.group(1)), defined[m.group(2)]
        uses.setdefault((user, owner), set()).add(m.group(2))
    return uses


def check_dependencies(library):
    uses = symbol_graph(library)
    bad = []
    folder_edges = set()
    for (user, owner), syms in sorted(uses.items()):
        uf, of = user.split("/")[0], owner.split("/")[0]
        if uf == of:
            continue
        target = f"{of}:table" if owner in TABLE_OBJECTS else of
        if target not in ALLOWED[uf] and of not in ALLOWED[uf]:
            bad.append(f"{user} uses {owner}: {', '.join(sorted(syms)[:4])}")
        if owner not in TABLE_OBJECTS:
            folder_edges.add((uf, of))
    tap(not bad, "every folder uses only the folders below it", bad)
    # A cycle between folders, the table's registration of handlers aside.
    graph = {}
    for a, b in folder_edges:
        graph.setdefault(a, set()).add(b)
    cycles = []

    def visit(node, path):
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                cycles.append(" -> ".join(path[path.index(nxt):] + [nxt]))
            elif len(path) < len(ALLOWED):
                visit(nxt, path + [nxt])
    for start in sorted(graph):
        visit(start, [start])
    tap(not cycles, "no cycle between folders", sorted(set(cycles)))


def sources(root):
    for folder in PRODUCTION:
        for dirpath, _, names in os.walk(os.path.join(root, folder)):
            for name in sorted(names):
                if name.endswith(".c"):
                    yield os.path.join(dirpath, name)


def long_functions(path):
    """Functions (clang-format's Linux brace style: '{' and '}' alone at
    column 0) longer than the limit whose comment above says nothing of
    why ('long' must appear in it)."""
    lines = open(path, encoding="utf-8").read().splitlines()
    found = []
    start = None
    for i, line in enumerate(lines):
        if line == "{":
            start = i
        elif line == "}" and start is not None:
            length = i - start + 1
            if length > MAX_FUNCTION_LINES:
                j = start - 1
                while j >= 0 and lines[j] and not lines[j].startswith(("*/", " */")) \
                        and not lines[j].endswith("*/"):
                    j -= 1
                comment = []
                while j >= 0 and lines[j].strip():
                    comment.append(lines[j])
                    if lines[j].lstrip().startswith("/*"):
                        break
                    j -= 1
                if not re.search(r"\blong\b", " ".join(comment), re.I):
                    found.append(f"{path}:{start + 1}: {length} lines")
            start = None
    return found


def check_sizes(root):
    big = []
    longf = []
    for path in sources(root):
        n = sum(1 for _ in open(path, encoding="utf-8"))
        rel = os.path.relpath(path, root)
        if n > MAX_FILE_LINES:
            big.append(f"{rel}: {n} lines")
        longf += [os.path.relpath(f, root) for f in long_functions(path)]
    tap(not big, f"no production file over {MAX_FILE_LINES} lines", big)
    tap(not longf, f"no function over {MAX_FUNCTION_LINES} lines without a comment saying why",
        longf)


def main():
    if len(sys.argv) != 3:
        print("usage: structure.py SOURCE_ROOT CORE_LIBRARY", file=sys.stderr)
        return 2
    check_dependencies(sys.argv[2])
    check_sizes(sys.argv[1])
    print(f"1..{len(results)}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

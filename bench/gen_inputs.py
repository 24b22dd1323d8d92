# SPDX-License-Identifier: Apache-2.0
"""Inputs of the file-heavy benchmarks, generated the same way on every run.

    gen_inputs.py tree DIR [FILES]      a tree of FILES small files (default 5000)
    gen_inputs.py cproject DIR [UNITS]  a C program of UNITS .c files and a Makefile
    gen_inputs.py wheels DIR [COUNT]    COUNT pure-Python wheels (default 20)
    gen_inputs.py npm DIR [COUNT]       COUNT npm package tarballs (default 20)

The wheels and tarballs are what `pip wheel` and `npm pack` make of small
pure-Python and JavaScript packages, written directly (standard zip and tar
files), so that no index, registry or build backend is needed.
"""
import base64
import hashlib
import io
import json
import os
import random
import sys
import tarfile
import zipfile

MAKEFILE = """\
# Builds $(OUT)/prog from the .c files of $(SRC) without writing into $(SRC).
SRC ?= .
OUT ?= out
CC = gcc
CFLAGS = -O2 -Wall
OBJS := $(patsubst $(SRC)/%.c,$(OUT)/%.o,$(wildcard $(SRC)/*.c))

$(OUT)/prog: $(OBJS)
\t$(CC) $(CFLAGS) -o $@ $^

$(OUT)/%.o: $(SRC)/%.c $(SRC)/units.h | $(OUT)
\t$(CC) $(CFLAGS) -c -o $@ $<

$(OUT):
\tmkdir -p $@
"""

FUNCTION = """\
unsigned long unit{u}_f{f}(unsigned long seed)
{{
	unsigned long table[64];
	unsigned long acc = seed ^ {k}UL;

	for (int i = 0; i < 64; i++)
		table[i] = (acc = acc * 6364136223846793005UL + {k}UL) >> (i % 7);
	for (int round = 0; round < {rounds}; round++) {{
		for (int i = 1; i < 64; i++) {{
			if (table[i] % 3 == {m})
				table[i] ^= table[i - 1] << (round % 5);
			else
				table[i] += table[(i * {k}) % 64] / (round + 1);
		}}
		switch (table[round % 64] % 4) {{
		case 0: acc += table[3]; break;
		case 1: acc ^= table[17] * {k}UL; break;
		case 2: acc -= table[31] >> 2; break;
		default: acc = (acc << 1) | (acc >> 63); break;
		}}
	}}
	return acc;
}}
"""


def make_tree(root, files):
    rng = random.Random(42)
    per_dir = 100
    for i in range(files):
        d = os.path.join(root, "d%03d" % (i // per_dir), "s%d" % (i % 4))
        os.makedirs(d, exist_ok=True)
        size = rng.randint(16, 4096)
        with open(os.path.join(d, "f%05d.txt" % i), "wb") as f:
            f.write(bytes(rng.getrandbits(7) + 32 for _ in range(size)))


def make_cproject(root, units):
    rng = random.Random(7)
    funcs = 8
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "Makefile"), "w") as f:
        f.write(MAKEFILE)
    with open(os.path.join(root, "units.h"), "w") as f:
        f.write("/* SPDX-License-Identifier: Apache-2.0 */\n#pragma once\n")
        for u in range(units):
            f.write("unsigned long unit%d_all(unsigned long seed);\n" % u)
    for u in range(units):
        with open(os.path.join(root, "unit%02d.c" % u), "w") as f:
            f.write('#include "units.h"\n\n')
            for fn in range(funcs):
                f.write(FUNCTION.format(u=u, f=fn, k=rng.randint(3, 1 << 30),
                                        rounds=rng.randint(8, 64), m=rng.randint(0, 2)))
                f.write("\n")
            calls = " + ".join("unit%d_f%d(seed)" % (u, fn) for fn in range(funcs))
            f.write("unsigned long unit%d_all(unsigned long seed)\n{\n\treturn %s;\n}\n"
                    % (u, calls))
    with open(os.path.join(root, "main.c"), "w") as f:
        f.write('#include <stdio.h>\n#include "units.h"\n\nint main(void)\n{\n')
        f.write("\tunsigned long sum = 0;\n\n")
        for u in range(units):
            f.write("\tsum += unit%d_all(%d);\n" % (u, u))
        f.write('\tprintf("%lu\\n", sum);\n\treturn 0;\n}\n')


MODULES = 12  # modules per package, as in a small library


def py_module(pkg, m, rng):
    lines = ['"""%s.mod%02d: generated."""' % (pkg, m), "import math", ""]
    for f in range(6):
        k = rng.randint(3, 1 << 20)
        lines += ["def f%d(x):" % f, "    return (x * %d + int(math.sqrt(x + %d))) %% 1000003" % (k, f),
                  ""]
    lines += ["def total():", "    return sum(f(%d) for f in (f0, f1, f2, f3, f4, f5))" % m, ""]
    return "\n".join(lines)


def make_wheels(root, count):
    rng = random.Random(11)
    os.makedirs(root, exist_ok=True)
    for i in range(count):
        pkg = "benchpkg%02d" % i
        dist = "%s-1.0.dist-info" % pkg
        files = {}
        mods = ["mod%02d" % m for m in range(MODULES)]
        files[pkg + "/__init__.py"] = "from . import %s\n\n\ndef total():\n    return sum(m.total() for m in (%s))\n" % (
            ", ".join(mods), ", ".join(mods))
        for m in range(MODULES):
            files["%s/mod%02d.py" % (pkg, m)] = py_module(pkg, m, rng)
        files[dist + "/METADATA"] = "Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n" % pkg
        files[dist + "/WHEEL"] = ("Wheel-Version: 1.0\nGenerator: runsc-c-bench\n"
                                  "Root-Is-Purelib: true\nTag: py3-none-any\n")
        record = []
        for name, text in files.items():
            data = text.encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append("%s,sha256=%s,%d" % (name, digest.decode(), len(data)))
        record.append(dist + "/RECORD,,")
        files[dist + "/RECORD"] = "\n".join(record) + "\n"
        with zipfile.ZipFile(os.path.join(root, "%s-1.0-py3-none-any.whl" % pkg), "w",
                             zipfile.ZIP_DEFLATED) as z:
            for name, text in files.items():
                z.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), text)


def js_module(m, rng):
    k = rng.randint(3, 1 << 20)
    return ("'use strict';\n"
            "function f(x) { return (x * %d + Math.floor(Math.sqrt(x + %d))) %% 1000003; }\n"
            "module.exports = { total: () => [0, 1, 2, 3, 4, 5].reduce((s, i) => s + f(i + %d), 0) };\n"
            % (k, m, m))


def make_npm(root, count):
    rng = random.Random(13)
    os.makedirs(root, exist_ok=True)
    for i in range(count):
        pkg = "benchpkg%02d" % i
        files = {"package/package.json": json.dumps(
            {"name": pkg, "version": "1.0.0", "main": "index.js", "license": "MIT"}, indent=2) + "\n"}
        mods = ["./lib/mod%02d" % m for m in range(MODULES)]
        files["package/index.js"] = ("'use strict';\nconst mods = %s.map(require);\n"
                                     "module.exports = { total: () => mods.reduce((s, m) => s + m.total(), 0) };\n"
                                     % json.dumps(mods))
        for m in range(MODULES):
            files["package/lib/mod%02d.js" % m] = js_module(m, rng)
        with tarfile.open(os.path.join(root, "%s-1.0.0.tgz" % pkg), "w:gz") as t:
            for name, text in files.items():
                data = text.encode()
                info = tarfile.TarInfo(name)
                info.size, info.mode, info.mtime = len(data), 0o644, 1767225600
                t.addfile(info, io.BytesIO(data))


def main():
    makers = {"tree": (make_tree, 5000), "cproject": (make_cproject, 40),
              "wheels": (make_wheels, 20), "npm": (make_npm, 20)}
    if len(sys.argv) < 3 or sys.argv[1] not in makers:
        sys.exit(__doc__)
    make, default = makers[sys.argv[1]]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    make(sys.argv[2], count or default)


if __name__ == "__main__":
    main()

# SPDX-License-Identifier: Apache-2.0
"""Inputs of the file-heavy benchmarks, generated the same way on every run.

    gen_inputs.py tree DIR [FILES]      a tree of FILES small files (default 5000)
    gen_inputs.py cproject DIR [UNITS]  a C program of UNITS .c files and a Makefile
"""
import os
import random
import sys

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


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("tree", "cproject"):
        sys.exit(__doc__)
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    if sys.argv[1] == "tree":
        make_tree(sys.argv[2], count or 5000)
    else:
        make_cproject(sys.argv[2], count or 40)


if __name__ == "__main__":
    main()

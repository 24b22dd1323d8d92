# renameat2(2) flags: Linux's order of checks (unknown flags, then the
# combinations RENAME_EXCHANGE refuses, then the names), in a scratch
# directory (argv[1]).
import ctypes, errno, os, sys, tempfile
libc = ctypes.CDLL(None, use_errno=True)
NOREPLACE, EXCHANGE, WHITEOUT = 1, 2, 4
d = tempfile.mkdtemp(dir=sys.argv[1]); os.chdir(d)
open("a", "w").close(); open("b", "w").close()
def rn(old, new, flags):
    r = libc.renameat2(-100, old.encode(), -100, new.encode(), flags)
    return "ok" if r == 0 else errno.errorcode[ctypes.get_errno()]
for name, args in [("unknown flag", ("a", "c", 8)), ("EXCHANGE|NOREPLACE", ("a", "b", EXCHANGE | NOREPLACE)),
                   ("EXCHANGE|WHITEOUT", ("a", "b", EXCHANGE | WHITEOUT)),
                   ("EXCHANGE|WHITEOUT, missing", ("x", "y", EXCHANGE | WHITEOUT)),
                   ("EXCHANGE|NOREPLACE, missing", ("x", "y", EXCHANGE | NOREPLACE)),
                   ("NOREPLACE onto a file", ("a", "b", NOREPLACE)),
                   ("EXCHANGE with a missing target", ("a", "y", EXCHANGE)),
                   ("EXCHANGE", ("a", "b", EXCHANGE)), ("NOREPLACE", ("a", "c", NOREPLACE))]:
    print(name + ":", rn(*args))
print(sorted(os.listdir(".")))

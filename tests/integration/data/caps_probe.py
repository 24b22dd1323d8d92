# Every capability the probe can try without harm: whether capget (through
# /proc/self/status, which shows the same sets) claims it, and whether the
# kernel honours it. Prints only whether the two agree, so that the output
# is the same for any root that tells the truth about its capabilities.
import os
import resource


def claimed(cap):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) >> cap & 1)
    raise SystemExit("no CapEff")


def raise_hard_limit():
    # Lowering a hard limit is always allowed; raising it back needs
    # CAP_SYS_RESOURCE.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, hard - 1), hard - 1))
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, hard - 1), hard))


def raise_priority():
    # A nice value below the current one needs CAP_SYS_NICE.
    os.setpriority(os.PRIO_PROCESS, 0, os.getpriority(os.PRIO_PROCESS, 0) - 1)


for name, cap, attempt in [("CAP_SYS_RESOURCE", 24, raise_hard_limit),
                           ("CAP_SYS_NICE", 23, raise_priority)]:
    try:
        attempt()
        works = True
    except (PermissionError, ValueError):
        works = False
    verdict = "holds as claimed" if works == claimed(cap) else "claimed %s, works %s" % (claimed(cap), works)
    print(name, verdict)

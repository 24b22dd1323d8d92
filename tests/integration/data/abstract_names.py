# SPDX-License-Identifier: Apache-2.0
# Abstract unix names of a probe's own run. The abstract namespace is one
# per network namespace, so probes run natively by two test runs at once
# (two builds, CI beside another run) share the host's: a fixed name, or
# one made of the pid alone (a sandbox's pids are small and repeat), fails
# with EADDRINUSE or reaches the other run's socket. RUN is the pid and 32
# random bits in 16 hex digits, a fixed width so that a name's length
# prints the same natively and in the sandbox; shown() puts "RUN" in its
# place in what a probe prints.
import os

RUN = "%08x%08x" % (os.getpid() & 0xFFFFFFFF, int.from_bytes(os.urandom(4), "little"))


def abstract(what):
    """The abstract name runsc-c-WHAT-RUN, with its leading NUL."""
    return "\0runsc-c-%s-%s" % (what, RUN)


def shown(text):
    """text (str or bytes) with this run's RUN as "RUN"."""
    if isinstance(text, bytes):
        return text.replace(RUN.encode(), b"RUN")
    return text.replace(RUN, "RUN")

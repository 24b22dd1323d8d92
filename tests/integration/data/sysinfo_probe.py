# SPDX-License-Identifier: Apache-2.0
"""sysinfo(2) against /proc: the memory totals are /proc/meminfo's (in the
sandbox its memory bound), free, shared and buffer memory no more than the
total, procs the threads /proc/loadavg counts, uptime and loads those of
/proc/uptime and /proc/loadavg. Prints relations, never a number that
differs between the host and the sandbox."""
import ctypes
import os
import threading

libc = ctypes.CDLL(None, use_errno=True)


class Sysinfo(ctypes.Structure):
    _fields_ = [("uptime", ctypes.c_long), ("loads", ctypes.c_ulong * 3),
                ("totalram", ctypes.c_ulong), ("freeram", ctypes.c_ulong),
                ("sharedram", ctypes.c_ulong), ("bufferram", ctypes.c_ulong),
                ("totalswap", ctypes.c_ulong), ("freeswap", ctypes.c_ulong),
                ("procs", ctypes.c_ushort), ("pad", ctypes.c_ushort),
                ("totalhigh", ctypes.c_ulong), ("freehigh", ctypes.c_ulong),
                ("mem_unit", ctypes.c_uint), ("_f", ctypes.c_char * 8)]


def meminfo():
    out = {}
    with open("/proc/meminfo") as f:
        for line in f:
            key, rest = line.split(":", 1)
            out[key] = int(rest.split()[0]) * 1024
    return out


def sample():
    si = Sysinfo()
    if libc.sysinfo(ctypes.byref(si)) != 0:
        raise OSError(ctypes.get_errno(), "sysinfo")
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    with open("/proc/loadavg") as f:
        fields = f.read().split()
    return si, meminfo(), uptime, [float(x) for x in fields[:3]], int(fields[3].split("/")[1])


def relations(si, mi, uptime, loads, threads):
    u = si.mem_unit
    yield "totalram is MemTotal", si.totalram * u == mi["MemTotal"]
    yield "totalswap is SwapTotal", si.totalswap * u == mi["SwapTotal"]
    # free memory moves between the two reads: within 1/16 of the total
    yield "freeram is about MemFree", abs(si.freeram * u - mi["MemFree"]) <= mi["MemTotal"] // 16
    yield "freeram <= totalram", si.freeram <= si.totalram
    yield "sharedram <= totalram", si.sharedram <= si.totalram
    yield "bufferram <= totalram", si.bufferram <= si.totalram
    yield "freeswap <= totalswap", si.freeswap <= si.totalswap
    yield "uptime is /proc/uptime's", 0 <= si.uptime - int(uptime) <= 2
    yield "loads are /proc/loadavg's", all(abs(si.loads[i] / 65536.0 - loads[i]) <= 0.1
                                           for i in range(3))
    # the host's other processes start and end threads between the reads
    yield "procs is about /proc/loadavg's threads", abs(si.procs - threads) <= max(8, threads // 8)


def main():
    # A second thread counts in procs.
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        for attempt in range(5):
            got = list(relations(*sample()))
            if all(ok for _, ok in got) or attempt == 4:
                break
        for name, ok in got:
            print(name, "yes" if ok else "NO")
    finally:
        stop.set()
        t.join()


main()

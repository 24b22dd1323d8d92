# /proc/sys as a program sees it: for each file of the subset the sandbox
# serves, its type and mode, whether its directory lists it, its value (the
# names are compared with uname's, whatever the host is called), and what
# opening it for writing gives.
import errno
import os
import stat

FILES = """fs/file-max fs/inotify/max_queued_events fs/inotify/max_user_instances
fs/inotify/max_user_watches fs/lease-break-time fs/nr_open fs/pipe-max-size
fs/pipe-user-pages-hard fs/pipe-user-pages-soft kernel/core_pattern kernel/domainname
kernel/hostname kernel/ngroups_max kernel/osrelease kernel/ostype
kernel/pid_max kernel/tainted net/core/somaxconn vm/max_map_count
vm/overcommit_memory""".split()
uts = os.uname()
NAMES = {"kernel/hostname": uts.nodename, "kernel/osrelease": uts.release,
         "kernel/ostype": uts.sysname}

for name in FILES:
    path = "/proc/sys/" + name
    st = os.stat(path)
    listed = os.path.basename(name) in os.listdir(os.path.dirname(path))
    with open(path) as f:
        value = f.read().strip()
    if name == "kernel/core_pattern":
        value = "(the sandbox's own; the view test checks it)"
    elif name in NAMES:
        value = "as uname says" if value == NAMES[name] else "differs from uname: " + value
    try:
        os.close(os.open(path, os.O_WRONLY))
        write = "opens for writing"
    except OSError as e:
        write = errno.errorcode[e.errno]
    print(name, stat.filemode(st.st_mode), st.st_size, "listed" if listed else "unlisted",
          value, write)
for d in ["", "fs", "fs/inotify", "kernel", "net", "net/core", "vm"]:
    st = os.stat("/proc/sys/" + d)
    print(d or "/proc/sys", stat.filemode(st.st_mode), st.st_size)
try:
    open("/proc/sys/kernel/no-such-file")
except OSError as e:
    print("missing:", errno.errorcode[e.errno])

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes an OCI image layout tarball (what `ctr image import` and `podman
load` read) of a one-layer image holding a static busybox and its applet
links: an image built locally, with no registry.
Usage: mkimage.py BUSYBOX OUT.tar NAME"""
import hashlib
import io
import json
import subprocess
import sys
import tarfile


def main():
    busybox, out, name = sys.argv[1:4]
    blobs = {}

    def blob(data):
        digest = hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        return "sha256:" + digest

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for d in ["bin", "tmp", "etc", "proc", "sys", "dev", "root"]:
            ti = tarfile.TarInfo(d)
            ti.type = tarfile.DIRTYPE
            ti.mode = 0o1777 if d == "tmp" else 0o755
            t.addfile(ti)
        t.add(busybox, "bin/busybox")
        apps = subprocess.run([busybox, "--list"], capture_output=True, text=True,
                              check=True).stdout.split()
        for app in apps:
            if app != "busybox":
                ti = tarfile.TarInfo("bin/" + app)
                ti.type = tarfile.SYMTYPE
                ti.linkname = "busybox"
                t.addfile(ti)
    layer = buf.getvalue()
    layer_digest = blob(layer)
    config = json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                   "Cmd": ["sh"]},
        "rootfs": {"type": "layers", "diff_ids": [layer_digest]}}).encode()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": blob(config), "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": layer_digest, "size": len(layer)}]}).encode()
    index = json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": blob(manifest), "size": len(manifest),
        "annotations": {"io.containerd.image.name": name,
                        "org.opencontainers.image.ref.name": name.rsplit(":", 1)[-1]}}]}).encode()
    with tarfile.open(out, "w") as t:
        def add(path, data):
            ti = tarfile.TarInfo(path)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
        add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add("index.json", index)
        for digest, data in blobs.items():
            add("blobs/sha256/" + digest, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())

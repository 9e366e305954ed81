#!/usr/bin/env python3
"""Writes a release index in go.dev's format (https://go.dev/dl/?mode=json&include=all) as large
as the real one: every go1.N line from 1.2 on with its patch releases, betas and release
candidates (about 300 releases), each with the ~40 files go.dev lists (archives, installers and
the source). Deterministic, so every run parses the same bytes.

Usage: make-index.py OUT.json
"""
import hashlib
import json
import sys

PLATFORMS = [
    ("aix", "ppc64"), ("darwin", "amd64"), ("darwin", "arm64"), ("dragonfly", "amd64"),
    ("freebsd", "386"), ("freebsd", "amd64"), ("freebsd", "arm"), ("freebsd", "arm64"), ("freebsd", "riscv64"),
    ("illumos", "amd64"), ("linux", "386"), ("linux", "amd64"), ("linux", "arm64"), ("linux", "armv6l"),
    ("linux", "loong64"), ("linux", "mips"), ("linux", "mips64"), ("linux", "mips64le"), ("linux", "mipsle"),
    ("linux", "ppc64"), ("linux", "ppc64le"), ("linux", "riscv64"), ("linux", "s390x"), ("netbsd", "386"),
    ("netbsd", "amd64"), ("netbsd", "arm"), ("netbsd", "arm64"), ("openbsd", "386"), ("openbsd", "amd64"),
    ("openbsd", "arm"), ("openbsd", "arm64"), ("openbsd", "ppc64"), ("plan9", "386"), ("plan9", "amd64"),
    ("plan9", "arm"), ("solaris", "amd64"), ("windows", "386"), ("windows", "amd64"), ("windows", "arm64"),
]
# Patch releases per line, roughly as many as Go published.
PATCHES = {2: 2, 3: 3, 4: 3, 5: 4, 6: 4, 7: 6, 8: 7, 9: 7, 10: 8, 11: 13, 12: 17, 13: 15, 14: 15, 15: 15,
           16: 15, 17: 13, 18: 10, 19: 13, 20: 14, 21: 13, 22: 12, 23: 12, 24: 6}


def versions():
    for minor in sorted(PATCHES, reverse=True):
        for patch in range(PATCHES[minor], 0, -1):
            yield f"go1.{minor}.{patch}", True
        yield (f"go1.{minor}" if minor < 21 else f"go1.{minor}.0"), True
        for rc in (3, 2, 1):
            yield f"go1.{minor}rc{rc}", False
        for beta in (2, 1):
            yield f"go1.{minor}beta{beta}", False


def files(version):
    def entry(filename, os_, arch, kind, n):
        digest = hashlib.sha256(filename.encode()).hexdigest()
        return {"filename": filename, "os": os_, "arch": arch, "version": version,
                "sha256": digest, "size": 60_000_000 + n * 1_234_567 % 40_000_000, "kind": kind}

    out = [entry(f"{version}.src.tar.gz", "", "", "source", 0)]
    for n, (os_, arch) in enumerate(PLATFORMS, 1):
        ext = "zip" if os_ == "windows" else "tar.gz"
        out.append(entry(f"{version}.{os_}-{arch}.{ext}", os_, arch, "archive", n))
        if os_ in ("darwin", "windows"):
            out.append(entry(f"{version}.{os_}-{arch}.{'pkg' if os_ == 'darwin' else 'msi'}", os_, arch, "installer", n))
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    index = [{"version": v, "stable": stable, "files": files(v)} for v, stable in versions()]
    with open(sys.argv[1], "w") as f:
        json.dump(index, f, indent=1)
    print(f"{len(index)} releases, {sum(len(r['files']) for r in index)} files", file=sys.stderr)


if __name__ == "__main__":
    main()

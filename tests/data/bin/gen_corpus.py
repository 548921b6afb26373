"""Writes the seed corpora of the binary-analyzer fuzz harnesses
(fuzz/corpus/gobinary, cargo, java) from binfix's synthetic builders. Every
file is small (< 50 KB) and deterministic; run again after changing them:

    python3 tests/data/bin/gen_corpus.py
"""

import os
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import binfix  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))

MODINFO = ("path\texample.com/app/cmd/app\n"
           "mod\texample.com/app\t(devel)\t\n"
           "dep\tgithub.com/pkg/errors\tv0.9.1\th1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=\n"
           "dep\texample.com/old\tv1.0.0\n"
           "=>\texample.com/fork\tv1.1.0\th1:UmSeSFXRRu43SzVZe0xew7yujG0Bv9uh54c6bVSre58=\n"
           "dep\texample.com/local\tv0.0.0-00010101000000-000000000000\n"
           "=>\t../local\t(devel)\t\n\n"
           "build\t-compiler=gc\n"
           "build\t-ldflags=\"-s -w -X \\\"main.v=1\\\"\"\n"
           "build\tGOOS=linux\n")

CARGO = [{"name": "app", "version": "0.1.0", "source": "local", "dependencies": [1, 2],
          "root": True},
         {"name": "adler", "version": "1.0.2", "source": "crates.io"},
         {"name": "cc", "version": "1.0.83", "source": "crates.io", "kind": "build"}]


def write(kind, name, data):
    d = os.path.join(ROOT, "fuzz", "corpus", kind)
    os.makedirs(d, exist_ok=True)
    assert len(data) < 50000, name
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    full = binfix.go_buildinfo(modinfo=MODINFO, before=200)
    write("gobinary", "inline-modules", full)
    write("gobinary", "gopath-mode", binfix.go_buildinfo(
        "go1.19.8", "path\tgithub.com/x/tool\nbuild\tGOOS=linux\n"))
    write("gobinary", "pre-1.18-pointers", binfix.go_buildinfo("go1.16", "", flags=0,
                                                               sentinels=False))
    write("gobinary", "truncated-modinfo", full[:len(full) - 150])
    write("gobinary", "varint-overflow", full[:208 + 32] + b"\xff" * 11 + bytes(40))
    write("gobinary", "devel-toolchain", binfix.go_buildinfo(
        "devel go1.22-abcdef Tue Jan 2 15:04:05 2024 +0000", "mod\tx.org/m\tv1.0.0\t\n"))

    doc = zlib.compress(binfix.auditable_json(CARGO), 9)
    write("cargo", "dep-v0", binfix.elf_with_section(".dep-v0", doc))
    write("cargo", "dep-v0-truncated-zlib", binfix.elf_with_section(".dep-v0", doc[:-9]))
    write("cargo", "dep-v0-not-json", binfix.elf_with_section(
        ".dep-v0", zlib.compress(b'{"packages":[{"name":1}', 9)))
    write("cargo", "no-dep-v0", binfix.elf_with_section(".comment", b"GCC: (Debian) 12\0"))

    inner = binfix.jar({"META-INF/maven/org.example/a/pom.properties":
                        binfix.pom_properties("org.example", "a", "1.0")})
    write("java", "pom", inner)
    write("java", "manifest-only", binfix.jar({
        "META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\r\nImplementation-Title: foo\r\n"
                                b"Implementation-Version: 1.5\r\nBundle-SymbolicName: org.fo\r\n"
                                b" o.bar;singleton:=true\r\n\r\nName: x\r\n"}))
    write("java", "war-nested", binfix.jar({
        "WEB-INF/lib/a-1.0.jar": inner,
        "META-INF/maven/org.web/web/pom.properties": binfix.pom_properties("org.web", "web", "7"),
        "WEB-INF/lib/b-2.0.jar": binfix.jar({"b/B.class": b"\xca\xfe\xba\xbe"})},
        stored=("WEB-INF/lib/a-1.0.jar",)))
    write("java", "data-descriptors", binfix.jar({
        "lib/a-1.0.jar": inner,
        "META-INF/maven/org.s/s/pom.properties": binfix.pom_properties("org.s", "s", "1")},
        stored=("lib/a-1.0.jar",), descriptor=True))
    nest = inner
    for level in range(6, 0, -1):
        nest = binfix.jar({"lib/l%d-1.0.jar" % level: nest}, stored=("lib/l%d-1.0.jar" % level,))
    write("java", "deep-nesting", nest)
    # a nested jar holding 20 MiB of stored zeros, deflated by the outer one
    zeros = binfix.jar({"zeros.bin": bytes(20 << 20)}, stored=("zeros.bin",))
    write("java", "bomb", binfix.jar({"lib/z-1.0.jar": zeros}))


if __name__ == "__main__":
    main()

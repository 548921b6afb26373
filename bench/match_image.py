"""Builds the matching benchmark's image (see match.sh): 4,000 Debian
packages and 1,000 PyPI packages named after the PyPI corpus, at version
0.1 (old: most of their advisories apply)."""
import json
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "fixtures"))
from mkimage import Image, Layer, debian_base  # noqa: E402

out, corpus = sys.argv[1], sys.argv[2]
names = []
with zipfile.ZipFile(corpus) as z:
    for n in sorted(z.namelist()):
        for a in json.loads(z.read(n)).get("affected", []):
            name = a["package"]["name"]
            if name not in names:
                names.append(name)
names = (names * (1000 // max(1, len(names)) + 1))[:1000]
deb = [{"Package": "pkg%04d" % i, "Version": "1.%d-1" % i} for i in range(4000)]
layer = Layer()
for i, n in enumerate(names):
    layer.file("usr/lib/python3/site-packages/%s-0.1.dist-info/METADATA" % (n + ("" if i < len(set(names)) else "_%d" % i)),
               ("Metadata-Version: 2.1\nName: %s\nVersion: 0.1\n" % n).encode())
Image([debian_base(deb), layer]).oci_layout(out)
print("image: 4000 deb + %d pypi packages" % len(names))

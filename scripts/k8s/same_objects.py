#!/usr/bin/env python3
"""Compares two renderings of one overlay (different kustomize versions) as sets of objects.

Usage: same_objects.py A.yaml B.yaml; exit 0 when they hold the same objects, else 1 and a
line naming the first object that differs. The content-hash suffix of generated ConfigMap
names (and every reference to it) is ignored: its algorithm changed in kustomize v3.
"""
import re
import sys

import yaml


def objects(path):
    with open(path) as f:
        text = f.read()
    names = set(re.findall(r"^  name: (\S+)-[a-z0-9]{10}$", text, re.M))
    for n in names:
        text = re.sub(re.escape(n) + r"-[a-z0-9]{10}\b", n + "-HASH", text)
    docs = [d for d in yaml.safe_load_all(text) if d]
    return {(d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"]): d for d in docs}


a, b = objects(sys.argv[1]), objects(sys.argv[2])
if a.keys() != b.keys():
    print(f"objects {sorted(a.keys() ^ b.keys())} are in one rendering only")
    sys.exit(1)
for key in sorted(a):
    if a[key] != b[key]:
        print(f"{key[0]}/{key[2]} differs")
        sys.exit(1)

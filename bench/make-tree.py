"""A project tree for bench/report.sh: exactly DIRS directories (breadth first, ten below each),
each with a source file, and a pin in every (DIRS / PINS)th one, the pin kinds in turn.
Deterministic: the same tree on every run and machine.

    python3 bench/make-tree.py ROOT [DIRS [PINS]]    (default 10000 and 500)
"""
import os
import sys

PINS = [
    (".go-version", "1.22\n"),
    ("go.mod", "module example.com/m\n\ngo 1.22\n\ntoolchain go1.22.10\n"),
    (".tool-versions", "nodejs 20.11.0\ngolang 1.22.10\n"),
    ("mise.toml", "[tools]\ngo = \"1.21\"\n"),
    ("go.work", "go 1.22\n\ntoolchain go1.23.9\n\nuse .\n"),
]


def main(root, dirs=10000, pins=500):
    made, level = [], [root]
    while len(made) < dirs:
        below = []
        for parent in level:
            for i in range(10):
                if len(made) == dirs:
                    break
                path = os.path.join(parent, f"d{i}")
                below.append(path)
                made.append(path)
        level = below
    every = dirs // pins
    for n, path in enumerate(made):
        os.makedirs(path)
        with open(os.path.join(path, "main.go"), "w") as f:
            f.write("package main\n")
        if n % every == every - 1:
            name, text = PINS[(n // every) % len(PINS)]
            with open(os.path.join(path, name), "w") as f:
                f.write(text)


if __name__ == "__main__":
    main(sys.argv[1], *map(int, sys.argv[2:]))

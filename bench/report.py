#!/usr/bin/env python3
"""Turns hyperfine's JSON into the tables of BENCHMARKS.md.

  report.py table AREA AREA_DIR             Markdown table of one area's runs (what the area scripts print)
  report.py collect RUN_DIR                 RUN_DIR/results.json (the summary of a bench/run) and results.md
  report.py publish RESULTS PREVIOUS FILE   rewrite the generated blocks of FILE (BENCHMARKS.md) from RESULTS,
                                            showing how each median moved since PREVIOUS (may not exist)
  python3 -m doctest bench/report.py        the self-test (bench/run runs it first)

An area directory holds, per comparison, NAME.rN.json (hyperfine --export-json of round N; the
rounds' timings are pooled) and NAME.cmds (the options, then `name<TAB>command` lines; the
first command is the baseline), the comparisons' order in `order`, and figures measured
outside hyperfine in facts.tsv (`key<TAB>value`).
Spread is the interquartile range: on a shared machine the mean and σ mostly measure other
processes, the median and IQR what is being timed.
"""
import glob
import json
import os
import statistics
import sys

# Titles, and the target each area is held to (see check()).
AREAS = {
    "shim": "Shim overhead",
    "hook": "Shell start-up with the hook",
    "install": "gover install against inflating alone and curl | tee >(sha256sum) | tar -xz",
    "doctor": "gover doctor",
    "list": "gover list --remote on a full-size index",
    "vulns": "gover list with vulnerability data",
    "proxy": "Toolchains through a Go module proxy",
    "ci": "CI setup: the GitHub Action against setup-go's pipeline, cold and warm",
    "report": "gover report over 10,000 directories with 500 pins",
}
TARGETS = {
    "shim": "median overhead over the real go under 1 ms; the release files' static musl shim within 0.05 of "
            "the exec floor's ratio to the real go (issue 22.8)",
    "hook": "under 5 ms added to the shell's start-up",
    "install": "within 1.25x of inflating alone (the floor) and no slower than the pipeline; peak memory under 30 MB",
    "doctor": "under 300 ms; on a manager's setup, at most 30 ms over the slowest shell start-up it asks",
    "list": "close to downloading and parsing the index (within 1.5x of curl | python3 json.load)",
    "vulns": "under 5 ms added by the full cache to gover list with 20 installed versions",
    "proxy": "gover install --source proxy no slower than go's own toolchain switch; 8 concurrent installs within 8x one",
    "ci": "none set (the issue asks for the comparison): cold and warm, each against setup-go's pipeline",
    "report": "within 1.5x of find looking for every pin name over the same tree",
}


def summarize(area_dir):
    """The runs of one area directory as a list of groups (one per hyperfine run)."""
    order_file = os.path.join(area_dir, "order")
    names = open(order_file).read().split() if os.path.exists(order_file) else []
    groups = []
    for name in names:
        options, commands = "", {}
        for line in open(os.path.join(area_dir, name + ".cmds")):
            key, _, value = line.rstrip("\n").partition("\t")
            if key == "#options":
                options = value
            else:
                commands[key] = value
        merged = {}  # name -> (times, user, system) over every round
        for round_file in sorted(glob.glob(os.path.join(area_dir, glob.escape(name) + ".r*.json"))):
            for r in json.load(open(round_file))["results"]:
                times, user, system = merged.setdefault(r["command"], ([], [], []))
                times += r["times"]
                user.append(r["user"])
                system.append(r["system"])
        rows = []
        for command, (times, user, system) in merged.items():
            times = sorted(times)
            q1, _, q3 = statistics.quantiles(times, n=4) if len(times) > 1 else (times[0],) * 3
            rows.append({
                "name": command, "command": commands.get(command, ""),
                "median": statistics.median(times), "q1": q1, "q3": q3,
                "min": times[0], "max": times[-1], "runs": len(times),
                "user": statistics.mean(user), "system": statistics.mean(system),
            })
        groups.append({"run": name, "options": options, "rows": rows})
    facts = {}
    facts_file = os.path.join(area_dir, "facts.tsv")
    if os.path.exists(facts_file):
        for line in open(facts_file):
            key, _, value = line.rstrip("\n").partition("\t")
            facts[key] = value
    return {"groups": groups, "facts": facts}


def duration(seconds):
    """Three significant figures in the unit a reader expects.

    >>> [duration(x) for x in (0.0024561, 0.04118, 0.2233, 1.8091)]
    ['2.456 ms', '41.18 ms', '223.3 ms', '1.809 s']
    """
    ms = seconds * 1000
    if ms >= 1000:
        return f"{seconds:.3f} s"
    if ms >= 100:
        return f"{ms:.1f} ms"
    if ms >= 10:
        return f"{ms:.2f} ms"
    return f"{ms:.3f} ms"


def signed(seconds):
    """
    >>> signed(0.00075), signed(-0.9389)
    ('+0.750 ms', '-938.9 ms')
    """
    return ("+" if seconds >= 0 else "-") + duration(abs(seconds))


def check(area, group, row, facts):
    """Whether ROW (not its group's baseline) meets the area's target: "met", "MISSED" or "".

    >>> real, shim = {"name": "real go", "median": 0.0024}, {"name": "shim go", "median": 0.0033}
    >>> check("shim", {"rows": [real, shim]}, shim, {})
    'met'
    >>> check("shim", {"rows": [real, dict(shim, median=0.0035)]}, dict(shim, median=0.0035), {})
    'MISSED'
    >>> floor, musl = {"name": "exec floor: x", "median": 0.0030}, {"name": "musl shim go", "median": 0.0031}
    >>> check("shim", {"run": "musl", "rows": [real, floor, musl]}, musl, {})
    'met'
    >>> check("shim", {"run": "musl", "rows": [real, floor, dict(musl, median=0.00314)]}, dict(musl, median=0.00314), {})
    'MISSED'
    >>> floor, pipe = {"name": "inflate only", "median": 0.6}, {"name": "curl", "median": 1.8}
    >>> gover = {"name": "gover install", "median": 0.9}
    >>> check("install", {"rows": [floor, pipe, gover]}, gover, {}), check("install", {"rows": [floor, pipe]}, pipe, {})
    ('MISSED', '')
    >>> check("install", {"rows": [floor, pipe, dict(gover, median=0.7)]}, dict(gover, median=0.7), {})
    'met'
    >>> bash, fish = {"name": "start-up: bash -ic", "median": 0.004}, {"name": "start-up: fish -ic", "median": 0.012}
    >>> doctor = {"name": "gover doctor, asdf setup", "median": 0.035}
    >>> check("doctor", {"rows": [bash, fish, doctor]}, doctor, {}), check("doctor", {"rows": [bash, fish]}, fish, {})
    ('met', '')
    >>> check("doctor", {"rows": [bash, fish, dict(doctor, median=0.045)]}, dict(doctor, median=0.045), {})
    'MISSED'
    >>> bare, full = {"name": "bare", "median": 0.0021}, {"name": "full", "median": 0.0052}
    >>> check("vulns", {"rows": [bare, full]}, full, {})
    'met'
    >>> check("vulns", {"rows": [bare, dict(full, median=0.0075)]}, dict(full, median=0.0075), {})
    'MISSED'
    >>> one, every = {"name": "find -name .go-version", "median": 0.02}, {"name": "find, every pin name", "median": 0.03}
    >>> report = {"name": "gover report --json", "median": 0.04}
    >>> check("report", {"rows": [one, every, report]}, report, {}), check("report", {"rows": [one, every]}, every, {})
    ('met', '')
    >>> check("report", {"rows": [one, every, dict(report, median=0.05)]}, dict(report, median=0.05), {})
    'MISSED'
    """
    base = group["rows"][0]
    if area == "shim":
        if row["name"].startswith("exec floor"):
            return ""
        if group.get("run") == "musl":
            floor = next(r for r in group["rows"] if r["name"].startswith("exec floor"))
            ratio = lambda r: r["median"] / base["median"]
            return "met" if ratio(row) - ratio(floor) <= 0.05 else "MISSED"
        return "met" if row["median"] - base["median"] < 0.001 else "MISSED"
    if area == "hook":
        return "met" if row["median"] - base["median"] < 0.005 else "MISSED"
    if area == "install":
        if not row["name"].startswith("gover install"):
            return ""
        pipeline = next((r for r in group["rows"] if r["name"].startswith("curl")), None)
        no_slower = pipeline is None or row["median"] <= pipeline["median"]
        return "met" if row["median"] <= 1.25 * base["median"] and no_slower else "MISSED"
    if area == "doctor":
        if row["name"].startswith("start-up"):
            return ""
        shells = [r["median"] for r in group["rows"] if r["name"].startswith("start-up")]
        if shells:
            return "met" if row["median"] - max(shells) <= 0.030 else "MISSED"
        return "met" if row["median"] < 0.3 else "MISSED"
    if area == "list":
        if not row["name"].startswith("gover"):
            return ""
        return "met" if row["median"] <= 1.5 * base["median"] else "MISSED"
    if area == "vulns":
        return "met" if row["median"] - base["median"] < 0.005 else "MISSED"
    if area == "report":
        if not row["name"].startswith("gover"):
            return ""
        walk = next(r for r in group["rows"] if r["name"].startswith("find, every"))
        return "met" if row["median"] <= 1.5 * walk["median"] else "MISSED"
    if area == "proxy":
        if row["name"].startswith("8 concurrent"):
            return "met" if row["median"] <= 8 * base["median"] else "MISSED"
        return "met" if row["median"] <= base["median"] else "MISSED"
    return ""


def fact_check(area, key, value):
    if area == "install" and key.startswith("peak memory") and key.endswith("gover install"):
        return "met" if float(value.split()[0]) < 30 else "MISSED"
    return ""


def previous_rows(previous, area):
    """(run, name) -> (median, difference from its baseline or None) in an earlier results.json."""
    if not previous or area not in previous.get("areas", {}):
        return {}
    found = {}
    for group in previous["areas"][area]["groups"]:
        base = group["rows"][0]["median"]
        for i, row in enumerate(group["rows"]):
            found[(group["run"], row["name"])] = (row["median"], row["median"] - base if i else None)
    return found


def area_markdown(area, data, previous=None, date=None):
    before = previous_rows(previous, area)
    moved = previous is not None
    out = []
    head = "| run | command | median | IQR | min | CPU (user + sys, mean) | vs baseline (same rounds) | target |"
    rule = "|:---|:---|---:|---:|---:|---:|---:|:---|"
    if moved:
        head += f" previous run ({previous['date']}): median, vs baseline |"
        rule += "---:|"
    out += [head, rule]
    for group in data["groups"]:
        base = group["rows"][0]
        for i, row in enumerate(group["rows"]):
            vs = ""
            if i:
                delta = row["median"] - base["median"]
                vs = f"{signed(delta)} ({row['median'] / base['median']:.2f}x)"
            target = "" if i == 0 else check(area, group, row, data["facts"])
            name = row["name"].replace("|", "\\|")
            line = (f"| {group['run']} | {name} | {duration(row['median'])} | {duration(row['q3'] - row['q1'])} "
                    f"| {duration(row['min'])} | {duration(row['user'] + row['system'])} | {vs} | {target} |")
            if moved:
                was = before.get((group["run"], row["name"]))
                if was is None:
                    line += " (new) |"
                else:
                    line += f" {duration(was[0])}" + (f", {signed(was[1])}" if was[1] is not None else "") + " |"
            out.append(line)
    if data["facts"]:
        out.append("")
        for key, value in data["facts"].items():
            verdict = fact_check(area, key, value)
            out.append(f"- {key}: **{value}**" + (f" (target: {verdict})" if verdict else ""))
    options = sorted({g["options"] for g in data["groups"]})
    out += ["", "<details><summary>Exact commands (<code>$W</code>: the run's temporary directory, "
            "<code>$BIN</code>: the release binaries, <code>$URL</code>: the server on 127.0.0.1)</summary>", ""]
    out += [f"- hyperfine --style basic {o}" for o in options]
    seen = set()
    for group in data["groups"]:
        for row in group["rows"]:
            if row["name"] in seen:
                continue
            seen.add(row["name"])
            out.append(f"- {row['name']}: `{row['command']}`")
    out += ["", "</details>"]
    return "\n".join(out)


def machine_markdown(results):
    m = results["machine"]
    # The "after" figure includes the benchmark itself (about one busy core); "before" is the others.
    loaded = float(m["load_before"].split()[0]) >= m["nproc"] / 2
    busy = ("; other processes were competing for the CPUs before it started, so spreads are wider than on "
            "an idle machine" if loaded else "; the machine was nearly idle before it started")
    return (f"Run {results['date']} by `{results['command']}` on {m['nproc']} cores ({m['cpu']}), "
            f"{m['memory']}, Linux {m['kernel']}, {m['hyperfine']}. "
            f"Load average (1/5/15 min) {m['load_before']} before the run and {m['load_after']} after it "
            f"(which includes the run's own load){busy}.")


def collect(run_dir):
    results = json.load(open(os.path.join(run_dir, "machine.json")))
    results["areas"] = {}
    for area in AREAS:
        path = os.path.join(run_dir, area)
        if os.path.isdir(path):
            results["areas"][area] = summarize(path)
    with open(os.path.join(run_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    with open(os.path.join(run_dir, "results.md"), "w") as f:
        f.write(machine_markdown(results) + "\n")
        for area, data in results["areas"].items():
            f.write(f"\n## {AREAS[area]}\n\nTarget: {TARGETS[area]}.\n\n{area_markdown(area, data)}\n")


def publish(results_path, previous_path, doc_path):
    results = json.load(open(results_path))
    previous = json.load(open(previous_path)) if os.path.exists(previous_path) else None
    text = open(doc_path).read()
    blocks = {"machine": machine_markdown(results)}
    for area, data in results["areas"].items():
        blocks[area] = f"Target: {TARGETS[area]}.\n\n" + area_markdown(area, data, previous)
    for name, body in blocks.items():
        begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
        if begin not in text or end not in text:
            sys.exit(f"report.py: {doc_path} has no {begin} ... {end} block")
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{body}\n{end}{tail}"
    with open(doc_path, "w") as f:
        f.write(text)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "table":
        print(area_markdown(sys.argv[2], summarize(sys.argv[3])))
    elif len(sys.argv) == 3 and sys.argv[1] == "collect":
        collect(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "publish":
        publish(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

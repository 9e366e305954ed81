#!/usr/bin/env bash
# From a fresh runner directory to a working `go version`: this repository's GitHub Action (its
# `run:` steps from action.yml, in order, as the runner runs them) against the shell pipeline
# actions/setup-go effectively runs (download, extract with tar, add to PATH) on the same
# go1.22.10 archive, cold and warm, the four side by side in one hyperfine run:
#   - cold: an empty runner (no tool cache, no GOVER_HOME, no caches restored): the action
#     installs gover through its release's install.sh (over https, signature checked), computes
#     the cache keys, installs Go (verified) and writes the runner's files; the pipeline
#     downloads and unpacks Go into the tool cache;
#   - warm: what a restored cache or a self-hosted runner has (gover in the tool cache, Go in
#     GOVER_HOME; Go in the pipeline's tool cache); the restores themselves (actions/cache) are
#     not timed, as the same restore would come before either.
#   bench/ci.sh [BIN_DIR [OUT_DIR]]    (RUNS=n, default 20; VERSION, default 1.22.10)
# BIN_DIR/dist holds `cargo xtask dist --test-key`'s release files, served over https on
# 127.0.0.1 (a certificate made here, trusted through CURL_CA_BUNDLE); Go comes from the real-Go
# mirror (target/gomirror, or GOVER_TEST_MIRROR) served by python3 -m http.server. BENCH_DIR
# (default /dev/shm) holds the runner directories. GOVER_VULNDB=off: the install would also
# refresh the Go vulnerability database from vuln.go.dev, which is not on this loopback.
set -euo pipefail
# shellcheck source=bench/lib.sh disable=SC1091 # followed with shellcheck -x
. "$(dirname "$0")/lib.sh"
use_tmpfs
bench_setup "$@"

serve_real_mirror
url=${SERVER_URL}go$VERSION.linux-$ARCH.tar.gz
tarball=$(find "$BIN/dist" -name "gover-*-$(uname -m)-unknown-linux-musl.tar.gz")
gover_version=$(basename "$tarball" | cut -d- -f2)

# The release over https: the action fetches install.sh over nothing else.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/release-key.pem" -out "$WORK/release-ca.pem" 2>/dev/null
port=$(free_port)
python3 - "$port" "$BIN/dist" "$WORK/release-ca.pem" "$WORK/release-key.pem" >/dev/null 2>&1 <<'PY' &
import functools, http.server, ssl, sys
port, root, cert, key = int(sys.argv[1]), *sys.argv[2:]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
tls.load_cert_chain(cert, key)
server.socket = tls.wrap_socket(server.socket, server_side=True)
server.serve_forever()
PY
release_pid=$!
trap 'kill $release_pid 2>/dev/null; bench_cleanup' EXIT
release_url=https://127.0.0.1:$port
for _ in $(seq 100); do
    curl -sf --cacert "$WORK/release-ca.pem" -o /dev/null "$release_url/SHA256SUMS" && break
    sleep 0.1
done

# The repository the job checks out: a pin, a module and its go.sum.
mkdir -p "$WORK/project"
printf '%s\n' "$VERSION" >"$WORK/project/.go-version"
printf 'module example.com/app\n\ngo 1.22\n' >"$WORK/project/go.mod"
printf 'example.com/dep v1.0.0 h1:abc=\n' >"$WORK/project/go.sum"

# The action's steps as one script, made once (untimed) from action.yml: each `run:` with its
# `env:` (the inputs substituted), run by sh with $GITHUB_ENV's variables set and
# $GITHUB_PATH's lines before PATH, as the runner runs a step; `uses:` steps (the cache
# restores) are left out, the warm runs having their result in place already.
python3 - "$root/action.yml" "$WORK/action-steps.sh" "$SERVER_URL" "$gover_version" <<'PY'
import shlex, sys, yaml
action_file, out, mirror, gover_version = sys.argv[1:]
action = yaml.safe_load(open(action_file))
inputs = {name: str(i.get("default", "")) for name, i in action["inputs"].items()}
inputs.update({"mirror": mirror, "gover-version": gover_version})
ran = set()

def value(expr):
    parts = expr.strip().split(".")
    if parts[0] == "inputs":
        return inputs[parts[1]]
    if parts[0] == "steps" and parts[2] == "outcome":
        return "success" if parts[1] in ran else "skipped"
    sys.exit(f"bench/ci.sh: an expression this runner does not know: {expr}")

def substitute(text):
    while "${{" in text:
        head, rest = text.split("${{", 1)
        expr, tail = rest.split("}}", 1)
        text = head + value(expr) + tail
    return text

lines = ["runner_step() {",
         "    (set -a; . \"$GITHUB_ENV\"; set +a",
         "     PATH=$(tac \"$GITHUB_PATH\" | tr '\\n' ':')$PATH",
         "     env \"$@\")",
         "}"]
for n, step in enumerate(action["runs"]["steps"]):
    cond = step.get("if")
    if cond and not all(value(t.split("==")[0]) == t.split("==")[1].strip().strip("'") for t in cond.split("&&")):
        continue
    ran.add(step.get("id", f"step{n}"))
    if "uses" in step:
        continue
    env = [f"{k}={substitute(str(v))}" for k, v in (step.get("env") or {}).items()]
    lines.append("runner_step " + " ".join(shlex.quote(a) for a in env + ["sh", "-ec", substitute(step["run"])]))
lines.append("runner_step go version")
open(out, "w").write("\n".join(lines) + "\n")
PY

# One runner directory per kind of run: its tool cache, HOME and the checked-out repository.
runner_env() {
    local r=$WORK/$1
    echo "env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=$r/home GOVER_HOME=$r/home/gover" \
        "CURL_CA_BUNDLE=$WORK/release-ca.pem GOVER_RELEASE_URL=$release_url GOVER_INDEX_URL=${SERVER_URL}index.json GOVER_VULNDB=off" \
        "GITHUB_ACTIONS=true GITHUB_ACTION_PATH=$root GITHUB_ENV=$r/env GITHUB_PATH=$r/path GITHUB_OUTPUT=$r/output" \
        "RUNNER_TOOL_CACHE=$r/tool-cache RUNNER_TEMP=$r/tmp RUNNER_ARCH=X64"
}
action() {
    echo "$(runner_env "$1") bash -c 'cd $WORK/$1/work && . $WORK/action-steps.sh'"
}
pipeline() {
    local go=$WORK/$1/tool-cache/go/$VERSION/x64
    case $2 in
    cold) echo "bash -c 'mkdir -p $go && curl -fsS $url | tar -xz -C $go --strip-components=1 && touch $go.complete && PATH=$go/bin:\$PATH go version'" ;;
    warm) echo "bash -c 'test -f $go.complete && PATH=$go/bin:\$PATH go version'" ;;
    esac
}
fresh() {
    echo "rm -rf $WORK/$1 && mkdir -p $WORK/$1/home $WORK/$1/tool-cache $WORK/$1/tmp && cp -r $WORK/project $WORK/$1/work && : >$WORK/$1/env && : >$WORK/$1/path && : >$WORK/$1/output"
}
# A new job on a runner that has kept its tool cache and GOVER_HOME: only the job's files are new.
new_job() {
    echo ": >$WORK/$1/env && : >$WORK/$1/path && : >$WORK/$1/output"
}

# Each must really end in the Go version asked for; the warm runners are made by one cold run.
for r in action-cold action-warm pipeline-cold pipeline-warm; do sh -c "$(fresh "$r")"; done
for kind in cold warm; do
    sh -c "$(action "action-$kind")" 2>&1 | grep -q "go version go$VERSION " ||
        { echo "bench/ci.sh: the action did not end in go$VERSION:" >&2; sh -c "$(action "action-$kind")" >&2; exit 1; }
    sh -c "$(pipeline "pipeline-$kind" cold)" | grep -q "go version go$VERSION " ||
        { echo "bench/ci.sh: the pipeline did not end in go$VERSION" >&2; exit 1; }
done
grep -q "gover $gover_version from the tool cache" <(sh -c "$(new_job action-warm) && $(action action-warm)" 2>&1) ||
    { echo "bench/ci.sh: the warm runner did not take gover from its tool cache" >&2; exit 1; }

# Cold, then warm, each against its own baseline, one after the other in the same run.
ROUNDS=${ROUNDS:-5} hf ci-cold "${RUNS:-20}" -N --warmup 1 \
    --prepare "$(fresh pipeline-cold)" --prepare "$(fresh action-cold)" -- \
    "setup-go-like cold: curl | tar -xz, PATH, go version" "$(pipeline pipeline-cold cold)" \
    "gover action cold: gover, keys, Go, go version" "$(action action-cold)"
ROUNDS=${ROUNDS:-5} hf ci-warm "${RUNS:-20}" -N --warmup 1 \
    --prepare "$(new_job pipeline-warm)" --prepare "$(new_job action-warm)" -- \
    "setup-go-like warm: tool cache, PATH, go version" "$(pipeline pipeline-warm warm)" \
    "gover action warm: tool cache, keys, env, go version" "$(action action-warm)"

fact "gover release" "$(basename "$tarball"), $(stat -c %s "$tarball") bytes, from $release_url (https, signature checked)"
fact "Go archive" "go$VERSION.linux-$ARCH.tar.gz, $(stat -c %s "$MIRROR/go$VERSION.linux-$ARCH.tar.gz") bytes, on $(df --output=fstype "$WORK" | tail -n1)"
fact "the action's steps as run (made from action.yml, then go version)" "$(grep -c '^runner_step ' "$WORK/action-steps.sh") steps"
table ci

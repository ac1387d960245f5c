"""binder/ as repo2docker reads it: requirements, postBuild, and the launch URL's notebook."""

import os
import pathlib
import re
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower()


def _requirements():
    lines = (BINDER / "requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def test_binder_installs_every_runtime_dependency_with_the_cpu_tensorflow():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r): r for r in project["dependencies"]}
    binder = {_name(r): r for r in _requirements()}
    assert "tensorflow-cpu" in binder and "tensorflow" not in binder, "Binder must not install both TF builds"
    for name, requirement in runtime.items():
        expected = requirement.replace("tensorflow", "tensorflow-cpu", 1) if name == "tensorflow" else requirement
        assert binder.get(_name(expected)) == expected.strip(), f"binder/requirements.txt: expected {expected!r}"
    assert "jupyterlab" in binder


def test_post_build_installs_masklab_without_dependencies():
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "repo2docker runs postBuild only if it is executable"
    text = post_build.read_text()
    assert text.startswith("#!") and re.search(r"pip install --no-deps .* \.", text)


def test_runtime_and_launch_url():
    assert re.fullmatch(r"python-3\.1[0-9]\s*", (BINDER / "runtime.txt").read_text())
    readme = (ROOT / "README.md").read_text()
    url = re.search(r"https://mybinder\.org/v2/gh/[^)\s]+", readme).group(0)
    path = url.split("urlpath=lab/tree/", 1)[1]
    assert (ROOT / path).is_file(), f"the Binder URL opens {path}, which does not exist"


def test_repo2docker_reads_the_binder_folder():
    """repo2docker itself, without a Docker engine: --no-build prints the Dockerfile it would build."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "repo2docker", "--no-run", "--no-build", "--debug", str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    text = result.stdout + result.stderr
    assert result.returncode == 0, text[-3000:]
    assert "Building conda environment for python=3.11" in text
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in text
    assert "RUN ./binder/postBuild" in text

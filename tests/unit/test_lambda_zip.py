"""make lambda-zip: what goes in the zip, that the same sources give the same bytes, and that
the wheels are the Lambda's (python 3.12, aarch64), whatever machine builds them."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import service_unreachable
from tests.support.infra import load_infra_script


@pytest.fixture(scope="module")
def builder() -> ModuleType:
    return load_infra_script("build_lambda_zip")


def test_the_zip_holds_our_packages_and_the_handler_and_nothing_else(
    builder: ModuleType, tmp_path: Path
) -> None:
    built = builder.build(tmp_path / "lambda.zip", with_wheels=False)
    names = zipfile.ZipFile(built).namelist()
    assert "entrypoints/lambda_consumer/handler.py" in names
    assert "core/messaging/consume.py" in names
    assert "adapters/ratelimit/gcra.lua" in names  # package data travels too
    assert {name.split("/")[0] for name in names} == {"core", "adapters", "entrypoints"}
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith((".venv", "tests", "infra", "build"))]


def test_the_same_sources_give_the_same_bytes(builder: ModuleType, tmp_path: Path) -> None:
    one = builder.build(tmp_path / "one.zip", with_wheels=False).read_bytes()
    two = builder.build(tmp_path / "two.zip", with_wheels=False).read_bytes()
    assert one == two
    dates = {info.date_time for info in zipfile.ZipFile(tmp_path / "one.zip").infolist()}
    assert dates == {(1980, 1, 1, 0, 0, 0)}


def test_every_runtime_dependency_is_pinned_in_the_lock(builder: ModuleType) -> None:
    locked = {
        line.split("==")[0].lower().replace("_", "-") for line in builder.locked_requirements()
    }
    assert all("==" in line for line in builder.locked_requirements())
    for requirement in builder.runtime_requirements():
        name = requirement.split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip()
        assert name.lower().replace("_", "-") in locked, requirement


def test_wheels_are_for_the_lambda_platform_not_this_machine(
    builder: ModuleType, tmp_path: Path
) -> None:
    [msgspec] = [line for line in builder.locked_requirements() if line.startswith("msgspec==")]
    try:
        builder.install_wheels([msgspec], tmp_path)
    except subprocess.CalledProcessError as exc:
        service_unreachable("the package registry", exc)
    extensions = [p.name for p in (tmp_path / "msgspec").glob("*.so")]
    assert extensions
    assert all("cpython-312-aarch64-linux-gnu" in name for name in extensions), extensions


def test_the_lambda_lock_holds_no_web_stack_and_the_image_lock_holds_all_of_it(
    builder: ModuleType,
) -> None:
    def names(path: Path) -> set[str]:
        return {line.split("==")[0].lower() for line in builder.locked_requirements(path)}

    web_stack = {"litestar", "uvicorn", "uvloop", "httptools", "faker", "pygments", "rich", "click"}
    lambda_pins, image_pins = names(builder.LOCK), names(builder.IMAGE_LOCK)
    assert not lambda_pins & web_stack
    assert web_stack <= image_pins
    # The API and the consumer run the same versions.
    assert set(builder.locked_requirements(builder.LOCK)) <= set(
        builder.locked_requirements(builder.IMAGE_LOCK)
    )
    for requirement in builder.runtime_requirements("api"):
        name = requirement.split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip()
        assert name.lower().replace("_", "-") in image_pins, requirement


def test_the_zip_leaves_out_c_sources_and_botocore_models_of_services_never_called(
    builder: ModuleType, tmp_path: Path
) -> None:
    tree = tmp_path / "site"
    for name in (
        "botocore/data/sqs/2012-11-05/service-2.json.gz",
        "botocore/data/endpoints.json",
        "botocore/data/ec2/2016-11-15/service-2.json.gz",
        "asyncpg/protocol/protocol.pyx",
        "asyncpg/protocol/protocol.c",
        "asyncpg/protocol/protocol.cpython-312-aarch64-linux-gnu.so",
        "sqlalchemy/testing/fixtures.py",
        "aiohttp/_websocket/reader_c.cpython-312-aarch64-linux-gnu.so",
        "aiohttp/_websocket/reader_py.py",
    ):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text("x")
    builder.write_zip(tree, tmp_path / "lambda.zip")
    assert sorted(zipfile.ZipFile(tmp_path / "lambda.zip").namelist()) == [
        "aiohttp/_websocket/reader_py.py",
        "asyncpg/protocol/protocol.cpython-312-aarch64-linux-gnu.so",
        "botocore/data/endpoints.json",
        "botocore/data/sqs/2012-11-05/service-2.json.gz",
    ]

"""The shape of the project: imports point down, packages are listed, the default path is light,
and the checked-in gRPC stubs match the .proto."""
from __future__ import annotations

import ast
import pathlib
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
LAYERS = {"models": 0, "engines": 1, "middleware": 2}


def _imports(path: pathlib.Path) -> set[str]:
    """Top-level soundweaver layers a module imports (relative imports resolved)."""
    tree = ast.parse(path.read_text())
    rel_parts = path.relative_to(ROOT).parts[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(rel_parts[: len(rel_parts) - node.level + 1])
                target = base + (node.module.split(".") if node.module else [])
                if target:
                    found.add(target[0])
            elif node.module and node.module.startswith("soundweaver."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("soundweaver."):
                    found.add(alias.name.split(".")[1])
    return found


def test_imports_point_down():
    bad = []
    for layer, rank in LAYERS.items():
        for path in (ROOT / layer).rglob("*.py"):
            for imported in _imports(path):
                if LAYERS.get(imported, -1) > rank:
                    bad.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert not bad, "imports must point middleware -> engines -> models:\n" + "\n".join(bad)


def test_every_package_is_installed():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = set()
    for init in ROOT.rglob("__init__.py"):
        rel = init.parent.relative_to(ROOT).parts
        if rel and rel[0] in LAYERS:
            on_disk.add(".".join(("soundweaver",) + rel))
        elif rel and rel[0] == "soundweaver":
            on_disk.add(".".join(rel))
    assert on_disk <= listed, f"add to pyproject's packages: {sorted(on_disk - listed)}"


def test_default_path_never_imports_torch():
    code = (
        "import sys\n"
        "from soundweaver.middleware.cli import build_parser\n"
        "build_parser()\n"
        "from soundweaver.models.planner import plan_narrative\n"
        "from soundweaver.engines.registry import create_engine\n"
        "from soundweaver.engines.track import render_track\n"
        "from soundweaver.models.bridge import session_context\n"
        "from soundweaver.models.plan import AudioFormat\n"
        "import soundweaver.middleware.server\n"
        "p = plan_narrative('rain and a door slamming shut')\n"
        "render_track(p.events, create_engine('procedural'), session_context(0), AudioFormat(16000, 1))\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'diffusers', 'onnxruntime') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"default path imported {out.stdout.strip()}"


def test_checked_in_stubs_match_proto(tmp_path):
    from google.protobuf import descriptor_pb2
    from grpc_tools import protoc

    import grpc_tools
    from soundweaver.v1 import soundweaver_pb2

    include = pathlib.Path(grpc_tools.__file__).parent / "_proto"
    out = tmp_path / "set.pb"
    rc = protoc.main(["protoc", f"-I{ROOT / 'protos'}", f"-I{include}", f"--descriptor_set_out={out}",
                      "soundweaver/v1/soundweaver.proto"])
    assert rc == 0
    fresh = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()).file[0]
    for message in _all_messages(fresh.message_type):  # generated modules omit the default json_name
        for f in message.field:
            f.ClearField("json_name")
    checked_in = descriptor_pb2.FileDescriptorProto.FromString(soundweaver_pb2.DESCRIPTOR.serialized_pb)
    assert fresh == checked_in, "soundweaver/v1 stubs drifted from the .proto: run python scripts/gen_protos.py"


def _all_messages(messages):
    for m in messages:
        yield m
        yield from _all_messages(m.nested_type)

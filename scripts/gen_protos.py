#!/usr/bin/env python3
"""Regenerate the Python stubs in soundweaver/v1/ from protos/ (checked in; a test guards drift)."""
import pathlib
import sys

from grpc_tools import protoc

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main() -> int:
    import grpc_tools
    include = pathlib.Path(grpc_tools.__file__).parent / "_proto"
    args = ["protoc", f"-I{ROOT / 'protos'}", f"-I{include}", f"--python_out={ROOT}",
            f"--pyi_out={ROOT}", f"--grpc_python_out={ROOT}", "soundweaver/v1/soundweaver.proto"]
    return protoc.main(args)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The cdktf app (`cdktf synth` runs `python3 main.py`) and the command line.

python main.py                         synthesize pipelines.yaml into cdktf.out
python main.py synth --config F --out D
python main.py validate --config F

Any Python runs it: without the CDK runtime, it runs in the project's virtualenv (modules/launch.py).
"""

import sys

from modules.launch import ensure_runtime

if __name__ == "__main__":
    ensure_runtime()
    from modules.cli import run_as_script

    sys.exit(run_as_script())

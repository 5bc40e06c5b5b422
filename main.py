#!/usr/bin/env python3
"""The cdktf app (`cdktf synth` runs `python3 main.py`) and the command line.

python main.py                         synthesize pipelines.yaml into cdktf.out
python main.py synth --config F --out D
python main.py validate --config F
"""

import sys

from modules.cli import run_as_script

if __name__ == "__main__":
    sys.exit(run_as_script())

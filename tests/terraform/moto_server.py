"""A moto server on 127.0.0.1 with our stand-ins installed: `python -m tests.terraform.moto_server`.

Runs in the e2e virtualenv (moto's dependencies conflict with the runtime pins). Prints
`{"port": N}` once serving, then serves until its standard input closes.
"""

from __future__ import annotations

import json
import sys

from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from tests.terraform import moto_standins


def main() -> int:
    moto_standins.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    print(json.dumps({"port": port}), flush=True)
    sys.stdin.read()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

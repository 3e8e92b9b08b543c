"""`make invoke FN=<function> EVENT=events/<file>.json`: one function, in-process, like `sam local invoke`.

The function runs against an embedded moto loaded with the demo workspace (or SEED=<file>).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: python -m tools.invoke <function> <event.json>\n")
        return 2
    function, event_path = argv
    from tools import local_aws

    local_aws.start()
    from tools.local_inspection import seed_workspace
    from tools.local_server import DEMO_SEED, LocalContext
    from tools.sam_template import handler_module

    seed_workspace(Path(os.environ.get("SEED") or DEMO_SEED))
    event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    result = handler_module(function).lambda_handler(event, LocalContext())
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`make invoke FN=<function> EVENT=events/<file>.json`: one function, in-process, like `sam local invoke`.

The function runs against a throwaway DynamoDB Local loaded with the demo workspace (or SEED=<file>),
as `make run` does; `DB=moto` uses the embedded moto instead (a machine without Java). The JVM
boots while the handler is imported; it stops when the command ends.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.invoke", description=__doc__.split("\n\n")[0])
    parser.add_argument("function")
    parser.add_argument("event")
    parser.add_argument("--db", choices=("dynamodb-local", "moto"), default=os.environ.get("DB") or "dynamodb-local")
    args = parser.parse_args(argv)
    from tools import dynamodb_local, local_aws

    local_aws.apply_local_env()
    try:
        engine = dynamodb_local.launch() if args.db == "dynamodb-local" else None
        from tools.local_inspection import seed_workspace
        from tools.local_server import DEMO_SEED, LocalContext
        from tools.sam_template import handler_module

        handler = handler_module(args.function)
        local_aws.start(args.db, engine=engine)
    except dynamodb_local.DynamoDBLocalError as error:
        sys.stderr.write(f"{error}\n")
        return 3
    try:
        seed_workspace(Path(os.environ.get("SEED") or DEMO_SEED))
        event = json.loads(Path(args.event).read_text(encoding="utf-8"))
        backend = local_aws.backend()
        sys.stderr.write(f"(invoke {args.function} on {backend['database']}"
                         f"{' at ' + str(backend['endpoint']) if backend['endpoint'] else ''})\n")
        result = handler.lambda_handler(event, LocalContext())
        print(json.dumps(result, indent=2))
    finally:
        local_aws.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Read template.yaml the way the local tools need it: API routes, scheduled jobs, the table."""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """Understands CloudFormation's short tags (!Ref, !Sub, !GetAtt…) as plain mappings."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {f"!{suffix}": value}


_CfnLoader.add_multi_constructor("!", _tag)


@dataclass(frozen=True)
class ApiRoute:
    function: str  # folder name under functions/
    method: str  # GET, POST… or ANY
    path: str  # template path, e.g. /v1/scheduling-bookings/{id}

    @property
    def pattern(self) -> re.Pattern[str]:
        regex = ""
        for segment in self.path.strip("/").split("/"):
            if segment.endswith("+}"):
                regex += f"/(?P<{segment[1:-2]}>.+)"
            elif segment.startswith("{"):
                regex += f"/(?P<{segment[1:-1]}>[^/]+)"
            else:
                regex += "/" + re.escape(segment)
        return re.compile("^" + regex + "/?$")

    @property
    def specificity(self) -> tuple[int, int, int]:
        segments = self.path.strip("/").split("/")
        greedy = any(s.endswith("+}") for s in segments)
        literal = sum(1 for s in segments if not s.startswith("{"))
        return (0 if greedy else 1, literal, len(segments))


@dataclass(frozen=True)
class ScheduledJob:
    function: str
    name: str  # e.g. send_reminders for functions/job_send_reminders
    schedule: str


@dataclass(frozen=True)
class StreamSource:
    """A function fed by the table's DynamoDB Stream (an event source mapping)."""

    function: str
    batch_size: int
    filter_patterns: tuple[dict[str, Any], ...]  # Lambda passes a record that matches any of them


@lru_cache(maxsize=1)
def load_template() -> dict[str, Any]:
    return yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=_CfnLoader)


def _functions() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for logical_id, resource in load_template()["Resources"].items():
        if resource.get("Type") == "AWS::Serverless::Function":
            out.append((logical_id, resource["Properties"]))
    return out


def function_folder(properties: dict[str, Any]) -> str:
    return Path(properties["CodeUri"]).name


def _function_events(*types: str) -> list[tuple[str, dict[str, Any]]]:
    """(function folder, event properties) of every function event of these types."""
    return [(function_folder(props), event["Properties"]) for _, props in _functions()
            for event in (props.get("Events") or {}).values() if event.get("Type") in types]


def api_routes() -> list[ApiRoute]:
    routes = [ApiRoute(folder, p["Method"].upper(), p["Path"]) for folder, p in _function_events("Api")]
    return sorted(routes, key=lambda r: r.specificity, reverse=True)


def scheduled_jobs() -> list[ScheduledJob]:
    return [ScheduledJob(folder, folder.removeprefix("job_"), p.get("Schedule") or p.get("ScheduleExpression"))
            for folder, p in _function_events("Schedule", "ScheduleV2")]


def stream_sources() -> list[StreamSource]:
    return [StreamSource(folder, int(p.get("BatchSize", 100)),
                         tuple(json.loads(f["Pattern"]) for f in (p.get("FilterCriteria") or {}).get("Filters", [])))
            for folder, p in _function_events("DynamoDB")]


def table_definition() -> dict[str, Any]:
    """create_table arguments for the template's table (so local and tests use the real key design)."""
    props = load_template()["Resources"]["Table"]["Properties"]
    return {
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "GlobalSecondaryIndexes": props.get("GlobalSecondaryIndexes", []),
        "BillingMode": props["BillingMode"],
    }


def stream_view_type() -> str | None:
    """The table's stream (NEW_IMAGE…), or None. Local tables get it only on request (tools/local_streams.py)."""
    return (load_template()["Resources"]["Table"]["Properties"].get("StreamSpecification") or {}).get("StreamViewType")


_modules: dict[str, ModuleType] = {}


def handler_module(function: str) -> ModuleType:
    """Import functions/<function>/app.py under a unique module name (all share one sys.modules)."""
    if function not in _modules:
        path = ROOT / "functions" / function / "app.py"
        spec = importlib.util.spec_from_file_location(f"functions_{function}_app", path)
        assert spec and spec.loader, path
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _modules[function] = module
    return _modules[function]


"""Check calls and results against the machine-readable Bot API spec (api.json)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# The spec the stand-in checks against, kept beside its code (see the README there: where it
# comes from and how to update it), so a clone or an installed wheel has it at hand.
API_JSON = Path(__file__).resolve().parent / "telegram-bot-api-spec" / "api.json"
_PRIMITIVES = {"Integer", "String", "Boolean", "Float", "True", "InputFile"}
# "Scope type, must be chat" / "The member's status in the chat, always “left”"
_CONSTANT = re.compile(r"(?:must be|always) [“\"]?([a-z_]+)[”\"]?")
_DISCRIMINATORS = ("type", "status", "source")


class Spec:
    """The Bot API as api.json describes it: methods and types with required fields."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version = str(data.get("version", "?"))
        self.methods: dict[str, Any] = dict(data["methods"])
        self.types: dict[str, Any] = dict(data["types"])
        self._by_lower = {name.lower(): name for name in self.methods}

    @classmethod
    def load(cls, path: str | Path) -> Spec:
        """Read api.json from path."""
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def method_name(self, name: str) -> str | None:
        """Return the spec's spelling of a method (names are case-insensitive), or None."""
        return self._by_lower.get(name.lower())

    def string_params(self, method: str) -> set[str]:
        """Names of a method's parameters that are plain strings (sent without JSON encoding)."""
        spec = self.methods.get(method, {})
        return {f["name"] for f in spec.get("fields", []) if f["types"] == ["String"]}

    def check_call(self, method: str, params: Mapping[str, Any], files: set[str]) -> list[str]:
        """List what is wrong with a call: unknown method, missing or unknown fields, bad values."""
        spec = self.methods.get(method)
        if spec is None:
            return [f"{method}: no such method in Bot API {self.version}"]
        problems: list[str] = []
        fields = {f["name"]: f for f in spec.get("fields", [])}
        for name, field in fields.items():
            if field["required"] and name not in params and name not in files:
                problems.append(f"{method}: required field {name!r} is missing")
        for name, value in params.items():
            if name not in fields:
                problems.append(f"{method}: unknown field {name!r}")
                continue
            problems += self.check_value(fields[name]["types"], value, f"{method}.{name}")
        return problems

    def check_result(self, method: str, result: Any) -> list[str]:
        """List where a method's result breaks the type the spec says it returns."""
        spec = self.methods.get(method)
        if spec is None:
            return []
        return self.check_value(spec["returns"], result, f"{method}() result")

    def check_value(self, types: list[str], value: Any, where: str) -> list[str]:
        """Check value against any of the spec type names; return the closest failure's problems."""
        best: list[str] | None = None
        for type_name in types:
            problems = self._check_one(type_name, value, where)
            if not problems:
                return []
            if best is None or len(problems) < len(best):
                best = problems
        return best or []

    def _check_one(self, type_name: str, value: Any, where: str) -> list[str]:
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{where}: expected {type_name}, got {type(value).__name__}"]
            inner = type_name.removeprefix("Array of ")
            return [
                p for i, v in enumerate(value) for p in self._check_one(inner, v, f"{where}[{i}]")
            ]
        if type_name in _PRIMITIVES:
            return (
                []
                if _is_primitive(type_name, value)
                else [f"{where}: expected {type_name}, got {value!r:.60}"]
            )
        spec = self.types.get(type_name)
        if spec is None:
            return [f"{where}: type {type_name} is not in the spec"]
        if "subtypes" in spec:
            return self.check_value(spec["subtypes"], value, where)
        return self._check_object(type_name, spec, value, where)

    def _check_object(self, type_name: str, spec: Any, value: Any, where: str) -> list[str]:
        if not isinstance(value, dict):
            return [f"{where}: expected {type_name} object, got {value!r:.60}"]
        fields = {f["name"]: f for f in spec.get("fields", [])}
        problems: list[str] = []
        for name, field in fields.items():
            if field["required"] and name not in value:
                problems.append(f"{where}: {type_name} needs {name!r}")
            if name in _DISCRIMINATORS and name in value and "subtype_of" in spec:
                constant = _CONSTANT.search(field.get("description", ""))
                if constant and value[name] != constant.group(1):
                    problems.append(f"{where}: {type_name}.{name} must be {constant.group(1)!r}")
        for name, item in value.items():
            if name not in fields:
                problems.append(f"{where}: {type_name} has no field {name!r}")
            else:
                problems += self.check_value(fields[name]["types"], item, f"{where}.{name}")
        return problems


def _is_primitive(type_name: str, value: Any) -> bool:
    if type_name == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_name == "Boolean":
        return isinstance(value, bool)
    if type_name == "True":
        return value is True
    if type_name == "InputFile":
        return isinstance(value, str) and value.startswith("attach://")
    return isinstance(value, str)

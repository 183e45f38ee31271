"""Read a YAML config file keeping line numbers, so every config error names file, key and line."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

import yaml

T = TypeVar("T")


class ConfigError(ValueError):
    """A config or policy file is wrong. The message names the file, the key, the line and why."""

    def __init__(self, file: str, key: str, reason: str, line: int | None = None) -> None:
        self.file, self.key, self.reason, self.line = file, key, reason, line
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {key or '<top level>'}: {reason}")


@dataclass(frozen=True)
class YamlDoc:
    """Parsed YAML plus the line of every key path (1-based), for error messages."""

    file: str
    data: Any
    lines: dict[str, int]

    def line(self, key: str) -> int | None:
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return None

    def error(self, key: str, reason: str) -> ConfigError:
        return ConfigError(self.file, key, reason, self.line(key))


def _walk(node: yaml.Node, prefix: str, lines: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = f"{prefix}.{k.value}" if prefix else str(k.value)
            lines[key] = k.start_mark.line + 1
            _walk(v, key, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            key = f"{prefix}[{i}]"
            lines[key] = v.start_mark.line + 1
            _walk(v, key, lines)


def parse_yaml(text: str, file: str) -> YamlDoc:
    """Parse YAML text; syntax errors become ConfigError with the line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise ConfigError(file, "", f"invalid YAML: {e.problem}", line) from None
    except yaml.YAMLError as e:
        raise ConfigError(file, "", f"invalid YAML: {e}") from None
    lines: dict[str, int] = {}
    if node is not None:
        _walk(node, "", lines)
    return YamlDoc(file, data if data is not None else {}, lines)


def load_yaml(path: str | Path) -> YamlDoc:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(str(p), "", f"cannot read file: {e.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(str(p), "", "file is not valid UTF-8") from None
    return parse_yaml(text, str(p))


def check_keys(doc: YamlDoc, where: str, value: Any, allowed: set[str]) -> dict[str, Any]:
    """Require a mapping with only ``allowed`` keys; unknown keys are errors, never ignored."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise doc.error(where, f"must be a mapping, got {type(value).__name__}")
    for k in value:
        if k not in allowed:
            key = f"{where}.{k}" if where else str(k)
            raise doc.error(key, f"unknown key (allowed: {', '.join(sorted(allowed))})")
    return value


def bounds(low: float | None = None, high: float | None = None) -> dict[str, float | None]:
    """Field metadata for :func:`section`: a number from ``low`` to ``high`` (inclusive) instead
    of the default rule, which is "positive"."""
    return {"low": low, "high": high}


def section(doc: YamlDoc, name: str, cls: type[T], raw: Any) -> T:
    """The mapping ``raw`` (the config's ``name:``) as the dataclass ``cls``, whose defaults fill
    what is left out. Only ``cls``'s fields are allowed; each value must have its default's
    type (an int is widened where a float is wanted; a bool is never a number; an empty mapping
    key is an empty mapping); a number must be positive, or within its field's
    :func:`bounds`."""
    defaults = cls()
    body = check_keys(doc, name, raw, {f.name for f in fields(defaults)})  # type: ignore[arg-type]
    limits = {f.name: f.metadata for f in fields(defaults)}  # type: ignore[arg-type]
    values = {}
    for k, v in body.items():
        key, want = f"{name}.{k}", type(getattr(defaults, k))
        if want is dict and v is None:
            v = {}
        if want is float and isinstance(v, int) and not isinstance(v, bool):
            v = float(v)
        if not isinstance(v, want) or (want is not bool and isinstance(v, bool)):
            raise doc.error(key, f"must be {want.__name__}, got {type(v).__name__}")
        if want in (int, float):
            low, high = limits[k].get("low"), limits[k].get("high")
            kind = "an integer" if want is int else "a number"
            if low is None and high is None:
                if v <= 0:
                    raise doc.error(key, "must be positive")
            elif high is None:
                if v < low:
                    raise doc.error(key, f"must be {kind} of at least {low:g}")
            elif not (low if low is not None else float("-inf")) <= v <= high:
                raise doc.error(key, f"must be {kind} from {low:g} to {high:g}")
        values[k] = v
    return cls(**values)

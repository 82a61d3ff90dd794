"""Reading a pack folder into lists of items, each remembering the file it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

LIST_KEYS = (
    "beneficiaries",
    "categories",
    "agencies",
    "legal_resources",
    "evidence_types",
    "centers",
    "services",
    "life_events",
    "notification_templates",
    "access_rights",
    "decision_reasons",
)


@dataclass(frozen=True)
class PackError:
    file: str
    key: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.problem} Fix: {self.fix}"


@dataclass
class Item:
    file: str
    key: str
    data: dict[str, Any]


@dataclass
class PackContent:
    root: Path
    country: dict[str, Any] = field(default_factory=dict)
    items: dict[str, list[Item]] = field(default_factory=lambda: {k: [] for k in LIST_KEYS})
    errors: list[PackError] = field(default_factory=list)
    # Sections some file names, even as an empty list: an empty access_rights revokes all.
    present: set[str] = field(default_factory=set)

    @property
    def languages(self) -> list[str]:
        languages = self.country.get("languages")
        return [str(code) for code in languages] if isinstance(languages, list) else []

    def codes(self, kind: str) -> set[str]:
        return {str(item.data.get("code")) for item in self.items[kind]}


def pack_read(root: Path) -> PackContent:
    content = PackContent(root=root)
    if not root.is_dir():
        content.errors.append(
            PackError(str(root), "-", "is not a folder.", "give the path of a country pack folder.")
        )
        return content
    country_file = root / "country.yaml"
    if not country_file.exists():
        content.errors.append(
            PackError(
                "country.yaml", "-", "is missing.", "add country.yaml (see docs/country-packs.md)."
            )
        )
    for path in sorted(root.rglob("*.y*ml")):
        _read_file(content, path)
    return content


def _read_file(content: PackContent, path: Path) -> None:
    name = str(path.relative_to(content.root))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        content.errors.append(
            PackError(
                name, "-", f"is not valid YAML ({error}).", "correct the syntax at the line given."
            )
        )
        return
    data = _plain(data)
    if name == "country.yaml":
        if not isinstance(data, dict):
            content.errors.append(
                PackError(name, "-", "is not a mapping.", "write key: value pairs.")
            )
            return
        content.country = data
        return
    if not isinstance(data, dict):
        content.errors.append(
            PackError(
                name,
                "-",
                "is not a mapping of lists.",
                f"start with one of: {', '.join(LIST_KEYS)}.",
            )
        )
        return
    for key, value in data.items():
        if key not in LIST_KEYS:
            content.errors.append(
                PackError(
                    name, str(key), "is not a pack section.", f"use one of: {', '.join(LIST_KEYS)}."
                )
            )
            continue
        if not isinstance(value, list):
            content.errors.append(PackError(name, str(key), "is not a list.", "write a YAML list."))
            continue
        content.present.add(key)
        for index, entry in enumerate(value):
            content.items[key].append(Item(file=name, key=f"{key}[{index}]", data=entry))


def _plain(value: Any) -> Any:
    """YAML reads 2026-01-01 as a date; the pack keeps dates as ISO text, as JSON would."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value

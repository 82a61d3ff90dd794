"""Filling the reference registries with a synthetic population: the function the `onestop synth`
command and the demo call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from tqdm import tqdm

from onestop.core import clock
from onestop.core.errors import Conflict, InvalidInput
from onestop.registries.models import TABLES
from onestop.registries.pools import pools_build
from onestop.registries.population import PopulationGenerator
from onestop.registries.writer import (
    RowWriter,
    registries_are_empty,
    registries_clear,
    sequences_reset,
)


class RegistriesNotEmpty(Conflict):
    code = "registries_not_empty"

    def __init__(self) -> None:
        super().__init__(
            "The reference registries already hold a population; "
            "pass --replace to delete it and generate a new one."
        )


@dataclass(frozen=True)
class PopulationReport:
    people: int
    rows: dict[str, int]


def population_generate(
    *,
    people: int,
    seed: int,
    replace: bool = False,
    batch: int = 20_000,
    as_of: date | None = None,
    pack_dir: Path | None = None,
    progress: bool = False,
) -> PopulationReport:
    """Writes `people` persons and what the other registries hold about them. The same seed,
    pack and `as_of` date (today by default) give the same rows. Refuses a registry that
    already holds people unless `replace`, which deletes every registry row first."""
    if people < 1 or batch < 1:
        raise InvalidInput("people and batch must be at least 1.")
    if not registries_are_empty():
        if not replace:
            raise RegistriesNotEmpty()
        registries_clear()
    pools = pools_build(pack_dir=pack_dir or settings.ONESTOP_PACK_DIR, seed=seed)
    writer = RowWriter()
    generator = PopulationGenerator(
        pools=pools, seed=seed, as_of=as_of or clock.today(), writer=writer
    )
    made = pending = 0
    with tqdm(total=people, unit="person", disable=not progress, smoothing=0.1) as bar:
        while made < people:
            size = generator.household(remaining=people - made)
            made += size
            pending += size
            bar.update(size)
            if pending >= batch:
                writer.flush()
                pending = 0
        writer.flush()
    sequences_reset()
    return PopulationReport(
        people=made, rows={str(model._meta.model_name): writer.written[model] for model in TABLES}
    )

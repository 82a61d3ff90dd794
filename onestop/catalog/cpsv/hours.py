"""Opening hours as OWL-Time temporal entities, the way the CPSV-AP example writes them.

The catalog keeps `{"mon": ["08:30-17:00"], …}` (absent days are closed). Export writes one
weekly `time:TemporalEntity` per day and interval. Import also reads the example's shapes: a
daily entity (every day, same hours) and a special-opening-hours entity that names days
without hours, which means closed on those days ("closed on weekend").
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, TIME, XSD
from rdflib.term import Node

from .reading import Reader
from .vocabulary import CV, FREQUENCY, WEEK_DAYS

DAY_CODES: dict[Node, str] = {iri: code for code, iri in WEEK_DAYS.items()}
DAY_ORDER = list(WEEK_DAYS)


def hours_add(graph: Graph, *, owner: URIRef, subject: URIRef, hours: dict) -> None:
    """Add `hours` as cv:openingHours of `subject`; entity IRIs start with `owner`."""
    for day in DAY_ORDER:
        for number, interval in enumerate(hours.get(day) or [], start=1):
            start, end = (part.strip() for part in interval.split("-"))
            entity = URIRef(f"{owner}/opening-hours/{day}-{number}")
            graph.add((subject, CV.openingHours, entity))
            graph.add((entity, RDF.type, TIME.TemporalEntity))
            graph.add((entity, CV.frequency, FREQUENCY.WEEKLY))
            graph.add((entity, TIME.hasBeginning, _instant(graph, day, start)))
            graph.add((entity, TIME.hasEnd, _instant(graph, day, end)))
    if any(hours.get(day) for day in DAY_ORDER):
        graph.add((FREQUENCY.WEEKLY, RDF.type, SKOS.Concept))


def _instant(graph: Graph, day: str, clock: str) -> BNode:
    hour, minute = (int(part) for part in clock.split(":"))
    instant, description = BNode(), BNode()
    graph.add((instant, RDF.type, TIME.Instant))
    graph.add((instant, TIME.inDateTime, description))
    graph.add((description, RDF.type, TIME.DateTimeDescription))
    graph.add((description, TIME.dayOfWeek, WEEK_DAYS[day]))
    graph.add((description, TIME.hour, Literal(hour, datatype=XSD.integer)))
    graph.add((description, TIME.minute, Literal(minute, datatype=XSD.integer)))
    graph.add((description, TIME.unitType, TIME.unitMinute))
    return instant


def hours_read(reader: Reader, subject: Node) -> dict[str, list[str]] | None:
    """The opening hours of a contact point or channel; None when it states none we understand.

    An entity we cannot read stays unmarked, so it shows in the import's unmapped report.
    """
    hours: dict[str, list[str]] = {}
    closed: set[str] = set()
    for entity in reader.peek_objects(subject, CV.openingHours):
        _entity_read(reader, subject, CV.openingHours, entity, hours, closed)
    for entity in reader.peek_objects(subject, CV.specialOpeningHoursSpecification):
        _entity_read(reader, subject, CV.specialOpeningHoursSpecification, entity, hours, closed)
    if not hours:
        return None
    return {day: sorted(set(hours[day])) for day in DAY_ORDER if day in hours and day not in closed}


def _entity_read(
    reader: Reader,
    subject: Node,
    link: URIRef,
    entity: Node,
    hours: dict[str, list[str]],
    closed: set[str],
) -> bool:
    saved = reader.checkpoint()
    span = _span(reader, entity)
    if span is None:
        reader.restore(saved)
        return False
    days, begin_time, end_time = span
    if begin_time and end_time:
        for day in days:
            hours.setdefault(day, []).append(f"{begin_time}-{end_time}")
    elif begin_time is None and end_time is None:
        closed.update(days)
    else:
        reader.restore(saved)
        return False
    reader.mark(subject, link, entity)
    reader.mark_node(entity, (RDF.type, CV.frequency, TIME.hasBeginning, TIME.hasEnd))
    for frequency in reader.peek_objects(entity, CV.frequency):
        reader.mark_node(frequency, (RDF.type,))
    return True


def _span(reader: Reader, entity: Node) -> tuple[list[str], str | None, str | None] | None:
    begin = _moment(reader, reader.peek_value(entity, TIME.hasBeginning))
    end = _moment(reader, reader.peek_value(entity, TIME.hasEnd))
    if begin is None or end is None:
        return None
    (begin_day, begin_time), (end_day, end_time) = begin, end
    if reader.peek_value(entity, CV.frequency) == FREQUENCY.DAILY and begin_day is None:
        return DAY_ORDER, begin_time, end_time
    if begin_day is None or end_day is None:
        return None
    first, last = DAY_ORDER.index(begin_day), DAY_ORDER.index(end_day)
    if first <= last:
        return DAY_ORDER[first : last + 1], begin_time, end_time
    return DAY_ORDER[first:] + DAY_ORDER[: last + 1], begin_time, end_time


def _moment(reader: Reader, instant: Node | None) -> tuple[str | None, str | None] | None:
    """(day code, "HH:MM") of a time:Instant; either may be None. Marks what it reads."""
    if instant is None:
        return None
    description = reader.peek_value(instant, TIME.inDateTime)
    if description is None:
        return None
    day_iri = reader.peek_value(description, TIME.dayOfWeek)
    hour = reader.peek_value(description, TIME.hour)
    minute = reader.peek_value(description, TIME.minute)
    day = DAY_CODES.get(day_iri) if day_iri is not None else None
    if day_iri is not None and day is None:
        return None
    try:
        clock = f"{int(str(hour)):02d}:{int(str(minute or 0)):02d}" if hour is not None else None
    except ValueError:
        return None
    reader.mark_node(instant, (RDF.type, TIME.inDateTime))
    reader.mark_node(description, (RDF.type, TIME.dayOfWeek, TIME.hour, TIME.minute, TIME.unitType))
    return day, clock

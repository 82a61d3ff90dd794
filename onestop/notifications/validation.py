"""The template validator the admin form, the pack loader and the upsert service share."""

from __future__ import annotations

from onestop.core.errors import InvalidInput

from .kinds import KINDS
from .sms import sms_count
from .templating import plausible_context, sms_worst_segments, text_problems, text_render

SUBJECT_CHANNELS = {"email", "inbox"}


def template_problems(
    *, kind: str, channel: str, subject: str, body_text: str, body_html: str, max_segments: int
) -> dict[str, list[str]]:
    """Problems by field name; empty when the template is sound."""
    if kind not in KINDS:
        return {"kind": [f"{kind!r} is not a notification kind; use one of {sorted(KINDS)}."]}
    problems: dict[str, list[str]] = {}
    texts = {"subject": subject, "body_text": body_text, "body_html": body_html}
    for field, text in texts.items():
        found = text_problems(kind, text)
        if found:
            problems[field] = found
    if not body_text.strip():
        problems.setdefault("body_text", []).append("is empty; write the message.")
    if channel in SUBJECT_CHANNELS and not subject.strip():
        problems.setdefault("subject", []).append(f"is empty; a {channel} message needs one.")
    if channel == "sms" and "body_text" not in problems:
        problem = sms_length_problem(kind, body_text, max_segments)
        if problem:
            problems["body_text"] = [problem]
    return problems


def sms_length_problem(kind: str, text: str, max_segments: int) -> str | None:
    segments = sms_worst_segments(kind, text)
    if segments <= max_segments:
        return None
    count = sms_count(text_render(text, plausible_context(kind, text)))
    return (
        f"with its variables at their longest plausible values the SMS takes {segments} "
        f"segments ({count.units} {count.encoding} units) but at most {max_segments} are "
        "allowed; shorten the text or raise the maximum."
    )


def template_validate(**fields: object) -> None:
    problems = template_problems(**fields)  # type: ignore[arg-type]
    if problems:
        field, messages = next(iter(problems.items()))
        raise InvalidInput(f"{field}: {' '.join(messages)}", field=field, problems=problems)

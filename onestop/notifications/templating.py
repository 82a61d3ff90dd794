"""Notification texts: Django template syntax restricted to plain variables.

A text may use only `{{ variable }}` with a variable its kind allows — no tags, no filters, no
dotted lookups — so a mistake is an error when the template is saved or the pack is loaded,
never a blank in a citizen's message.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import TextNode, VariableNode
from django.template.base import Variable as TemplateVariable

from .kinds import KINDS, VARIABLES
from .sms import GSM7, sms_count, sms_encoding


@cache
def _engine(autoescape: bool) -> Engine:
    return Engine(autoescape=autoescape, debug=False)


def text_problems(kind: str, text: str) -> list[str]:
    """Problems of one text of a kind, each a sentence naming the culprit and the fix."""
    if kind not in KINDS:
        return [f"{kind!r} is not a notification kind; use one of {sorted(KINDS)}."]
    allowed = KINDS[kind]
    try:
        nodes = Template(text, engine=_engine(False)).nodelist
    except TemplateSyntaxError as error:
        return [f"is not valid template syntax ({error}); write variables as {{{{ name }}}}."]
    problems = []
    for node in nodes:
        if isinstance(node, TextNode):
            if any(mark in node.s for mark in ("{{", "{%", "}}", "%}")):
                problems.append(
                    "has an unclosed or stray {{ or {% ; write variables as {{ name }}."
                )
            continue
        if not isinstance(node, VariableNode):
            tag = node.token.contents.split()[0] if node.token else type(node).__name__
            problems.append(
                f"uses the tag {tag!r}; only variables are allowed ({', '.join(allowed)})."
            )
            continue
        expression = node.filter_expression
        name = expression.token
        variable = expression.var
        if not isinstance(variable, TemplateVariable) or variable.literal is not None:
            problems.append(f"writes the literal {name!r}; write it as plain text instead.")
            continue
        if expression.filters:
            problems.append(
                f"applies a filter in {{{{ {name} }}}}; filters are not allowed, "
                f"write {{{{ {variable.var} }}}}."
            )
        if variable.var not in allowed:
            problems.append(
                f"uses the unknown variable {variable.var!r}; {kind} allows {', '.join(allowed)}."
            )
    return problems


def text_variables(text: str) -> set[str]:
    nodes = Template(text, engine=_engine(False)).nodelist
    return {
        str(node.filter_expression.var.var)
        for node in nodes
        if isinstance(node, VariableNode)
        and isinstance(node.filter_expression.var, TemplateVariable)
    }


def text_render(text: str, context: Mapping[str, Any], *, is_html: bool = False) -> str:
    """Values are escaped in HTML parts only; SMS, subjects and plain text stay verbatim."""
    return _compiled(text, is_html).render(Context(dict(context), autoescape=is_html))


@lru_cache(maxsize=1024)
def _compiled(text: str, is_html: bool) -> Template:
    """Compiling dominates rendering a short text; a compiled template is only read."""
    return Template(text, engine=_engine(is_html))


def plausible_context(kind: str, text: str) -> dict[str, str]:
    """Each variable at its longest plausible length, written in the text's own alphabet."""
    bare = text_render(text, {})
    filler = "x" if sms_encoding(bare) is GSM7 else "ж"
    return {
        name: (filler if VARIABLES[name].is_free_text else "0") * VARIABLES[name].max_length
        for name in KINDS[kind]
    }


def sms_worst_segments(kind: str, text: str) -> int:
    return sms_count(text_render(text, plausible_context(kind, text))).segments

"""Money: a Decimal amount with an ISO 4217 currency, never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision, list_currencies

from .errors import InvalidInput

_CURRENCIES = frozenset(list_currencies())


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if self.currency not in _CURRENCIES:
            raise InvalidInput(
                f"{self.currency!r} is not an ISO 4217 currency code; use three capital "
                "letters such as EUR or XOF.",
                field="currency",
            )
        if not isinstance(self.amount, Decimal):
            raise InvalidInput("Money amounts must be Decimal, never float.", field="amount")
        exponent = Decimal(1).scaleb(-get_currency_precision(self.currency))
        object.__setattr__(self, "amount", self.amount.quantize(exponent, ROUND_HALF_EVEN))

    @classmethod
    def parse(cls, amount: str | int | Decimal, currency: str) -> Money:
        try:
            value = Decimal(str(amount))
        except InvalidOperation as error:
            raise InvalidInput(
                f"{amount!r} is not an amount; write digits with a dot, such as 12.50.",
                field="amount",
            ) from error
        if value < 0 or not value.is_finite():
            raise InvalidInput("An amount must be zero or more.", field="amount")
        return cls(value, currency)

    @property
    def is_free(self) -> bool:
        return self.amount == 0

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise InvalidInput("Cannot add amounts in different currencies.", field="currency")
        return Money(self.amount + other.amount, self.currency)

    def format(self, language: str) -> str:
        return format_currency(self.amount, self.currency, locale=language.replace("-", "_"))

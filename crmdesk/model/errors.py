"""Errors the model raises. They carry enough to show the user a clear message."""

from __future__ import annotations


class ValidationError(ValueError):
    """A value that does not parse or validate for an attribute.

    ``attribute`` is the attribute's slug (or title) so a message can name it;
    ``message`` says what is wrong in words a user understands.
    """

    def __init__(self, attribute: str, message: str) -> None:
        super().__init__(f"{attribute}: {message}")
        self.attribute = attribute
        self.message = message


class InvalidFilter(ValueError):
    """A filter tree that cannot be evaluated (unknown attribute, operator or bad operand)."""

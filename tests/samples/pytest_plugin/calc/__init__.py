"""A tiny calculator: parse an expression, evaluate it."""

from calc.ops import add, divide, multiply

__all__ = ["add", "divide", "multiply"]

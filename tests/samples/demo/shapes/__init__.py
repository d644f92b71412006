"""A small geometry package for the demo."""

from shapes.area import circle_area, rectangle_area

__all__ = ["circle_area", "rectangle_area"]

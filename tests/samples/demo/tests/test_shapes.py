import pytest

from shapes import circle_area, rectangle_area
from shapes.convert import to_metres


def test_circle():
    assert circle_area(1) == pytest.approx(3.14159, rel=1e-4)


def test_rectangle():
    assert rectangle_area(2, 3) == 6


def test_units():
    assert to_metres(250, "cm") == 2.5

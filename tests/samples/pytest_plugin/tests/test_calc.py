import pytest

from calc import add, divide, multiply
from calc.parse.tokens import tokenize


def test_add():
    assert add(2, 3) == 5


def test_multiply():
    assert multiply(4, 3) == 12


def test_divide():
    assert divide(6, 3) == 2


def test_tokenize():
    assert tokenize("12 + 3") == [12, "+", 3]


def test_bad_token():
    with pytest.raises(ValueError):
        tokenize("1 $ 2")

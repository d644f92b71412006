from textutil.case import shout


def test_fails():
    assert shout("a") == "a"

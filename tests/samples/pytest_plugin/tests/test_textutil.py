from textutil.case import snake, title


def test_title():
    assert title("hello big world") == "Hello Big World"


def test_snake():
    assert snake("Hello World") == "hello_world"

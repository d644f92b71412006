from textkit.words import Slugger, count_words, shout


def test_count():
    assert count_words("a b  c") == 3


def test_shout():
    assert shout("hi", 2) == "HI!!"


def test_slug():
    assert Slugger().slug("Hello Big World") == "hello-big-world"

"""Word utilities."""


def count_words(text):
    """Count whitespace-separated words."""
    return len(text.split())


def shout(text, times=1):
    result = (
        text.upper()
        + "!" * times
    )
    return result


class Slugger:
    separator = "-"

    def slug(self, text):
        words = [w.lower() for w in text.split()]
        return self.separator.join(words)

    def unslug(self, slug):
        return slug.replace(self.separator, " ")

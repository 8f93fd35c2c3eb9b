import re

from django import template

register = template.Library()

_JOINED = re.compile(r"(?<=\w)-(?=\w)")


@register.filter
def unbroken(text):
    """A heading with its hyphenated words kept whole on a narrow screen ("JKN-KIS"): the
    hyphen between two letters becomes a non-breaking one for the page and the PDF only; the
    data files keep the plain hyphen, so a search for "JKN-KIS" in them still finds it."""
    return _JOINED.sub("\u2011", str(text))

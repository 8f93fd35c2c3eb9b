"""Extension points: a lower layer asks the apps above it through these, never by importing them.

A lower layer declares a ``Contributions`` (the member page, a member's timeline, forgetting a
member, the demo data); each app above adds its function from its ``AppConfig.ready()``, in the
order of ``INSTALLED_APPS``. The arguments are checked when a function is added, and a
contributor that fails is not skipped: the page, the erasure or the seeding fails with it, and so
do the tests. Business flow still calls operations explicitly; these only gather what apps know.
"""

import inspect


class Contributions:
    def __init__(self, name, arguments):
        self.name = name
        self.arguments = tuple(arguments)
        self._functions = []

    def add(self, function):
        """Add ``function``, called with ``arguments``; usable as a decorator."""
        try:
            inspect.signature(function).bind(*self.arguments)
        except TypeError as error:
            raise TypeError(
                f"{function.__module__}.{function.__qualname__} cannot serve {self.name}: {error}"
            ) from None
        if function not in self._functions:
            self._functions.append(function)
        return function

    def __iter__(self):
        return iter(list(self._functions))

    def __call__(self, *args):
        """Each contributor's answer, in order."""
        return [function(*args) for function in self._functions]


# Demo data (``manage.py seed_demo``): ``seed(context)`` after the branches and users exist.
demo_data = Contributions("the demo data", ["context"])

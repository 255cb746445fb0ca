"""fastgen's errors: a spec that cannot be compiled, a column type it cannot generate."""


class SpecError(ValueError):
    """A spec that cannot be compiled; the message names the generator and column."""


class UnsupportedType(SpecError):
    pass

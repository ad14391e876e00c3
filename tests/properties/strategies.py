"""What a client can send, and the Hypothesis settings every property here runs with.

``json_values`` is anything a JSON body parses to: null, booleans, integers of any size (JSON
has no limit), finite floats, strings (NUL, control characters, lone surrogates as a
``"\\ud800"`` escape gives, very long ones) and lists and objects of those. ``form_text`` is
anything a form field can post: text of any kind, numbers written every way.
"""

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from apps.api.plumbing import MAX_LINE_UNITS
from apps.inventory.services import MAX_UNITS

#: No example database (nothing written to the working tree), no deadline (the first example
#: warms Django's caches), no explain phase (a failure is reported sooner).
PROPERTY = settings(
    database=None,
    deadline=None,
    phases=[phase for phase in Phase if phase is not Phase.explain],  # quicker to fail
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Integers at and around every bound that matters: ours, the database's, Python's.
EDGE_INTEGERS = [
    0,
    1,
    -1,
    MAX_LINE_UNITS,
    MAX_LINE_UNITS + 1,
    MAX_UNITS,
    MAX_UNITS + 1,
    2**31 - 1,
    2**31,
    -(2**31) - 1,
    2**63 - 1,
    2**63,
    -(2**63),
    -(2**63) - 1,
    2**64,
    10**30,
    -(10**30),
    10**400,
]

integers = st.one_of(st.sampled_from(EDGE_INTEGERS), st.integers())
floats = st.one_of(
    st.sampled_from([1.0, 1.5, -0.0, 1e30, 1e308, 5e-324, float(MAX_LINE_UNITS) + 0.5]),
    st.floats(allow_nan=False, allow_infinity=False),
)
control_characters = st.text(
    alphabet=st.one_of(
        st.characters(max_codepoint=0x1F), st.sampled_from(["\x7f", "\x85", "\u2028"])
    ),
    min_size=1,
    max_size=4,
)
lone_surrogates = st.characters(categories=["Cs"]).map(str)
numbers_as_text = st.one_of(
    st.sampled_from(
        ["", " ", "7", " 7 ", "7.0", "7.5", "1e3", "-0", "0x10", "١٢", "Infinity", "NaN", "½"]
    ),
    integers.map(str),
    floats.map(str),
)
long_text = st.builds(
    lambda n, unit: unit * n, st.integers(200, 20_000), st.sampled_from(["x", "9", "\x00", "é"])
)


def _with_inside(inside):
    return st.builds(lambda a, b, c: a + b + c, st.text(max_size=6), inside, st.text(max_size=6))


json_text = st.one_of(
    st.text(max_size=40),
    numbers_as_text,
    _with_inside(control_characters),
    _with_inside(lone_surrogates),
    long_text,
)
json_scalars = st.one_of(st.none(), st.booleans(), integers, floats, json_text)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)

form_text = st.one_of(
    st.text(max_size=40), numbers_as_text, _with_inside(control_characters), long_text
)


def bodies(fields: dict, *, valid=None):
    """JSON bodies for a serializer: any subset of its fields, each either a value that may be
    valid or anything at all, sometimes with unknown keys; or a body that is not an object.
    Given ``valid`` (a strategy of valid bodies), also those with one field changed to anything
    or left out, so that every field's refusal is tried next to valid ones."""
    known = st.fixed_dictionaries(
        {}, optional={name: st.one_of(likely, json_values) for name, likely in fields.items()}
    )
    unknown = st.dictionaries(st.text(max_size=8), json_values, max_size=2)
    choices = [known, st.builds(lambda extra, body: {**extra, **body}, unknown, known)]
    if valid is not None:
        choices += [valid, valid.flatmap(lambda body: _one_changed(body, fields))]
    return st.one_of(*choices, json_values)


_LEFT_OUT = object()


def _one_changed(body: dict, fields: dict, *, other=json_values):
    def change(name, value):
        changed = {key: v for key, v in body.items() if key != name}
        if value is not _LEFT_OUT:
            changed[name] = value
        return changed

    return st.sampled_from(sorted(fields)).flatmap(
        lambda name: st.builds(
            change, st.just(name), st.one_of(fields[name], other, st.just(_LEFT_OUT))
        )
    )


def form_data(fields: dict, *, valid=None):
    """POSTed form data: any subset of the form's fields, each either a value that may be valid
    or any text at all; given ``valid``, also valid data with one field changed or left out."""
    known = st.fixed_dictionaries(
        {}, optional={name: st.one_of(likely, form_text) for name, likely in fields.items()}
    )
    if valid is None:
        return known
    return st.one_of(
        known, valid, valid.flatmap(lambda data: _one_changed(data, fields, other=form_text))
    )

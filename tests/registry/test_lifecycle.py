"""The pure life-cycle rules: status is derived from events; forbidden steps are refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from armstrace.registry import lifecycle


def test_status_follows_events():
    derived = lifecycle.derive([("registered", "depot"), ("issued", "brigade 1"), ("returned", "depot")])
    assert derived.status == "in_stock"
    assert derived.holder == "depot"


def test_marking_does_not_change_status():
    assert lifecycle.derive([("registered", None), ("marked", None)]).status == "in_stock"


@pytest.mark.parametrize("after", ["issued", "registered", "recovered", "marked", "transferred", "destroyed"])
def test_nothing_follows_destruction(after):
    with pytest.raises(lifecycle.InvalidTransition) as err:
        lifecycle.derive([("registered", None), ("destroyed", None), (after, None)])
    assert err.value.position == 2 and err.value.status == "destroyed"


def test_lost_weapon_cannot_be_issued_but_can_be_recovered():
    with pytest.raises(lifecycle.InvalidTransition):
        lifecycle.derive([("registered", None), ("reported_lost", None), ("issued", "x")])
    assert lifecycle.derive([("registered", None), ("reported_lost", None), ("recovered", None)]).status == "recovered"


def test_return_requires_issue():
    with pytest.raises(lifecycle.InvalidTransition):
        lifecycle.derive([("registered", None), ("returned", None)])


@given(st.lists(st.sampled_from(lifecycle.EVENT_KINDS), max_size=12))
def test_derive_is_total_or_refuses(kinds):
    """Any event sequence either yields a known status or names the offending event."""
    try:
        derived = lifecycle.derive((k, None) for k in kinds)
    except lifecycle.InvalidTransition as exc:
        assert 0 <= exc.position < len(kinds)
        assert kinds[exc.position] == exc.kind
    else:
        assert derived.status in lifecycle.STATUSES
        if "destroyed" in kinds:
            assert kinds[-1] == "destroyed" and derived.status == "destroyed"

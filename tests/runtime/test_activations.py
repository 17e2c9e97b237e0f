"""The process-wide table of live activations: least recently used go first, never the one just
used, an eviction in flight is neither chosen twice nor forgotten."""

from __future__ import annotations

import pytest

from dealdesk.runtime.activations import Activations, Eviction
from dealdesk.runtime.clock import ManualClock


@pytest.fixture
def table(clock: ManualClock) -> Activations:
    return Activations(3, clock.monotonic)


def test_within_the_cap_nothing_is_evicted(table: Activations) -> None:
    assert [table.touch("a", name) for name in ("n1", "n2", "n3")] == [[], [], []]
    assert table.live() == 3


def test_over_the_cap_the_least_recently_used_goes_with_its_owner(
    table: Activations, clock: ManualClock
) -> None:
    for owner, name in (("a", "n1"), ("b", "n2"), ("a", "n3")):
        table.touch(owner, name)
        clock.advance(1)
    table.touch("b", "n2")  # used again: now the most recent
    assert table.touch("c", "n4") == [Eviction("a", "n1")]
    assert table.evicting("n1")
    # Chosen once: while it is on its way out the next activation picks the next oldest.
    assert table.touch("d", "n5") == [Eviction("a", "n3")]
    table.gone("n1")
    table.gone("n3")
    assert table.live() == 3
    assert (table.live("c"), table.live("d"), table.live("a")) == (1, 1, 0)


def test_an_activation_used_again_before_its_eviction_stays(table: Activations) -> None:
    for name in ("n1", "n2", "n3", "n4"):
        table.touch("a", name)
    assert table.evicting("n1")
    table.touch("a", "n1")  # a message reached it first: it is live and recent again
    assert not table.evicting("n1")


def test_idle_answers_an_owners_activations_unused_for_the_timeout(
    table: Activations, clock: ManualClock
) -> None:
    table.touch("a", "old")
    table.touch("b", "other")
    clock.advance(600)
    table.touch("a", "fresh")
    assert table.idle("a", 600) == ["old"]
    assert table.idle("b", 600) == ["other"]


def test_a_cap_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Activations(0, ManualClock().monotonic)


def test_over_the_cap_an_owner_gives_up_its_own_least_recently_used_first(
    table: Activations, clock: ManualClock
) -> None:
    for owner, name in (("b", "theirs"), ("a", "mine-old"), ("a", "mine-new")):
        table.touch(owner, name)
        clock.advance(1)
    # "theirs" is the process's least recently used, but "a" passivates its own at once.
    assert table.touch("a", "mine-newest") == [Eviction("a", "mine-old")]
    table.gone("mine-old")
    # An owner with nothing else live makes room from the process's oldest.
    assert table.touch("c", "first") == [Eviction("b", "theirs")]

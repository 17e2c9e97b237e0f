"""Admission: a campaign's new negotiations open a few at a time, each letting the next in once it
has heard how its outreach went."""

from __future__ import annotations

import pytest

from dealdesk.actors.campaign_admission import Admission, Opening
from dealdesk.domain.negotiation import State


def admitted(admission, *, new=lambda nid: True, stuck=lambda nid: False):
    return list(admission.admit(still_new=new, stuck=stuck))


def test_at_most_limit_are_opening_and_each_that_hears_of_its_outreach_lets_the_next_in():
    admission = Admission(limit=2)
    for nid in ("a", "b", "c", "d"):
        admission.queue(nid, fresh=True)
    assert admitted(admission) == [Opening("a", True), Opening("b", True)]
    assert admitted(admission) == []  # both still opening
    admission.moved("a", State.OUTREACH_SENT)  # its email is queued, not yet sent
    assert admitted(admission) == []
    admission.moved("a", State.AWAITING_REPLY)  # it heard its outreach went out
    assert admitted(admission) == [Opening("c", True)]
    admission.moved("b", State.FAILED)  # ended (a bounce, do-not-contact): it is done too
    assert admitted(admission) == [Opening("d", True)]
    assert len(admission) == 0


def test_one_no_longer_new_is_skipped_and_one_stuck_before_its_first_step_frees_its_place():
    admission = Admission(limit=1)
    for nid in ("a", "b", "c"):
        admission.queue(nid, fresh=False)
    assert admitted(admission) == [Opening("a", False)]
    # "a" never moves (its negotiator gave up before its first step); "b" was paused meanwhile.
    got = admitted(admission, new=lambda nid: nid != "b", stuck=lambda nid: nid == "a")
    assert got == [Opening("c", False)]


def test_a_negotiation_already_opening_is_not_queued_twice():
    admission = Admission(limit=5)
    admission.queue("a", fresh=True)
    assert admitted(admission) == [Opening("a", True)]
    admission.queue("a", fresh=False)  # opened again (a replayed campaign): it is opening
    assert admitted(admission) == []


def test_the_limit_is_at_least_one():
    with pytest.raises(ValueError, match="at least one"):
        Admission(limit=0)

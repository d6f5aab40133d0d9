"""The workflow's rules at their edges, as plain functions: the exact instants an embargo lifts, a
schedule arrives and an expiry falls; which states end a share link; which moves exist from where; and
the desk's words for each state (mutation testing found each of these unpinned)."""

from datetime import UTC, datetime, timedelta

import pytest

from articles import workflow
from articles.models import Article, Status
from articles.workflow import DeskState, desk_state, embargo_in_force, visible_from

T = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)


def test_an_embargo_is_in_force_until_its_instant_and_not_at_it():
    assert embargo_in_force(T, T - TICK)
    assert not embargo_in_force(T, T)
    assert not embargo_in_force(None, T)


def test_a_schedule_arrives_at_its_instant():
    assert desk_state("published", T, None, None, T - TICK) == DeskState.SCHEDULED
    assert desk_state("published", T, None, None, T) == DeskState.LIVE


def test_an_expiry_falls_at_its_instant():
    assert desk_state("published", T - timedelta(hours=1), None, T, T - TICK) == DeskState.LIVE
    assert desk_state("published", T - timedelta(hours=1), None, T, T) == DeskState.EXPIRED


def test_an_embargo_wins_over_a_schedule_and_lifts_at_its_instant():
    assert desk_state("published", T - timedelta(hours=1), T, None, T - TICK) == DeskState.EMBARGOED
    assert desk_state("published", T + timedelta(hours=1), T, None, T - TICK) == DeskState.EMBARGOED
    assert desk_state("published", T - timedelta(hours=1), T, None, T) == DeskState.LIVE


@pytest.mark.parametrize("status", ["draft", "in_review", "unpublished", "killed"])
def test_a_story_not_published_is_its_status_whatever_its_times(status):
    assert desk_state(status, T - timedelta(hours=1), None, None, T) == status


def test_the_publication_time_is_the_later_of_schedule_and_embargo():
    assert visible_from(T, None) == T
    assert visible_from(T, T + timedelta(hours=1)) == T + timedelta(hours=1)
    assert visible_from(T, T - timedelta(hours=1)) == T
    assert visible_from(None, T) is None


def test_the_states_that_end_a_share_link_and_those_not_yet_public():
    assert {"unpublished", "expired", "killed"} == workflow.ENDED
    assert {"scheduled", "embargoed"} == workflow.NOT_YET_PUBLIC


def test_the_desk_words_for_each_state():
    assert dict(DeskState.choices) == {
        "draft": "Draft",
        "in_review": "In review",
        "scheduled": "Scheduled",
        "embargoed": "Embargoed",
        "live": "Published",
        "expired": "Expired",
        "unpublished": "Unpublished",
        "killed": "Killed",
    }


def test_the_moves_from_each_status_and_their_words():
    moves = {
        status: {(t.name, t.label, t.target) for t in workflow.available(status)} for status in Status.values
    }
    assert moves == {
        "draft": {("submit", "Submit for review", "in_review"), ("publish", "Publish", "published")},
        "in_review": {("return", "Return to draft", "draft"), ("publish", "Publish", "published")},
        "published": {
            ("unschedule", "Unschedule", "in_review"),
            ("unpublish", "Unpublish", "unpublished"),
            ("kill", "Kill", "killed"),
        },
        "unpublished": {
            ("publish", "Publish", "published"),
            ("redraft", "Back to draft", "draft"),
            ("kill", "Kill", "killed"),
        },
        "killed": set(),
    }


def test_an_impossible_move_names_what_is_possible():
    with pytest.raises(
        workflow.IllegalTransition, match=r"the story is in review \(possible from here: publish, return\)"
    ):
        workflow.get_transition("submit", "in_review")
    with pytest.raises(workflow.IllegalTransition, match="no action called 'fly'"):
        workflow.get_transition("fly", "draft")


def test_an_unknown_desk_state_is_refused():
    with pytest.raises(ValueError, match="unknown desk state 'flying'"):
        workflow.desk_state_condition("flying", T)


def test_unscheduling_is_possible_only_before_the_story_is_public():
    move = workflow.TRANSITIONS["unschedule"]
    scheduled = Article(status="published", publish_at=T + timedelta(hours=1))
    live = Article(status="published", publish_at=T - timedelta(hours=1))
    assert workflow.possible_now(move, scheduled, now=T)
    assert not workflow.possible_now(move, live, now=T)
    assert workflow.possible_now(workflow.TRANSITIONS["unpublish"], live, now=T)

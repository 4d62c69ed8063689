"""Checkbox, select and status: titles typed by users, ids on the wire, option order."""

from __future__ import annotations

import pytest

from crmdesk.model import Option, ValidationError
from crmdesk.model.values import display_text, parse_user_text, sort_key, validate_value
from crmdesk.remote.aria.values import from_wire, to_wire

from ._support import OPTIONS, T, make_attr

CHECK = make_attr(T.CHECKBOX, title="Is Customer")
SELECT = make_attr(T.SELECT, title="Tier")
STATUS = make_attr(T.STATUS, title="Stage")


@pytest.mark.parametrize("typed", ["yes", "Y", "true", "TRUE", "1", "on", "checked", "✓", "x"])
def test_checkbox_yes_words(typed: str) -> None:
    assert parse_user_text(CHECK, typed) is True
    assert display_text(CHECK, True) == "Yes"


@pytest.mark.parametrize("typed", ["no", "N", "false", "0", "off", "unchecked"])
def test_checkbox_no_words(typed: str) -> None:
    assert parse_user_text(CHECK, typed) is False
    assert display_text(CHECK, False) == "No"


@pytest.mark.parametrize("wrong", ["maybe", "2", "да"])
def test_checkbox_text_that_is_neither_is_refused(wrong: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_user_text(CHECK, wrong)
    assert caught.value.attribute == "Is Customer"
    assert "yes or no" in caught.value.message


@pytest.mark.parametrize("wrong", [2, -1, 0.5, {"value": True}, [True]])
def test_checkbox_wrong_types_are_refused(wrong: object) -> None:
    with pytest.raises(ValidationError):
        validate_value(CHECK, wrong)


def test_checkbox_keeps_false_as_a_value_distinct_from_empty() -> None:
    assert validate_value(CHECK, False) is False
    assert from_wire(CHECK, False) is False
    assert from_wire(CHECK, 0) is False
    assert from_wire(CHECK, None) is None
    assert display_text(CHECK, None) == ""


def test_checkbox_sorts_no_before_yes() -> None:
    assert sort_key(CHECK, False) < sort_key(CHECK, True)


def test_checkbox_cannot_be_multiselect() -> None:
    with pytest.raises(ValueError, match="cannot be multiselect"):
        make_attr(T.CHECKBOX, multiselect=True)


# -- select -------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Lead", "lead", "  LEAD ", "opt-lead"])
def test_select_resolves_a_typed_title_or_id_to_the_option_id(typed: str) -> None:
    assert parse_user_text(SELECT, typed) == "opt-lead"
    assert display_text(SELECT, "opt-lead") == "Lead"


def test_select_refuses_an_unknown_title_and_lists_the_choices() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_user_text(SELECT, "Platinum")
    assert caught.value.attribute == "Tier"
    assert "Platinum" in caught.value.message
    assert "Lead, Qualified, Won" in caught.value.message


def test_select_without_options_says_so() -> None:
    bare = make_attr(T.SELECT, title="Categories", options=())
    with pytest.raises(ValidationError, match="none yet"):
        parse_user_text(bare, "SaaS")


def test_select_titles_with_unicode_match_case_insensitively() -> None:
    attr = make_attr(T.SELECT, options=(Option("o1", "Ärger"), Option("o2", "營銷"), Option("o3", "🔥 Hot")))
    assert parse_user_text(attr, "ärger") == "o1"
    assert parse_user_text(attr, "營銷") == "o2"
    assert parse_user_text(attr, "🔥 hot") == "o3"


def test_multiselect_select_resolves_each_title_and_drops_duplicates() -> None:
    tags = make_attr(T.SELECT, multiselect=True, title="Categories")
    assert parse_user_text(tags, "Lead, won; lead") == ["opt-lead", "opt-won"]
    assert display_text(tags, ["opt-lead", "opt-won"]) == "Lead, Won"


def test_an_option_id_not_yet_pulled_is_kept_not_dropped() -> None:
    assert validate_value(SELECT, "opt-from-the-server") == "opt-from-the-server"
    assert display_text(SELECT, "opt-from-the-server") == "(unknown option)"


@pytest.mark.parametrize("wrong", ["   ", 5, True, {"id": "opt-lead"}])
def test_select_wrong_types_are_refused(wrong: object) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_value(SELECT, wrong)
    assert "options" in caught.value.message


def test_select_and_status_sort_by_option_order_not_title() -> None:
    ids = ["opt-won", "opt-lead", "opt-qual", "opt-unknown"]
    for attr in (SELECT, STATUS):
        assert sorted(ids, key=lambda v: sort_key(attr, v)) == [
            "opt-lead",
            "opt-qual",
            "opt-won",
            "opt-unknown",
        ]


def test_reordering_options_reorders_the_sort() -> None:
    reordered = make_attr(T.STATUS, options=tuple(Option(o.id, o.title, order=9 - o.order) for o in OPTIONS))
    ids = ["opt-lead", "opt-qual", "opt-won"]
    assert sorted(ids, key=lambda v: sort_key(reordered, v)) == ["opt-won", "opt-qual", "opt-lead"]


# -- status -------------------------------------------------------------------------------


def test_status_writes_the_title_and_reads_the_id_back() -> None:
    assert to_wire(STATUS, "opt-qual") == "Qualified"
    assert from_wire(STATUS, "Qualified") == "opt-qual"
    assert from_wire(STATUS, "opt-qual") == "opt-qual"


def test_status_unknown_to_us_is_written_and_read_as_the_id() -> None:
    assert to_wire(STATUS, "9303ddc0-d110-4ea5-9e56-f43f5656bd65") == "9303ddc0-d110-4ea5-9e56-f43f5656bd65"
    assert from_wire(STATUS, "9303ddc0-d110-4ea5-9e56-f43f5656bd65") == "9303ddc0-d110-4ea5-9e56-f43f5656bd65"


def test_inactive_statuses_still_display_and_parse() -> None:
    assert parse_user_text(STATUS, "Won") == "opt-won"
    assert display_text(STATUS, "opt-won") == "Won"


def test_status_cannot_be_multiselect() -> None:
    with pytest.raises(ValueError):
        make_attr(T.STATUS, multiselect=True)


def test_an_empty_string_is_an_empty_value_not_an_option() -> None:
    assert validate_value(SELECT, "") is None

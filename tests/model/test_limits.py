"""A server's value limits: checked with a reason naming the attribute, kept as JSON."""

from __future__ import annotations

import pytest

from crmdesk.model import AttributeType, ValidationError
from crmdesk.model.limits import ValueLimits

from ._support import make_attr

ONE_OPTION = ValueLimits(one_value={AttributeType.SELECT: "This server keeps one option per select attribute"})


def test_two_options_are_refused_with_the_reason_and_one_is_fine() -> None:
    tags = make_attr(AttributeType.SELECT, title="Tags", multiselect=True)
    with pytest.raises(ValidationError) as refused:
        ONE_OPTION.check(tags, ["a", "b"])
    assert (refused.value.attribute, refused.value.message) == (
        "Tags", "This server keeps one option per select attribute; choose one")
    ONE_OPTION.check(tags, ["a"])
    ONE_OPTION.check(tags, None)
    ONE_OPTION.check(make_attr(AttributeType.TEXT, multiselect=True), ["x", "y"])  # other types are not limited


def test_the_attribute_dialog_learns_why_a_type_cannot_allow_several_values() -> None:
    assert ONE_OPTION.multiselect_problem(AttributeType.SELECT) == "This server keeps one option per select attribute"
    assert ONE_OPTION.multiselect_problem(AttributeType.RECORD_REFERENCE) is None


@pytest.mark.parametrize("stored", [None, "", "not json", "[1, 2]", '{"one_value": {"no_such_type": "x"}}'])
def test_limits_read_from_a_damaged_file_mean_no_limits_known(stored: str | None) -> None:
    assert ValueLimits.from_json(stored) == ValueLimits()


def test_limits_survive_the_workspace_file() -> None:
    assert ValueLimits.from_json(ONE_OPTION.to_json()) == ONE_OPTION

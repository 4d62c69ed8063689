"""Three-way merge of a note's blocks: the user's edit and a colleague's both kept when they touch
different blocks; refused (None) when they change the same ones."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crmdesk.model.rich_text import parse_markdown
from crmdesk.model.rich_text.merge import merge_blocks


def blocks(text: str):  # type: ignore[no-untyped-def]
    return parse_markdown(text).blocks


BASE = blocks("# Agenda\n\nPricing\n\nSend contract\n\nBook kickoff")


def test_changes_to_different_blocks_are_both_kept() -> None:
    mine = blocks("# Agenda\n\nPricing for 50 seats\n\nSend contract\n\nBook kickoff")
    theirs = blocks("# Agenda\n\nPricing\n\nSend contract\n\nBook kickoff in March\n\nInvite legal")
    assert merge_blocks(BASE, mine, theirs) == blocks(
        "# Agenda\n\nPricing for 50 seats\n\nSend contract\n\nBook kickoff in March\n\nInvite legal")


def test_neighbouring_blocks_changed_on_each_side_merge() -> None:
    mine = blocks("# Agenda\n\nPricing for 50 seats\n\nSend contract\n\nBook kickoff")
    theirs = blocks("# Agenda\n\nPricing\n\nSend the signed contract\n\nBook kickoff")
    assert merge_blocks(BASE, mine, theirs) == blocks(
        "# Agenda\n\nPricing for 50 seats\n\nSend the signed contract\n\nBook kickoff")


def test_the_same_block_changed_on_both_sides_is_refused() -> None:
    mine = blocks("# Agenda\n\nPricing for 50 seats\n\nSend contract\n\nBook kickoff")
    theirs = blocks("# Agenda\n\nPricing for 40 seats\n\nSend contract\n\nBook kickoff")
    assert merge_blocks(BASE, mine, theirs) is None


def test_both_inserting_at_one_place_is_refused_unless_it_is_the_same() -> None:
    mine = blocks("# Agenda\n\nMine\n\nPricing\n\nSend contract\n\nBook kickoff")
    theirs = blocks("# Agenda\n\nTheirs\n\nPricing\n\nSend contract\n\nBook kickoff")
    assert merge_blocks(BASE, mine, theirs) is None
    assert merge_blocks(BASE, mine, mine) == mine


paragraphs = st.lists(st.sampled_from(["Pricing", "Send contract", "Book kickoff", "# Agenda", "- a list",
                                       "> a quote", "Invite legal", "`code`"]), max_size=6)


@given(paragraphs, paragraphs)
def test_one_side_unchanged_gives_the_other(base_lines: list[str], other_lines: list[str]) -> None:
    base, other = blocks("\n\n".join(base_lines)), blocks("\n\n".join(other_lines))
    assert merge_blocks(base, other, base) == other
    assert merge_blocks(base, base, other) == other

"""Rich text: markdown ↔ the document tree, exact both ways for every tree; what people type."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crmdesk.model.rich_text import (
    Block,
    Blockquote,
    BulletList,
    CodeBlock,
    Doc,
    HardBreak,
    Heading,
    HorizontalRule,
    Inline,
    ListItem,
    Mark,
    OrderedList,
    Paragraph,
    Text,
    is_safe_link,
    normalise,
    parse_markdown,
    plain_text,
    same_text,
    to_markdown,
)
from crmdesk.model.rich_text.inline_parse import _TitleEnds

PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Characters that mean something to markdown, and ones its rules treat specially.
TRICKY = "*_~`[]()<>!&#;\\|-+=.):1 \t\u00a0\u2003€©→“”é中\U0001f984abcxyz"
texts = st.text(alphabet=st.one_of(st.sampled_from(TRICKY), st.characters(exclude_categories=("Cs",))),
                min_size=1, max_size=12)
hrefs = st.one_of(st.sampled_from(["https://example.com/quote/17", "mailto:a@b.c", "", "a b", "(x", "x)", "<y>",
                                   "&amp;", "javascript:alert(1)", "C:\\path", "https://x.y/?a=1&b=2"]),
                  st.text(max_size=10))
marks = st.frozensets(st.sampled_from(list(Mark)))
runs = st.builds(Text, texts, marks, st.one_of(st.none(), hrefs))
inlines = st.lists(st.one_of(runs, runs, runs, st.just(HardBreak())), max_size=6).map(tuple)
languages = st.one_of(st.none(), st.sampled_from(["python", "js", "c++", "`x", "~y", "a b", "&amp;", "\\"]),
                      st.text(max_size=6))
leaves = st.one_of(
    st.builds(Paragraph, inlines),
    st.builds(Heading, st.integers(1, 6), inlines),
    st.builds(CodeBlock, st.text(max_size=30), languages),
    st.just(HorizontalRule()),
)


def containers(children: st.SearchStrategy[Block]) -> st.SearchStrategy[Block]:
    blocks = st.lists(children, min_size=1, max_size=3).map(tuple)
    items = st.lists(st.builds(ListItem, blocks), min_size=1, max_size=3).map(tuple)
    return st.one_of(st.builds(Blockquote, blocks), st.builds(BulletList, items),
                     st.builds(OrderedList, items, st.integers(0, 10**9 + 5)))


documents = st.builds(Doc, st.lists(st.recursive(leaves, containers, max_leaves=8), max_size=5).map(tuple))


@PROPERTY
@given(documents)
@example(Doc((BulletList((ListItem((HorizontalRule(),)),)),)))
@example(Doc((Paragraph((Text("a"), Text("(b)", frozenset({Mark.BOLD})), Text("c"))),)))
@example(Doc((Paragraph((Text("x"), Text("y", frozenset({Mark.ITALIC})), Text("z"))),)))
def test_markdown_reads_back_as_the_same_tree(doc: Doc) -> None:
    tree = normalise(doc)
    markdown = to_markdown(tree)
    assert parse_markdown(markdown) == tree, markdown


@PROPERTY
@given(st.text(alphabet=st.one_of(st.sampled_from(TRICKY + "\n\n\n  "), st.characters()), max_size=80))
def test_anything_typed_parses_and_settles_after_one_round(text: str) -> None:
    first = parse_markdown(text)
    assert normalise(first) == first
    assert parse_markdown(to_markdown(first)) == first


def runs_of(markdown: str) -> tuple[Inline, ...]:
    (block,) = parse_markdown(markdown).blocks
    assert isinstance(block, Paragraph)
    return block.inlines


def test_ordinary_markdown_reads_as_people_mean_it() -> None:
    assert runs_of("2 * 3 * 4") == (Text("2 * 3 * 4"),)
    assert runs_of("*x*") == (Text("x", frozenset({Mark.ITALIC})),)
    assert runs_of("**b** and __b__") == (Text("b", frozenset({Mark.BOLD})), Text(" and "),
                                          Text("b", frozenset({Mark.BOLD})))
    assert runs_of("snake_case_name") == (Text("snake_case_name"),)
    assert runs_of("~~gone~~") == (Text("gone", frozenset({Mark.STRIKE})),)
    assert runs_of("see [the quote](https://example.com/q?a=1&b=2)") == (
        Text("see "), Text("the quote", href="https://example.com/q?a=1&b=2"))
    assert runs_of("<https://example.com>") == (Text("https://example.com", href="https://example.com"),)
    assert runs_of("line one\nline two") == (Text("line one"), HardBreak(), Text("line two"))


def test_garbage_stays_literal() -> None:
    for text in ("*unclosed", "**also", "[no link", "[x](", "`tick", "<b>bold</b>", "&bogus;", "\\", "~tilde"):
        assert plain_text(parse_markdown(text)) == text


def test_the_writer_escapes_only_what_would_change_the_reading() -> None:
    assert to_markdown(parse_markdown("2 * 3 * 4")) == "2 * 3 * 4"
    assert to_markdown(Doc((Paragraph((Text("# not a heading"),)),))) == "\\# not a heading"
    assert to_markdown(Doc((Paragraph((Text("1. not a list"),)),))) == "1\\. not a list"
    assert to_markdown(Doc((Paragraph((Text(" padded "),)),))) == "&#32;padded&#32;"
    assert to_markdown(Doc((Paragraph(()),))) == "&nbsp;"


def test_images_become_links_that_load_nothing() -> None:
    assert runs_of("![pixel](http://evil/y.png)") == (Text("[image: pixel]", href="http://evil/y.png"),)


def test_same_text_ignores_spelling() -> None:
    assert same_text("*x* and **y**", "_x_ and __y__")
    assert not same_text("x", "y")


def test_deep_nesting_reads_without_recursing_forever() -> None:
    deep = parse_markdown("> " * 3000 + "x")
    assert plain_text(deep).endswith("x")
    assert parse_markdown(to_markdown(deep)) == deep


#: Long enough that a parser quadratic in it takes minutes; a linear one, a fraction of a second.
LONG = 20_000
#: Linear or not is told by the work done, counted, not by the wall clock (which a loaded machine
#: slows): twice the text may take at most this many times the steps. Linear parsing takes 2.0;
#: the quadratic parsers took 3.5 to 4 at these sizes.
SMALL = 500
GROWTH = 2.5


class _TooMuchWork(Exception):
    pass


def parse_steps(text: str, budget: float | None = None) -> float:
    """The Python lines ``parse_markdown(text)`` runs (``inf`` past ``budget``): the same count on
    every machine, however fast or loaded."""
    steps = 0

    def trace(frame: object, event: str, arg: object) -> object:
        nonlocal steps
        steps += 1
        if budget is not None and steps > budget:
            raise _TooMuchWork
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        parse_markdown(text)
    except _TooMuchWork:
        return math.inf
    finally:
        sys.settrace(previous)
    return steps


def assert_linear(make: Callable[[int], str]) -> None:
    small = parse_steps(make(SMALL))
    double = parse_steps(make(2 * SMALL), budget=GROWTH * small)
    assert double <= GROWTH * small, f"{small} steps for {SMALL}, {double} for {2 * SMALL}: not linear"


@pytest.mark.parametrize("container", ["- ", "> "])
def test_a_long_lazy_paragraph_in_a_container_parses_in_linear_time(container: str) -> None:
    # Each line without the container's prefix continues its paragraph ("lazy" continuation).
    assert_linear(lambda n: container + "a\n" + "b\n" * n)
    doc = parse_markdown(container + "a\n" + "b\n" * LONG)
    lines = (Text("a"), *(inline for _ in range(LONG) for inline in (HardBreak(), Text("b"))))
    paragraph = Paragraph(lines)
    expected = BulletList((ListItem((paragraph,)),)) if container == "- " else Blockquote((paragraph,))
    assert doc == Doc((expected,))


def test_unclosed_link_titles_parse_in_linear_time() -> None:
    assert_linear(lambda n: "[](x (" * n)  # every link's title runs to the end of the text without closing
    text = "[](x (" * LONG
    assert parse_markdown(text) == Doc((Paragraph((Text(text),)),))


def test_links_after_many_open_brackets_parse_in_linear_time() -> None:
    # Each link made deactivates the link openers before it (links never contain links).
    assert_linear(lambda n: "[" * n + "[a](x)" * n)
    doc = parse_markdown("[" * LONG + "[a](x)" * LONG)
    assert doc == Doc((Paragraph((Text("[" * LONG), Text("a" * LONG, href="x"))),))


def title_end_by_scanning(text: str, closing: str, start: int) -> int | None:
    """Where a link title starting at ``start`` ends, read as Commonmark does: a backslash
    escapes the character after it (what the parser did for every title, to the end)."""
    index = start
    while index < len(text) and text[index] != closing:
        index += 2 if text[index] == "\\" else 1
    return index if index < len(text) else None


@PROPERTY
@given(st.text(alphabet=st.sampled_from("\"'()\\x \n"), max_size=30))
@example('("\\"\\\\")')
def test_each_title_ends_where_a_scan_from_its_start_would(text: str) -> None:
    # The parser finds every title's end in one pass over the text; that pass must agree with
    # a scan from each title's own start (just after its opening quote or parenthesis).
    ends = _TitleEnds(text)
    for opening, char in enumerate(text):
        if char in "\"'(":
            closing = ")" if char == "(" else char
            assert ends.first(closing, opening + 1) == title_end_by_scanning(text, closing, opening + 1)


def test_only_web_and_mail_addresses_are_safe_links() -> None:
    for href in ("https://example.com/q?a=1", "HTTP://x.y", "mailto:a@b.c"):
        assert is_safe_link(href), href
    for href in ("javascript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "\x01javascript:x",
                 "JavaScript:x", "data:text/html,x", "file:///etc/passwd", "vbscript:x", "//evil.example", "x", "",
                 "http://[::1"):
        assert not is_safe_link(href), href

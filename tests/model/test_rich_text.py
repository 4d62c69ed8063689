"""Rich text: markdown ↔ the document tree, exact both ways for every tree; what people type."""

from __future__ import annotations

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
    normalise,
    parse_markdown,
    plain_text,
    same_text,
    to_markdown,
)

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

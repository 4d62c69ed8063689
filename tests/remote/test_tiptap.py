"""TipTap JSON ↔ the rich-text tree: the editing form (markdown) loses nothing crmdesk can express,
unknown nodes show their text, and a content edit keeps what the user did not touch."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crmdesk.model.rich_text import Doc, Mark, Paragraph, Text, is_safe_link, normalise, parse_markdown, plain_text
from crmdesk.remote.aria import tiptap

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TRICKY = "*_~`[]()<>!&#;\\|-+=.):1 \t\u00a0€©→“é中\U0001f984abcxyz"
texts = st.text(alphabet=st.one_of(st.sampled_from(TRICKY), st.characters(exclude_categories=("Cs", "Cc"))),
                min_size=1, max_size=10)
#: Links crmdesk writes to the web app: web and mail addresses only (others go as their text).
hrefs = st.one_of(st.sampled_from(["https://example.com/quote/17", "mailto:a@b.c", "https://x.y/a b", "http://x.y/(x",
                                   "https://x.y/<y>", "https://x.y/&amp;", "HTTPS://x.y"]),
                  st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), max_size=10).map(
                      lambda path: "https://example.com/" + path))
#: Marks as ProseMirror keeps them: in schema order (link, bold, code, italic, strike), code alone.
mark_lists = st.one_of(
    st.just([{"type": "code"}]),
    st.tuples(st.one_of(st.none(), hrefs), st.sets(st.sampled_from(["bold", "italic", "strike"]))).map(
        lambda pair: ([] if pair[0] is None else [{"type": "link", "attrs": {"href": pair[0], **tiptap.LINK_ATTRS}}])
        + [{"type": name} for name in ("bold", "italic", "strike") if name in pair[1]]),
)


def text_node(text: str, marks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "text", "text": text, **({"marks": marks} if marks else {})}


def merged(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Adjacent text nodes with equal marks become one, as ProseMirror keeps them."""
    out: list[dict[str, Any]] = []
    for node in nodes:
        if out and node["type"] == out[-1]["type"] == "text" and node.get("marks") == out[-1].get("marks"):
            out[-1] = {**out[-1], "text": out[-1]["text"] + node["text"]}
        else:
            out.append(node)
    return out


inline_content = st.lists(st.one_of(st.builds(text_node, texts, mark_lists), st.just({"type": "hardBreak"})),
                          max_size=5).map(merged)


def with_content(node: dict[str, Any], content: list[dict[str, Any]]) -> dict[str, Any]:
    return {**node, "content": content} if content else node


paragraphs = inline_content.map(lambda c: with_content({"type": "paragraph"}, c))
leaves = st.one_of(
    paragraphs,
    st.builds(lambda level, c: with_content({"type": "heading", "attrs": {"level": level}}, c),
              st.integers(1, 6), inline_content),
    st.builds(lambda lang, text: with_content({"type": "codeBlock", "attrs": {"language": lang}},
                                              [{"type": "text", "text": text}] if text else []),
              st.one_of(st.none(), st.from_regex(r"[a-z0-9+#-]{1,8}", fullmatch=True)),
              st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\r\x00"), max_size=20)),
    st.just({"type": "horizontalRule"}),
)


def containers(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    blocks = st.lists(children, min_size=1, max_size=3)
    items = st.lists(st.builds(lambda first, rest: {"type": "listItem", "content": [first, *rest]},
                               paragraphs, st.lists(children, max_size=2)), min_size=1, max_size=3)
    return st.one_of(
        blocks.map(lambda b: {"type": "blockquote", "content": b}),
        items.map(lambda i: {"type": "bulletList", "content": i}),
        st.builds(lambda start, i: {"type": "orderedList", "attrs": {"start": start}, "content": i},
                  st.integers(0, 1000), items),
    )


documents = st.lists(st.recursive(leaves, containers, max_leaves=8), min_size=1, max_size=5).map(
    lambda blocks: {"type": "doc", "content": blocks})


@PROPERTY
@given(documents)
def test_tiptap_to_the_editing_form_and_back_is_the_identity(document: dict[str, Any]) -> None:
    markdown = tiptap.markdown_of(document)
    assert tiptap.document_json(parse_markdown(markdown)) == document, markdown


def text(value: str, *marks: str) -> dict[str, Any]:
    return text_node(value, [{"type": m} for m in marks])


#: A note using what crmdesk cannot show: a task list, an image, a mention, an attribute it does not know.
RICH = {"type": "doc", "content": [
    {"type": "heading", "attrs": {"level": 2, "id": "agenda-1"}, "content": [text("Agenda")]},
    {"type": "taskList", "content": [{"type": "taskItem", "attrs": {"checked": True},
                                      "content": [{"type": "paragraph", "content": [text("Call Ada")]}]}]},
    {"type": "image", "attrs": {"src": "https://example.com/diagram.png", "alt": "diagram"}},
    {"type": "paragraph", "content": [text("Ask "), {"type": "mention", "attrs": {"id": "u1", "label": "Ada"}},
                                      text(" about it", "underline")]},
    {"type": "paragraph", "content": [text("Old line")]},
]}


def test_unknown_nodes_and_marks_show_their_text() -> None:
    markdown = tiptap.markdown_of(RICH)
    assert markdown.splitlines() == ["## Agenda", "", "Call Ada", "", "diagram", "", "Ask Ada about it", "",
                                     "Old line"]


def test_garbage_content_never_raises() -> None:
    for content in ({"type": "doc", "content": "x"}, {"type": "doc", "content": [1, None, {"type": 5}]},
                    [{"type": "text", "text": "loose"}], {"no": "type"}, 42, True, {"type": "heading",
                    "attrs": {"level": "two"}, "content": [{"type": "text", "text": "T", "marks": ["bold", {}]}]}):
        tiptap.document_json(parse_markdown(tiptap.markdown_of(content)))


def test_a_content_edit_keeps_every_block_the_user_did_not_touch() -> None:
    original = copy.deepcopy(RICH)
    edited = tiptap.markdown_of(original).replace("Old line", "New line")
    sent = tiptap.content_for_update(edited, original)
    assert sent["content"][:4] == RICH["content"][:4]  # the task list, image, mention, heading id: all kept
    assert sent["content"][4:] == [{"type": "paragraph", "content": [text("New line")]}]
    assert original == RICH  # the server's document is not changed in place


def test_moved_blocks_keep_their_json_and_deleted_ones_go() -> None:
    lines = tiptap.markdown_of(RICH).split("\n\n")
    reordered = "\n\n".join([lines[3], lines[0], lines[4]])  # mention paragraph first, task list and image gone
    sent = tiptap.content_for_update(reordered, RICH)
    assert sent["content"] == [RICH["content"][3], RICH["content"][0], RICH["content"][4]]


def test_an_edited_unknown_block_becomes_what_crmdesk_can_express() -> None:
    edited = tiptap.markdown_of(RICH).replace("Call Ada", "Call Ada twice")
    sent = tiptap.content_for_update(edited, RICH)
    assert sent["content"][1] == {"type": "paragraph", "content": [text("Call Ada twice")]}
    assert sent["content"][2] == RICH["content"][2]


def test_string_or_empty_content_is_replaced_by_a_document() -> None:
    assert tiptap.content_for_update("**x**", "x") == {"type": "doc", "content": [
        {"type": "paragraph", "content": [text("x", "bold")]}]}
    assert tiptap.content_for_update("", None) == {"type": "doc", "content": [{"type": "paragraph"}]}


def test_deep_documents_read_as_their_text() -> None:
    node: dict[str, Any] = {"type": "paragraph", "content": [text("deep")]}
    for _ in range(900):
        node = {"type": "blockquote", "content": [node]}
    assert tiptap.markdown_of({"type": "doc", "content": [node]}).endswith("deep")


# -- what a server may send: any JSON at all ----------------------------------------------------------

#: Node, mark and attribute names the reader looks for, so that generated JSON reaches every branch.
NAMES = ["doc", "paragraph", "heading", "codeBlock", "horizontalRule", "blockquote", "bulletList", "orderedList",
         "listItem", "text", "hardBreak", "link", "bold", "italic", "strike", "code", "taskList", "image", "mention"]
KEYS = ["type", "content", "text", "attrs", "marks", "level", "start", "href", "language", "label"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=6), st.sampled_from(NAMES))
any_json = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=3)), children, max_size=5)),
    max_leaves=30)
#: Type names, and types that are not strings at all (a list or an object is not hashable).
kinds = st.one_of(st.sampled_from(NAMES), st.lists(scalars, max_size=2), st.dictionaries(st.text(max_size=2), scalars),
                  any_json)
#: JSON shaped like TipTap nodes, so that the reader goes deep, with anything at all in each place.
nodes = st.recursive(
    st.fixed_dictionaries({"type": kinds}, optional={key: any_json for key in ("text", "attrs", "marks")}),
    lambda children: st.fixed_dictionaries(
        {"type": kinds, "content": st.lists(st.one_of(children, children, any_json), max_size=4)},
        optional={"text": any_json, "attrs": st.one_of(st.dictionaries(st.sampled_from(KEYS), any_json), any_json),
                  "marks": st.lists(st.one_of(children, any_json), max_size=3)}),
    max_leaves=20)


@PROPERTY
@given(st.one_of(any_json, nodes, st.lists(nodes, max_size=4).map(lambda content: {"type": "doc", "content": content})))
@example({"type": "doc", "content": [{"type": "x", "content": [{"type": ["a"], "text": "t"}]}]})
def test_any_json_reads_without_raising(content: Any) -> None:
    assert isinstance(tiptap.markdown_of(content), str)
    tiptap.document_json(tiptap.document_of(content))


def test_a_type_that_is_not_a_string_is_a_node_crmdesk_does_not_know() -> None:
    def para(*inlines: dict[str, Any]) -> dict[str, Any]:
        return {"type": "paragraph", "content": list(inlines)}

    odd = {"type": "doc", "content": [
        {"type": "x", "content": [{"type": ["a"], "text": "t"}]},  # the review's case: it raised TypeError
        para({"type": "text", "text": "m", "marks": [{"type": ["bold"]}, {"type": {"a": 1}}, "bold", {"type": "italic"},
                                                     {"type": "link", "attrs": ["href"]},
                                                     {"type": "link", "attrs": {"href": ["x"]}}]},
             {"type": "text", "text": ["not text"]}, {"type": {"t": 1}, "text": "!"}),
        {"type": "heading", "attrs": {"level": "2"}, "content": [text("h")]},
        {"type": "orderedList", "attrs": {"start": True},
         "content": [{"type": "listItem", "content": [para(text("i"))]}]},
        {"type": {"k": "v"}, "content": [para(text("inside"))]},
        {"type": "codeBlock", "attrs": {"language": 5}, "content": [text("c")]},
    ]}
    assert tiptap.markdown_of(odd).split("\n\n") == ["t", "_m_!", "# h", "1. i", "inside", "```\nc\n```"]


# -- nodes that read as nothing ---------------------------------------------------------------------


def test_a_top_level_node_that_reads_as_nothing_shows_its_label() -> None:
    document = {"type": "doc", "content": [
        {"type": "bulletList", "content": []},
        {"type": "orderedList", "attrs": {"start": 3}},
        {"type": "details", "content": [{"type": "bulletList"}, {"type": "orderedList", "content": []}]},
        {"type": 7},
        {"type": "paragraph", "content": [text("after")]},
    ]}
    doc = tiptap.document_of(document)
    assert plain_text(doc).split("\n") == ["[bulletList]", "[orderedList]", "[details]", "[unknown]", "after"]
    assert parse_markdown(tiptap.markdown_of(document)) == doc  # what the note shows and edits


# -- links crmdesk writes -------------------------------------------------------------------------------

any_hrefs = st.one_of(hrefs, st.sampled_from(["javascript:alert(1)", " javascript:alert(1)", "JAVASCRIPT:x",
                                              "java\tscript:x", "data:text/html,<b>x", "file:///etc/passwd",
                                              "vbscript:x", "//evil.example", "relative/path", ""]),
                  st.text(max_size=12))
linked_paragraphs = st.lists(
    st.builds(Text, texts, st.frozensets(st.sampled_from([Mark.BOLD, Mark.ITALIC, Mark.STRIKE])), any_hrefs),
    max_size=5).map(lambda runs: Paragraph(tuple(runs)))


def link_hrefs(node: Any) -> list[Any]:
    """The href of every link mark anywhere in ``node``."""
    if isinstance(node, list):
        return [href for child in node for href in link_hrefs(child)]
    if not isinstance(node, dict):
        return []
    own = [mark.get("attrs", {}).get("href") for mark in node.get("marks", []) if mark.get("type") == "link"]
    return own + link_hrefs(node.get("content", []))


@PROPERTY
@given(st.lists(linked_paragraphs, max_size=4).map(lambda paragraphs: Doc(tuple(paragraphs))))
def test_an_unsafe_link_never_reaches_the_json(doc: Doc) -> None:
    document = tiptap.document_json(doc)
    assert all(isinstance(href, str) and is_safe_link(href) for href in link_hrefs(document))
    assert plain_text(tiptap.document_of(document)) == plain_text(normalise(doc))  # every link's text stays


def test_a_javascript_link_is_written_as_its_text() -> None:
    document = tiptap.document_json(parse_markdown("[x](javascript:alert(1)) and **[y](https://e.com)**"))
    assert document["content"] == [{"type": "paragraph", "content": [
        text("x and "),
        text_node("y", [{"type": "link", "attrs": {"href": "https://e.com", **tiptap.LINK_ATTRS}}, {"type": "bold"}]),
    ]}]

"""Email addresses (email-validator, syntax only) and phone numbers (phonenumbers, with the
user's region): what is refused and why, what is stored, what is shown, and what servers send."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmdesk.model import Condition, FilterGroup, Operator, ValidationError, compile_predicate
from crmdesk.model.values import display_text, edit_text, parse_user_text, validate_value
from crmdesk.remote.aria.values import from_wire

from ._support import Ctx, T, make_attr

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EMAIL = make_attr(T.EMAIL_ADDRESS, title="Work Email")
PHONE = make_attr(T.PHONE_NUMBER, title="Mobile")
PHONES = make_attr(T.PHONE_NUMBER, title="Phone Numbers", multiselect=True, slug="phone_numbers")

# -- email addresses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("a@x..com", "an email address cannot have two periods in a row"),
        ("a@-x.com", "an email address cannot have a hyphen immediately after the @-sign"),
        ("a@x-.com", "hyphen"),
        ("a..b@acme.com", "two periods in a row"),
        (".a@acme.com", "period"),
        ("a@acme.com.", "period"),
        ("jane@corp.local", "special-use or reserved name"),
        ("jane@acme.123", "not within a valid top-level domain"),
    ],
)
def test_malformed_addresses_are_refused_with_email_validators_reason(typed: str, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_user_text(EMAIL, typed)
    assert caught.value.attribute == "Work Email"
    assert caught.value.message.startswith(f"“{typed}” is not an email address like name@example.com: ")
    assert reason in caught.value.message
    with pytest.raises(ValidationError):
        validate_value(EMAIL, typed)  # a server's value is held to the same syntax


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("Jane.Doe@ACME.COM", "Jane.Doe@acme.com"),  # the local part is kept, the domain lower-cased
        ("j@xn--bcher-kva.de", "j@xn--bcher-kva.de"),  # not turned into Unicode, as stored values are
        ("jose\u0301@acme.com", "jose\u0301@acme.com"),  # not NFC-normalised: kept as written
        ("JOSÉ@BÜCHER.DE", "JOSÉ@bücher.de"),
        ("  j.smith+crm@gmail.com ", "j.smith+crm@gmail.com"),
        ("jane@Acme-Schema.TEST", "jane@acme-schema.test"),  # .test is for testing: the sandbox uses it
    ],
)
def test_the_canonical_form_is_the_one_stored_values_already_have(written: str, stored: str) -> None:
    assert parse_user_text(EMAIL, written) == stored
    assert validate_value(EMAIL, stored) == stored
    assert display_text(EMAIL, stored) == stored


def test_checking_an_address_never_asks_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import dns.resolver

    def offline(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("an email check went to the network")

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    monkeypatch.setattr(socket.socket, "connect", offline)
    monkeypatch.setattr(dns.resolver.Resolver, "resolve", offline)
    # An address never seen before, so no cached answer hides a look-up.
    assert parse_user_text(EMAIL, "first.seen@nowhere-network-check.example") == (
        "first.seen@nowhere-network-check.example"
    )


def test_an_email_filter_operand_is_normalised_like_the_stored_value() -> None:
    predicate = compile_predicate(
        FilterGroup("and", (Condition(EMAIL.slug, Operator.EQUALS, "Jane@ACME.com"),)), {EMAIL.slug: EMAIL}.get, Ctx()
    )
    assert predicate({EMAIL.slug: "Jane@acme.com"})


@FAST
@given(st.emails())
def test_every_address_hypothesis_writes_is_kept_or_refused_and_stays_canonical(address: str) -> None:
    try:
        stored = validate_value(EMAIL, address)
    except ValidationError as error:
        assert "is not an email address like name@example.com: " in error.message
        return
    local, _, domain = address.rpartition("@")
    assert stored == f"{local}@{domain.lower()}"
    assert validate_value(EMAIL, stored) == stored


# -- phone numbers: typed ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "region", "stored", "shown"),
    [
        ("+1 (415) 555-0123", None, "+14155550123", "+1 415-555-0123"),
        ("(415) 555-0123", "US", "+14155550123", "+1 415-555-0123"),
        ("415.555.0123", "us", "+14155550123", "+1 415-555-0123"),
        ("030 901820", "DE", "+4930901820", "+49 30 901820"),
        ("+49 030 901820", None, "+4930901820", "+49 30 901820"),  # the trunk 0 after a country code
        ("0044 20 7946 0000", "FR", "+442079460000", "+44 20 7946 0000"),  # France's way out to the UK
        ("06 12 34 56 78", "FR", "+33612345678", "+33 6 12 34 56 78"),
        ("+1 415 555 0123 ext. 42", None, "+14155550123;ext=42", "+1 415-555-0123 ext. 42"),
        ("٠١٠٠١٢٣٤٥٦٧", "EG", "+201001234567", "+20 10 01234567"),  # Arabic-Indic digits
    ],
)
def test_typed_numbers_are_read_in_the_users_region_stored_as_e164_and_shown_internationally(
    typed: str, region: str | None, stored: str, shown: str
) -> None:
    assert parse_user_text(PHONE, typed, region=region) == stored
    assert display_text(PHONE, stored) == shown
    assert edit_text(PHONE, stored) == shown
    assert parse_user_text(PHONE, shown) == stored  # what is shown reads back without a region


@pytest.mark.parametrize("region", [None, "", "001", "ZZ", "United States"])
def test_without_a_region_a_number_needs_its_country_code(region: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_user_text(PHONE, "(415) 555-0123", region=region)
    assert caught.value.attribute == "Mobile"
    assert caught.value.message == "“(415) 555-0123” has no country code: write it like +1 555 0100"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("+1 23", "“+1 23” is not a phone number like +1 555 0100: it has too few digits"),
        ("+44 20 7946 0000 0000 00", "“+44 20 7946 0000 0000 00” is not a phone number like +1 555 0100"),
        ("+999 1234 5678", "“+999 1234 5678” starts with a country code that does not exist"),
        ("call me at +1 415 555 0123", "“call me at +1 415 555 0123” is not a phone number like +1 555 0100"),
        ("+1 415 555 0123 (office)", "is not a phone number like +1 555 0100 (digits, spaces and + ( ) - . /)"),
        ("1-800-FLOWERS", "is not a phone number like +1 555 0100 (digits, spaces and + ( ) - . /)"),
    ],
)
def test_numbers_that_are_not_possible_are_refused_saying_why(typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_user_text(PHONE, typed, region="US")
    assert message in caught.value.message


def test_several_numbers_are_read_one_by_one_in_the_region() -> None:
    assert parse_user_text(PHONES, "(415) 555-0123, +44 20 7946 0000", region="US") == [
        "+14155550123",
        "+442079460000",
    ]
    assert edit_text(PHONES, ["+14155550123", "+442079460000"]) == "+1 415-555-0123, +44 20 7946 0000"


# -- phone numbers: received and stored --------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "stored", "shown"),
    [
        ("+1 555 466 5156", "+15554665156", "+1 555-466-5156"),  # the demo data's shape
        ("+1-555-0100", "+15550100", "+1 5550100"),  # what the real Aria server was sent and kept
        ("+44 20 7946 0000", "+442079460000", "+44 20 7946 0000"),
        ("+1 555 0100 ext. 12", "+15550100;ext=12", "+1 5550100 ext. 12"),  # the extension is kept
        ("+15550100;ext=12", "+15550100;ext=12", "+1 5550100 ext. 12"),
        # No country code: nobody can place it, so it is kept as the server wrote it, not dropped.
        ("(555) 010-0199", "(555) 010-0199", "(555) 010-0199"),
        ("555 0100 x7", "555 0100 x7", "555 0100 x7"),
        (14155550123, "14155550123", "14155550123"),
    ],
)
def test_a_servers_number_is_normalised_when_it_can_be_and_kept_when_not(
    received: Any, stored: str, shown: str
) -> None:
    assert validate_value(PHONE, received) == stored
    assert validate_value(PHONE, stored) == stored
    assert from_wire(PHONES, [received]) == [stored]
    assert display_text(PHONE, stored) == shown


@pytest.mark.parametrize("received", ["call me", "12", "+1 555 CALL-NOW", "1" * 21])
def test_a_servers_text_that_is_no_number_at_all_is_still_refused(received: str) -> None:
    with pytest.raises(ValidationError, match=r"\+1 555 0100"):
        validate_value(PHONE, received)


@FAST
@given(st.integers(100, 999), st.integers(1000, 9999))
def test_every_demo_number_is_kept_in_e164(exchange: int, line: int) -> None:
    written = f"+1 555 {exchange} {line}"  # sandbox/demo.py's people
    assert validate_value(PHONES, [written]) == [f"+1555{exchange}{line}"]
    assert display_text(PHONES, [f"+1555{exchange}{line}"]) == f"+1 555-{exchange}-{line}"


def test_numbers_stored_before_e164_match_filters_like_new_ones() -> None:
    def matches(operand: str, stored: str) -> bool:
        group = FilterGroup("and", (Condition(PHONE.slug, Operator.EQUALS, operand),))
        return compile_predicate(group, {PHONE.slug: PHONE}.get, Ctx())({PHONE.slug: stored})

    assert matches("+1 (555) 466-5156", "+15554665156")
    assert matches("+15554665156", "+1 555 466 5156")  # a row not pulled again since
    assert not matches("+15554665157", "+15554665156")


@FAST
@given(
    st.one_of(
        st.from_regex(r"\+[1-9][0-9]{1,3}[ -]?[0-9]{1,5}([ -]?[0-9]{1,5}){0,3}", fullmatch=True),
        st.text(alphabet="0123456789 +-().x", max_size=24),
    )
)
def test_checking_a_stored_number_again_keeps_it(written: str) -> None:
    try:
        stored = validate_value(PHONE, written)
    except ValidationError:
        return
    assert validate_value(PHONE, stored) == stored
    assert isinstance(display_text(PHONE, stored), str)

"""Every ClickUp custom-field type, with the values ClickUp really sends and odd ones."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dealdesk.integrations.clickup.fields import FieldError, FieldValue, decode_field, decode_fields

DROP_DOWN = {
    "options": [
        {"id": "a1", "name": "Instagram", "color": None, "orderindex": 0},
        {"id": "b2", "name": "TikTok", "color": None, "orderindex": "1"},
    ]
}
LABELS = {"options": [{"id": "l1", "label": "Beauty"}, {"id": "l2", "label": "Tech"}]}
TYPES = [
    "drop_down",
    "labels",
    "short_text",
    "text",
    "email",
    "url",
    "phone",
    "number",
    "currency",
    "date",
    "checkbox",
    "emoji",
    "users",
    "tasks",
    "location",
    "manual_progress",
    "automatic_progress",
    "formula",
    "something_new",
]


def field(kind, value=..., type_config=None, name="F"):
    element = {"id": "f-1", "name": name, "type": kind, "type_config": type_config or {}}
    if value is not ...:
        element["value"] = value
    return element


def decoded(kind, value, type_config=None):
    result = decode_field(field(kind, value, type_config))
    assert isinstance(result, FieldValue), result
    return result.value


def test_drop_down_value_is_the_option_orderindex_and_decodes_to_its_name():
    assert decoded("drop_down", 0, DROP_DOWN) == "Instagram"
    assert decoded("drop_down", "1", DROP_DOWN) == "TikTok"  # orderindex written as a string


def test_drop_down_accepts_the_option_uuid_a_webhook_carries():
    assert decoded("drop_down", "b2", DROP_DOWN) == "TikTok"


def test_drop_down_with_an_unknown_orderindex_names_the_field_and_value():
    error = decode_field(field("drop_down", 7, DROP_DOWN, name="Platform"))
    assert isinstance(error, FieldError)
    assert "Platform" in str(error)
    assert "7" in str(error)


def test_labels_decode_option_ids_to_their_labels():
    assert decoded("labels", ["l2", "l1"], LABELS) == ("Tech", "Beauty")
    assert isinstance(decode_field(field("labels", ["zz"], LABELS)), FieldError)


def test_number_and_currency_come_as_strings_or_numbers_and_stay_exact():
    assert decoded("number", "8", None) == Decimal(8)
    assert decoded("currency", "1500.5", None) == Decimal("1500.5")
    assert decoded("currency", 1500, None) == Decimal(1500)
    assert decoded("currency", Decimal("0.1"), None) == Decimal("0.1")
    assert isinstance(decode_field(field("number", "eight")), FieldError)
    assert isinstance(decode_field(field("number", "NaN")), FieldError)
    assert isinstance(decode_field(field("number", True)), FieldError)


def test_currency_fields_carry_their_currency_type():
    result = decode_field(field("currency", "10", {"currency_type": "EUR", "precision": 2}))
    assert isinstance(result, FieldValue)
    assert result.currency == "EUR"


def test_date_is_unix_milliseconds_as_a_string():
    assert decoded("date", "1767182400000", None) == datetime(2025, 12, 31, 12, 0, tzinfo=UTC)
    assert isinstance(decode_field(field("date", "tomorrow")), FieldError)
    assert isinstance(decode_field(field("date", "-5")), FieldError)
    assert isinstance(decode_field(field("date", str(10**20))), FieldError)


def test_checkbox_reads_strings_booleans_and_null():
    assert decoded("checkbox", "true", None) is True
    assert decoded("checkbox", "false", None) is False
    assert decoded("checkbox", False, None) is False
    assert decode_field(field("checkbox", None)) == FieldValue("F", "checkbox", None, None, None)
    assert isinstance(decode_field(field("checkbox", "maybe")), FieldError)


def test_users_decode_to_emails_and_tasks_to_names():
    users = [{"id": 1, "username": "ann", "email": "ann@x.example"}, {"id": 2, "username": "bo"}]
    assert decoded("users", users, None) == ("ann@x.example", "bo")
    assert decoded("tasks", [{"id": "t1", "name": "Brief"}], None) == ("Brief",)
    assert isinstance(decode_field(field("users", "ann")), FieldError)


def test_emoji_rating_is_bounded_by_its_count():
    assert decoded("emoji", "4", {"count": 5}) == 4
    assert isinstance(decode_field(field("emoji", "9", {"count": 5})), FieldError)


def test_location_and_progress_decode():
    location = {"location": {"lat": 1, "lng": 2}, "place_id": "p", "formatted_address": "Main St"}
    assert decoded("location", location, None) == "Main St"
    assert decoded("manual_progress", {"current": "50", "percent_completed": 0.5}, None) == Decimal(
        "0.5"
    )


def test_a_field_without_a_value_key_is_unset():
    result = decode_field(field("currency"))
    assert isinstance(result, FieldValue)
    assert result.value is None


def test_text_types_cast_numbers_and_refuse_objects():
    assert decoded("short_text", 12, None) == "12"
    assert isinstance(decode_field(field("text", {"a": 1})), FieldError)


def test_decode_fields_collects_every_error_and_keeps_good_values():
    values, errors = decode_fields(
        [field("number", "x", name="A"), field("text", "ok", name="B"), "junk", {"type": "text"}]
    )
    assert set(values) == {"B"}
    assert len(errors) == 3
    assert decode_fields({"not": "a list"})[1]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(
    kind=st.sampled_from(TYPES),
    value=json_values,
    config=st.sampled_from([None, DROP_DOWN, LABELS, {"count": "x"}, []]),
)
def test_no_value_of_any_type_makes_the_decoder_raise(kind, value, config):
    result = decode_field(field(kind, value, config))
    assert isinstance(result, FieldValue | FieldError)
    if isinstance(result, FieldError):
        assert str(result).startswith("F: ")


def shown(kind, value, type_config=None):
    result = decode_field(field(kind, value, type_config))
    assert isinstance(result, FieldValue), result
    return result.shown


def test_every_field_type_is_shown_as_clickup_shows_it_to_a_person():
    users = [{"id": 1, "username": "ann", "email": "ann@x.example"}, {"id": 2, "username": "bo"}]
    assert shown("drop_down", 1, DROP_DOWN) == '"TikTok"'
    assert shown("drop_down", "a1", DROP_DOWN) == '"Instagram"'
    assert shown("labels", ["l2", "l1"], LABELS) == '"Tech", "Beauty"'
    assert shown("number", "8") == "8"
    assert shown("currency", "1500.50", {"currency_type": "EUR"}) == "1500.50 EUR"
    assert shown("date", "1767182400000") == "2025-12-31"
    assert shown("checkbox", "true") == "checked"
    assert shown("checkbox", False) == "unchecked"
    assert shown("users", users) == '"ann@x.example", "bo"'
    assert shown("tasks", [{"id": "t1", "name": "Brief"}]) == '"Brief"'
    assert shown("emoji", "4", {"count": 5}) == "4 of 5"
    assert shown("location", {"formatted_address": "Main St"}) == '"Main St"'
    assert shown("manual_progress", {"current": "50", "percent_completed": 0.5}) == "50%"
    assert shown("short_text", "Lumen") == '"Lumen"'
    assert shown("text", "1 reel\n2 stories") == '"1 reel ⏎ 2 stories"'


def test_a_number_sent_as_a_float_is_shown_as_typed_not_as_a_float_repr():
    assert shown("currency", 12000.0, {"currency_type": "USD"}) == "12000 USD"
    assert shown("number", 12000.0) == "12000"
    assert shown("number", 0.1) == "0.1"
    assert shown("number", 3) == "3"


def test_an_error_shows_the_value_a_person_chose_never_the_option_encoding():
    error = decode_field(field("drop_down", 7, DROP_DOWN, name="Platform"))
    assert isinstance(error, FieldError)
    assert error.raw == 7
    assert "Instagram, TikTok" in str(error)
    assert "orderindex" not in str(error)
    labels = decode_field(field("labels", ["zz"], LABELS, name="Categories"))
    assert isinstance(labels, FieldError)
    assert "zz" not in str(labels)
    assert "Beauty, Tech" in str(labels)


def test_a_value_that_cannot_be_decoded_is_shown_as_sent():
    assert str(decode_field(field("number", "eight", name="CPM"))) == (
        'CPM: number value is not a number (got "eight")'
    )
    assert str(decode_field(field("date", "tomorrow", name="Timeline"))).endswith(
        '(got "tomorrow")'
    )


@given(
    kind=st.sampled_from(TYPES),
    value=json_values,
    config=st.sampled_from([None, DROP_DOWN, LABELS, {"count": "x"}, []]),
)
def test_every_set_value_has_text_to_show_and_errors_never_show_option_encodings(
    kind, value, config
):
    result = decode_field(field(kind, value, config))
    if isinstance(result, FieldValue) and result.value is not None:
        assert isinstance(result.shown, str)
        assert result.shown
    if isinstance(result, FieldError):
        assert "orderindex" not in str(result)
        assert result.shown is None or isinstance(result.shown, str)

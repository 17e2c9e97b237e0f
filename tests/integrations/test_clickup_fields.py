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

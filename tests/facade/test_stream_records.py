"""Records that are hard to walk: each is refused before any request with an error naming
where the problem sits, quickly, and without a raw Python error; and what may be sent, is."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from amperity_facade import errors
from tests.facade.test_streams import STREAM, Stream, client_for


def circular_dict() -> dict[str, Any]:
    record: dict[str, Any] = {"a": {"b": {}}}
    record["a"]["b"]["back"] = record["a"]
    return record


def circular_list() -> dict[str, Any]:
    items: list[Any] = [1, 2]
    items.append(items)
    return {"items": items}


def shared_branches(levels: int) -> dict[str, Any]:
    """A value reached 2**levels ways: legal (no cycle), but no body of that size fits."""
    node: Any = "leaf"
    for _ in range(levels):
        node = [node, node]
    return {"tree": node}


def deep(levels: int) -> dict[str, Any]:
    node: Any = {}
    for _ in range(levels):
        node = {"d": node}
    return node


@pytest.mark.parametrize(
    "record, problem",
    [
        (circular_dict(), r"a\.b\.back contains itself"),
        (circular_list(), r"items\[2\] contains itself"),
        (shared_branches(60), "over 1,000,000 values"),
        (deep(100_000), "nested over 500 levels"),
        ({"x": 10**5000}, "x is an integer too long"),
        ({"a\ud800b": 1}, "a key with a lone surrogate"),
        ({"ok": {"b\udfffc": 1}}, "ok has a key with a lone surrogate"),
    ],
    ids=["cycle-dict", "cycle-list", "shared", "deep", "huge-int", "surrogate-key", "inner-key"],
)
def test_hard_records_are_refused_naming_where(record: Any, problem: str) -> None:
    stream = Stream()
    with client_for(stream) as client, pytest.raises(errors.ConfigurationError, match=problem):
        client.streams.send(STREAM, record)
    assert stream.requests == []


def test_a_record_shared_within_itself_but_not_circular_is_sent() -> None:
    address = {"street": "1 Main St", "city": "Seattle"}
    stream = Stream()
    with client_for(stream) as client:
        client.streams.send(STREAM, {"billing": address, "shipping": address, "n": [address]})
    assert stream.stored[0][1]["shipping"] == address


class Record(Mapping[str, Any]):
    """A mapping that is not a dict (a database row type)."""

    def __init__(self, **fields: Any) -> None:
        self._fields = fields

    def __getitem__(self, key: str) -> Any:
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)


def test_a_mapping_that_is_not_a_dict_is_sent_as_its_fields() -> None:
    stream = Stream()
    with client_for(stream) as client:
        client.streams.send(STREAM, Record(order="o-1", amount=3))
    assert stream.stored[0][1] == {"order": "o-1", "amount": 3}


def test_in_collect_mode_a_hard_record_is_one_rejection_not_the_end_of_the_run() -> None:
    records: list[Any] = [{"n": i} for i in range(20)]
    records[5] = {"n": 10**5000}
    records[9] = circular_dict()
    stream = Stream()
    with client_for(stream) as client:
        report = client.streams.send_many(STREAM, records, on_error="collect")
    assert [r.index for r in report.rejected] == [5, 9]
    assert report.accepted_count == len(stream.stored) == 18


@pytest.mark.parametrize(
    "record, message",
    [
        ({1: 2}, "the record has a key of type int (keys must be text)"),
        ({"\ud800": 1}, "the record has a key with a lone surrogate, which UTF-8 cannot carry"),
        ("<a>\ud800</a>", "the record holds a lone surrogate, which UTF-8 cannot carry"),
        ({"a": {"b": [1, {2}]}}, "record field a.b[1] is a set, which JSON cannot carry"),
    ],
)
def test_messages_read_as_sentences(record: Any, message: str) -> None:
    with client_for(Stream()) as client, pytest.raises(errors.ConfigurationError) as caught:
        client.streams.send(STREAM, record)
    assert str(caught.value) == message


def test_a_long_path_is_shown_with_its_middle_left_out() -> None:
    with client_for(Stream()) as client, pytest.raises(errors.ConfigurationError) as caught:
        client.streams.send(STREAM, deep(600))
    text = str(caught.value)
    assert len(text) < 200 and "..." in text and text.endswith("nested over 500 levels deep")

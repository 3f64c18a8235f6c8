"""The Arrow helpers under the read path, against plain Python: GB18030/GBK cells decoded chunk by
chunk (`reading.text.decode_column`), cells made null through a new validity bitmap (`values.null_where`)
and the edge-byte check that decides whether IDs need trimming or Excel guards stripped
(`values._any_edge`)."""

from __future__ import annotations

from unittest import mock

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomplan.ingest.reading import values
from ecomplan.ingest.reading.text import decode_column
from ecomplan.ingest.reading.values import _any_edge, null_where

# Cells as exports hold them: ASCII ids and numbers, Chinese names and statuses, a few odd bytes.
CELL = st.one_of(
    st.sampled_from(["", "tb123", "交易成功", "小茶客3369", "买家已付款，等待卖家发货", "张*", " 1 ", "a\x00b", "𠀀"]),
    st.text(alphabet=st.sampled_from(list("ab01 ,-茶客交易成功\t'`=\"")), max_size=8),
)


def chunked(cells: list[str], sizes: list[int], codec: str) -> pa.ChunkedArray:
    """`cells` encoded in `codec`, cut into chunks of the given sizes (the last takes the rest)."""
    encoded = [cell.encode(codec) for cell in cells]
    chunks, start = [], 0
    for size in sizes:
        chunks.append(pa.array(encoded[start : start + size], pa.large_binary()))
        start += size
    chunks.append(pa.array(encoded[start:], pa.large_binary()))
    return pa.chunked_array(chunks, pa.large_binary())


@given(st.lists(CELL, max_size=60), st.lists(st.integers(0, 20), max_size=5), st.sampled_from(["gb18030", "gbk"]))
@settings(max_examples=300, deadline=None)
def test_decode_column_equals_python_decoding(cells, sizes, codec):
    cells = [c for c in cells if _encodable(c, codec)]
    decoded = decode_column(chunked(cells, sizes, codec), codec)
    assert decoded.type == pa.large_string()
    assert decoded.to_pylist() == cells


@given(st.lists(CELL, max_size=40), st.lists(st.integers(0, 15), max_size=4))
@settings(max_examples=200, deadline=None)
def test_decode_column_keeps_a_dictionary_column_a_dictionary(cells, sizes):
    cells = [c for c in cells if _encodable(c, "gb18030")]
    column = pc.dictionary_encode(chunked(cells, sizes, "gb18030"))
    decoded = decode_column(column, "gb18030")
    assert pa.types.is_dictionary(decoded.type)
    assert decoded.cast(pa.large_string()).to_pylist() == cells


def test_decode_column_repeated_cells_decode_once_per_distinct_value():
    # a chunk whose Chinese cells repeat (a status, a title) takes the distinct-value branch
    cells = ["交易成功", "交易关闭", "tb1"] * 500
    decoded = decode_column(chunked(cells, [700, 700], "gb18030"), "gb18030")
    assert decoded.to_pylist() == cells


def test_decode_column_raises_on_bytes_that_are_not_the_codec():
    column = pa.chunked_array([pa.array([b"ok", b"\xff\xfe"], pa.large_binary())])
    with pytest.raises(UnicodeDecodeError):
        decode_column(column, "gb18030")


def _encodable(cell: str, codec: str) -> bool:
    try:
        cell.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["", "-", "x", "tb1", "无"])), max_size=40),
    st.lists(st.integers(0, 10), max_size=4),
    st.integers(0, 3),
)
@settings(max_examples=300, deadline=None)
def test_null_where_nulls_exactly_the_masked_cells(cells, sizes, skip):
    array = pa.chunked_array(_split(cells, sizes), pa.large_string())
    array = array.slice(min(skip, len(cells)))  # sliced chunks carry an offset
    mask = pc.is_in(array, value_set=pa.array(["", "-", "无"]))
    expected = [None if v in {"", "-", "无"} else v for v in array.to_pylist()]
    out = null_where(array, mask)
    assert out.type == array.type
    assert out.to_pylist() == expected
    assert out.null_count == sum(v is None for v in expected)
    # the same on one array, not chunked, as clean_id's guard stripping hands it over
    assert null_where(array.combine_chunks(), mask.combine_chunks()).to_pylist() == expected
    # and with the mask in one piece over a chunked column (what `is_in` gives): sliced along the chunks
    whole = null_where(array, pa.chunked_array([mask.combine_chunks()]))
    assert whole.to_pylist() == expected
    assert isinstance(whole, pa.ChunkedArray) and [len(c) for c in whole.chunks] == [len(c) for c in array.chunks]


def _split(cells: list, sizes: list[int]) -> list[pa.Array]:
    chunks, start = [], 0
    for size in [*sizes, len(cells)]:
        chunks.append(pa.array(cells[start : start + size], pa.large_string()))
        start += size
    return chunks


@given(
    st.lists(st.one_of(st.none(), CELL), max_size=40),
    st.lists(st.integers(0, 10), max_size=4),
    st.integers(0, 3),
    st.sampled_from([pa.large_string(), pa.string()]),
    st.sampled_from([values.EDGE_SLICE, 1, 3]),
)
@settings(max_examples=300, deadline=None)
def test_any_edge_agrees_with_python(cells, sizes, skip, text_type, edge_slice):
    array = pa.chunked_array([c.cast(text_type) for c in _split(cells, sizes)], text_type).slice(skip)
    texts = [v for v in array.to_pylist() if v]
    with mock.patch.object(values, "EDGE_SLICE", edge_slice):  # long arrays are looked at a slice at a time
        for first, last in ((b" \t", b" \t"), (b"'`=\t", b"")):
            expected = any(v.encode()[:1] in _bytes(first) or v.encode()[-1:] in _bytes(last) for v in texts)
            if expected:
                assert _any_edge(array, first, last)
            elif not array.null_count:  # a null cell may answer yes; without nulls the answer is exact
                assert not _any_edge(array, first, last)


def _bytes(chars: bytes) -> set[bytes]:
    return {bytes([b]) for b in chars}

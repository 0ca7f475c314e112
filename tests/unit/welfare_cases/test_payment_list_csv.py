"""The payment list CSV is opened by staff in a spreadsheet: no cell may run as a formula."""

import polars as pl

from kikan.adapters.db.welfare_payment_files import safe_text_columns
from kikan.core.spreadsheet import safe_cell


def test_text_cells_that_start_a_formula_are_prefixed_numbers_are_not():
    df = pl.DataFrame({"holder": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM", "\tA", "ﾔﾏﾀﾞ ﾀﾛｳ", None],
                       "amount": [-1, 2, 3, 4, 5, 6, 7]})  # fmt: skip
    out = safe_text_columns(df)
    assert out["holder"].to_list() == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM", "'\tA", "ﾔﾏﾀﾞ ﾀﾛｳ", None]
    assert out["amount"].to_list() == [-1, 2, 3, 4, 5, 6, 7]
    assert out["holder"].to_list()[:5] == [safe_cell(v) for v in df["holder"].to_list()[:5]]  # same rule

"""Masking customer identifiers and contact details in every output and message.

Reports and customer lists get shared (mailed, pasted into chat groups), so
ids, phone numbers and names are masked unless the user passes `--no-mask`:

- mainland mobile numbers keep the first 3 and last 4 digits: `138****1234`
  (an optional +86/86 prefix is kept);
- e-mail addresses keep the first character of the name and the domain:
  `j**@example.com`;
- anything else (nicknames, account names, numeric ids, person names) keeps
  the first and last character with `**` between, as Taobao shows buyer
  nicknames: `t**1`; two-character values keep the first (`张*`), a single
  character becomes `*`;
- values that already contain `*` (platforms mask them themselves) are kept.

Masking is lossy on purpose; two customers may share a mask. Use `--no-mask`
for a list you will act on (an SMS campaign), and keep that file private.
Messages about bad cells (stderr, logs, `--json` issues) mask contact values
always: cron mails and log files keep them.
"""

from __future__ import annotations

import pandas as pd

PHONE = r"^(\+?86[- ]?)?(1[3-9]\d)\d{4}(\d{4})$"
EMAIL = r"^([^@\s])[^@\s]*@([^@\s]+)$"
OTHER = r"^(.).+(.)$"


# Canonical columns that hold a person's identity or contact details.
CONTACT_FIELDS = frozenset({"customer_id", "customer_name", "phone", "user_id", "email", "address"})


def mask_values(values: pd.Series) -> pd.Series:
    """Masked text for each value; missing values stay missing."""
    text = values.astype("str").where(values.notna())
    text = text.str.strip()
    already = text.str.contains("*", regex=False, na=False)
    phone = text.str.fullmatch(PHONE, na=False)
    email = ~phone & text.str.fullmatch(EMAIL, na=False)
    length = text.str.len()
    out = text.copy()
    for rows, pattern, replacement in (
        (phone, PHONE, r"\1\2****\3"),
        (email, EMAIL, r"\1**@\2"),
        (~phone & ~email & (length >= 3), OTHER, r"\1**\2"),
    ):
        if rows.any():
            out[rows] = text[rows].str.replace(pattern, replacement, regex=True)
    two = ~phone & ~email & (length == 2)
    out[two] = text[two].str[0] + "*"
    out[length == 1] = "*"
    return out.where(~already, text)


def mask_value(value: str | None) -> str | None:
    """`mask_values` for one value."""
    if value is None:
        return None
    masked: str | None = mask_values(pd.Series([value], dtype="str")).iloc[0]
    return masked


def mask_frame(
    frame: pd.DataFrame, columns: tuple[str, ...] = ("customer_id", "customer_name", "phone")
) -> pd.DataFrame:
    """A copy of `frame` with its identifying columns masked."""
    out = frame.copy()
    for column in columns:
        if column in out:
            out[column] = mask_values(out[column])
    return out

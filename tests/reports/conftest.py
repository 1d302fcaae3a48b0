"""Fixtures for the report tests: each sample notice rendered once per session."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import pdfplumber
import pytest

from reports import samples
from reports.notices import render_pdf
from reports.viewmodels import Notice


@dataclass(frozen=True)
class Rendered:
    kind: str
    notice: Notice
    pdf: bytes

    def open(self) -> pdfplumber.PDF:
        return pdfplumber.open(io.BytesIO(self.pdf))


SAMPLES = {
    "monthly_division": samples.monthly_division_notice,
    "annual_ranking": samples.annual_ranking_notice,
    "individual": samples.individual_notice,
    "target_letter": samples.target_letter,
    "monthly_payout": samples.monthly_payout_sheet,
    "annual_payout": samples.annual_payout_sheet,
}


@pytest.fixture(scope="session")
def rendered_notices() -> dict[str, Rendered]:
    out = {}
    for kind, make in SAMPLES.items():
        notice = make()
        out[kind] = Rendered(kind, notice, render_pdf(notice, samples.SETTINGS))
    return out


@pytest.fixture(params=sorted(SAMPLES))
def rendered(request: pytest.FixtureRequest, rendered_notices: dict[str, Rendered]) -> Rendered:
    return rendered_notices[request.param]


@pytest.fixture(scope="session")
def long_notice() -> Iterator[pdfplumber.PDF]:
    """A monthly notice whose deduction table runs over several pages."""
    notice = samples.monthly_division_notice(extra_deductions=60)
    with pdfplumber.open(io.BytesIO(render_pdf(notice, samples.SETTINGS))) as pdf:
        yield pdf

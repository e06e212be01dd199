"""Random cells thrown at the people importer: it never crashes, never writes half a file."""

from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from candidates.models import Candidacy, CommitteeMember, Person
from candidates.resources import PeopleImporter
from tests.conftest import World
from tests.sheets.rosters import HEADERS, person

# What a cell can hold once calamine has read it: text (any Unicode, full-width digits,
# formulas typed as text), numbers, booleans, dates, or nothing.
CELLS = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["是", "否", "√", "×", "Y", "N", "男", "女", "书记", "当选", "1975.03",
                     "1975年3月", "197503", "1975-3-12", "２０２０", "=1+1", "@x", "-", " "]),
    st.integers(min_value=-(10**19), max_value=10**19),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 1, 1)),
    st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2200, 1, 1)),
)  # fmt: skip


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    column=st.sampled_from(HEADERS),
    value=CELLS,
    bad_row=st.integers(min_value=0, max_value=5),
)
def test_it_survives_any_cell_and_writes_all_or_nothing(
    world: World, city: User, column: str, value: object, bad_row: int
) -> None:
    # given: six correct rows, one of whose cells is replaced by anything at all
    rows = [person(world.village("a1", n % 2), n) for n in range(6)]
    rows[bad_row][column] = value
    cells = [HEADERS] + [[row[h] for h in HEADERS] for row in rows]
    before = (Person.objects.count(), Candidacy.objects.count(), CommitteeMember.objects.count())

    # when
    outcome = PeopleImporter(user=city, campaign=world.campaign).run(iter(cells))

    # then: every row was read; either all six were written, or none and the errors say why
    assert outcome.rows == 6
    after = (Person.objects.count(), Candidacy.objects.count(), CommitteeMember.objects.count())
    if outcome.ok:
        assert after[0] == before[0] + 6 - outcome.updated
    else:
        assert after == before
        assert all(error.row == bad_row + 2 and error.message for error in outcome.errors)
    for model in (CommitteeMember, Candidacy, Person):  # a clean slate for the next example
        model.objects.all()._raw_delete("default")

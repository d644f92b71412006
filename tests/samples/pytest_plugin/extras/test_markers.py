import os

import pytest

from calc.ops import power


@pytest.mark.no_cover
def test_power_unmeasured_by_marker():
    assert power(2, 3) == 8


def test_power_unmeasured_by_fixture(no_cover):
    assert power(3, 2) == 9


def test_cov_fixture(cov):
    # With --cov the fixture is the running Coverage object, else None.
    if os.environ.get("SAMPLE_EXPECT_COV"):
        assert cov is not None
        assert callable(cov.report)
    else:
        assert cov is None

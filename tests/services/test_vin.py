"""VIN checks on real published VINs (ISO 3779; North American check digit)."""

from __future__ import annotations

import pytest

from neofloor.services.plant.errors import InvalidVin
from neofloor.services.plant.vin import check_digit, validate_vin, with_check_digit

# VINs published with their check digits (a service manual example, well-known sample VINs).
REAL_VINS = (
    "1M8GDM9AXKP042788",  # the classic worked example: check digit X
    "1HGCM82633A004352",  # Honda Accord 2003
    "JHMCM56557C404453",  # Honda Accord 2007
    "1G1JC524417418958",  # Chevrolet Cavalier 2001
)


@pytest.mark.parametrize("vin", REAL_VINS)
def test_real_vins_pass_with_their_check_digit(vin: str) -> None:
    assert validate_vin(vin) == vin
    assert check_digit(vin) == vin[8]


def test_check_digit_x_for_remainder_ten() -> None:
    assert check_digit("1M8GDM9AXKP042788") == "X"


def test_scanner_input_is_trimmed_and_upper_cased() -> None:
    assert validate_vin("  1hgcm82633a004352\n") == "1HGCM82633A004352"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "No VIN given"),
        ("1HGCM82633A00435", "16 characters"),
        ("1HGCM82633A0043521", "18 characters"),
        ("1HGCM82633A00435I", "contains I"),
        ("1HGCM8263OA004352", "contains O"),
        ("1HGCM82633A00Q352", "contains Q"),
        ("1HGCM82643A004352", "fails its check digit"),
    ],
)
def test_malformed_vins_are_refused_with_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidVin, match=reason):
        validate_vin(raw)


def test_european_vin_without_check_digit_passes_when_the_plant_does_not_ask() -> None:
    # European makers do not use position 9 as a check digit.
    european = "WP0ZZZ99ZTS392124"
    with pytest.raises(InvalidVin):
        validate_vin(european)
    assert validate_vin(european, verify_check_digit=False) == european


def test_with_check_digit_makes_a_valid_vin() -> None:
    vin = with_check_digit("ENFC1PA00TA000001")
    assert validate_vin(vin) == vin

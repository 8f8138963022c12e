from neofloor.services.tracking.floor import wip_per_station


def test_floor_fixture_places_cars(floor):
    with floor.read() as session:
        wip = wip_per_station(session)
    assert wip["TRIM1"] == (1, 0, 0)
    assert wip["CHASSIS"] == (0, 1, 0)
    assert wip["PAINT"] == (0, 1, 0)
    assert wip["BODY"] == (0, 4, 0)

import pytest
from django.core.management import CommandError, call_command

from campaign.divisions import resolve_province_codes
from campaign.models import Commune, DivisionType, Province


def load(*args):
    from io import StringIO

    out = StringIO()
    call_command("load_divisions", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_divisions_gives_34_provinces_and_3321_communes_twice_in_a_row():
    first = load()
    assert (Province.objects.count(), Commune.objects.count()) == (34, 3321)
    assert "communes: 3321 created" in first
    second = load()
    assert (Province.objects.count(), Commune.objects.count()) == (34, 3321)
    assert "provinces: 0 created, 0 updated, 34 unchanged" in second
    assert "communes: 0 created, 0 updated, 3321 unchanged" in second


@pytest.mark.django_db
def test_known_places_have_their_official_codes_and_types():
    load("--province", "1", "--province", "20")
    hanoi = Province.objects.get(code="01")
    assert hanoi.division_type == DivisionType.CENTRAL_CITY
    assert hanoi.communes.count() == 126
    lang_son = Province.objects.get(code="20")
    assert lang_son.name == "Lạng Sơn"
    assert lang_son.communes.count() == 65
    hoan_kiem = Commune.objects.get(code="00070")
    assert (hoan_kiem.name, hoan_kiem.division_type) == ("Phường Hoàn Kiếm", DivisionType.WARD)


@pytest.mark.django_db
def test_only_the_asked_provinces_are_loaded():
    load("--province", "20")
    assert list(Province.objects.values_list("code", flat=True)) == ["20"]
    assert Commune.objects.count() == 65


@pytest.mark.django_db
def test_a_renamed_unit_is_updated_not_duplicated():
    load("--province", "20")
    commune = Commune.objects.filter(province__code="20").first()
    official_name = commune.name
    Commune.objects.filter(pk=commune.pk).update(name="Tên cũ")
    Province.objects.filter(code="20").update(name="Lạng Sơn cũ")
    output = load("--province", "20")
    assert "provinces: 0 created, 1 updated" in output
    assert "communes: 0 created, 1 updated, 64 unchanged" in output
    commune.refresh_from_db()
    assert commune.name == official_name
    assert Commune.objects.count() == 65


@pytest.mark.django_db
def test_unknown_province_code_names_the_code_and_lists_the_known_ones():
    with pytest.raises(CommandError) as error:
        load("--province", "999")
    message = str(error.value)
    assert "--province" in message
    assert "999" in message
    assert "20 Lạng Sơn" in message
    assert "01 Thành phố Hà Nội" in message
    assert Province.objects.count() == 0


@pytest.mark.django_db
def test_one_bad_code_among_good_ones_loads_nothing():
    with pytest.raises(CommandError, match="abc"):
        load("--province", "20", "--province", "abc")
    assert Province.objects.count() == 0


def test_province_codes_are_accepted_with_or_without_leading_zero():
    assert resolve_province_codes(["1", "01", "20"]) == ["01", "20"]

import pytest
from django.db import IntegrityError

from campaign import access
from campaign.models import Commune, Role


def test_organiser_sees_every_commune_of_their_province_and_no_other(organiser, lang_son):
    visible = access.visible_communes(organiser)
    assert visible.count() == 65
    assert set(visible.values_list("province", flat=True)) == {lang_son.pk}


def test_coordinator_sees_only_their_communes(coordinator, coordinated_communes):
    assert list(access.visible_communes(coordinator).order_by("code")) == coordinated_communes


def test_coordinator_cannot_see_a_neighbouring_commune(coordinator, lang_son):
    neighbour = Commune.objects.filter(province=lang_son).order_by("-code").first()
    assert not access.can_see_commune(coordinator, neighbour)


def test_queryset_method_and_policy_agree(coordinator, organiser):
    for user in (coordinator, organiser):
        assert set(Commune.objects.visible_to(user)) == set(access.visible_communes(user))


@pytest.mark.parametrize("who", ["volunteer", "editor", "outsider"])
def test_people_without_a_staff_role_see_no_commune(request, who):
    user = request.getfixturevalue(who)
    assert not access.visible_communes(user).exists()
    assert not access.visible_provinces(user).exists()


def test_anonymous_visitor_sees_no_commune(provinces):
    from django.contrib.auth.models import AnonymousUser

    assert not access.visible_communes(AnonymousUser()).exists()


def test_deactivated_organiser_sees_nothing(organiser):
    organiser.is_active = False
    organiser.save()
    assert not access.visible_communes(organiser).exists()


def test_superuser_sees_every_commune(make_user, provinces):
    admin = make_user("root", is_superuser=True, is_staff=True)
    assert access.visible_communes(admin).count() == Commune.objects.count()


def test_visible_provinces_follow_visible_communes(coordinator, lang_son):
    assert list(access.visible_provinces(coordinator)) == [lang_son]


def test_user_with_two_roles_sees_the_union(make_user, lang_son, cao_bang):
    user = make_user("both", kind=Role.Kind.ORGANISER, province=cao_bang)
    commune = Commune.objects.filter(province=lang_son).first()
    role = Role.objects.create(user=user, kind=Role.Kind.COORDINATOR, province=lang_son)
    role.communes.add(commune)
    visible = access.visible_communes(user)
    assert visible.filter(province=cao_bang).count() == cao_bang.communes.count()
    assert list(visible.filter(province=lang_son)) == [commune]


def test_organiser_role_without_province_is_refused_by_the_database(make_user):
    user = make_user("nowhere")
    with pytest.raises(IntegrityError):
        Role.objects.create(user=user, kind=Role.Kind.ORGANISER)


def test_a_person_holds_each_role_once(organiser, lang_son):
    with pytest.raises(IntegrityError):
        Role.objects.create(user=organiser, kind=Role.Kind.ORGANISER, province=lang_son)

"""A Lang Son-sized registry for the demo and the benchmarks.

`member_sheet` writes the spreadsheet an organiser would bring (Vietnamese headers,
phone numbers typed every way), so the demo and `make bench` go through the real import.
"""

import random
import uuid

from django.contrib.auth import get_user_model

from campaign.models import Commune, Province
from notifications.phones import InvalidPhone, normalise_mobile
from teams.importing import COLUMNS, MemberImport, Sheet

FAMILY_NAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Vi Nông Hà Lương Lộc Hoàng Đinh Bế Triệu Lý Mã Chu".split()
)
MIDDLE_NAMES = "Văn Thị Đức Thu Minh Ngọc Hữu Thanh Quang Kim Xuân".split()
GIVEN_NAMES = (
    "An Bình Cường Dũng Giang Hà Hải Hạnh Hoa Hùng Hương Khánh Lan Linh Long Mai Minh Nam "
    "Nga Ngân Nhung Phong Phương Quân Sơn Tâm Thảo Thắng Trang Trung Tuấn Vân Yến"
).split()
TEAM_KINDS = ["Tổ công nghệ số cộng đồng", "Đội thanh niên tình nguyện", "Tổ sinh viên"]
VILLAGES = ["Thôn", "Khối", "Bản"]
ROLES = ["Tổ trưởng", "Tổ phó", "Thành viên"]
AFFILIATIONS = [
    ("Đoàn viên", "Đoàn xã"),
    ("Sinh viên", "Trường Cao đẳng Sư phạm Lạng Sơn"),
    ("Sinh viên", "Đại học Nông Lâm Thái Nguyên"),
    ("Người dân", ""),
    ("Cán bộ", "UBND xã"),
    ("Công an", "Công an xã"),
    ("Giáo viên", "Trường THCS"),
    ("Doanh nghiệp", "Viettel Lạng Sơn"),
]
MOBILE_PREFIXES = ["091", "094", "088", "083", "084", "096", "097", "098", "086", "032",
                   "033", "034", "035", "036", "037", "038", "039", "090", "093", "070",
                   "076", "077", "078", "079"]  # fmt: skip


def typed_like_a_person(national: str, rng: random.Random):
    """The same number the way different people type it."""
    shape = rng.randrange(6)
    if shape == 0:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    if shape == 1:
        return f"{national[:3]}.{national[3:6]}.{national[6:]}"
    if shape == 2:
        return f"+84 {national[1:3]} {national[3:6]} {national[6:]}"
    if shape == 3:
        return int(national)  # Excel dropped the leading zero
    if shape == 4:
        return "84" + national[1:]
    return national


def unique_mobiles(count: int, rng: random.Random):
    seen = set()
    while len(seen) < count:
        national = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
        if national in seen:
            continue
        try:
            normalise_mobile(national)
        except InvalidPhone:
            continue
        seen.add(national)
        yield national


def member_sheet(
    communes: list[Commune], *, teams: int, volunteers: int, rows: int, seed: int = 2025
) -> Sheet:
    """Rows of a registry spreadsheet: `teams` teams spread over `communes`, `volunteers`
    people, `rows` memberships (the extra rows put people in a second team)."""
    rng = random.Random(seed)
    team_places = []
    for number in range(teams):
        commune = communes[number % len(communes)]
        kind = TEAM_KINDS[number % len(TEAM_KINDS)]
        team_places.append((commune, f"{kind} {number // len(communes) + 1}"))
    people = []
    for national in unique_mobiles(volunteers, rng):
        name = " ".join(
            (rng.choice(FAMILY_NAMES), rng.choice(MIDDLE_NAMES), rng.choice(GIVEN_NAMES))
        )
        people.append((name, national, rng.choice(AFFILIATIONS)))
    lines = []
    for index in range(rows):
        if index < volunteers:
            person = people[index]
            commune, team = team_places[index % teams]
        else:  # a second team for some people, in another team of the same commune
            person = people[rng.randrange(volunteers)]
            commune, team = team_places[(index + len(communes)) % teams]
        name, national, (affiliation, organisation) = person
        role = ROLES[0] if index < teams else rng.choice(ROLES[1:] + ROLES[2:] * 6)
        lines.append(
            [
                commune.code,
                commune.name,
                team,
                name,
                typed_like_a_person(national, rng),
                role,
                affiliation,
                organisation,
            ]
        )
    headers = [COLUMNS[name][0] for name in COLUMNS]
    # People listed twice in the same team would be refused: keep each pair once.
    seen, unique_lines = set(), []
    for line in lines:
        key = (line[0], line[2], str(line[4])[-8:])
        if key not in seen:
            seen.add(key)
            unique_lines.append(line)
    return Sheet(headers, [(number, line) for number, line in enumerate(unique_lines, 2)])


def lang_son_sheet(province: Province, *, rows: int = 9000, seed: int = 2025) -> Sheet:
    """Lạng Sơn's registry: 1,646 teams and 8,800 members over its 65 communes."""
    communes = list(Commune.objects.filter(province=province).order_by("code"))
    volunteers = min(8800, rows)
    return member_sheet(
        communes, teams=min(1646, rows), volunteers=volunteers, rows=rows, seed=seed
    )


def seed(stdout):
    """Import the demo registry through the real import path; a re-run changes nothing.

    The demo volunteer account becomes one of the people in the registry.
    """
    from teams.models import Volunteer

    province = Province.objects.get(code="20")
    report = MemberImport(lang_son_sheet(province), province=province).run()
    if report.errors:
        raise RuntimeError(f"demo registry has errors: {report.errors[:3]}")
    if stdout:
        stdout.write(f"Demo registry of Lạng Sơn: {report.summary()}")
    account = get_user_model().objects.filter(username="volunteer").first()
    if account and not Volunteer.objects.filter(user=account).exists():
        first = Volunteer.objects.filter(user=None).order_by("pk").first()
        first.user = account
        first.save(update_fields=["user"])
    seed_broadcast(province, stdout)
    return []


DEMO_BROADCAST = uuid.UUID("6d1c6a55-3c1e-4b43-9c55-2f0b8f3f2a10")


def seed_broadcast(province, stdout):
    """A broadcast to one team of the demo coordinator: the worker sends it (console)."""
    from teams.broadcasts import record_and_send
    from teams.models import Team

    coordinator = get_user_model().objects.filter(username="coordinator").first()
    team = Team.objects.filter(commune__province=province).order_by("commune__code", "pk").first()
    if coordinator is None or team is None:
        return
    broadcast, created = record_and_send(
        user=coordinator,
        target=team,
        text="Nhắc lịch: tập huấn hỗ trợ cài đặt VNeID lúc 8:00 thứ Bảy tại nhà văn hóa.",
        brand="SỞ TT&TT LẠNG SƠN",
        without_diacritics=True,
        form_token=DEMO_BROADCAST,
    )
    if created and stdout:
        stdout.write(f"Demo SMS broadcast to {team}: {broadcast.recipient_count} messages queued")

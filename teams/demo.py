"""A Lang Son-sized registry for the demo and the benchmarks.

`member_sheet` writes the spreadsheet an organiser would bring (Vietnamese headers,
phone numbers typed every way), so the demo and `make bench` go through the real import.
"""

import random
import uuid

from django.contrib.auth import get_user_model

from campaign.audit import import_recorder
from campaign.models import Commune, Province
from campaign.people import full_name_fields
from notifications.phones import InvalidPhone, normalise_mobile
from teams.registry.importing import COLUMNS, MemberImport, Sheet

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
    recorder = import_recorder(
        "members",
        actor=get_user_model().objects.filter(username="organiser").first(),
        province=province,
        filename="lang-son-registry.xlsx",
        via="demo",
    )
    # In the audit trail as the organiser's import, the first time (a re-run adds nothing).
    report = MemberImport(lang_son_sheet(province), province=province).run(
        on_written=lambda report: recorder(report) if report.created else None
    )
    if report.errors:
        raise RuntimeError(f"demo registry has errors: {report.errors[:3]}")
    if stdout:
        stdout.write(f"Demo registry of Lạng Sơn: {report.summary()}")
    account = get_user_model().objects.filter(username="volunteer").first()
    if account:
        me = Volunteer.objects.filter(user=account).first()
        if me is None:
            me = Volunteer.objects.filter(user=None).order_by("pk").first()
            me.user = account
            me.save(update_fields=["user"])
        # The account is that person: it takes their name from the registry.
        for field, value in full_name_fields(me.full_name).items():
            setattr(account, field, value)
        account.save(update_fields=["first_name", "last_name"])
    seed_broadcast(province, stdout)
    seed_campaign(province, stdout)
    seed_zalo(stdout)
    return []


ZALO_TEMPLATES = {
    # kind: (Zalo's template id, its name, [(parameter, value it shows, maximum length)])
    "shift_reminder": (
        "301245",
        "Nhắc lịch ca trực",
        [("ten", "given_name", 30), ("gio", "time", 5), ("ngay", "day", 5),
         ("dia_diem", "place", 80)],
    ),
    "shift_invitation": (
        "301246",
        "Mời nhận ca trực",
        [("ten", "name", 50), ("ngay", "day", 5), ("gio", "time", 5), ("xa", "commune", 60),
         ("lien_ket", "url", 200)],
    ),
    "assignment_notice": (
        "301247",
        "Phân công về xã",
        [("ten", "name", 50), ("xa", "commune", 60), ("tu_ngay", "start", 10),
         ("den_ngay", "end", 10), ("lien_ket", "url", 200)],
    ),
}  # fmt: skip


def seed_zalo(stdout):
    """The Zalo templates a province registers (approved by Zalo), and a week of shift
    reminders as the message log shows them: most delivered by Zalo, some by SMS after
    Zalo could not. Zalo itself is off in the demo (no ZALO_APP_ID): what the worker
    sends now goes by SMS, printed."""
    from datetime import timedelta

    from django.utils import timezone

    from campaign.models import Campaign, campaign_tag
    from notifications.models import Message, ZaloTemplate
    from teams.models import Assignment

    checked = timezone.now() - timedelta(days=2)
    for kind, (template_id, name, params) in ZALO_TEMPLATES.items():
        template, created = ZaloTemplate.objects.get_or_create(
            kind=kind,
            defaults={
                "template_id": template_id,
                "name": name,
                "status": "approved",
                "status_checked_at": checked,
            },
        )
        if created:
            for name, field, max_length in params:
                template.params.create(name=name, field=field, max_length=max_length)
    campaign = Campaign.objects.filter(name=DEMO_CAMPAIGN).first()
    if (
        campaign is None
        or Message.objects.filter(idempotency_key__startswith="demo-zalo:").exists()
    ):
        return
    assignments = Assignment.objects.filter(campaign=campaign).select_related(
        "volunteer", "commune"
    )[:60]
    now = timezone.now()
    rows = []
    for number, assignment in enumerate(assignments):
        sent_at = now - timedelta(days=1 + number % 6, hours=number % 9)
        fell_back = number % 7 == 3
        rows.append(
            Message(
                recipient=assignment.volunteer.phone,
                text=f"SỞ TT&TT LẠNG SƠN: Nhắc lịch ca trực tại {assignment.commune.name}.",
                kind="shift_reminder",
                idempotency_key=f"demo-zalo:{assignment.pk}",
                channel="sms" if fell_back else "zalo",
                template_id="" if fell_back else "301245",
                fallback_reason="no_zalo" if fell_back else "",
                status="sent" if fell_back else "delivered",
                provider="console" if fell_back else "zalo",
                encoding="UCS-2",
                segment_count=1,
                attempts=2 if fell_back else 1,
                tag=campaign_tag(campaign.pk, assignment.commune_id),
                sent_at=sent_at,
                delivered_at=None if fell_back else sent_at + timedelta(seconds=20),
            )
        )
    made = Message.objects.bulk_create(rows)
    Message.objects.filter(pk__in=[m.pk for m in made]).update(created_at=now - timedelta(days=3))
    if stdout:
        stdout.write(
            f"Demo Zalo templates: {len(ZALO_TEMPLATES)}; Zalo and SMS history: {len(made)}"
        )


DEMO_BROADCAST = uuid.UUID("6d1c6a55-3c1e-4b43-9c55-2f0b8f3f2a10")


def seed_broadcast(province, stdout):
    """A broadcast to one team of the demo coordinator: the worker sends it (console)."""
    from teams.broadcasts.sending import record_and_send
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


DEMO_CAMPAIGN = "45 ngày đêm hỗ trợ chuyển đổi số tại xã, phường"
READINESS = [
    "Bộ phận một cửa có wifi miễn phí cho người dân",
    "Có máy tính và máy in phục vụ người dân tự nộp hồ sơ",
    "Tổ công nghệ số cộng đồng được kiện toàn",
    "Công bố số điện thoại hỗ trợ 24/7",
    "Niêm yết hướng dẫn cài đặt VNeID",
    "Niêm yết hướng dẫn nộp hồ sơ trực tuyến",
    "Có mã QR thanh toán phí, lệ phí",
    "Cán bộ một cửa được tập huấn",
    "Có danh sách người cao tuổi, người khuyết tật cần hỗ trợ",
    "Có lịch trực của tổ công nghệ số",
    "Số hóa hồ sơ, kết quả giải quyết thủ tục",
    "Cấp bản sao điện tử từ sổ gốc",
    "Tuyên truyền phòng chống lừa đảo trực tuyến",
    "Kết nối nhóm Zalo hỗ trợ người dân",
    "Báo cáo tiến độ hằng ngày",
    "Đánh giá mức độ hài lòng của người dân",
]
DEMO_SLOTS_HOURS = [(7, 11, "Bộ phận một cửa"), (13, 17, "Bộ phận một cửa"),
                    (18, 21, "Nhà văn hóa thôn")]  # fmt: skip


def seed_campaign(province, stdout):
    """A running campaign: every commune, a readiness checklist, volunteers assigned to
    their home communes, a 45-day roster with places taken, and the demo volunteer on
    shifts (whose reminders the worker prints when they fall due)."""
    from datetime import time, timedelta

    from django.db import connection
    from django.utils import timezone

    from campaign.models import Campaign, Indicator, IndicatorTarget
    from lib.bulk import insert_rows
    from teams.models import Assignment, Volunteer
    from teams.rota.roster import WeeklySlot, generate_roster

    today = timezone.localdate()
    campaign, created = Campaign.objects.get_or_create(
        name=DEMO_CAMPAIGN,
        province=province,
        defaults={
            "start": today - timedelta(days=5),
            "status": Campaign.Status.ACTIVE,
            "sms_brand": "SỞ TT&TT LẠNG SƠN",
            "description": "Tổ công nghệ số cộng đồng, sinh viên và đoàn viên hỗ trợ người dân "
            "sử dụng dịch vụ công trực tuyến tại 65 xã, phường.",
        },
    )
    if not created:
        return
    campaign.add_all_communes()
    values = {"citizens_helped": 2000, "eid_level_2": 800}
    indicators = list(Indicator.objects.filter(code__in=values))
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(campaign_commune=cc, indicator=indicator, value=values[indicator.code])
        for cc in campaign.campaign_communes.all()
        for indicator in indicators
    )
    rng = random.Random(45)
    seed_readiness(campaign, rng, today)
    # Everybody works in their home commune for the whole campaign.
    stamp = connection.ops.adapt_datetimefield_value(campaign.created_at)
    volunteers = list(
        Volunteer.objects.filter(home_commune__province=province).values_list(
            "pk", "home_commune_id"
        )
    )
    insert_rows(
        Assignment,
        ["volunteer", "campaign", "commune", "created_at"],
        [(pk, campaign.pk, commune, stamp) for pk, commune in volunteers],
    )
    slots = [
        WeeklySlot(day, time(start), time(end), place, volunteers_needed=2)
        for day in range(7)
        for start, end, place in DEMO_SLOTS_HOURS
    ]
    shifts = generate_roster(campaign, slots)
    places = take_places(campaign, volunteers, rng, stamp)
    demo_volunteer_takes_shifts(campaign)
    if stdout:
        stdout.write(
            f"Demo campaign “{campaign}”: {campaign.communes.count()} communes, "
            f"{len(volunteers)} assignments, {shifts} shifts, {places} places taken"
        )


def seed_readiness(campaign, rng, today) -> None:
    """The checklist, each commune meeting between 6 and all 16 of its criteria."""
    from campaign.models import ReadinessCheck, ReadinessCriterion

    criteria = [
        ReadinessCriterion(campaign=campaign, position=n, text=text)
        for n, text in enumerate(READINESS, start=1)
    ]
    ReadinessCriterion.objects.bulk_create(criteria)
    ReadinessCheck.objects.bulk_create(
        ReadinessCheck(campaign_commune=cc, criterion=criterion, met_on=today)
        for cc in campaign.campaign_communes.all()
        for criterion in criteria[: rng.randrange(6, 17)]
    )


def take_places(campaign, volunteers, rng, stamp) -> int:
    """Places taken on about half the shifts, each person at most once a day, in their
    own commune; on the shifts already over, nine in ten checked in a few minutes after
    the start and out a few minutes before the end (the volunteer hours). Returns how
    many places."""
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from lib.bulk import insert_rows
    from teams.models import Shift, ShiftSignup

    def moment(value):
        return connection.ops.adapt_datetimefield_value(value)

    now = timezone.now()
    by_commune = {}
    for pk, commune in volunteers:
        by_commune.setdefault(commune, []).append(pk)
    rows, turn = {}, {}
    for shift_pk, commune, starts_at, ends_at in (
        Shift.objects.filter(campaign=campaign)
        .order_by("starts_at")
        .values_list("pk", "commune_id", "starts_at", "ends_at")
    ):
        people = by_commune.get(commune)
        if not people or rng.random() < 0.3:
            continue
        for _ in range(1 if rng.random() < 0.6 else 2):
            index = turn.get(commune, 0)
            turn[commune] = index + 1
            person = people[index % len(people)]
            checked_in = checked_out = None
            if ends_at < now and rng.random() < 0.9:
                checked_in = moment(starts_at + timedelta(minutes=rng.randrange(0, 16)))
                checked_out = moment(ends_at - timedelta(minutes=rng.randrange(0, 11)))
            rows[(shift_pk, person)] = (
                shift_pk,
                person,
                ShiftSignup.Status.CONFIRMED,
                stamp,
                checked_in,
                checked_out,
            )
    insert_rows(
        ShiftSignup,
        ["shift", "volunteer", "status", "created_at", "checked_in_at", "checked_out_at"],
        list(rows.values()),
    )
    return len(rows)


def demo_volunteer_takes_shifts(campaign) -> None:
    """The demo volunteer takes the next two open shifts in their commune."""
    from teams.models import Shift, Volunteer
    from teams.rota.signups import Refused, sign_up

    me = Volunteer.objects.filter(user__username="volunteer").first()
    if me is None:
        return
    upcoming = Shift.objects.filter(
        campaign=campaign, commune=me.home_commune, starts_at__gt=campaign.created_at
    ).order_by("starts_at")
    taken = 0
    for shift in upcoming[:20]:
        try:
            sign_up(me, shift)
            taken += 1
        except Refused:
            continue
        if taken == 2:
            break

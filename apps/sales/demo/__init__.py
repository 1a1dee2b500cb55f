"""The foundation's demo data: organisation, regions, customers with contacts and interactions,
products, 12 months of orders and collections ending today, with a Chinese sales calendar.

Registered with apps.tenancy.demo at order 10; later apps seed on top of it (targets, visits, ...).
Everything is bulk-inserted and deterministic for a given `ctx.today`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from apps.customers.models import Contact, Customer, Interaction
from apps.org.models import Region, Team
from apps.org.services import closure_rebuild_all
from apps.tenancy.demo import DEMO_PASSWORD, DemoContext, register_demo_seeder
from apps.tenancy.models import Membership, Role, UserProfile

from ..models import Order, OrderLine, Payment, Product, ProductCategory
from ..services import customer_order_dates_refresh

CENT = Decimal("0.01")
DAYS = 365

# Spring Festival (Chinese New Year's Day): orders dip around it, and dealers stock up before it.
CNY = {
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
    2031: dt.date(2031, 1, 23),
    2032: dt.date(2032, 2, 11),
}
# June (618 promotions), November (Double 11) and the year-end close are peaks; summer is slow.
MONTH_FACTOR = {
    1: 0.9,
    2: 0.8,
    3: 1.0,
    4: 1.0,
    5: 1.0,
    6: 1.15,
    7: 0.9,
    8: 0.85,
    9: 1.05,
    10: 0.95,
    11: 1.2,
    12: 1.4,
}


def season_factor(day: dt.date) -> float:
    factor = MONTH_FACTOR[day.month]
    for year in (day.year, day.year + 1):
        cny = CNY.get(year)
        if cny is None:
            continue
        offset = (day - cny).days
        if -7 <= offset <= 10:
            factor *= 0.2
        elif -21 <= offset < -7:
            factor *= 1.3
    if day.month == 10 and day.day <= 7:  # National Day Golden Week
        factor *= 0.3
    if day.weekday() >= 5:
        factor *= 0.2
    return factor


def money(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------
# Name pools
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    code: str
    name: str
    lat: float
    lng: float
    phone_prefix: str
    districts: tuple[str, ...]


@dataclass(frozen=True)
class Pools:
    root_team: str
    teams: tuple[str, ...]
    root_region: tuple[str, str]
    regions: tuple[tuple[str, str, tuple[City, ...]], ...]  # (code, name, cities)
    surnames: tuple[str, ...]
    given: tuple[str, ...]
    brands: tuple[str, ...]
    company_forms: dict[str, tuple[str, ...]]
    titles: tuple[str, ...]
    roads: tuple[str, ...]
    categories: tuple[tuple[str, str], ...]
    products: tuple[tuple[str, str, str, str, float, float], ...]  # sku, name, cat, unit, price, cost ratio
    subjects: dict[str, tuple[str, ...]]
    notes: tuple[str, ...]
    order_prefix: str
    code_prefix: str
    mail_domain: str


ZH = Pools(
    root_team="销售部",
    teams=("华东销售团队", "华南销售团队", "华北销售团队"),
    root_region=("CN", "全国"),
    regions=(
        (
            "EC",
            "华东",
            (
                City("EC-SH", "上海", 31.2304, 121.4737, "021", ("浦东新区", "徐汇区", "闵行区", "静安区")),
                City("EC-HZ", "杭州", 30.2741, 120.1551, "0571", ("西湖区", "滨江区", "余杭区")),
                City("EC-NJ", "南京", 32.0603, 118.7969, "025", ("鼓楼区", "江宁区", "建邺区")),
                City("EC-SZ", "苏州", 31.2990, 120.5853, "0512", ("工业园区", "姑苏区", "吴中区")),
            ),
        ),
        (
            "SC",
            "华南",
            (
                City("SC-GZ", "广州", 23.1291, 113.2644, "020", ("天河区", "越秀区", "番禺区", "白云区")),
                City("SC-SZ", "深圳", 22.5431, 114.0579, "0755", ("南山区", "福田区", "宝安区", "龙岗区")),
                City("SC-XM", "厦门", 24.4798, 118.0894, "0592", ("思明区", "湖里区", "集美区")),
            ),
        ),
        (
            "NC",
            "华北",
            (
                City("NC-BJ", "北京", 39.9042, 116.4074, "010", ("朝阳区", "海淀区", "丰台区", "东城区")),
                City("NC-TJ", "天津", 39.3434, 117.3616, "022", ("和平区", "南开区", "滨海新区")),
                City("NC-SJZ", "石家庄", 38.0428, 114.5149, "0311", ("长安区", "桥西区", "裕华区")),
            ),
        ),
    ),
    surnames=tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"),
    given=(
        "伟",
        "芳",
        "娜",
        "秀英",
        "敏",
        "静",
        "丽",
        "强",
        "磊",
        "军",
        "洋",
        "勇",
        "艳",
        "杰",
        "娟",
        "涛",
        "明",
        "超",
        "秀兰",
        "霞",
        "平",
        "刚",
        "桂英",
        "建华",
        "晓东",
        "海燕",
        "志强",
        "雪梅",
        "文博",
        "子涵",
        "思远",
        "嘉怡",
        "宇航",
        "佳琪",
        "浩然",
        "欣怡",
        "俊杰",
        "梦瑶",
        "国栋",
        "丹",
    ),  # fmt: skip
    brands=(
        "恒信",
        "华盛",
        "鼎盛",
        "宏达",
        "金源",
        "瑞丰",
        "永安",
        "嘉禾",
        "天成",
        "汇通",
        "中联",
        "博远",
        "新世纪",
        "东方",
        "长江",
        "明辉",
        "盛泰",
        "广和",
        "万隆",
        "鑫达",
        "和信",
        "佳美",
        "联创",
        "远航",
        "富华",
        "兴业",
        "德润",
        "安泰",
        "正大",
        "创新",
        "银河",
        "海纳",
        "星辰",
        "润泽",
        "启明",
        "康源",
        "益丰",
        "同创",
        "卓越",
        "通达",
        "百川",
        "华联",
        "金桥",
        "宏图",
        "立信",
        "众诚",
        "汇丰源",
        "九州",
    ),  # fmt: skip
    company_forms={
        "retail": ("超市", "便利店", "百货商店", "办公用品商行", "文具店"),
        "dealer": ("贸易有限公司", "商贸有限公司", "供应链管理有限公司", "办公设备经销部"),
        "enterprise": (
            "科技股份有限公司",
            "电子有限公司",
            "机械制造有限公司",
            "生物医药有限公司",
            "物流有限公司",
            "汽车零部件有限公司",
            "信息技术有限公司",
            "食品有限公司",
        ),  # fmt: skip
        "public": ("市第一人民医院", "职业技术学院", "市政务服务中心", "实验中学", "市图书馆"),
        "other": ("会计师事务所", "律师事务所", "建筑设计院", "文化传媒工作室"),
    },
    titles=("采购经理", "总经理", "财务主管", "行政主管", "采购专员", "副总经理", "IT主管", "仓库主管"),
    roads=(
        "人民路",
        "中山路",
        "解放路",
        "建设路",
        "长江路",
        "和平路",
        "科技路",
        "创业大道",
        "滨河路",
        "新华街",
    ),
    categories=(("OFF", "办公设备"), ("SUP", "打印耗材"), ("IND", "工业配件"), ("SVC", "技术服务")),
    products=(
        ("OFF-001", "激光打印机 LP-2200", "OFF", "台", 1899, 0.68),
        ("OFF-002", "彩色激光多功能一体机 MF-560", "OFF", "台", 4599, 0.7),
        ("OFF-003", "A3 数码复合机 DC-3050", "OFF", "台", 23800, 0.72),
        ("OFF-004", "高速扫描仪 SC-90", "OFF", "台", 3299, 0.66),
        ("OFF-005", "碎纸机 SD-12", "OFF", "台", 899, 0.6),
        ("OFF-006", "投影仪 PJ-4K", "OFF", "台", 6999, 0.71),
        ("OFF-007", "会议平板 86 英寸", "OFF", "台", 18999, 0.74),
        ("OFF-008", "考勤机 TA-3", "OFF", "台", 599, 0.55),
        ("SUP-001", "原装硒鼓 TN-2200", "SUP", "支", 489, 0.52),
        ("SUP-002", "彩色墨粉盒四色套装", "SUP", "套", 1280, 0.55),
        ("SUP-003", "A4 复印纸 70g（5包/箱）", "SUP", "箱", 139, 0.78),
        ("SUP-004", "A3 复印纸 80g（5包/箱）", "SUP", "箱", 279, 0.77),
        ("SUP-005", "热敏打印纸 80mm", "SUP", "箱", 168, 0.6),
        ("SUP-006", "色带 RB-680", "SUP", "盒", 45, 0.45),
        ("SUP-007", "标签打印纸卷", "SUP", "卷", 32, 0.5),
        ("SUP-008", "鼓组件 DR-3050", "SUP", "个", 1650, 0.58),
        ("IND-001", "工业级条码打印机 ZT-410", "IND", "台", 8900, 0.69),
        ("IND-002", "手持数据采集终端 PDA-7", "IND", "台", 3680, 0.67),
        ("IND-003", "工业标签碳带（10卷）", "IND", "箱", 560, 0.54),
        ("IND-004", "扫码枪 BS-20", "IND", "把", 420, 0.57),
        ("IND-005", "RFID 电子标签（1000枚）", "IND", "盒", 980, 0.6),
        ("IND-006", "工控一体机 IPC-15", "IND", "台", 5600, 0.7),
        ("IND-007", "备用电源 UPS-3K", "IND", "台", 2980, 0.68),
        ("SVC-001", "设备年度维保服务", "SVC", "年", 3600, 0.35),
        ("SVC-002", "上门安装调试", "SVC", "次", 300, 0.3),
        ("SVC-003", "打印管理软件授权", "SVC", "套", 8800, 0.2),
        ("SVC-004", "设备租赁（月）", "SVC", "月", 1200, 0.4),
        ("SVC-005", "操作培训课程", "SVC", "次", 1500, 0.25),
        ("SVC-006", "延保服务（两年）", "SVC", "份", 699, 0.3),
        ("SVC-007", "远程技术支持包", "SVC", "年", 2400, 0.28),
    ),
    subjects={
        "visit": ("季度业务回顾", "新品演示", "上门拜访采购经理", "了解年度采购计划", "售后回访"),
        "call": ("电话跟进报价", "确认交货时间", "催收货款", "回访使用情况"),
        "email": ("发送报价单", "发送合同草稿", "发送对账单"),
        "meeting": ("年度框架协议洽谈", "招标答疑会", "高层拜访会谈"),
        "message": ("微信确认订单", "微信沟通发票信息"),
        "note": ("客户反馈价格偏高", "竞争对手在接触该客户", "客户计划扩建新仓库"),
    },
    notes=(
        "客户对服务响应速度满意。",
        "需下周再次跟进。",
        "客户要求提供阶梯报价。",
        "已约定月底前签订合同。",
        "采购流程需总部审批。",
        "",
    ),
    order_prefix="SO",
    code_prefix="C",
    mail_domain="example.cn",
)

EN = Pools(
    root_team="Sales",
    teams=("Singapore Team", "Malaysia Team", "Indonesia Team"),
    root_region=("SEA", "South-East Asia"),
    regions=(
        (
            "SG",
            "Singapore",
            (
                City("SG-CEN", "Central", 1.2897, 103.8501, "+65 6", ("Raffles Place", "Orchard", "Novena")),
                City("SG-JUR", "Jurong", 1.3329, 103.7436, "+65 6", ("Jurong East", "Boon Lay")),
                City("SG-TAM", "Tampines", 1.3496, 103.9568, "+65 6", ("Tampines", "Pasir Ris")),
            ),
        ),
        (
            "MY",
            "Malaysia",
            (
                City("MY-KL", "Kuala Lumpur", 3.1390, 101.6869, "+60 3", ("Bukit Bintang", "Bangsar")),
                City("MY-PG", "Penang", 5.4164, 100.3327, "+60 4", ("George Town", "Bayan Lepas")),
                City("MY-JB", "Johor Bahru", 1.4927, 103.7414, "+60 7", ("Skudai", "Iskandar Puteri")),
            ),
        ),
        (
            "ID",
            "Indonesia",
            (
                City("ID-JKT", "Jakarta", -6.2088, 106.8456, "+62 21", ("Menteng", "Kemang", "Kuningan")),
                City("ID-SUB", "Surabaya", -7.2575, 112.7521, "+62 31", ("Gubeng", "Tegalsari")),
            ),
        ),
    ),
    surnames=(
        "Tan",
        "Lim",
        "Lee",
        "Ng",
        "Wong",
        "Goh",
        "Chua",
        "Ong",
        "Kumar",
        "Rahman",
        "Santoso",
        "Wijaya",
    ),
    given=(
        "Wei Ling",
        "Jun Jie",
        "Mei Hua",
        "Ahmad",
        "Siti",
        "Rajesh",
        "Priya",
        "Budi",
        "Dewi",
        "Kevin",
        "Grace",
    ),
    brands=(
        "Apex",
        "Harbour",
        "Lion City",
        "Straits",
        "Equator",
        "Meridian",
        "Orchid",
        "Summit",
        "Pacific",
        "Evergreen",
        "Keystone",
        "Lighthouse",
        "Sunrise",
        "Merlion",
        "Nusantara",
        "Tiger",
        "Bayview",
        "Crest",
    ),  # fmt: skip
    company_forms={
        "retail": ("Mart", "Stationers", "Convenience Store"),
        "dealer": ("Trading Pte Ltd", "Distributors Sdn Bhd", "Supplies"),
        "enterprise": ("Logistics Pte Ltd", "Electronics Sdn Bhd", "Engineering Pte Ltd", "Foods PT"),
        "public": ("Polytechnic", "General Hospital", "Town Council"),
        "other": ("Accounting LLP", "Design Studio"),
    },
    titles=("Procurement Manager", "Director", "Finance Executive", "Office Manager", "IT Lead"),
    roads=("Jalan Besar", "Orchard Road", "Jalan Ampang", "Jalan Sudirman", "Beach Road", "Jalan Tun Razak"),
    categories=(("PRN", "Printers"), ("CON", "Consumables"), ("SRV", "Services")),
    products=(
        ("PRN-01", "Mono Laser Printer L200", "PRN", "unit", 320, 0.7),
        ("PRN-02", "Colour MFP C500", "PRN", "unit", 890, 0.72),
        ("PRN-03", "A3 Copier X30", "PRN", "unit", 4200, 0.74),
        ("PRN-04", "Label Printer LB8", "PRN", "unit", 260, 0.6),
        ("PRN-05", "Document Scanner S90", "PRN", "unit", 540, 0.66),
        ("CON-01", "Toner Cartridge T200", "CON", "pcs", 85, 0.5),
        ("CON-02", "Colour Toner Set", "CON", "set", 240, 0.55),
        ("CON-03", "A4 Paper (box)", "CON", "box", 28, 0.8),
        ("CON-04", "Label Rolls (10)", "CON", "box", 45, 0.5),
        ("CON-05", "Drum Unit D30", "CON", "pcs", 310, 0.58),
        ("SRV-01", "Annual Maintenance", "SRV", "year", 600, 0.35),
        ("SRV-02", "On-site Installation", "SRV", "visit", 80, 0.3),
        ("SRV-03", "Print Management Licence", "SRV", "licence", 1500, 0.2),
        ("SRV-04", "Device Rental (month)", "SRV", "month", 210, 0.4),
        ("SRV-05", "User Training", "SRV", "session", 300, 0.25),
        ("SRV-06", "Extended Warranty", "SRV", "plan", 150, 0.3),
    ),
    subjects={
        "visit": ("Quarterly business review", "Product demo", "Site visit"),
        "call": ("Follow-up on quotation", "Payment reminder", "Delivery confirmation"),
        "email": ("Quotation sent", "Contract draft sent", "Statement of account"),
        "meeting": ("Annual agreement negotiation", "Tender clarification"),
        "message": ("WhatsApp order confirmation",),
        "note": ("Competitor offered lower price", "Plans a new office"),
    },
    notes=("Happy with service levels.", "Follow up next week.", "Asked for volume pricing.", ""),
    order_prefix="RV",
    code_prefix="R-",
    mail_domain="example.sg",
)

SEGMENT_WEIGHTS = {"retail": 35, "dealer": 25, "enterprise": 28, "public": 6, "other": 6}
# Orders per month of an active customer, by segment; key accounts order more and bigger.
SEGMENT_RATE = {"retail": 1.6, "dealer": 3.0, "enterprise": 1.3, "public": 0.6, "other": 0.5}
SEGMENT_QTY = {"retail": 1.0, "dealer": 3.0, "enterprise": 1.5, "public": 1.2, "other": 0.8}
PAY_TERMS = {
    "retail": (0, 10),
    "dealer": (20, 45),
    "enterprise": (30, 90),
    "public": (45, 120),
    "other": (10, 40),
}
PAY_METHODS = {
    "retail": ("mobile", "cash", "transfer"),
    "dealer": ("transfer", "transfer", "cheque"),
    "enterprise": ("transfer",),
    "public": ("transfer", "cheque"),
    "other": ("transfer", "mobile"),
}


@dataclass
class Org:
    admin: Membership
    managers: list[Membership]
    reps_by_team: list[list[Membership]]
    teams: list[Team]
    cities: list[tuple[Region, City, int]] = field(default_factory=list)  # (region, city, team index)


# --------------------------------------------------------------------------------------------
# The seeder
# --------------------------------------------------------------------------------------------


def seed_foundation(ctx: DemoContext) -> None:
    pools = ZH if ctx.spec.locale == "zh" else EN
    rng = ctx.rng("foundation")
    org = _seed_people(ctx, pools, rng)
    _seed_regions(ctx, pools, org)
    products = _seed_products(ctx, pools)
    customers = _seed_customers(ctx, pools, rng, org)
    contacts = _seed_contacts(ctx, pools, rng, customers)
    _seed_interactions(ctx, pools, rng, customers, contacts)
    _seed_orders_and_payments(ctx, pools, rng, customers, products)
    customer_order_dates_refresh(tenant_id=ctx.tenant.pk)
    closure_rebuild_all(tenant_id=ctx.tenant.pk)


def _person_name(pools: Pools, rng) -> tuple[str, str, str]:
    """(family name, given name, display name)."""
    surname, given = rng.choice(pools.surnames), rng.choice(pools.given)
    if pools is ZH:
        return surname, given, surname + given
    return surname, given, f"{given} {surname}"


def _seed_people(ctx: DemoContext, pools: Pools, rng) -> Org:
    """Users (upserted, so ids and API tokens survive a re-seed), memberships, and the team tree."""
    slug, tenant = ctx.spec.slug, ctx.tenant
    User = get_user_model()
    # A fixed salt keeps the hash, and so the seeded data, identical from run to run.
    password = make_password(DEMO_PASSWORD, salt=f"demo{slug}salt0")
    reps_per_team = [ctx.spec.reps // 3 + (1 if i < ctx.spec.reps % 3 else 0) for i in range(3)]

    manager_names = (
        ["demo-manager", "demo-m2", "demo-m3"] if slug == "demo" else [f"{slug}-m{i}" for i in (1, 2, 3)]
    )
    people: list[tuple[str, str, str]] = [(f"{slug}-admin", Role.ADMIN, "")]  # username, role, team index
    people += [(name, Role.MANAGER, str(i)) for i, name in enumerate(manager_names)]
    n = 0
    for team_idx, count in enumerate(reps_per_team):
        for _ in range(count):
            n += 1
            username = "demo-rep" if (slug == "demo" and n == 1) else f"{slug}-r{n:02d}"
            people.append((username, Role.REP, str(team_idx)))

    names = {}
    used = set()
    for username, _role, _team in people:
        while True:
            last, first, display = _person_name(pools, rng)
            if display not in used:
                used.add(display)
                break
        names[username] = (last, first, display)

    users = User.objects.bulk_create(
        [
            User(
                username=u,
                first_name=names[u][1],
                last_name=names[u][0],
                email=f"{u}@{pools.mail_domain}",
                password=password,
                is_active=True,
            )
            for u, _r, _t in people
        ],
        update_conflicts=True,
        unique_fields=["username"],
        update_fields=["first_name", "last_name", "email", "password", "is_active"],
    )
    user_ids = {u.username: u.pk for u in users}
    UserProfile.objects.bulk_create(
        [
            UserProfile(user_id=user_ids[u], language=ctx.spec.language, last_tenant=tenant)
            for u, _r, _t in people
        ],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["language", "last_tenant"],
    )
    members = Membership.objects.bulk_create(
        [
            Membership(
                tenant=tenant,
                user_id=user_ids[u],
                role=role,
                display_name=names[u][2],
                employee_no=f"E{i + 1:04d}",
                phone=f"1{38 + i % 10}{(i * 7919) % 100000000:08d}",
                is_active=True,
            )
            for i, (u, role, _t) in enumerate(people)
        ],
        update_conflicts=True,
        unique_fields=["tenant", "user"],
        update_fields=["role", "display_name", "employee_no", "phone", "is_active", "team", "reports_to"],
    )
    by_name = dict(zip([p[0] for p in people], members, strict=True))
    admin = by_name[people[0][0]]
    managers = [by_name[p[0]] for p in people[1:4]]

    root = Team.objects.create(tenant=tenant, name=pools.root_team, lead=admin)
    teams = Team.objects.bulk_create(
        [Team(tenant=tenant, name=name, parent=root, lead=managers[i]) for i, name in enumerate(pools.teams)]
    )
    reps_by_team: list[list[Membership]] = [[], [], []]
    admin.team, admin.reports_to = root, None
    for i, manager in enumerate(managers):
        manager.team, manager.reports_to = teams[i], admin
    for username, role, team_idx in people[4:]:
        if role == Role.REP:
            member = by_name[username]
            member.team, member.reports_to = teams[int(team_idx)], managers[int(team_idx)]
            reps_by_team[int(team_idx)].append(member)
    Membership.objects.bulk_update(members, ["team", "reports_to"])

    for username, role, _t in people[:4]:
        ctx.logins.append((username, role, names[username][2]))
    if slug == "demo":
        rep = by_name["demo-rep"]
        ctx.logins.append(("demo-rep", Role.REP, names["demo-rep"][2]))
        assert rep.reports_to_id == by_name["demo-manager"].pk
    return Org(admin=admin, managers=managers, reps_by_team=reps_by_team, teams=teams)


def _seed_regions(ctx: DemoContext, pools: Pools, org: Org) -> None:
    tenant = ctx.tenant
    root = Region.objects.create(tenant=tenant, code=pools.root_region[0], name=pools.root_region[1])
    tops = Region.objects.bulk_create(
        [Region(tenant=tenant, code=code, name=name, parent=root) for code, name, _c in pools.regions]
    )
    city_rows = [
        (top, city, i)
        for i, (top, (_c, _n, cities)) in enumerate(zip(tops, pools.regions, strict=True))
        for city in cities
    ]
    regions = Region.objects.bulk_create(
        [Region(tenant=tenant, code=city.code, name=city.name, parent=top) for top, city, _i in city_rows]
    )
    org.cities = [(region, city, i) for region, (_top, city, i) in zip(regions, city_rows, strict=True)]


def _seed_products(ctx: DemoContext, pools: Pools) -> list[Product]:
    tenant = ctx.tenant
    cats = ProductCategory.objects.bulk_create(
        [ProductCategory(tenant=tenant, code=code, name=name) for code, name in pools.categories]
    )
    cat_by_code = {c.code: c for c in cats}
    rows = pools.products[: ctx.spec.products]
    return Product.objects.bulk_create(
        [
            Product(
                tenant=tenant,
                sku=sku,
                name=name,
                category=cat_by_code[cat],
                unit=unit,
                list_price=money(price),
                unit_cost=money(price * ratio),
            )
            for sku, name, cat, unit, price, ratio in rows
        ]
    )


@dataclass
class CustomerPlan:
    customer: Customer
    start: int  # first day (index into the 365-day window) the customer may order
    end: int  # last such day, inclusive


def _seed_customers(ctx: DemoContext, pools: Pools, rng, org: Org) -> list[CustomerPlan]:
    tenant = ctx.tenant
    segments, weights = zip(*SEGMENT_WEIGHTS.items(), strict=True)
    used_names: set[str] = set()
    plans = []
    customers = []
    for n in range(1, ctx.spec.customers + 1):
        region, city, team_idx = rng.choice(org.cities)
        segment = rng.choices(segments, weights)[0]
        while True:
            brand, form = rng.choice(pools.brands), rng.choice(pools.company_forms[segment])
            if pools is ZH:
                name = f"{city.name}{brand}{form}" if segment != "public" else f"{city.name}{form}"
                if segment == "public" and name in used_names:
                    name = f"{city.name}{rng.choice(city.districts)}{form}"
            else:
                name = f"{brand} {form}" if segment != "public" else f"{city.name} {form}"
                if name in used_names:
                    name = f"{brand} {city.name} {form}"
            if name not in used_names:
                used_names.add(name)
                break
            if len(used_names) > 50 * ctx.spec.customers:  # pragma: no cover - pools far larger
                raise RuntimeError("demo name pool exhausted")
        roll = rng.random()
        status = (
            Customer.Status.PROSPECT
            if roll < 0.08
            else Customer.Status.LOST
            if roll < 0.13
            else Customer.Status.DORMANT
            if roll < 0.23
            else Customer.Status.ACTIVE
        )
        key = segment in ("dealer", "enterprise", "public") and rng.random() < 0.22
        start = 0 if rng.random() < 0.75 else rng.randrange(30, DAYS - 20)  # some were won this year
        end = DAYS - 1
        if status == Customer.Status.LOST:
            start, end = 0, rng.randrange(60, 200)
        elif status == Customer.Status.DORMANT:
            start, end = 0, DAYS - 1 - rng.randrange(100, 180)
        elif status == Customer.Status.PROSPECT:
            start, end = DAYS, DAYS - 1
        owner = rng.choice(org.reps_by_team[team_idx])
        district = rng.choice(city.districts)
        customer = Customer(
            tenant=tenant,
            code=f"{pools.code_prefix}{n:04d}",
            name=name,
            owner=owner,
            region=region,
            segment=segment,
            is_key_account=key,
            status=status,
            address=f"{city.name}{district}{rng.choice(pools.roads)}{rng.randrange(1, 999)}号"
            if pools is ZH
            else f"{rng.randrange(1, 300)} {rng.choice(pools.roads)}, {district}, {city.name}",
            phone=f"{city.phone_prefix}-{rng.randrange(10000000, 99999999)}"
            if pools is ZH
            else f"{city.phone_prefix}{rng.randrange(1000000, 9999999)}",
            latitude=Decimal(f"{city.lat + rng.gauss(0, 0.05):.6f}"),
            longitude=Decimal(f"{city.lng + rng.gauss(0, 0.05):.6f}"),
            notes="",
        )
        customers.append(customer)
        plans.append(CustomerPlan(customer=customer, start=start, end=end))
    Customer.objects.bulk_create(customers, batch_size=1000)
    return plans


def _seed_contacts(
    ctx: DemoContext, pools: Pools, rng, plans: list[CustomerPlan]
) -> dict[int, list[Contact]]:
    contacts: list[Contact] = []
    for plan in plans:
        c = plan.customer
        for i in range(rng.choice((1, 1, 2, 2, 3))):
            _last, _first, display = _person_name(pools, rng)
            contacts.append(
                Contact(
                    tenant=ctx.tenant,
                    customer=c,
                    name=display,
                    title=rng.choice(pools.titles),
                    phone=f"1{rng.choice((35, 36, 37, 38, 39, 58, 86, 88))}{rng.randrange(10000000, 99999999)}"
                    if pools is ZH
                    else f"+65 9{rng.randrange(1000000, 9999999)}",
                    email=f"{c.code.lower().replace('-', '')}.{i + 1}@{pools.mail_domain}"
                    if rng.random() < 0.6
                    else "",
                    birthday=dt.date(rng.randrange(1965, 1998), rng.randrange(1, 13), rng.randrange(1, 29))
                    if rng.random() < 0.4
                    else None,
                    is_primary=i == 0,
                )
            )
    Contact.objects.bulk_create(contacts, batch_size=2000)
    by_customer: dict[int, list[Contact]] = {}
    for contact in contacts:
        by_customer.setdefault(contact.customer_id, []).append(contact)
    return by_customer


def _seed_interactions(ctx: DemoContext, pools: Pools, rng, plans, contacts) -> None:
    tz = zoneinfo.ZoneInfo(ctx.spec.timezone)
    first_day = ctx.today - dt.timedelta(days=DAYS - 1)
    kinds = list(pools.subjects)
    rows = []
    for plan in plans:
        c = plan.customer
        for _ in range(rng.randrange(2, 6)):
            day = first_day + dt.timedelta(days=rng.randrange(0, DAYS - 1))  # before today, all day long
            kind = rng.choices(kinds, (5, 4, 2, 1, 2, 1))[0]
            when = dt.datetime.combine(
                day, dt.time(rng.randrange(9, 18), rng.choice((0, 15, 30, 45))), tzinfo=tz
            )
            rows.append(
                Interaction(
                    tenant=ctx.tenant,
                    customer=c,
                    rep_id=c.owner_id,
                    contact=rng.choice(contacts[c.pk]),
                    kind=kind,
                    occurred_at=when,
                    subject=rng.choice(pools.subjects[kind]),
                    notes=rng.choice(pools.notes),
                )
            )
    Interaction.objects.bulk_create(rows, batch_size=2000)


def _seed_orders_and_payments(ctx: DemoContext, pools: Pools, rng, plans, products: list[Product]) -> None:
    tenant = ctx.tenant
    first_day = ctx.today - dt.timedelta(days=DAYS - 1)
    days = [first_day + dt.timedelta(days=i) for i in range(DAYS)]
    season = [season_factor(d) for d in days]

    # (day index, customer code, lines) where lines are (product, qty, unit price)
    drafts = []
    for plan in plans:
        c = plan.customer
        rate = SEGMENT_RATE[c.segment] * (2.2 if c.is_key_account else 1.0) * rng.uniform(0.6, 1.4)
        per_day = rate * 12 / DAYS / 0.8  # /0.8: the calendar's factors average about 0.8
        favourites = rng.sample(products, k=min(len(products), rng.randrange(4, 9)))
        discount = (0.86, 0.94) if c.is_key_account else (0.8, 0.9) if c.segment == "dealer" else (0.95, 1.0)
        for i in range(plan.start, plan.end + 1):
            if rng.random() >= per_day * season[i]:
                continue
            lines = []
            for product in rng.sample(favourites, k=min(len(favourites), rng.choice((1, 1, 2, 2, 3, 4)))):
                price = float(product.list_price)
                base = 40 if price < 200 else 8 if price < 2000 else 2
                qty = max(
                    1,
                    round(
                        rng.uniform(0.3, 1.0) * base * SEGMENT_QTY[c.segment] * (2 if c.is_key_account else 1)
                    ),
                )
                unit_price = money(price * rng.uniform(*discount))
                lines.append((product, Decimal(qty), unit_price))
            drafts.append((i, c.code, c, lines))
    drafts.sort(key=lambda d: (d[0], d[1]))

    orders, order_lines, per_day_count = [], [], {}
    for i, _code, c, lines in drafts:
        day = days[i]
        per_day_count[i] = per_day_count.get(i, 0) + 1
        status = Order.Status.CANCELLED if rng.random() < 0.02 else Order.Status.CONFIRMED
        amount = sum((money(q * p) for _pr, q, p in lines), Decimal("0"))
        cost = sum((money(q * pr.unit_cost) for pr, q, _p in lines), Decimal("0"))
        order = Order(
            tenant=tenant,
            number=f"{pools.order_prefix}{day:%Y%m%d}{per_day_count[i]:03d}",
            customer=c,
            rep_id=c.owner_id,
            order_date=day,
            status=status,
            amount=amount,
            cost=cost,
            gross_margin=amount - cost,
        )
        orders.append(order)
        order_lines.append(lines)
    Order.objects.bulk_create(orders, batch_size=2000)
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                tenant=tenant,
                order=order,
                product=product,
                quantity=qty,
                unit_price=unit_price,
                amount=money(qty * unit_price),
                cost=money(qty * product.unit_cost),
                order_date=order.order_date,
                rep_id=order.rep_id,
                customer_id=order.customer_id,
            )
            for order, lines in zip(orders, order_lines, strict=True)
            for product, qty, unit_price in lines
        ],
        batch_size=5000,
    )

    # Collections lag orders by the segment's payment terms; some come in two parts, a few never.
    payments = []
    for order in orders:
        if order.status != Order.Status.CONFIRMED:
            continue
        segment = order.customer.segment
        low, high = PAY_TERMS[segment]
        lag = rng.randint(low, high) + (15 if order.customer.is_key_account else 0)
        roll = rng.random()
        if roll < 0.04:
            continue  # overdue, not collected yet
        if roll < 0.2:
            first = money(order.amount * Decimal(str(round(rng.uniform(0.3, 0.7), 2))))
            parts = [(lag, first), (lag + rng.randint(20, 60), order.amount - first)]
        else:
            parts = [(lag, order.amount)]
        for k, (days_later, amount) in enumerate(parts):
            received = order.order_date + dt.timedelta(days=days_later)
            if received > ctx.today or amount <= 0:
                continue
            method = rng.choice(PAY_METHODS[segment])
            payments.append(
                Payment(
                    tenant=tenant,
                    customer_id=order.customer_id,
                    rep_id=order.rep_id,
                    order=order,
                    received_on=received,
                    amount=amount,
                    method=method,
                    reference=f"{order.number}-{k + 1}",
                )
            )
    Payment.objects.bulk_create(payments, batch_size=5000)


register_demo_seeder(10, seed_foundation)

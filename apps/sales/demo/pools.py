"""Name pools of the sales demo, one per locale: the organisation and its regions and cities, people's
names, company names, products, and the texts of interactions. `person_name` draws one person."""

from __future__ import annotations

from dataclasses import dataclass


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
    code_prefix="R-",
    mail_domain="example.sg",
)


def person_name(pools: Pools, rng) -> tuple[str, str, str]:
    """(family name, given name, display name)."""
    surname, given = rng.choice(pools.surnames), rng.choice(pools.given)
    if pools is ZH:
        return surname, given, surname + given
    return surname, given, f"{given} {surname}"

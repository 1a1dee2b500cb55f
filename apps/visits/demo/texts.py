"""The texts of the field-work demo, one set per locale: plan notes, visit notes and results, the
daily reports' observations, the managers' comments, and the market reports with their responses."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Texts:
    cost_scale: float
    plan_notes: tuple[str, ...]
    approve_comments: tuple[str, ...]
    return_comments: tuple[str, ...]
    purpose_notes: dict[str, tuple[str, ...]]
    results: dict[str, tuple[str, ...]]
    not_met: tuple[str, ...]
    postponed: tuple[str, ...]
    prospects: tuple[str, ...]
    competitor: tuple[str, ...]
    feedback: tuple[str, ...]
    learnings: tuple[str, ...]
    complaints: tuple[str, ...]
    review_comments: tuple[str, ...]
    market: tuple[tuple[str, str, str, str], ...]  # category, urgency, title, body
    responses: tuple[str, ...]


ZH = Texts(
    cost_scale=1.0,
    plan_notes=(
        "上午集中拜访城区客户，下午回公司整理报价。",
        "重点跟进本月回款，顺路拜访两家新客户。",
        "按区域路线安排，减少往返时间。",
        "",
        "",
    ),
    approve_comments=(
        "同意。注意把回款放在第一位。",
        "可以，新客户拜访后当天在日报里写清楚需求。",
        "路线合理，同意。",
        "同意，重点客户要见到决策人。",
    ),
    return_comments=(
        "拜访目的写得太笼统，请补充每家客户要达成的具体结果后再提交。",
        "本周回款任务较重，请把两家逾期客户加进计划。",
        "路线来回重复，请按区域重新排一下。",
    ),
    purpose_notes={
        "new_customer": ("初次拜访，了解采购流程和决策人。", "介绍公司和主推产品，争取试用。"),
        "market_research": ("了解周边门店的陈列和价格。", "收集竞品近期促销信息。"),
        "collection": ("催收上月货款，带对账单。", "确认付款计划和开票信息。"),
        "service": ("例行回访，检查库存和陈列。", "了解使用情况，收集改进意见。"),
        "complaint": ("处理上批货物包装破损的投诉。", "跟进送货延迟的投诉，确认补发时间。"),
        "order": ("根据库存情况落实补货订单。", "推荐新品，争取本周下单。"),
        "other": ("陪同区域经理走访。", "参加客户年度供应商会议。"),
    },
    results={
        "new_customer": ("见到采购负责人，对方有兴趣，约下周送样。", "已建立联系，客户要求先报价。"),
        "market_research": ("竞品在该区域降价约 5%，陈列位置更好。", "周边三家门店均在做满减活动。"),
        "collection": ("客户确认本周内付款。", "已收到部分货款，余款月底前付清。"),
        "service": ("库存充足，客户对服务满意。", "客户反映送货及时，建议增加小包装。"),
        "complaint": ("已向客户致歉并安排补发，客户表示理解。", "问题已解决，客户同意继续合作。"),
        "order": ("客户现场确认补货订单。", "客户下单，要求周五前送达。"),
        "other": ("会议顺利，客户明年预算基本确定。", "陪访完成，区域经理给出改进建议。"),
    },
    not_met=("联系人临时外出，未见到。", "客户临时开会，改约下次。", "到店后负责人不在，留下资料。"),
    postponed=("客户要求改到下周。", "因天气原因改期。", "客户盘点，约定后天再来。"),
    prospects=("新开业连锁便利店", "园区新入驻科技公司", "区政府采购中心", "社区团购站点"),
    competitor=(
        "竞争对手在本区推出买十送一活动，部分经销商开始观望。",
        "竞品复印纸报价比我们低 3 元/箱，客户拿来压价。",
        "听说竞争对手下月上新款碎纸机，已在重点客户处预热。",
        "竞品业务员本周密集拜访我们的两家老客户。",
        "",
        "",
    ),
    feedback=(
        "客户希望账期从 30 天延长到 45 天。",
        "客户对送货速度满意，但希望能提供电子对账单。",
        "采购经理反映部分耗材规格不全，建议补齐型号。",
        "客户认为新品价格偏高，需要更多促销支持。",
        "老客户对售后响应速度给予肯定。",
        "",
    ),
    learnings=(
        "拜访前先确认决策人时间，可以减少无效拜访。",
        "回款要提前一周提醒，月底集中催收效果差。",
        "介绍新品时带样品，客户更容易下单。",
        "按区域排路线，一天能多跑一家客户。",
        "处理投诉先倾听再解释，客户情绪明显缓和。",
        "",
    ),
    complaints=("", "", "", "", "处理一起包装破损投诉，已安排补发。", "客户投诉发票开错，已联系财务重开。"),
    review_comments=(
        "回款跟进得很好，继续保持。",
        "新客户的需求要尽快形成报价，别拖。",
        "竞品降价信息很重要，明天早会上讲一下。",
        "拜访量够了，但有效拜访偏少，下周重点见决策人。",
        "投诉处理及时，值得表扬。",
        "日报写得清楚，客户反馈转给产品部。",
        "注意按时提交日报。",
    ),
    market=(
        (
            "price",
            "urgent",
            "竞品复印纸全面降价 8%",
            "主要竞品从本周起对 A4 复印纸降价约 8%，已有两家经销商要求我们跟进价格。",
        ),
        (
            "product",
            "normal",
            "竞争对手发布新款碎纸机",
            "竞争对手在展会上发布静音碎纸机，价格与我们主推型号接近，预计下月到货。",
        ),
        (
            "channel",
            "urgent",
            "经销商跨区低价窜货",
            "发现外区经销商以低于指导价 10% 向本区客户供货，影响本区经销商积极性。",
        ),
        (
            "competitor",
            "normal",
            "竞品业务员集中拜访我方重点客户",
            "本周竞品团队连续拜访我们三家重点客户，提供免费试用和延长账期。",
        ),
        (
            "policy",
            "normal",
            "政府采购改为电子商城集中采购",
            "区政府采购中心通知下季度起办公用品通过电子商城下单，需尽快完成入驻。",
        ),
        ("price", "normal", "纸浆涨价，客户询问是否调价", "多家客户询问明年是否调价，希望提前锁定价格。"),
        (
            "channel",
            "normal",
            "电商平台低价影响门店销售",
            "部分门店反映电商平台同款耗材价格低于门店，顾客到店比价后流失。",
        ),
    ),
    responses=(
        "已收到，本周内和市场部商量应对方案。",
        "先稳住重点客户，价格政策周五前答复。",
        "已上报销售总监，请继续收集具体的价格和客户名单。",
    ),
)

EN = Texts(
    cost_scale=0.25,
    plan_notes=(
        "Morning in the city centre, quotes in the afternoon.",
        "Collections first this week.",
        "",
        "",
    ),
    approve_comments=(
        "Approved. Collections first.",
        "Fine, see the decision maker this time.",
        "Good route.",
    ),
    return_comments=(
        "The purposes are too vague: say what each visit should achieve and resubmit.",
        "Add the two overdue accounts to this plan, please.",
    ),
    purpose_notes={
        "new_customer": ("First call: buying process and decision maker.",),
        "market_research": ("Check shelf prices nearby.",),
        "collection": ("Collect last month's invoices.",),
        "service": ("Routine call: stock and display.",),
        "complaint": ("Follow up the late delivery complaint.",),
        "order": ("Top-up order for the month.",),
        "other": ("Joint visit with the area manager.",),
    },
    results={
        "new_customer": ("Met the buyer; samples next week.", "Asked for a quote first."),
        "market_research": ("A competitor cut prices by about 5%.",),
        "collection": ("Payment promised this week.", "Part paid, the rest by month end."),
        "service": ("Stock fine, customer satisfied.",),
        "complaint": ("Apologised, replacement booked; customer satisfied.",),
        "order": ("Order confirmed on site.",),
        "other": ("Budget for next year roughly agreed.",),
    },
    not_met=("Contact out of office.", "Buyer in a meeting; rebooked."),
    postponed=("Customer asked for next week.", "Stocktake day; coming back on Thursday."),
    prospects=("New convenience chain outlet", "Start-up in the business park"),
    competitor=("A competitor offers 10+1 on copy paper.", "", ""),
    feedback=("Asks for 45-day terms.", "Happy with delivery times.", ""),
    learnings=("Confirm the decision maker's time before going.", ""),
    complaints=("", "", "", "Damaged carton replaced."),
    review_comments=(
        "Good follow-up on collections.",
        "More effective visits next week, please.",
        "Noted, thanks.",
    ),
    market=(
        ("price", "urgent", "Competitor cuts copy paper prices by 8%", "Two dealers ask us to match."),
        (
            "channel",
            "normal",
            "Parallel imports below list price",
            "A dealer from another area undercuts ours.",
        ),
        ("product", "normal", "Competitor launches a quiet shredder", "Priced close to our best seller."),
    ),
    responses=("Noted; pricing answer by Friday.", "Escalated; keep collecting names and prices."),
)

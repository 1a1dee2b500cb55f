"""Fill locale/zh_Hans/LC_MESSAGES/django.po from the glossary-checked table below.

Run after `manage.py makemessages -l zh_Hans ...`: it sets every msgstr it knows, drops fuzzy flags,
and lists the msgids it has no translation for (exit status 1 when any is missing).
"""

import ast
import re
import sys
from pathlib import Path

PO = Path(__file__).with_name("zh_Hans") / "LC_MESSAGES" / "django.po"

ZH = {
    # ---- navigation and shell
    "Sales management": "销售管理",
    "Skip to content": "跳到正文",
    "Menu": "菜单",
    "Main navigation": "主导航",
    "Dashboard": "工作台",
    "My customers": "我的客户",
    "Customers": "客户",
    "Orders": "订单",
    "Collections": "回款",
    "Team": "团队",
    "Settings": "设置",
    "Switch organisation": "切换企业",
    "Preferences": "偏好设置",
    "Change password": "修改密码",
    "Log out": "退出登录",
    "Language": "语言",
    "language": "语言",
    "English": "English",
    "Simplified Chinese": "简体中文",
    "Times in %(tz)s · amounts in %(cur)s": "时间按 %(tz)s 显示 · 金额单位 %(cur)s",
    "Your preferences have been saved.": "偏好设置已保存。",
    "Choose an organisation": "选择企业",
    "You are not a member of any organisation yet.": "您还不属于任何企业。",
    "Ask your administrator to invite you.": "请联系管理员邀请您加入。",
    "Back": "返回",
    "Save": "保存",
    "Cancel": "取消",
    "Edit": "编辑",
    "Filter": "筛选",
    "Reset": "重置",
    "Remove": "移除",
    "Search": "搜索",
    "All": "全部",
    "Continue": "继续",
    "Details": "详细信息",
    "Summary": "摘要",
    "Please correct the errors below.": "请更正下列错误。",
    "Pagination": "分页",
    "%(start)s–%(end)s of %(total)s": "第 %(start)s–%(end)s 条，共 %(total)s 条",
    "Previous": "上一页",
    "Next": "下一页",
    # ---- sign-in and passwords
    "Sign in": "登录",
    "Forgot your password?": "忘记密码？",
    "Password changed": "密码已修改",
    "Your password has been changed.": "您的密码已修改。",
    "Password set": "密码已设置",
    "Your new password has been set. You can sign in now.": "新密码已设置，现在可以登录了。",
    "Choose a new password": "设置新密码",
    "Set password": "设置密码",
    "This link is no longer valid": "此链接已失效",
    "The password reset link was invalid, possibly because it has already been used. Please request a new one.": "密码重置链接无效，可能已被使用过。请重新申请。",
    "Request a new link": "重新申请链接",
    "Check your email": "请查收邮件",
    "If an account exists with the address you entered, we have sent instructions for setting a new password. It should arrive in a few minutes.": "如果该邮箱地址对应一个账号，我们已发送设置新密码的说明，几分钟内即可收到。",
    "Back to sign in": "返回登录",
    "Hello %(username)s,\n\nsomeone (hopefully you) asked to reset the password of your salesmgmt account. Open this link to choose a new one:": "%(username)s，您好：\n\n有人（希望是您本人）申请重置您的 salesmgmt 账号密码。请打开以下链接设置新密码：",
    "If you did not ask for this, ignore this email: your password stays as it is.": "如果这不是您本人的操作，请忽略此邮件，您的密码不会改变。",
    "Reset password": "重置密码",
    "Enter the email address of your account and we will send you a link to choose a new password.": "请输入账号的邮箱地址，我们会发送一个设置新密码的链接。",
    "Send reset link": "发送重置链接",
    "Reset your salesmgmt password": "重置您的 salesmgmt 密码",
    "Unable to log in with the given credentials.": "用户名或密码不正确，无法登录。",
    # ---- customers
    "Key accounts": "大客户",
    "Other customers": "其他客户",
    "Code, name or phone": "编码、名称或电话",
    "Account manager": "客户经理",
    "account manager": "客户经理",
    "Region": "区域",
    "region": "区域",
    "regions": "区域",
    "Segment": "客户类型",
    "segment": "客户类型",
    "Status": "状态",
    "status": "状态",
    "Key account": "大客户",
    "key account": "大客户",
    "A customer with this code already exists.": "已存在使用此编码的客户。",
    "Retail outlet": "零售网点",
    "Dealer / distributor": "经销商 / 分销商",
    "Enterprise": "企业客户",
    "Public sector": "公共部门",
    "Other": "其他",
    "Prospect": "潜在客户",
    "Active": "活跃",
    "Dormant": "休眠",
    "Lost": "已流失",
    "customer code": "客户编码",
    "name": "名称",
    "address": "地址",
    "phone": "电话",
    "latitude": "纬度",
    "longitude": "经度",
    "notes": "备注",
    "first order": "首次下单",
    "last order": "最近下单",
    "customer": "客户",
    "customers": "客户",
    "title": "职务",
    "email": "电子邮箱",
    "birthday": "生日",
    "primary contact": "主要联系人",
    "contact": "联系人",
    "contacts": "联系人",
    "Visit": "拜访",
    "Phone call": "电话",
    "Email": "电子邮件",
    "Meeting": "会议",
    "Message": "消息",
    "Note": "备注",
    "kind": "类型",
    "when": "时间",
    "subject": "主题",
    "interaction": "客户互动",
    "interactions": "客户互动",
    "Your role may not change records.": "您的角色不能修改记录。",
    "Unknown member.": "未知成员。",
    "You may not assign records to this member.": "您不能把记录分配给该成员。",
    "Unknown record.": "未知记录。",
    "You may not change records of this customer.": "您不能修改该客户的记录。",
    "This contact belongs to another customer.": "该联系人属于另一个客户。",
    "The customer was not saved. Please correct the errors below.": "客户未保存，请更正下列错误。",
    "You may not make this change.": "您无权进行此修改。",
    "Customer %(name)s was created.": "客户 %(name)s 已创建。",
    "Customer %(name)s was saved.": "客户 %(name)s 已保存。",
    "Customer": "客户",
    "Code": "编码",
    "Last order": "最近下单",
    "First order": "首次下单",
    "No customers match these filters.": "没有符合筛选条件的客户。",
    "Clear the filters": "清除筛选条件",
    "No customers yet.": "还没有客户。",
    "Add the first customer": "添加第一个客户",
    "Timeline": "互动记录",
    "%(counter)s interaction": "%(counter)s 条互动",
    "No interactions recorded yet.": "还没有互动记录。",
    "Customer code": "客户编码",
    "Phone": "电话",
    "Address": "地址",
    "Notes": "备注",
    "Contacts": "联系人",
    "Primary contact": "主要联系人",
    "No contacts yet.": "还没有联系人。",
    "Recent orders": "最近订单",
    "All orders": "全部订单",
    "No orders yet.": "还没有订单。",
    "Recent collections": "最近回款",
    "All collections": "全部回款",
    "Order": "订单",
    "No collections yet.": "还没有回款。",
    "Edit customer": "编辑客户",
    "New customer": "新建客户",
    # ---- organisation
    "Organisation structure": "组织架构",
    "parent team": "上级团队",
    "team lead": "团队负责人",
    "team": "团队",
    "teams": "团队",
    "code": "编码",
    "parent region": "上级区域",
    "This would make a loop in the hierarchy.": "这会在层级结构中形成循环。",
    "The manager must belong to the same organisation.": "上级必须属于同一企业。",
    "This would make a loop in the reporting line.": "这会在汇报关系中形成循环。",
    "Member": "成员",
    "Role": "角色",
    "Nobody reports to you yet.": "还没有向您汇报的成员。",
    # ---- sales
    "Sales": "销售",
    "From": "开始日期",
    "To": "结束日期",
    "The start date must not be after the end date.": "开始日期不能晚于结束日期。",
    "Order number": "订单号",
    "Method": "付款方式",
    "method": "付款方式",
    "product category": "产品类别",
    "product categories": "产品类别",
    "SKU": "SKU 编码",
    "category": "类别",
    "unit": "单位",
    "list price": "标价",
    "unit cost": "单位成本",
    "active": "启用",
    "product": "产品",
    "products": "产品",
    "Confirmed": "已确认",
    "Cancelled": "已取消",
    "order number": "订单号",
    "order date": "下单日期",
    "amount": "金额",
    "cost": "成本",
    "gross margin": "毛利",
    "note": "备注",
    "order": "订单",
    "orders": "订单",
    "quantity": "数量",
    "unit price": "单价",
    "Bank transfer": "银行转账",
    "Cash": "现金",
    "Cheque": "支票",
    "Mobile payment": "移动支付",
    "received on": "回款日期",
    "reference": "凭证号",
    "payment": "回款",
    "payments": "回款",
    "Only administrators and sales managers may change the catalogue.": "只有管理员和销售经理可以修改产品目录。",
    "This code is taken.": "此编码已被使用。",
    "A product with this SKU exists.": "已存在使用此 SKU 的产品。",
    "An order needs at least one line.": "订单至少需要一行明细。",
    "Unknown product.": "未知产品。",
    "An order with this number already exists.": "已存在使用此订单号的订单。",
    "You may not change this order.": "您不能修改此订单。",
    "This order is already cancelled.": "此订单已取消。",
    "You may not change this payment.": "您不能修改此回款。",
    "This number appears more than once in the batch.": "此编号在本批数据中出现了不止一次。",
    "This order belongs to another customer.": "此订单属于另一个客户。",
    "Order date": "下单日期",
    "Amount": "金额",
    "No orders match these filters.": "没有符合筛选条件的订单。",
    "Received on": "回款日期",
    "Reference": "凭证号",
    "No collections match these filters.": "没有符合筛选条件的回款。",
    "Welcome, %(name)s": "欢迎，%(name)s",
    "Figures for %(month)s": "%(month)s 数据",
    "%(counter)s key account": "%(counter)s 个大客户",
    "Orders this month": "本月订单",
    "confirmed orders": "已确认订单",
    "Revenue this month": "本月销售额",
    "Gross margin": "毛利",
    "Collections this month": "本月回款",
    "%(counter)s payment": "%(counter)s 笔回款",
    "Order lines": "订单明细",
    "Product": "产品",
    "Quantity": "数量",
    "Unit price": "单价",
    "This order has no lines.": "此订单没有明细。",
    "Cost": "成本",
    "No collections against this order yet.": "此订单还没有回款。",
    # ---- API and tenancy
    'Invalid pk "%(pk)s" - object does not exist.': '无效的主键 "%(pk)s"：对象不存在。',
    "A non-empty list of rows is required.": "需要一个非空的数据行列表。",
    "At most %(n)d rows per call.": "每次调用最多 %(n)d 行。",
    "salesmgmt administration": "salesmgmt 管理后台",
    "Organisation settings": "企业设置",
    "The organisation's slug.": "企业的标识（slug）。",
    "A label for the token.": "令牌的名称。",
    "No such organisation.": "没有这个企业。",
    "This record is still referenced by other records and cannot be deleted.": "此记录仍被其他记录引用，无法删除。",
    "This conflicts with an existing record.": "这与已有记录冲突。",
    "At most 200 characters.": "最多 200 个字符。",
    "This Idempotency-Key was already used with a different request.": "此 Idempotency-Key 已用于另一个不同的请求。",
    "Organisations": "企业",
    "Invalid token header.": "令牌请求头无效。",
    "Invalid token.": "令牌无效。",
    "Token has expired.": "令牌已过期。",
    "This account is disabled.": "此账号已停用。",
    "Unknown time zone: %(tz)s": "未知时区：%(tz)s",
    "slug": "标识",
    "Lowercase letters, digits and dashes.": "小写字母、数字和连字符。",
    "time zone": "时区",
    "currency": "币种",
    "default language": "默认语言",
    "daily report deadline": "日报截止时间",
    "visit plan cut-off": "拜访计划截止时间",
    "check-in radius (m)": "签到半径（米）",
    "organisation": "企业",
    "organisations": "企业",
    "Administrator": "管理员",
    "Sales manager": "销售经理",
    "Viewer": "只读用户",
    "role": "角色",
    "reports to": "汇报对象",
    "display name": "显示名称",
    "employee number": "工号",
    "membership": "成员",
    "memberships": "成员",
    "API token": "API 令牌",
    # ---- targets and KPIs
    "Targets and KPIs": "目标与考核指标",
    "Revenue": "销售额",
    "Active customers": "活跃客户",
    "Key-account revenue": "大客户销售额",
    "New customers": "新客户",
    "Customers of the previous period": "上期客户",
    "Retained customers": "留存客户",
    "Key-account revenue share": "大客户销售额占比",
    "Retention rate": "客户留存率",
    "Unknown metric: %(code)s": "未知考核指标：%(code)s",
    "Unknown period grain: %(grain)s": "未知周期粒度：%(grain)s",
    "Unknown dimension: %(by)s": "未知维度：%(by)s",
    "The end is before the start.": "结束时间早于开始时间。",
    "%(metric)s cannot be sliced by %(by)s.": "%(metric)s 不能按 %(by)s 细分。",
    "%(metric)s cannot be filtered by %(key)s.": "%(metric)s 不能按 %(key)s 筛选。",
    "Filters must be an object.": "筛选条件必须是一个对象。",
    "Unknown filter.": "未知筛选条件。",
    "This metric's facts cannot be filtered by %(what)s.": "该考核指标的数据不能按 %(what)s 筛选。",
    "Unknown segment.": "未知客户类型。",
    "Must be true or false.": "必须为 true 或 false。",
    "Must be a non-empty list of ids.": "必须是非空的 ID 列表。",
    "Unknown ids: %(ids)s": "未知 ID：%(ids)s",
    "base metric": "基础考核指标",
    "filters": "筛选条件",
    "description": "说明",
    "custom KPI": "自定义考核指标",
    "custom KPIs": "自定义考核指标",
    "Week": "周",
    "Month": "月",
    "Quarter": "季度",
    "Year": "年",
    "Organisation": "企业",
    "Draft": "草稿",
    "Proposed": "已提交",
    "Approved": "已批准",
    "Locked": "已锁定",
    "None": "无",
    "Product category": "产品类别",
    "metric": "考核指标",
    "owner": "负责人",
    "period": "周期",
    "period start": "周期开始",
    "dimension": "维度",
    "target value": "目标值",
    "specific statement": "具体目标描述",
    "serves target": "服务于上级目标",
    "achievability warning": "可实现性提示",
    "justification": "理由说明",
    "target": "目标",
    "targets": "目标",
    "reason": "原因",
    "This code belongs to a built-in metric.": "此编码属于内置考核指标。",
    "A metric with this code already exists.": "已存在使用此编码的考核指标。",
    "You may not set targets for this owner.": "您不能为该负责人设定目标。",
    "A rep target names its account manager.": "客户经理目标必须指定客户经理。",
    "A team target names its team.": "团队目标必须指定团队。",
    "A %(grain)s period starts on %(day)s.": "%(grain)s周期从 %(day)s 开始。",
    "Only the target's dimension may be set.": "只能设置该目标的维度。",
    "Choose the %(dimension)s.": "请选择%(dimension)s。",
    "A target is not negative.": "目标值不能为负数。",
    "A target cannot serve itself.": "目标不能服务于自身。",
    "A child target measures its parent's metric.": "子目标必须使用上级目标的考核指标。",
    "A child target's period lies within its parent's.": "子目标的周期必须在上级目标的周期之内。",
    "Far above history: last year %(ly).2f, run-rate %(rr).2f.": "远高于历史水平：去年 %(ly).2f，当前趋势 %(rr).2f。",
    "Below history: last year %(ly).2f, run-rate %(rr).2f.": "低于历史水平：去年 %(ly).2f，当前趋势 %(rr).2f。",
    "An approved target is returned to draft before it changes.": "已批准的目标需先退回草稿才能修改。",
    "A change to a locked target needs a reason.": "修改已锁定的目标需要填写原因。",
    "Unknown action.": "未知操作。",
    "Cannot %(action)s a target that is %(status)s.": "状态为%(status)s的目标不能执行%(action)s。",
    "Justify the value against history: %(w)s": "请结合历史数据说明目标值的理由：%(w)s",
    "Only the manager above the owner may do this.": "只有负责人的上级经理可以执行此操作。",
    "The children miss the parent by %(gap)s.": "子目标合计与上级目标相差 %(gap)s。",
    "Give at least one child.": "请至少提供一个子目标。",
    "Give one value per child.": "请为每个子目标提供一个值。",
    "The children sum to %(sum)s, not %(parent)s.": "子目标合计为 %(sum)s，而不是 %(parent)s。",
    "A seasonal profile has twelve non-negative monthly weights.": "季节性分布需要十二个非负的月度权重。",
    "Unknown allocation method.": "未知的分配方法。",
}

# "Account manager" as a role (Role.REP) has the same msgid as the field label: both are 客户经理.


def _unquote(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def _quote(text: str) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    if "\\n" in body[:-2]:
        parts = re.split(r"(?<=\\n)", body)
        return '""\n' + "\n".join(f'"{p}"' for p in parts if p)
    return f'"{body}"'


def fill(path: Path = PO) -> list[str]:
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    out, missing = [], []
    for i, block in enumerate(blocks):
        lines = block.strip("\n").splitlines()
        comments = [ln for ln in lines if ln.startswith("#")]
        if i == 0:  # the header: no fuzzy, a real language
            text = "\n".join(ln for ln in lines if ln != "#, fuzzy")
            for old, new in (
                ("Language: ", "Language: zh_Hans"),
                ("Project-Id-Version: PACKAGE VERSION", "Project-Id-Version: salesmgmt"),
                ("PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE", "PO-Revision-Date: 2026-11-23 16:00+0000"),
                ("Last-Translator: FULL NAME <EMAIL@ADDRESS>", "Last-Translator: salesmgmt team"),
                ("Language-Team: LANGUAGE <LL@li.org>", "Language-Team: zh-hans"),
            ):
                text = text.replace(f'"{old}\\n"', f'"{new}\\n"')
            out.append(text)
            continue
        if all(ln.startswith("#~") for ln in lines):  # obsolete entries: drop
            continue
        fields: dict[str, list[str]] = {}
        current = None
        for ln in lines:
            if ln.startswith("#"):
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', ln)
            if m:
                current = m[1]
                fields[current] = [m[2]]
            elif ln.startswith('"') and current:
                fields[current].append(ln)
        msgid = _unquote(fields["msgid"])
        zh = ZH.get(msgid)
        if zh is None:
            missing.append(msgid)
            zh = ""
        comments = [
            c.replace("#, fuzzy, ", "#, ").replace(", fuzzy", "") for c in comments if c != "#, fuzzy"
        ]
        entry = list(comments)
        if "msgctxt" in fields:
            entry.append("msgctxt " + _quote(_unquote(fields["msgctxt"])))
        entry.append("msgid " + _quote(msgid))
        if "msgid_plural" in fields:
            entry.append("msgid_plural " + _quote(_unquote(fields["msgid_plural"])))
            entry.append("msgstr[0] " + _quote(zh))
        else:
            entry.append("msgstr " + _quote(zh))
        out.append("\n".join(entry))
    path.write_text("\n\n".join(out) + "\n", encoding="utf-8")
    return missing


if __name__ == "__main__":
    missing = fill()
    for msgid in missing:
        print("missing translation:", repr(msgid))
    sys.exit(1 if missing else 0)

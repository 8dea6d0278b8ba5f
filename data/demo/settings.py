"""The numbers that shape the demo province 示范省: case types and their limits, cities, courts with
traits (a worsening court, an improving one, …), divisions, causes, names, and the rates that size
each kind of case. Everything is invented; `province` and `process` draw from these.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from schema import codes


START = dt.date(2023, 1, 1)
SOURCE = "示范省演示数据 synthetic demo"

TYPES = list(codes.CASE_TYPES)
PROCS = list(codes.PROCEDURES)
METHODS = list(codes.CLOSING_METHODS)
TY = {t: i for i, t in enumerate(TYPES)}
PR = {p: i for i, p in enumerate(PROCS)}
ME = {m: i for i, m in enumerate(METHODS)}
NA = -1  # missing date / method / origin in the int arrays

# Time limit and the extension usually approved, by (type, procedure), as lookup arrays.
LIMIT = np.zeros((len(TYPES), len(PROCS)), np.int32)
for (_t, _p), _d in codes.TIME_LIMITS.items():
    LIMIT[TY[_t], PR[_p]] = _d
EXTENSION = np.zeros_like(LIMIT)
for (_t, _p), _d in {
    ("民初", "普通程序"): 180, ("行初", "普通程序"): 90, ("刑初", "普通程序"): 30, ("民终", "第二审程序"): 90,
    ("行终", "第二审程序"): 90, ("刑终", "第二审程序"): 30, ("民申", "审查程序"): 90, ("民再", "再审程序"): 180,
    ("执", "执行程序"): 90, ("执恢", "执行程序"): 90,
}.items():
    EXTENSION[TY[_t], PR[_p]] = _d
# Procedure conversions when a case outgrows its limit (小额 → 简易 → 普通, 速裁 → 简易 → 普通).
CONVERSIONS = {
    TY["民初"]: [("小额诉讼程序", 60), ("简易程序", 90), ("普通程序", None)],
    TY["刑初"]: [("速裁程序", 10), ("简易程序", 20), ("普通程序", None)],
    TY["行初"]: [("简易程序", 45), ("普通程序", None)],
}

# Spring Festival (春节) dates; filings dip around them and the week after is a holiday.
SPRING_FESTIVAL = [
    "2023-01-22", "2024-02-10", "2025-01-29", "2026-02-17", "2027-02-06", "2028-01-26", "2029-02-13",
    "2030-02-03", "2031-01-23", "2032-02-11", "2033-01-31", "2034-02-19", "2035-02-08",
]

# The province: intermediate courts (code, city) and their basic courts (district or county,
# population). All names are invented.
CITIES = [
    ("示01", "明湖市", [("湖滨区", 1_280_000), ("城关区", 960_000), ("新港区", 740_000), ("东渡区", 520_000),
                       ("柳溪县", 410_000), ("望川县", 260_000)]),
    ("示02", "青岚市", [("岚山区", 1_100_000), ("云台区", 680_000), ("鹤鸣县", 450_000), ("枫岭县", 330_000),
                       ("桐川县", 220_000)]),
    ("示03", "南屿市", [("海湾区", 1_450_000), ("屿城区", 870_000), ("梧峰县", 390_000), ("槐渡县", 300_000),
                       ("杉湖县", 240_000)]),
    ("示04", "北汀市", [("汀州区", 900_000), ("北塘区", 610_000), ("芷原县", 470_000), ("蒲川县", 350_000),
                       ("雁回县", 205_000)]),
]
ADMIN_BASIC = {"示0102", "示0103", "示0201", "示0302", "示0401"}  # basic courts with a 行政庭 (集中管辖)
WORSENING = "示0203"   # gets slower, more reversals, less mediation, more 终本 from 2023 to 2026
IMPROVING = "示0301"   # the opposite
WORSE_ENFORCEMENT = "示0104"  # 终本 share climbs
SLOW_TRANSFER = {"示0105", "示0402"}  # slow to send appeals up
WEAK_REVIEW = "示0203"  # reviews fewer of its 四类案件
MORE_CONVERSIONS = {"示0203"}  # turns many more summary cases into ordinary ones
# Positions of the judges list: who leads a court, in the divisions they sit in (first free judge).
PRESIDENT_DIVS = ["民一庭", "刑事审判庭", "民二庭"]
VICE_DIVS = ["刑事审判庭", "民二庭", "执行局", "民一庭", "行政庭", "审判监督庭"]
COMMITTEE_DIVS = ["审判监督庭", "行政庭", "民二庭", "刑事审判庭"]
CASELOAD = {"院长": 0.3, "副院长": 0.45, "审委会专职委员": 0.55, "庭长": 0.65, "副庭长": 0.8}  # of a judge's
IDLE_VICE_PRESIDENTS = {"示0202", "示03"}  # a vice-president who closes no case
BACKLOG_JUDGES = [("示0102", "民二庭"), ("示0302", "民一庭")]  # the first judge of each keeps old cases
TRIBUNALS = ["城郊", "东关", "河西", "新集", "桥头", "马坊", "白沙", "青山", "龙泉", "石桥", "杨柳", "南湖", "北岗",
             "西塘", "田庄", "沙河", "柏林", "红旗", "三里", "五桥"]

DIV_PREMEDIATION = "诉讼服务中心"  # 立案庭 / 诉讼服务中心 of a basic court: pre-filing mediation, quick small claims
BASIC_DIVS = [(DIV_PREMEDIATION, 1.2), ("刑事审判庭", 2.0), ("民一庭", 3.0), ("民二庭", 2.6), ("行政庭", 1.5),
              ("执行局", 3.0)]
INTERMEDIATE_DIVS = [("立案庭", 2), ("刑事审判庭", 3), ("民一庭", 4), ("民二庭", 4), ("行政庭", 2), ("审判监督庭", 2),
                     ("执行局", 3)]
HIGH_DIVS = [("审判监督庭", 3), ("民一庭", 3), ("刑事审判庭", 2), ("行政庭", 2), ("执行局", 2)]

# Civil causes: (name, share, 1 = 民一庭 family/labour/tort or 2 = 民二庭 contract/commerce, mediation factor)
CIVIL_CAUSES = [
    ("民间借贷纠纷", 14, 2, 0.8), ("买卖合同纠纷", 12, 2, 0.9), ("金融借款合同纠纷", 9, 2, 0.5),
    ("信用卡纠纷", 6, 2, 0.4), ("离婚纠纷", 10, 1, 1.6), ("机动车交通事故责任纠纷", 9, 1, 1.4),
    ("劳动争议", 6, 1, 1.2), ("物业服务合同纠纷", 6, 1, 1.0), ("房屋租赁合同纠纷", 4, 2, 1.0),
    ("建设工程施工合同纠纷", 3, 2, 0.9), ("服务合同纠纷", 3, 2, 1.0), ("追索劳动报酬纠纷", 3, 1, 1.3),
    ("生命权、身体权、健康权纠纷", 3, 1, 1.2), ("继承纠纷", 2, 1, 1.3), ("抚养纠纷", 2, 1, 1.5),
    ("借款合同纠纷", 3, 2, 0.7), ("房屋买卖合同纠纷", 2, 2, 0.9), ("劳务合同纠纷", 2, 1, 1.1),
    ("保险纠纷", 1, 2, 0.8), ("股权转让纠纷", 1, 2, 0.7), ("合伙合同纠纷", 1, 2, 1.0),
]
CRIMINAL_CAUSES = [
    ("危险驾驶罪", 22), ("盗窃罪", 15), ("帮助信息网络犯罪活动罪", 12), ("诈骗罪", 10), ("故意伤害罪", 7),
    ("开设赌场罪", 5), ("交通肇事罪", 5), ("寻衅滋事罪", 5), ("走私、贩卖、运输、制造毒品罪", 5),
    ("非法吸收公众存款罪", 3), ("掩饰、隐瞒犯罪所得、犯罪所得收益罪", 4), ("妨害公务罪", 3), ("职务侵占罪", 2),
    ("组织、领导传销活动罪", 2),
]
ADMIN_CAUSES = [
    ("行政处罚", 25), ("行政强制", 12), ("行政许可", 8), ("政府信息公开", 12), ("行政协议", 8), ("行政赔偿", 6),
    ("工伤认定", 12), ("房屋征收补偿", 10), ("行政不作为", 7),
]
OTHER_CAUSES = ["执行异议", "执行复议"]
CAUSES = [c[0] for c in CIVIL_CAUSES] + [c[0] for c in CRIMINAL_CAUSES] + [c[0] for c in ADMIN_CAUSES] + OTHER_CAUSES
CA = {c: i for i, c in enumerate(CAUSES)}
CIVIL_GROUP = np.zeros(len(CAUSES), np.int8)
CAUSE_MEDIATION = np.ones(len(CAUSES))
for _name, _w, _g, _m in CIVIL_CAUSES:
    CIVIL_GROUP[CA[_name]] = _g
    CAUSE_MEDIATION[CA[_name]] = _m

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
                "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国晓燕文斌婷宇浩凯佳欣怡雪梅琳丹楠晨阳彬峰琴云莉倩颖"
             "志海波宁思雨瑶嘉航昊哲琪璐慧")

# Sizes: root cases per 民初 root (the rest follows from the rates below)
PREMEDIATION_PER_CIVIL = 0.15
CRIMINAL_PER_CIVIL = 0.095
ADMIN_PER_CIVIL = 0.02
ENFORCEMENT_ROOTS_PER_CIVIL = 0.14
ROWS_PER_CIVIL_ROOT = 1.72  # all rows written per 民初 root, measured; the size is corrected once if off
DUCKDB_MEMORY_MB = 2000  # the build connection's memory limit (DuckDB spills beyond it): ~2.8 GB peak at 10M cases
DUCKDB_MEMORY_MB_LARGE = 4000  # from 50M cases, so the joins and the sort of `cases` spill less (100M: 11.6 GB peak in all)
# Letters and visits (spec v3): about one per 40 cases; shares of threads (one petitioner's visits)
VISITS_PER_CASE = 1 / 40
VISIT_NO_CASE_SHARE = 0.15   # name no stored case: counted for the registering court only
VISIT_OLD_CASE_SHARE = 0.04  # of all, taken from those: name a case from before the data (not stored)
VISIT_SKIP_LEVEL = 0.06      # 越级 (twice as often on a petitioner's return)
VISIT_HOT_COURTS = {"示0203": 2.2, "示0104": 1.8, "示0401": 1.6, "示0301": 0.5}  # 访源 factors (others drawn)

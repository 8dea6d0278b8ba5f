"""The indicator catalogue: every indicator of spec/indicators.md, defined once.

Each indicator names the base aggregates (computed by engine.BASE_SQL) that make its
numerator and denominator; `kind` says how they combine:
  count   value = numerator, no denominator
  ratio   value = numerator ÷ denominator (none when the denominator is 0)
  mean    value = sum ÷ count (same arithmetic as ratio; numerator is a sum)
  per10k  value = numerator × 10000 ÷ denominator
  balance 结案均衡度 from monthly closings, no numerator or denominator
Pages, CLI, briefing and the definitions page all read this list.
"""
from __future__ import annotations

from dataclasses import dataclass

GROUPS = {
    "volume": ("收结存", "Volume"),
    "efficiency": ("效率", "Efficiency"),
    "quality": ("质量", "Quality"),
    "effect": ("效果", "Effect"),
    "enforcement": ("执行", "Enforcement"),
    "source": ("一站式与诉源治理", "One-stop and source governance"),
}


@dataclass(frozen=True)
class Indicator:
    id: str
    zh: str
    en: str
    group: str
    kind: str
    numerator: str | None
    denominator: str | None
    direction: str  # "higher" | "lower" | "none"
    unit: str  # "件" count, "%" rate, "天" days, "x" plain ratio, "‱" per 10k, "" index
    formula_zh: str
    formula_en: str

    def name(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def is_rate(self) -> bool:
        """Rates (values between 0 and 1) change in percentage points; the rest relatively."""
        return self.unit == "%"


def _i(*args) -> Indicator:
    return Indicator(*args)


CATALOGUE: list[Indicator] = [
    _i("received", "新收", "cases received", "volume", "count", "received", None, "none", "件",
       "期内立案的受理案件数", "counted cases filed in the period"),
    _i("carried_over", "旧存", "carried over", "volume", "count", "carried_over", None, "none", "件",
       "期初前立案、期初时未结的案件数", "filed before the start and not closed before it"),
    _i("closed", "已结", "cases closed", "volume", "count", "closed", None, "none", "件",
       "期内结案的受理案件数", "counted cases closed in the period"),
    _i("pending", "未结", "pending at end", "volume", "count", "pending", None, "none", "件",
       "期末未结案件数（旧存＋新收－已结）", "pending at the end (carried over + received − closed)"),
    _i("clearance_ratio", "结收比", "clearance ratio", "efficiency", "ratio", "closed", "received", "higher", "x",
       "已结 ÷ 新收", "closed ÷ received"),
    _i("closure_rate", "结案率", "closure rate", "efficiency", "ratio", "closed", "on_hand", "higher", "%",
       "已结 ÷（旧存＋新收）", "closed ÷ (carried over + received)"),
    _i("within_limit_rate", "审限内结案率", "closed within time limit", "efficiency", "ratio",
       "closed_within_limit", "closed", "higher", "%",
       "审限内结案数 ÷ 已结；审限内指（结案天数－扣除天数）≤ 审限＋延长天数",
       "closed with (days − deducted) ≤ limit + extension ÷ closed"),
    _i("avg_duration", "平均审理天数", "average days to close", "efficiency", "mean",
       "closed_days_sum", "closed", "lower", "天",
       "期内结案案件（结案日期－立案日期）的平均天数", "mean of (closed − filed) days over cases closed"),
    _i("over12m_pending", "超12个月未结案件数", "pending over 12 months", "efficiency", "count",
       "over12m_pending", None, "lower", "件",
       "期末未结且（期末－立案日期－扣除天数）> 365 天的案件数",
       "pending at the end with (end − filed − deducted) > 365 days"),
    _i("over12m_share", "超12个月未结案件占比", "share of pending over 12 months", "efficiency", "ratio",
       "over12m_pending", "pending", "lower", "%",
       "超12个月未结案件数 ÷ 未结", "pending over 12 months ÷ pending"),
    _i("closing_balance", "结案均衡度", "evenness of monthly closings", "efficiency", "balance",
       None, None, "higher", "",
       "max(0, 1 − 各月结案数标准差 ÷ 均值)，理想值 1；单月无值",
       "max(0, 1 − σ/μ of monthly closings); ideal 1; none for one month"),
    _i("closed_per_judge", "法官人均结案数", "cases closed per judge", "efficiency", "ratio",
       "closed", "judges_closing", "higher", "件",
       "已结 ÷ 期内有结案的承办法官人数", "closed ÷ distinct judges who closed cases"),
    _i("appeal_transfer_days", "上诉案件移送平均天数", "average days to transfer an appeal", "efficiency", "mean",
       "transfer_days_sum", "transferred", "lower", "天",
       "期内移送的一审上诉案件（移送日期－收到上诉状日期）的平均天数",
       "mean of (transferred − received) days over appeals transferred in the period"),
    _i("reversal_remand_rate", "一审被改判发回重审率", "first-instance judgments reversed or remanded", "quality",
       "ratio", "first_reversed", "first_closed", "lower", "%",
       "期内二审改判、发回重审的案件数（计入原审法院、部门、法官）÷ 期内一审结案数",
       "appeals closed reversed or remanded (attributed to the first-instance court, division and judge) ÷ first-instance cases closed"),
    _i("appeal_reverse_remand_ratio", "二审改判-发回重审比", "reversed : remanded on appeal", "quality", "ratio",
       "appeal_reversed", "appeal_remanded", "higher", "x",
       "二审改判数 ÷ 二审发回重审数", "appeals reversed ÷ appeals remanded"),
    _i("appeal_hearing_rate", "二审开庭率", "appeals decided after a hearing", "quality", "ratio",
       "appeal_heard", "appeal_closed", "higher", "%",
       "二审开庭审理的结案数 ÷ 二审结案数", "appeals closed after a hearing ÷ appeals closed"),
    _i("mediation_rate", "调解率", "mediation rate", "effect", "ratio", "civil_mediated", "civil_closed", "higher", "%",
       "民事一审调解结案数 ÷ 民事一审结案数", "民初 closed by mediation ÷ 民初 closed"),
    _i("withdrawal_rate", "撤诉率", "withdrawal rate", "effect", "ratio", "civil_withdrawn", "civil_closed", "none", "%",
       "民事一审撤诉结案数 ÷ 民事一审结案数", "民初 withdrawn ÷ 民初 closed"),
    _i("appeal_rate", "上诉率", "appeal rate", "effect", "ratio", "first_judged_appealed", "first_judged", "lower", "%",
       "判决结案的一审案件中被上诉的件数 ÷ 判决结案的一审案件数",
       "first-instance judgments with an appeal ÷ first-instance judgments"),
    _i("acceptance_rate", "一审服判息诉率", "first-instance judgments accepted", "effect", "ratio",
       "first_accepted", "first_closed", "higher", "%",
       "无上诉、申请再审、再审的一审结案数 ÷ 一审结案数",
       "first-instance cases with no appeal, petition or retrial ÷ first-instance cases closed"),
    _i("case_proceeding_ratio", "案-件比", "proceedings per dispute", "effect", "ratio",
       "proceedings", "first_closed", "lower", "x",
       "（一审结案数＋其衍生受理案件数）÷ 一审结案数，表示为 1 : x",
       "(first-instance cases closed + their counted descendants) ÷ first-instance cases closed, shown as 1 : x"),
    _i("enforcement_application_rate", "民事裁判申请执行率", "civil judgments that go to enforcement", "effect", "ratio",
       "civil_decided_enforced", "civil_decided", "lower", "%",
       "判决、调解结案的民事一审案件中进入执行的件数 ÷ 判决、调解结案的民事一审案件数",
       "民初 decided or mediated with a 执 case ÷ 民初 decided or mediated"),
    _i("exec_completion_rate", "执行完毕率", "enforcement completed", "enforcement", "ratio",
       "exec_completed", "exec_closed", "higher", "%",
       "执行完毕结案数 ÷ 执行结案数（执、执恢）", "closed as completed ÷ enforcement cases closed"),
    _i("exec_recovery_rate", "执行到位率", "amount recovered", "enforcement", "ratio",
       "exec_recovered", "exec_applied", "higher", "%",
       "执行到位金额 ÷ 申请执行标的额（期内执结案件）", "amount recovered ÷ amount applied, over enforcement cases closed"),
    _i("first_exec_termination_rate", "首执终本率", "first enforcement ended for lack of assets", "enforcement", "ratio",
       "first_exec_terminated", "first_exec_closed", "lower", "%",
       "首次执行终本结案数 ÷ 首次执行结案数", "执 closed by 终本 ÷ 执 closed"),
    _i("exec_on_time_with_assets_rate", "有财产可供执行案件法定期限内实际执结率", "cases with assets completed in the legal period",
       "enforcement", "ratio", "assets_on_time", "assets_closed", "higher", "%",
       "有财产案件中 180 天（加延长）内执行完毕的件数 ÷ 有财产可供执行的首执结案数",
       "cases with assets completed within 180 days (+ extension) ÷ 执 with assets closed"),
    _i("premediation_success_rate", "诉前调解成功率", "pre-filing mediation success", "source", "ratio",
       "pre_success", "pre_closed", "higher", "%",
       "诉前调解成功数 ÷ 诉前调解结案数", "民诉前调 successful ÷ 民诉前调 closed"),
    _i("premediation_avg_days", "诉前调解平均用时", "average days of pre-filing mediation", "source", "mean",
       "pre_days_sum", "pre_closed", "lower", "天",
       "诉前调解结案的平均天数", "mean days of 民诉前调 closed"),
    _i("premediation_diversion_rate", "诉前调解分流率", "disputes resolved before filing", "source", "ratio",
       "pre_success", "diversion_base", "higher", "%",
       "诉前调解成功数 ÷（诉前调解新收＋民初新收＋行初新收）",
       "民诉前调 successful ÷ (民诉前调 + 民初 + 行初 received)"),
    _i("lawsuits_per_10k", "万人起诉率", "lawsuits per 10,000 residents", "source", "per10k",
       "lawsuits", "population", "lower", "件/万人",
       "（有人口数的法院）民初＋行初新收 × 10000 ÷ 辖区常住人口",
       "民初 + 行初 received at courts with a population × 10000 ÷ their population"),
]
BY_ID: dict[str, Indicator] = {i.id: i for i in CATALOGUE}
IDS: list[str] = [i.id for i in CATALOGUE]


def get(indicator_id: str) -> Indicator:
    try:
        return BY_ID[indicator_id]
    except KeyError:
        raise KeyError(f"未知指标 / unknown indicator: {indicator_id}") from None

"""The indicator catalogue: every indicator of spec/indicators.md, defined once.

An indicator names the base measures (measures.py) of its numerator and denominator; `kind`
says how they combine:
  COUNT    value = numerator, no denominator
  RATIO    value = numerator ÷ denominator (none when the denominator is 0)
  MEAN     value = sum ÷ count (same arithmetic as RATIO; the numerator is a sum)
  PER10K   value = numerator × 10000 ÷ denominator
  BALANCE  结案均衡度 from the numerator's monthly counts; no numerator or denominator is output
It also declares how its value is shown (`format`), which cases a drill-down lists (`drill`:
those of its numerator or of its denominator) and the views it belongs to (`views`). Pages,
the briefing, the big screen, the command line and the definitions page all read this list;
none keeps a list of ids. The catalogue is checked when it loads (`validate`).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from . import measures, sources

GROUPS = {
    "volume": ("收结存", "Volume"),
    "efficiency": ("效率", "Efficiency"),
    "quality": ("质量", "Quality"),
    "effect": ("效果", "Effect"),
    "enforcement": ("执行", "Enforcement"),
    "source": ("一站式与诉源治理", "One-stop and source governance"),
    "management": ("审判管理", "Management"),
    "visits": ("访源治理", "Letters and visits"),
}


def group_name(group: str, lang: str = "zh") -> str:
    return GROUPS[group][0 if lang == "zh" else 1]


class Kind(StrEnum):
    COUNT = "count"
    RATIO = "ratio"
    MEAN = "mean"
    PER10K = "per10k"
    BALANCE = "balance"


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NONE = "none"


class Unit(StrEnum):
    CASES = "件"
    PERCENT = "%"
    DAYS = "天"
    TIMES = "x"
    PER10K = "件/万人"
    PER10K_CLOSED = "件/万件"  # per 10,000 cases closed, not residents
    INDEX = ""


class Format(StrEnum):
    """How a value is written (present/format.py)."""
    COUNT = "count"                  # 12,345件
    PERCENT = "percent"              # 96.52%
    ONE_TO_X = "one_to_x"            # 1 : 1.35
    DAYS = "days"                    # 45.2天
    CASES_DECIMAL = "cases_decimal"  # 123.4件
    PER10K = "per10k"                # 3.21件/万人
    PER10K_CLOSED = "per10k_closed"  # 321.4件/万件 (per 10,000 cases closed)
    RATIO = "ratio"                  # 0.947 (sits near 1: a third decimal tells 0.947 from 0.95)
    INDEX = "index"                  # 0.85


class Part(StrEnum):
    NUMERATOR = "numerator"
    DENOMINATOR = "denominator"


class View(StrEnum):
    """Where an indicator appears besides the comparison, trends and definitions (all of them)."""
    OVERVIEW = "overview"              # headline cards on 态势总览
    SUMMARY = "summary"                # the written summary's first sentence
    SCREEN_CARDS = "screen_cards"      # 大屏 headline cards
    SCREEN_HEAT = "screen_heat"        # 大屏 heat map of courts × indicators
    BRIEFING = "briefing"              # 会商报告 headline table
    BRIEFING_UNITS = "briefing_units"  # 会商报告 unit comparison table
    ENFORCEMENT = "enforcement"        # 执行 page: the 3+1 indicators
    SOURCE = "source"                  # 诉源治理 page
    FLOW = "flow"                      # the 收结存 chart by month (overview, big screen, briefing)
    MANAGEMENT = "management"          # 审判管理 page
    BUSINESS = "business"              # 营商环境 page: 涉企 cases against all cases
    SOURCE_VISITS = "source_visits"    # 访源治理 page: letters and visits (spec v3)
    THREE_SUIT = "three_suit"          # 诉源·案源·访源 side by side (诉源治理 page): 诉源
    THREE_CASE = "three_case"          # … 案源
    THREE_VISITS = "three_visits"      # … 访源


@dataclass(frozen=True, kw_only=True)
class Indicator:
    id: str
    zh: str
    en: str
    group: str
    kind: Kind
    numerator: str | None
    denominator: str | None
    direction: Direction
    unit: Unit
    format: Format
    drill: Part
    views: frozenset[View]
    formula_zh: str
    formula_en: str
    needs_judge_list: bool = False  # no value at all when the database holds no judges list

    def name(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def formula(self, lang: str = "zh") -> str:
        return self.formula_zh if lang == "zh" else self.formula_en

    @property
    def needs_visits(self) -> bool:
        """No value at all while the database holds no visits list (spec v3)."""
        return sources.of(self.numerator) is sources.VISITS

    @property
    def is_rate(self) -> bool:
        """Rates (values between 0 and 1) change in percentage points; the rest relatively."""
        return self.unit is Unit.PERCENT

    @property
    def drill_measure(self) -> str:
        """The measure whose cases a drill-down lists."""
        return self.denominator if self.drill is Part.DENOMINATOR else self.numerator

    def combine(self, num, den):
        """The value from its numerator and denominator (arrays, or numbers for one value): the
        numerator for a count, else num ÷ den (× 10,000 per 10k), NaN where den is not > 0.
        (BALANCE is computed from the monthly counts: engine._balance.)"""
        num = np.asarray(num, dtype=float)
        if self.kind is Kind.COUNT:
            return num
        den = np.asarray(den, dtype=float)
        scale = 10000 if self.kind is Kind.PER10K else 1
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den > 0, num * scale / np.where(den > 0, den, 1), np.nan)


CATALOGUE: list[Indicator] = [
    Indicator(id="received", zh="新收", en="cases received", group="volume", kind=Kind.COUNT,
              numerator="received", denominator=None, direction=Direction.NONE,
              unit=Unit.CASES, format=Format.COUNT, drill=Part.NUMERATOR,
              views=frozenset({View.BUSINESS, View.FLOW, View.OVERVIEW, View.BRIEFING, View.BRIEFING_UNITS, View.SCREEN_CARDS, View.SUMMARY, View.THREE_CASE}),
              formula_zh="期内立案的受理案件数",
              formula_en="counted cases filed in the period"),
    Indicator(id="carried_over", zh="旧存", en="carried over", group="volume", kind=Kind.COUNT,
              numerator="carried_over", denominator=None, direction=Direction.NONE,
              unit=Unit.CASES, format=Format.COUNT, drill=Part.NUMERATOR,
              views=frozenset(),
              formula_zh="期初前立案、期初时未结的案件数",
              formula_en="filed before the start and not closed before it"),
    Indicator(id="closed", zh="已结", en="cases closed", group="volume", kind=Kind.COUNT,
              numerator="closed", denominator=None, direction=Direction.NONE,
              unit=Unit.CASES, format=Format.COUNT, drill=Part.NUMERATOR,
              views=frozenset({View.BUSINESS, View.FLOW, View.OVERVIEW, View.BRIEFING, View.BRIEFING_UNITS, View.SCREEN_CARDS, View.SUMMARY}),
              formula_zh="期内结案的受理案件数",
              formula_en="counted cases closed in the period"),
    Indicator(id="pending", zh="未结", en="pending at end", group="volume", kind=Kind.COUNT,
              numerator="pending", denominator=None, direction=Direction.NONE,
              unit=Unit.CASES, format=Format.COUNT, drill=Part.NUMERATOR,
              views=frozenset({View.FLOW, View.OVERVIEW, View.BRIEFING, View.SCREEN_CARDS, View.SUMMARY}),
              formula_zh="期末未结案件数（旧存＋新收－已结）",
              formula_en="pending at the end (carried over + received − closed)"),
    Indicator(id="clearance_ratio", zh="结收比", en="clearance ratio", group="efficiency", kind=Kind.RATIO,
              numerator="closed", denominator="received", direction=Direction.HIGHER,
              unit=Unit.TIMES, format=Format.RATIO, drill=Part.DENOMINATOR,
              views=frozenset({View.OVERVIEW, View.BRIEFING, View.BRIEFING_UNITS, View.SCREEN_CARDS, View.SCREEN_HEAT, View.SUMMARY}),
              formula_zh="已结 ÷ 新收",
              formula_en="closed ÷ received"),
    Indicator(id="closure_rate", zh="结案率", en="closure rate", group="efficiency", kind=Kind.RATIO,
              numerator="closed", denominator="on_hand", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset({View.BRIEFING, View.SCREEN_HEAT}),
              formula_zh="已结 ÷（旧存＋新收）",
              formula_en="closed ÷ (carried over + received)"),
    Indicator(id="within_limit_rate", zh="审限内结案率", en="closed within time limit", group="efficiency", kind=Kind.RATIO,
              numerator="closed_within_limit", denominator="closed", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset({View.BUSINESS, View.OVERVIEW, View.BRIEFING, View.BRIEFING_UNITS, View.SCREEN_CARDS, View.SCREEN_HEAT, View.SUMMARY}),
              formula_zh="审限内结案数 ÷ 已结；审限内指（结案天数－扣除天数）≤ 审限＋延长天数",
              formula_en="closed with (days − deducted) ≤ limit + extension ÷ closed"),
    Indicator(id="avg_duration", zh="平均审理天数", en="average days to close", group="efficiency", kind=Kind.MEAN,
              numerator="closed_days_sum", denominator="closed", direction=Direction.LOWER,
              unit=Unit.DAYS, format=Format.DAYS, drill=Part.DENOMINATOR,
              views=frozenset({View.BUSINESS, View.OVERVIEW, View.BRIEFING, View.BRIEFING_UNITS, View.SCREEN_CARDS, View.SCREEN_HEAT}),
              formula_zh="期内结案案件（结案日期－立案日期）的平均天数",
              formula_en="mean of (closed − filed) days over cases closed"),
    Indicator(id="over12m_pending", zh="超12个月未结案件数", en="pending over 12 months", group="efficiency", kind=Kind.COUNT,
              numerator="over12m_pending", denominator=None, direction=Direction.LOWER,
              unit=Unit.CASES, format=Format.COUNT, drill=Part.NUMERATOR,
              views=frozenset({View.OVERVIEW, View.BRIEFING, View.BRIEFING_UNITS, View.SCREEN_CARDS}),
              formula_zh="期末未结且（期末－立案日期－扣除天数）> 365 天的案件数",
              formula_en="pending at the end with (end − filed − deducted) > 365 days"),
    Indicator(id="over12m_share", zh="超12个月未结案件占比", en="share of pending over 12 months", group="efficiency", kind=Kind.RATIO,
              numerator="over12m_pending", denominator="pending", direction=Direction.LOWER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.NUMERATOR,
              views=frozenset({View.BRIEFING, View.SCREEN_HEAT}),
              formula_zh="超12个月未结案件数 ÷ 未结",
              formula_en="pending over 12 months ÷ pending"),
    Indicator(id="closing_balance", zh="结案均衡度", en="evenness of monthly closings", group="efficiency", kind=Kind.BALANCE,
              numerator="closed", denominator=None, direction=Direction.HIGHER,
              unit=Unit.INDEX, format=Format.INDEX, drill=Part.NUMERATOR,
              views=frozenset(),
              formula_zh="max(0, 1 − 各月结案数标准差 ÷ 均值)，理想值 1；单月无值",
              formula_en="max(0, 1 − σ/μ of monthly closings); ideal 1; none for one month"),
    Indicator(id="closed_per_judge", zh="法官人均结案数", en="cases closed per judge", group="efficiency", kind=Kind.RATIO,
              numerator="closed", denominator="judges_closing", direction=Direction.HIGHER,
              unit=Unit.CASES, format=Format.CASES_DECIMAL, drill=Part.NUMERATOR,
              views=frozenset(),
              formula_zh="已结 ÷ 期内有结案的承办法官人数",
              formula_en="closed ÷ distinct judges who closed cases"),
    Indicator(id="appeal_transfer_days", zh="上诉案件移送平均天数", en="average days to transfer an appeal", group="efficiency", kind=Kind.MEAN,
              numerator="transfer_days_sum", denominator="transferred", direction=Direction.LOWER,
              unit=Unit.DAYS, format=Format.DAYS, drill=Part.DENOMINATOR,
              views=frozenset(),
              formula_zh="期内移送的一审上诉案件（移送日期－收到上诉状日期）的平均天数",
              formula_en="mean of (transferred − received) days over appeals transferred in the period"),
    Indicator(id="reversal_remand_rate", zh="一审被改判发回重审率", en="first-instance judgments reversed or remanded", group="quality", kind=Kind.RATIO,
              numerator="first_reversed", denominator="first_closed", direction=Direction.LOWER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.NUMERATOR,
              views=frozenset({View.OVERVIEW, View.BRIEFING, View.BRIEFING_UNITS, View.SCREEN_CARDS, View.SCREEN_HEAT}),
              formula_zh="期内二审改判、发回重审的案件数（计入原审法院、部门、法官）÷ 期内一审结案数",
              formula_en="appeals closed reversed or remanded (attributed to the first-instance court, division and judge) ÷ first-instance cases closed"),
    Indicator(id="appeal_reverse_remand_ratio", zh="二审改判-发回重审比", en="reversed : remanded on appeal", group="quality", kind=Kind.RATIO,
              numerator="appeal_reversed", denominator="appeal_remanded", direction=Direction.HIGHER,
              unit=Unit.TIMES, format=Format.RATIO, drill=Part.DENOMINATOR,
              views=frozenset(),
              formula_zh="二审改判数 ÷ 二审发回重审数",
              formula_en="appeals reversed ÷ appeals remanded"),
    Indicator(id="appeal_hearing_rate", zh="二审开庭率", en="appeals decided after a hearing", group="quality", kind=Kind.RATIO,
              numerator="appeal_heard", denominator="appeal_closed", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset(),
              formula_zh="二审开庭审理的结案数 ÷ 二审结案数",
              formula_en="appeals closed after a hearing ÷ appeals closed"),
    Indicator(id="mediation_rate", zh="调解率", en="mediation rate", group="effect", kind=Kind.RATIO,
              numerator="civil_mediated", denominator="civil_closed", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset({View.BUSINESS, View.OVERVIEW, View.BRIEFING, View.BRIEFING_UNITS, View.SCREEN_HEAT}),
              formula_zh="民事一审调解结案数 ÷ 民事一审结案数",
              formula_en="民初 closed by mediation ÷ 民初 closed"),
    Indicator(id="withdrawal_rate", zh="撤诉率", en="withdrawal rate", group="effect", kind=Kind.RATIO,
              numerator="civil_withdrawn", denominator="civil_closed", direction=Direction.NONE,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset(),
              formula_zh="民事一审撤诉结案数 ÷ 民事一审结案数",
              formula_en="民初 withdrawn ÷ 民初 closed"),
    Indicator(id="appeal_rate", zh="上诉率", en="appeal rate", group="effect", kind=Kind.RATIO,
              numerator="first_judged_appealed", denominator="first_judged", direction=Direction.LOWER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset(),
              formula_zh="判决结案的一审案件中被上诉的件数 ÷ 判决结案的一审案件数",
              formula_en="first-instance judgments with an appeal ÷ first-instance judgments"),
    Indicator(id="acceptance_rate", zh="一审服判息诉率", en="first-instance judgments accepted", group="effect", kind=Kind.RATIO,
              numerator="first_accepted", denominator="first_closed", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset(),
              formula_zh="无上诉、申请再审、再审的一审结案数 ÷ 一审结案数",
              formula_en="first-instance cases with no appeal, petition or retrial ÷ first-instance cases closed"),
    Indicator(id="case_proceeding_ratio", zh="案-件比", en="proceedings per dispute", group="effect", kind=Kind.RATIO,
              numerator="proceedings", denominator="first_closed", direction=Direction.LOWER,
              unit=Unit.TIMES, format=Format.ONE_TO_X, drill=Part.DENOMINATOR,
              views=frozenset({View.OVERVIEW, View.BRIEFING, View.THREE_CASE}),
              formula_zh="（一审结案数＋其衍生受理案件数）÷ 一审结案数，表示为 1 : x",
              formula_en="(first-instance cases closed + their counted descendants) ÷ first-instance cases closed, shown as 1 : x"),
    Indicator(id="enforcement_application_rate", zh="民事裁判申请执行率", en="civil judgments that go to enforcement", group="effect", kind=Kind.RATIO,
              numerator="civil_decided_enforced", denominator="civil_decided", direction=Direction.LOWER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset(),
              formula_zh="判决、调解结案的民事一审案件中进入执行的件数 ÷ 判决、调解结案的民事一审案件数",
              formula_en="民初 decided or mediated with a 执 case ÷ 民初 decided or mediated"),
    Indicator(id="exec_completion_rate", zh="执行完毕率", en="enforcement completed", group="enforcement", kind=Kind.RATIO,
              numerator="exec_completed", denominator="exec_closed", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset({View.BUSINESS, View.OVERVIEW, View.BRIEFING, View.SCREEN_HEAT, View.ENFORCEMENT}),
              formula_zh="执行完毕结案数 ÷ 执行结案数（执、执恢）",
              formula_en="closed as completed ÷ enforcement cases closed"),
    Indicator(id="exec_recovery_rate", zh="执行到位率", en="amount recovered", group="enforcement", kind=Kind.RATIO,
              numerator="exec_recovered", denominator="exec_applied", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset({View.BUSINESS, View.ENFORCEMENT}),
              formula_zh="执行到位金额 ÷ 申请执行标的额（期内执结案件）",
              formula_en="amount recovered ÷ amount applied, over enforcement cases closed"),
    Indicator(id="first_exec_termination_rate", zh="首执终本率", en="first enforcement ended for lack of assets", group="enforcement", kind=Kind.RATIO,
              numerator="first_exec_terminated", denominator="first_exec_closed", direction=Direction.LOWER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset({View.BRIEFING, View.ENFORCEMENT}),
              formula_zh="首次执行终本结案数 ÷ 首次执行结案数",
              formula_en="执 closed by 终本 ÷ 执 closed"),
    Indicator(id="exec_on_time_with_assets_rate", zh="有财产可供执行案件法定期限内实际执结率", en="cases with assets completed in the legal period", group="enforcement", kind=Kind.RATIO,
              numerator="assets_on_time", denominator="assets_closed", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset({View.ENFORCEMENT}),
              formula_zh="有财产案件中 180 天（加延长）内执行完毕的件数 ÷ 有财产可供执行的首执结案数",
              formula_en="cases with assets completed within 180 days (+ extension) ÷ 执 with assets closed"),
    Indicator(id="premediation_success_rate", zh="诉前调解成功率", en="pre-filing mediation success", group="source", kind=Kind.RATIO,
              numerator="pre_success", denominator="pre_closed", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset({View.OVERVIEW, View.BRIEFING, View.SCREEN_HEAT, View.SOURCE, View.THREE_SUIT}),
              formula_zh="诉前调解成功数 ÷ 诉前调解结案数",
              formula_en="民诉前调 successful ÷ 民诉前调 closed"),
    Indicator(id="premediation_avg_days", zh="诉前调解平均用时", en="average days of pre-filing mediation", group="source", kind=Kind.MEAN,
              numerator="pre_days_sum", denominator="pre_closed", direction=Direction.LOWER,
              unit=Unit.DAYS, format=Format.DAYS, drill=Part.DENOMINATOR,
              views=frozenset({View.SOURCE}),
              formula_zh="诉前调解结案的平均天数",
              formula_en="mean days of 民诉前调 closed"),
    Indicator(id="premediation_diversion_rate", zh="诉前调解分流率", en="disputes resolved before filing", group="source", kind=Kind.RATIO,
              numerator="pre_success", denominator="diversion_base", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset({View.SOURCE}),
              formula_zh="诉前调解成功数 ÷（诉前调解新收＋民初新收＋行初新收）",
              formula_en="民诉前调 successful ÷ (民诉前调 + 民初 + 行初 received)"),
    Indicator(id="lawsuits_per_10k", zh="万人起诉率", en="lawsuits per 10,000 residents", group="source", kind=Kind.PER10K,
              numerator="lawsuits", denominator="population", direction=Direction.LOWER,
              unit=Unit.PER10K, format=Format.PER10K, drill=Part.NUMERATOR,
              views=frozenset({View.SOURCE, View.THREE_SUIT}),
              formula_zh="（有人口数的法院）民初＋行初新收 × 10000 ÷ 辖区常住人口",
              formula_en="民初 + 行初 received at courts with a population × 10000 ÷ their population"),
    Indicator(id="procedure_change_rate", zh="简转普率", en="summary cases changed to ordinary procedure", group="management", kind=Kind.RATIO,
              numerator="summary_changed", denominator="summary_closed", direction=Direction.LOWER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.NUMERATOR,
              views=frozenset({View.MANAGEMENT, View.BRIEFING}),
              formula_zh="立案时适用简易程序或小额诉讼程序、结案时为普通程序的民初结案数 ÷ 立案时适用简易程序或小额诉讼程序的民初结案数",
              formula_en="民初 closed in ordinary procedure that started in summary or small-claims procedure ÷ 民初 closed that started in summary or small-claims procedure"),
    Indicator(id="backlog_clearance_rate", zh="年初积案化解率", en="year-start backlog cleared", group="management", kind=Kind.RATIO,
              numerator="backlog_cleared", denominator="year_start_backlog", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset({View.MANAGEMENT, View.OVERVIEW, View.BRIEFING}),
              formula_zh="上年末已超12个月未结的案件中截至期末已结的件数 ÷ 上年末超12个月未结案件数",
              formula_en="cases over 12 months old and pending at the end of last year that are closed by the period's end ÷ those cases"),
    Indicator(id="leader_closed_share", zh="院庭长办案占比", en="cases closed by court and division leaders", group="management", kind=Kind.RATIO,
              numerator="leader_closed", denominator="closed", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.NUMERATOR,
              views=frozenset({View.MANAGEMENT, View.BRIEFING}),
              formula_zh="法官名录中院庭长承办的结案数 ÷ 已结；未导入法官名录时无值",
              formula_en="cases closed by judges whose position in the judges list is a leader's ÷ closed; no value without a judges list",
              needs_judge_list=True),
    Indicator(id="four_types_review_rate", zh="四类案件阅核率", en="supervised cases reviewed by a leader", group="management", kind=Kind.RATIO,
              numerator="four_types_reviewed", denominator="four_types_closed", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset({View.MANAGEMENT, View.BRIEFING}),
              formula_zh="已阅核的四类案件结案数 ÷ 四类案件结案数",
              formula_en="supervised (four-type) cases closed that a leader reviewed ÷ supervised cases closed"),
    Indicator(id="visits_received", zh="涉诉信访件数", en="letters and visits received", group="visits", kind=Kind.COUNT,
              numerator="visits_received", denominator=None, direction=Direction.LOWER,
              unit=Unit.CASES, format=Format.COUNT, drill=Part.NUMERATOR,
              views=frozenset({View.SOURCE_VISITS}),
              formula_zh="期内登记的涉诉信访件数（写明案号的计入该案法院、部门、法官、团队，其余计入登记法院）",
              formula_en="visits received in the period (one naming a stored case counts for its court, division, judge and team; any other for the registering court)"),
    Indicator(id="visits_per_10k_closed", zh="万件结案信访率", en="visits per 10,000 cases closed", group="visits", kind=Kind.PER10K,
              numerator="visits_received", denominator="closed", direction=Direction.LOWER,
              unit=Unit.PER10K_CLOSED, format=Format.PER10K_CLOSED, drill=Part.NUMERATOR,
              views=frozenset({View.SOURCE_VISITS, View.THREE_VISITS}),
              formula_zh="期内涉诉信访件数 × 10000 ÷ 期内结案数",
              formula_en="visits received × 10000 ÷ counted cases closed"),
    Indicator(id="visits_resolution_rate", zh="信访化解率", en="visits resolved", group="visits", kind=Kind.RATIO,
              numerator="visits_resolved", denominator="visits_closed", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.NUMERATOR,
              views=frozenset({View.SOURCE_VISITS, View.THREE_VISITS}),
              formula_zh="期内办结且结果为化解息诉的信访件数 ÷ 期内办结的信访件数",
              formula_en="visits closed as resolved ÷ visits closed"),
    Indicator(id="repeat_visit_rate", zh="重复信访率", en="repeat visits", group="visits", kind=Kind.RATIO,
              numerator="visits_repeat", denominator="visits_received", direction=Direction.LOWER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.NUMERATOR,
              views=frozenset({View.SOURCE_VISITS}),
              formula_zh="期内登记的信访中同一信访人365天内再次信访的件数 ÷ 期内登记的信访件数",
              formula_en="visits received from a petitioner who visited within the 365 days before ÷ visits received"),
    Indicator(id="skip_level_rate", zh="越级信访占比", en="skip-level visits", group="visits", kind=Kind.RATIO,
              numerator="visits_skip_level", denominator="visits_received", direction=Direction.LOWER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.NUMERATOR,
              views=frozenset({View.SOURCE_VISITS}),
              formula_zh="期内登记的越级信访件数 ÷ 期内登记的信访件数",
              formula_en="skip-level visits received ÷ visits received"),
    Indicator(id="visits_hearing_rate", zh="信访听证率", en="visits with a hearing", group="visits", kind=Kind.RATIO,
              numerator="visits_heard", denominator="visits_closed", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.NUMERATOR,
              views=frozenset({View.SOURCE_VISITS}),
              formula_zh="期内办结且经听证的信访件数 ÷ 期内办结的信访件数",
              formula_en="visits closed after a hearing ÷ visits closed"),
    Indicator(id="visits_avg_days", zh="信访平均办理天数", en="average days to close a visit", group="visits", kind=Kind.MEAN,
              numerator="visits_days_sum", denominator="visits_closed", direction=Direction.LOWER,
              unit=Unit.DAYS, format=Format.DAYS, drill=Part.NUMERATOR,
              views=frozenset({View.SOURCE_VISITS}),
              formula_zh="期内办结信访的（办结日期 − 登记日期）天数之和 ÷ 期内办结的信访件数",
              formula_en="mean of (closed − received) days over visits closed"),
    Indicator(id="visits_overdue", zh="超期未办结信访件数", en="visits pending over 60 days", group="visits", kind=Kind.COUNT,
              numerator="visits_overdue", denominator=None, direction=Direction.LOWER,
              unit=Unit.CASES, format=Format.COUNT, drill=Part.NUMERATOR,
              views=frozenset({View.SOURCE_VISITS}),
              formula_zh="期末未办结且登记已超过60天的信访件数",
              formula_en="visits pending at the end of the period received more than 60 days before it"),
    Indicator(id="retrial_reverse_remand_ratio", zh="再审改判-发回重审比", en="reversed : remanded on retrial", group="quality", kind=Kind.RATIO,
              numerator="retrial_reversed", denominator="retrial_remanded", direction=Direction.HIGHER,
              unit=Unit.TIMES, format=Format.RATIO, drill=Part.DENOMINATOR,
              views=frozenset({View.BRIEFING}),
              formula_zh="再审（民再、刑再、行再）改判数 ÷ 再审发回重审数",
              formula_en="retrials (civil, criminal, administrative) closed reversed ÷ retrials closed remanded"),
    Indicator(id="retrial_application_rate", zh="申诉申请再审率", en="petitions against decisions", group="quality", kind=Kind.RATIO,
              numerator="petitions", denominator="decisions_closed", direction=Direction.LOWER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.NUMERATOR,
              views=frozenset({View.BRIEFING}),
              formula_zh="期内受理的申诉、申请再审案件（民申、刑申、行申）中原审为一审、二审的件数（计入原审法院、部门、法官）÷ 期内一审、二审结案数",
              formula_en="petitions (civil, criminal, administrative) received against a first-instance or appeal decision (attributed to the court, division and judge of that decision) ÷ first-instance and appeal cases closed"),
    Indicator(id="auto_performance_rate", zh="民事裁判自动履行率", en="civil judgments performed without enforcement", group="effect", kind=Kind.RATIO,
              numerator="civil_decided_performed", denominator="civil_decided", direction=Direction.HIGHER,
              unit=Unit.PERCENT, format=Format.PERCENT, drill=Part.DENOMINATOR,
              views=frozenset({View.BRIEFING}),
              formula_zh="判决、调解结案的民事一审案件中未进入执行的件数 ÷ 判决、调解结案的民事一审案件数",
              formula_en="first-instance civil cases decided or mediated with no enforcement case ÷ first-instance civil cases decided or mediated"),
]
BY_ID: dict[str, Indicator] = {i.id: i for i in CATALOGUE}
IDS: list[str] = [i.id for i in CATALOGUE]


def get(indicator_id: str) -> Indicator:
    try:
        return BY_ID[indicator_id]
    except KeyError:
        raise KeyError(f"未知指标 / unknown indicator: {indicator_id}") from None


def in_view(view: View) -> list[str]:
    """The ids of a view's indicators, in catalogue order."""
    return [i.id for i in CATALOGUE if view in i.views]


def validate(catalogue: list[Indicator]) -> None:
    """Every indicator complete and every measure it names declared; raises ValueError."""
    ids = [i.id for i in catalogue]
    if len(set(ids)) != len(ids):
        raise ValueError(f"indicator ids declared twice: {sorted({i for i in ids if ids.count(i) > 1})}")
    for i in catalogue:
        where = f"indicator {i.id}"
        for field, enum in (("kind", Kind), ("direction", Direction), ("unit", Unit), ("format", Format),
                            ("drill", Part)):
            if not isinstance(getattr(i, field), enum):
                raise ValueError(f"{where}: {field} must be a {enum.__name__}")
        if not all(isinstance(v, View) for v in i.views):
            raise ValueError(f"{where}: views must be View members")
        if i.group not in GROUPS:
            raise ValueError(f"{where}: unknown group {i.group}")
        if not (i.zh and i.en and i.formula_zh and i.formula_en):
            raise ValueError(f"{where}: names and formulas in both languages are required")
        needs_denominator = i.kind in (Kind.RATIO, Kind.MEAN, Kind.PER10K)
        if i.numerator is None or (i.denominator is None) == needs_denominator:
            raise ValueError(f"{where}: a {i.kind} indicator needs a numerator"
                             f"{' and a denominator' if needs_denominator else ' and no denominator'}")
        for part in (i.numerator, i.denominator):
            if part is not None and part not in measures.BY_NAME:
                raise ValueError(f"{where}: measure {part} is not declared in metrics/measures.py")
        if i.kind is Kind.BALANCE and measures.BY_NAME[i.numerator].kind is not measures.Kind.FLOW:
            raise ValueError(f"{where}: a balance is made of a flow's monthly counts")
        if i.drill_measure is None:
            raise ValueError(f"{where}: drill names a part the indicator does not have")


validate(CATALOGUE)

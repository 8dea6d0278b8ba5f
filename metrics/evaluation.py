"""Evaluation: reference ranges (one configuration file), 达标 status, 达标率, rankings, changes."""
from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .catalogue import BY_ID, Direction, Indicator, Unit

T = TypeVar("T")

DEFAULT_CONFIG = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "config", "evaluation.toml")


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class EvaluationConfig:
    ranges: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    rankings: bool = False
    illustrative: bool = True
    weights: dict[str, float] = field(default_factory=dict)  # composite score weights (spec v2)

    def range_for(self, indicator_id: str, level: str | None = None) -> tuple[float, float] | None:
        by_level = self.ranges.get(indicator_id)
        if not by_level:
            return None
        return by_level.get(level or "", by_level.get("default"))


def config_path() -> str:
    """The evaluation file in use: SPZX_EVALUATION_CONFIG, else the project's own."""
    return os.environ.get("SPZX_EVALUATION_CONFIG") or DEFAULT_CONFIG


def read_toml(path: str, what: str) -> dict:
    """A configuration file's table; ConfigError naming `what` ("评价配置 / evaluation config")
    and the file when it cannot be read or parsed."""
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        zh, en = what.split(" / ")
        raise ConfigError(f"{zh}无法读取 / cannot read {en} {path}: {e}") from None


_parsed: dict[tuple, object] = {}  # by the file's identity: read again once it changes


def parsed_once(what: str, path: str, parse: Callable[[], T]) -> T:
    """parse() of a configuration file, made again only when the file changes (every page run and
    every indicator query asks). A file that cannot be stat'ed is parsed each time (parse says why)."""
    try:
        stat = os.stat(path)
    except OSError:
        return parse()
    key = (what, path, stat.st_ino, stat.st_mtime_ns, stat.st_size)
    if key not in _parsed:
        if len(_parsed) > 16:
            _parsed.clear()
        _parsed[key] = parse()
    return _parsed[key]


def load_config(path: str | None = None) -> EvaluationConfig:
    path = path or config_path()
    return parsed_once("evaluation", path,
                       lambda: parse_config(read_toml(path, "评价配置 / evaluation config"), path))


def load_salvaged(path: str | None = None) -> tuple[EvaluationConfig, list[str]]:
    """The file's valid settings and what is wrong with the others (评价设置 starts from these, so
    that one bad value does not blank every range); ConfigError when it cannot be parsed at all."""
    path = path or config_path()
    return _parse(read_toml(path, "评价配置 / evaluation config"), path)


def parse_config(raw: dict, where: str) -> EvaluationConfig:
    """The evaluation settings from a parsed TOML table; ConfigError names the file and every key
    that is wrong, and why (a weight or a range bound outside WEIGHT_MAX / RANGE_BOUNDS too)."""
    config, problems = _parse(raw, where)
    if problems:
        raise ConfigError("; ".join(problems))
    return config


def _parse(raw: dict, where: str) -> tuple[EvaluationConfig, list[str]]:
    problems: list[str] = []
    ranges: dict[str, dict[str, tuple[float, float]]] = {}
    for ind_id, levels in _table(raw.get("ranges", {}), "ranges", where, problems).items():
        if ind_id not in BY_ID:
            problems.append(f"{where}: 未知指标 / unknown indicator {ind_id}")
            continue
        for level, pair in _table(levels, f"ranges.{ind_id}", where, problems).items():
            if level not in RANGE_LEVELS:
                problems.append(f"{where}: {ind_id}.{level} 不是法院层级 / is not a court level "
                                f"({', '.join(RANGE_LEVELS)})")
            elif not (isinstance(pair, list) and len(pair) == 2 and all(_number(x) for x in pair) and pair[0] <= pair[1]):
                problems.append(f"{where}: [ranges.{ind_id}] {level} 应为 [下限, 上限] / must be [low, high]")
            elif problem := range_problem(ind_id, pair[0], pair[1]):
                problems.append(f"{where}: [ranges.{ind_id}] {level} = {pair}: {problem}")
            else:
                ranges.setdefault(ind_id, {})[level] = (float(pair[0]), float(pair[1]))
    weights: dict[str, float] = {}
    for ind_id, w in _table(raw.get("weights", {}), "weights", where, problems).items():
        if ind_id not in BY_ID:
            problems.append(f"{where}: [weights] 未知指标 / unknown indicator {ind_id}")
        elif problem := weight_problem(w):
            problems.append(f"{where}: [weights] {ind_id} = {w!r}: {problem}")
        else:
            weights[ind_id] = float(w)
    config = EvaluationConfig(ranges, bool(raw.get("rankings", False)), bool(raw.get("illustrative", True)), weights)
    return config, problems


def _table(found, key: str, where: str, problems: list[str]) -> dict:
    if not isinstance(found, dict):  # `weights = 5` would otherwise end in a traceback
        problems.append(f"{where}: [{key}] 应为表 / must be a table")
        return {}
    return found


# What a weight and a range bound may be, wherever they enter (评价设置, the evaluation file,
# `python -m metrics score --evaluation`): five weights of 1e308 overflow the composite's sum to
# inf, and a bound no value of the indicator can reach is a slip. Rates are fractions (0.95 = 95%).
WEIGHT_MAX = 100.0
RANGE_BOUNDS: dict[Unit, tuple[float, float]] = {
    Unit.PERCENT: (0.0, 1.0),         # a share of cases
    Unit.INDEX: (0.0, 1.0),           # 结案均衡度: max(0, 1 − σ/μ)
    Unit.DAYS: (0.0, 3650.0),         # ten years
    Unit.CASES: (0.0, 100_000_000.0),
    Unit.TIMES: (0.0, 100.0),         # 结收比, 案-件比, 改判 : 发回
    Unit.PER10K: (0.0, 10_000.0),     # per 10,000 residents: at most one each
    Unit.PER10K_CLOSED: (0.0, 1_000_000.0),
}


def weight_problem(w) -> str | None:
    """Why `w` cannot be a weight (both languages), or None: a number from 0 to WEIGHT_MAX."""
    if not _number(w) or not 0 <= w <= WEIGHT_MAX:
        return f"权重应为 ≥ 0 且 ≤ {WEIGHT_MAX:g} 的数 / a weight must be a number ≥ 0 and ≤ {WEIGHT_MAX:g}"
    return None


def range_bounds(ind_id: str) -> tuple[float, float]:
    """The lowest and highest bound a range of the indicator may have (by its unit)."""
    return RANGE_BOUNDS[BY_ID[ind_id].unit]


def range_problem(ind_id: str, low, high) -> str | None:
    """Why [low, high] cannot be the indicator's range (both languages), or None."""
    lo, hi = range_bounds(ind_id)
    if not (_number(low) and _number(high) and lo <= low <= high <= hi):
        rate = BY_ID[ind_id].is_rate
        return (f"区间应在 {lo:g} 到 {hi:g} 之间且下限不大于上限{'（比率以小数表示，0.95 即 95%）' if rate else ''} / "
                f"a range must lie within {lo:g} to {hi:g}, low not above high{' (a rate as a fraction: 0.95 = 95%)' if rate else ''}")
    return None


RANGE_LEVELS = ("default", "高级", "中级", "基层")


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def to_toml(config: EvaluationConfig) -> str:
    """The evaluation file's text for `config` (what the settings page writes)."""
    lines = ["# 审判质效指标评价设置：合理区间与综合得分权重（由“评价设置”页面写入）",
             "# Evaluation settings: reference ranges and composite-score weights (written by the settings page)",
             f"illustrative = {str(config.illustrative).lower()}", f"rankings = {str(config.rankings).lower()}", "",
             "[weights]"]
    lines += [f"{i} = {w!r}" for i, w in config.weights.items()]
    for ind_id, levels in config.ranges.items():
        lines += ["", f"[ranges.{ind_id}]"]
        lines += [f'{lv if lv == "default" else chr(34) + lv + chr(34)} = [{lo!r}, {hi!r}]'
                  for lv, (lo, hi) in levels.items()]
    return "\n".join(lines) + "\n"


def save_config(config: EvaluationConfig, path: str | None = None) -> None:
    """Write `config` to the evaluation file atomically (a reader sees the old file or the new
    one), after checking that the text reads back as the same settings."""
    path = path or config_path()
    text = to_toml(config)
    if parse_config(tomllib.loads(text), path) != config:
        raise ConfigError(f"{path}: 设置无法按原样写入 / the settings do not read back as written")
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def assess(ind: Indicator, value, rng: tuple[float, float] | None) -> tuple[str | None, str | None]:
    """(status, side): status 'meets' | 'above' | 'below' (None without range or value);
    side 'better' | 'worse' for a value outside the range, by the indicator's direction."""
    if rng is None or _missing(value):
        return None, None
    low, high = rng
    if low <= value <= high:
        return "meets", None
    status = "above" if value > high else "below"
    if ind.direction is Direction.NONE:
        return status, None
    better = (status == "above") == (ind.direction is Direction.HIGHER)
    return status, "better" if better else "worse"


def change(ind: Indicator, current, previous) -> float | None:
    """同比/环比 change: percentage points for rates, relative change for everything else."""
    if _missing(current) or _missing(previous):
        return None
    if ind.is_rate:
        return (current - previous) * 100
    if previous == 0:
        return None
    return (current - previous) / abs(previous)


def score(value, rng: tuple[float, float] | None) -> float | None:
    """An indicator's score (spec v2): 100 inside the range, falling linearly to 0 one range width
    outside it (0 at once for a zero-width range); None without a value or a range."""
    if rng is None or _missing(value):
        return None
    low, high = rng
    if low <= value <= high:
        return 100.0
    width = high - low
    if width <= 0:
        return 0.0
    distance = low - value if value < low else value - high
    return 100.0 * max(0.0, 1.0 - distance / width)


def composite(parts: list[tuple[float, float | None]]) -> tuple[float | None, float]:
    """(composite, the weights that entered it) from (weight, score) pairs: Σ weight × score ÷
    Σ weight over the scored indicators with a weight > 0; None when there is none."""
    entered = [(w, s) for w, s in parts if w > 0 and s is not None]
    total = sum(w for w, _s in entered)
    return (sum(w * s for w, s in entered) / total if entered else None), total


def meets_rate(statuses) -> float | None:
    """达标率: indicators in range ÷ indicators with both a range and a value."""
    judged = [s for s in statuses if s is not None]
    return sum(s == "meets" for s in judged) / len(judged) if judged else None


def rank(ind: Indicator, values: list) -> list[int | None]:
    """1 = best by the indicator's direction; None for no value or no direction."""
    if ind.direction is Direction.NONE:
        return [None] * len(values)
    sign = -1 if ind.direction is Direction.HIGHER else 1
    order = sorted((sign * v, i) for i, v in enumerate(values) if not _missing(v))
    out: list[int | None] = [None] * len(values)
    prev, prev_rank = None, 0
    for pos, (key, i) in enumerate(order, start=1):
        prev_rank = prev_rank if key == prev else pos
        out[i], prev = prev_rank, key
    return out

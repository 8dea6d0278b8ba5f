"""Evaluation: reference ranges (one configuration file), 达标 status, 达标率, rankings, changes."""
from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field

from .catalogue import BY_ID, Direction, Indicator

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


def load_config(path: str | None = None) -> EvaluationConfig:
    path = path or os.environ.get("SPZX_EVALUATION_CONFIG") or DEFAULT_CONFIG
    try:
        with open(path, "rb") as f:
            raw = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"评价配置无法读取 / cannot read evaluation config {path}: {e}") from None
    ranges: dict[str, dict[str, tuple[float, float]]] = {}
    for ind_id, levels in raw.get("ranges", {}).items():
        if ind_id not in BY_ID:
            raise ConfigError(f"{path}: 未知指标 / unknown indicator {ind_id}")
        ranges[ind_id] = {}
        for level, pair in levels.items():
            if not (isinstance(pair, list) and len(pair) == 2 and pair[0] <= pair[1]):
                raise ConfigError(f"{path}: {ind_id}.{level} 应为 [下限, 上限] / must be [low, high]")
            ranges[ind_id][level] = (float(pair[0]), float(pair[1]))
    weights: dict[str, float] = {}
    for ind_id, w in raw.get("weights", {}).items():
        if ind_id not in BY_ID:
            raise ConfigError(f"{path}: [weights] 未知指标 / unknown indicator {ind_id}")
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w < 0:
            raise ConfigError(f"{path}: [weights] {ind_id} 应为不小于 0 的数 / must be a number ≥ 0")
        weights[ind_id] = float(w)
    return EvaluationConfig(ranges, bool(raw.get("rankings", False)), bool(raw.get("illustrative", True)), weights)


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

"""What matching keeps for each published demand, and the score distributions the
thresholds in ``ipx.matching.matches.services`` were chosen from.

Run it against a database with the demo loaded and its vectors computed (``ipx demo``,
then ``ipx rematch``), e.g. ``IPX_VAR_DIR=/tmp/demo .venv/bin/python bench/matching_kept.py``.
Per demand: how many listings are kept, the final score at ranks 1/10/20 of the engine's
list, the cosine percentiles of the demand over the whole catalogue, the best BM25F and the
demand's fit (``services.rank_listings``' ``fit``: below GOOD_MATCH nothing is kept; "-" not judged);
then the same for control demands the catalogue has nothing for. Nothing is written.
"""

from __future__ import annotations

import os
import time
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")
django.setup()

import numpy as np  # noqa: E402

from ipx.matching.demands.language import detect_language  # noqa: E402
from ipx.matching.matches import index, services  # noqa: E402
from ipx.matching.matches.documents import demand_facts, demand_text  # noqa: E402
from ipx.matching.models import Demand  # noqa: E402

CONTROLS = (
    ("寻求高端茶叶冷泡工艺与礼盒包装设计", "我们是茶饮品牌，寻找冷泡茶萃取工艺和礼盒包装设计方案。"),
    ("寻找婚纱摄影后期修图与相册排版服务", "影楼需要外包后期人像精修、调色和相册设计。"),
    ("Organic baby food recipes and supplier", "We look for organic baby food recipes and a certified supplier of "
                                               "purees."),
    ("寻求中药材种植技术", "希望引进中药材规范化种植、病虫害绿色防控技术。"),
    ("寻找婚礼策划与场地布置服务", "酒店需要婚礼策划团队，负责舞台、灯光与鲜花布置。"),
    ("寻求网红直播带货运营团队", "服装品牌希望找到直播带货的运营团队，负责选品、脚本和主播培训。"),
    ("寻找连锁火锅店加盟品牌", "投资人希望加盟一个成熟的火锅连锁品牌，要求提供选址和培训支持。"),
    ("French poetry translation", "A publisher seeks a translator for a collection of nineteenth-century French "
                                  "poems."),
)


def describe(demand: Demand, catalogue: index.Catalogue, exclude: set[str]) -> None:
    engine = catalogue.engine
    name, text, facts = demand.title, demand_text(demand), demand_facts(demand)
    vector = index.query_vector(engine, text, facts.ipc) if catalogue.dense else None
    started = time.perf_counter()
    ranked = engine.search(text, k=services.TOP_N, method=catalogue.method, query_vector=vector, facts=facts,
                           exclude=exclude, explain=True, title=demand.title)
    millis = (time.perf_counter() - started) * 1000
    scores = [m.score for m in ranked]
    line = [f"{name[:24]:24}", f"ranked in {millis:4.0f} ms"]
    line.append("score@1/10/20 " + "/".join(f"{scores[i]:.2f}" if len(scores) > i else "-" for i in (0, 9, 19)))
    if vector is not None:
        cosines = np.array([m.dense for m in engine.search(text, k=len(engine), method="dense", query_vector=vector)])
        line.append("cos p50/p99/max {:.3f}/{:.3f}/{:.3f}".format(*np.percentile(cosines, [50, 99, 100])))
    line.append(f"bm25 max {max((m.lexical or 0 for m in ranked), default=0):6.1f}")
    kept = services.rank_listings(demand, catalogue)
    line.append(f"fit {'-' if kept.fit is None else format(kept.fit, '.2f'):>4}  kept {len(kept.listings):2d}")
    print("  ".join(line))


def main() -> None:
    catalogue = index.listing_catalogue()
    print(f"catalogue: {len(catalogue)} listings, method {catalogue.method}")
    for demand in Demand.objects.filter(status=Demand.Status.PUBLISHED).order_by("pk"):
        describe(demand, catalogue, catalogue.ids_of(demand.organisation_id))
    for title, description in CONTROLS:
        control = Demand(title=title, description=description, language=detect_language(title).language or "en",
                         ipc_codes=[], budget_max_amount=Decimal("1000000"), budget_currency="CNY")
        describe(control, catalogue, set())


if __name__ == "__main__":
    main()

"""The matching app's API: technology demands, their matches and saved listing searches."""

from ninja import Router

from ipx.matching.demands.api import router as demands_router
from ipx.matching.matches.api import router as matches_router
from ipx.matching.saved_searches.api import router as saved_searches_router

router = Router(tags=["matching"])
router.add_router("", demands_router)
router.add_router("", matches_router)
router.add_router("", saved_searches_router)

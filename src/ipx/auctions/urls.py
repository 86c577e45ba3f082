from django.urls import path

from ipx.auctions import views
from ipx.auctions.settlement import views as settlement

app_name = "auctions"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("new/", views.session_new, name="new"),
    path("<id:session_id>/", views.session_detail, name="session"),
    path("<id:session_id>/register/", views.session_register, name="register"),
    path("<id:session_id>/lots/new/", views.lot_new, name="lot_new"),
    *(path(f"<id:session_id>/{action}/", views.session_action, {"action": action}, name=f"session_{action}")
      for action in ("announce", "cancel")),
    *(path(f"registrations/<id:registration_id>/{action}/", views.registration_decide, {"action": action},
           name=f"registration_{action}") for action in ("admit", "refuse")),
    path("lots/<id:lot_id>/", views.lot_detail, name="lot"),
    *(path(f"lots/<id:lot_id>/{action}/", views.lot_action, {"action": action}, name=f"lot_{action}")
      for action in ("open", "pause", "resume", "extend", "withdraw")),
    *(path(f"lots/<id:lot_id>/settlement/{action}/", settlement.settlement_step, {"action": action},
           name=f"settlement_{action}") for action in ("pay", "accept", "decline")),
    path("lots/<id:lot_id>/runner-up/", settlement.runner_up_offer, name="runner_up"),
]
